#pragma once

#include "model/ForecastModel.h"

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

namespace spreadcast {

// A member's state at an output time, from which its forecast continues after a device fault or
// in its next lead-time segment. Small states stay in memory; a large one lives in a file of the
// run's resume folder, removed with the last reference to the checkpoint, so that a queue of
// waiting units costs no memory however large the model's states are.
class Checkpoint {
public:
    Checkpoint(const Checkpoint&) = delete;
    Checkpoint& operator=(const Checkpoint&) = delete;
    ~Checkpoint();
    // A new state equal to the one saved. Throws std::runtime_error when a spilled state's file
    // cannot be read back.
    std::unique_ptr<MemberState> restore() const;
    bool onDisk() const { return !path_.empty(); }
    const std::string& path() const { return path_; }

private:
    friend class CheckpointStore;
    Checkpoint(const ForecastModel& model, std::unique_ptr<MemberState> state, std::string path);

    const ForecastModel& model_;
    std::unique_ptr<MemberState> state_;  // in memory
    std::string path_;                    // or on disk
};

// Makes checkpoints for one run: a clone in memory while the model's states are smaller than the
// spill threshold, else the model's serialized bytes in `folder` (created when first needed,
// removed when empty at the end). Saving a spilled checkpoint holds one serialized copy of the
// state for as long as the write takes; restoring one holds the file's bytes while they are
// deserialized.
class CheckpointStore {
public:
    // 64 MiB: the shallow-water model's states (under 8 MiB even at T341) never reach it, so its
    // retries stay in memory as before; a learned model's states (GraphCast at 0.25°: several
    // GiB) always do, and the time to write one is small beside the time to compute one output
    // interval for it.
    static constexpr std::size_t defaultSpillBytes = std::size_t{64} << 20;

    CheckpointStore(const ForecastModel& model, std::string folder, std::size_t spillBytes = defaultSpillBytes);
    ~CheckpointStore();
    CheckpointStore(const CheckpointStore&) = delete;
    CheckpointStore& operator=(const CheckpointStore&) = delete;

    // Whether this run's checkpoints go to disk.
    bool spills() const { return spills_; }
    // Throws std::runtime_error naming the file when a spilled state cannot be written.
    std::shared_ptr<const Checkpoint> save(int member, const MemberState& state);

private:
    const ForecastModel& model_;
    std::string folder_;
    bool spills_ = false;
    std::atomic<long long> saved_{0};
};

}  // namespace spreadcast
