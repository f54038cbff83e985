// `spreadcast-cli devices`: what a run can use here — CPU cores, GPUs — and why a GPU was skipped.
#include "Commands.h"

#include "device/GpuInventory.h"

#include <nlohmann/json.hpp>

#include <sched.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace spreadcast::cli {
namespace {

struct CpuDescription {
    unsigned int cores = 0;        // std::thread::hardware_concurrency
    unsigned int usableCores = 0;  // in this process's CPU affinity mask; 0 when unknown
    std::string model;             // empty when /proc/cpuinfo does not say
};

std::string trimmed(const std::string& text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos)
        return {};
    const auto last = text.find_last_not_of(" \t\r");
    return text.substr(first, last - first + 1);
}

std::string cpuModelName()
{
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = trimmed(line.substr(0, colon));
        if (key == "model name" || key == "Model" || key == "cpu model")
            return trimmed(line.substr(colon + 1));
    }
    return {};
}

CpuDescription describeCpu()
{
    CpuDescription cpu;
    cpu.cores = std::thread::hardware_concurrency();
    cpu_set_t affinity;
    CPU_ZERO(&affinity);
    if (sched_getaffinity(0, sizeof(affinity), &affinity) == 0)
        cpu.usableCores = static_cast<unsigned int>(CPU_COUNT(&affinity));
    cpu.model = cpuModelName();
    return cpu;
}

std::vector<std::string> cpuNotes(const CpuDescription& cpu)
{
    std::vector<std::string> notes;
    if (cpu.cores == 0)
        notes.push_back("the number of CPU cores could not be determined");
    if (cpu.usableCores != 0 && cpu.cores != 0 && cpu.usableCores < cpu.cores)
        notes.push_back("this process may run on only " + std::to_string(cpu.usableCores) + " of the " +
                        std::to_string(cpu.cores) + " CPU cores (CPU affinity: taskset, a container's cpuset, …)");
    return notes;
}

std::string computeCapability(const GpuDescription& gpu)
{
    return std::to_string(gpu.computeCapabilityMajor) + '.' + std::to_string(gpu.computeCapabilityMinor);
}

std::string cudaVersionText(int version)
{
    return std::to_string(version / 1000) + '.' + std::to_string(version % 1000 / 10);
}

std::string gibibytes(std::uint64_t bytes)
{
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return text;
}

nlohmann::json toJson(const CpuDescription& cpu, const GpuInventory& inventory, const std::vector<std::string>& notes)
{
    nlohmann::json gpus = nlohmann::json::array();
    for (const GpuDescription& gpu : inventory.gpus) {
        gpus.push_back({{"index", gpu.index},
                        {"name", gpu.name},
                        {"computeCapability", computeCapability(gpu)},
                        {"multiprocessors", gpu.multiprocessors},
                        {"totalMemoryBytes", gpu.totalMemoryBytes},
                        {"freeMemoryBytes", gpu.freeMemoryBytes}});
    }
    const auto versionOrNull = [](int version) {
        return version > 0 ? nlohmann::json(cudaVersionText(version)) : nlohmann::json(nullptr);
    };
    return {{"cpu",
             {{"cores", cpu.cores},
              {"usableCores", cpu.usableCores ? nlohmann::json(cpu.usableCores) : nlohmann::json(nullptr)},
              {"model", cpu.model.empty() ? nlohmann::json(nullptr) : nlohmann::json(cpu.model)}}},
            {"gpuBackend",
             {{"built", inventory.backendBuilt},
              {"cudaDriver", versionOrNull(inventory.driverVersion)},
              {"cudaRuntime", versionOrNull(inventory.runtimeVersion)}}},
            {"gpus", gpus},
            {"notes", notes}};
}

void printText(std::ostream& out, const CpuDescription& cpu, const GpuInventory& inventory,
               const std::vector<std::string>& notes)
{
    out << "CPU: " << cpu.cores << (cpu.cores == 1 ? " core" : " cores");
    if (cpu.usableCores != 0 && cpu.usableCores < cpu.cores)
        out << " (" << cpu.usableCores << " usable by this process)";
    if (!cpu.model.empty())
        out << ", " << cpu.model;
    out << '\n';

    out << "GPU backend: ";
    if (!inventory.backendBuilt)
        out << "not built";
    else
        out << "CUDA, runtime " << cudaVersionText(inventory.runtimeVersion) << ", driver "
            << (inventory.driverVersion > 0 ? cudaVersionText(inventory.driverVersion) : std::string("none"));
    out << '\n';

    if (inventory.gpus.empty())
        out << "GPUs: none usable\n";
    for (const GpuDescription& gpu : inventory.gpus) {
        out << "GPU " << gpu.index << ": " << gpu.name << ", compute capability " << computeCapability(gpu) << ", "
            << gpu.multiprocessors << " SMs, " << gibibytes(gpu.totalMemoryBytes) << " memory, "
            << gibibytes(gpu.freeMemoryBytes) << " free\n";
    }
    if (!notes.empty()) {
        out << "Notes:\n";
        for (const std::string& note : notes)
            out << "  - " << note << '\n';
    }
}

}  // namespace

void addDevicesCommand(CLI::App& app)
{
    CLI::App* devices =
        app.add_subcommand("devices", "List the GPUs and CPU cores a run can use, and why a GPU was skipped");
    auto json = std::make_shared<bool>(false);
    devices->add_flag("--json", *json, "Print machine-readable JSON (keys cpu, gpuBackend, gpus, notes)");
    devices->callback([json] {
        const CpuDescription cpu = describeCpu();
        const GpuInventory inventory = discoverGpus();
        std::vector<std::string> notes = cpuNotes(cpu);
        notes.insert(notes.end(), inventory.notes.begin(), inventory.notes.end());
        if (*json)
            std::cout << toJson(cpu, inventory, notes).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                      << '\n';
        else
            printText(std::cout, cpu, inventory, notes);
        std::cout.flush();
        if (!std::cout) {
            std::cerr << "spreadcast-cli devices: cannot write to standard output\n";
            throw CLI::RuntimeError(1);
        }
    });
}

}  // namespace spreadcast::cli
