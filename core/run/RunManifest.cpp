#include "run/RunManifest.h"

#include "run/InputError.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace spreadcast {
namespace {

namespace fs = std::filesystem;

constexpr const char* manifestFormat = "spreadcast-resume-1";

// Writes the bytes to path.tmp, flushes them to the disk and renames it over path.
void replaceFile(const fs::path& path, const std::string& bytes)
{
    const fs::path temporary = path.string() + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            throw std::runtime_error("cannot write '" + temporary.string() +
                                     "': check that the disk is not full and the folder is writable");
        }
    }
    const int descriptor = ::open(temporary.c_str(), O_RDONLY);
    if (descriptor >= 0) {
        ::fsync(descriptor);
        ::close(descriptor);
    }
    std::error_code error;
    fs::rename(temporary, path, error);
    if (error) {
        throw std::runtime_error("cannot replace '" + path.string() + "': " + error.message());
    }
}

}  // namespace

std::string resumeFolder(const std::string& outputPath)
{
    return outputPath + ".resume";
}

void writeRunManifest(const std::string& outputPath, const RunManifest& manifest, const std::string& statistics)
{
    const fs::path folder = resumeFolder(outputPath);
    std::error_code error;
    fs::create_directories(folder, error);
    if (error) {
        throw std::runtime_error("cannot create '" + folder.string() + "': " + error.message());
    }
    replaceFile(folder / "statistics.bin", statistics);
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& [member, reason] : manifest.failures) {
        failures.push_back({{"member", member}, {"reason", reason}});
    }
    const nlohmann::json json{
        {"format", manifestFormat},
        {"output", fs::path(outputPath).filename().string()},
        {"run_spec", toJson(manifest.spec)},
        {"history", manifest.history},
        {"finished_members", manifest.finishedMembers},
        {"failed_members", failures},
    };
    replaceFile(folder / "manifest.json", json.dump(1));
}

RunManifest readRunManifest(const std::string& outputPath)
{
    const fs::path path = fs::path(resumeFolder(outputPath)) / "manifest.json";
    std::ifstream in(path);
    if (!in) {
        throw InputError("cannot resume '" + outputPath + "': its manifest '" + path.string() +
                         "' is missing (the run finished, or was never started with this output); start the run "
                         "again, with --force to overwrite the file");
    }
    try {
        const nlohmann::json json = nlohmann::json::parse(in);
        if (json.at("format").get<std::string>() != manifestFormat) {
            throw std::invalid_argument("format " + json.at("format").dump());
        }
        RunManifest manifest;
        manifest.spec = runSpecFromJson(json.at("run_spec"));
        manifest.spec.outputPath = outputPath;
        manifest.history = json.value("history", std::string());
        manifest.finishedMembers = json.at("finished_members").get<std::vector<int>>();
        for (const auto& failure : json.at("failed_members")) {
            manifest.failures.emplace_back(failure.at("member").get<int>(), failure.at("reason").get<std::string>());
        }
        for (int member : manifest.finishedMembers) {
            if (member < 0 || member >= manifest.spec.members) {
                throw std::invalid_argument("finished member " + std::to_string(member) + " out of range");
            }
        }
        return manifest;
    } catch (const std::exception& error) {
        throw InputError("cannot resume '" + outputPath + "': its manifest '" + path.string() + "' is damaged (" +
                         error.what() + "); start the run again with --force");
    }
}

std::string readStatisticsSnapshot(const std::string& outputPath)
{
    const fs::path path = fs::path(resumeFolder(outputPath)) / "statistics.bin";
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError("cannot resume '" + outputPath + "': '" + path.string() +
                         "' is missing; start the run again with --force");
    }
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

void removeRunManifest(const std::string& outputPath)
{
    std::error_code error;
    fs::remove_all(resumeFolder(outputPath), error);
}

}  // namespace spreadcast
