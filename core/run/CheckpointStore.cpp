#include "run/CheckpointStore.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

namespace spreadcast {

namespace fs = std::filesystem;

Checkpoint::Checkpoint(const ForecastModel& model, std::unique_ptr<MemberState> state, std::string path)
    : model_(model), state_(std::move(state)), path_(std::move(path))
{
}

Checkpoint::~Checkpoint()
{
    if (!path_.empty()) {
        std::error_code ignored;  // a file that is already gone is what we want
        fs::remove(path_, ignored);
    }
}

std::unique_ptr<MemberState> Checkpoint::restore() const
{
    if (state_) {
        return state_->clone();
    }
    std::ifstream in(path_, std::ios::binary | std::ios::ate);
    if (!in) {
        throw std::runtime_error("cannot read the checkpoint '" + path_ +
                                 "': it was removed or the disk failed; start the run again");
    }
    const auto size = static_cast<std::size_t>(in.tellg());
    // Not zeroed first: for a state of gigabytes that would be one more pass over its memory.
    const auto bytes = std::make_unique_for_overwrite<std::byte[]>(size);
    in.seekg(0);
    in.read(reinterpret_cast<char*>(bytes.get()), static_cast<std::streamsize>(size));
    if (!in) {
        throw std::runtime_error("cannot read the checkpoint '" + path_ + "' back whole; start the run again");
    }
    try {
        return model_.deserialize(std::span<const std::byte>(bytes.get(), size));
    } catch (const std::invalid_argument& error) {
        throw std::runtime_error("the checkpoint '" + path_ + "' is damaged (" + error.what() +
                                 "); start the run again");
    }
}

CheckpointStore::CheckpointStore(const ForecastModel& model, std::string folder, std::size_t spillBytes)
    : model_(model), folder_(std::move(folder)), spills_(model.stateBytes() >= spillBytes)
{
}

CheckpointStore::~CheckpointStore()
{
    if (spills_) {
        std::error_code ignored;  // not there, or a checkpoint of another run still in it: keep it
        fs::remove(folder_, ignored);
    }
}

std::shared_ptr<const Checkpoint> CheckpointStore::save(int member, const MemberState& state)
{
    if (!spills_) {
        return std::shared_ptr<const Checkpoint>(new Checkpoint(model_, state.clone(), {}));
    }
    // A name of its own for every checkpoint: two copies of a member (speculation) may save the
    // same time at once, and the older checkpoint stays valid until the newer one replaces it.
    const std::string path =
        (fs::path(folder_) / ("member-" + std::to_string(member) + "-" + std::to_string(saved_++) + ".state")).string();
    std::error_code error;
    fs::create_directories(folder_, error);
    {
        const std::vector<std::byte> bytes = model_.serialize(state);
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(path, ignored);
            throw std::runtime_error("cannot write the checkpoint '" + path + "' (" +
                                     std::to_string(bytes.size() >> 20) +
                                     " MiB): check that the disk is not full and the folder is writable");
        }
    }
    return std::shared_ptr<const Checkpoint>(new Checkpoint(model_, nullptr, path));
}

}  // namespace spreadcast
