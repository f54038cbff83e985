#pragma once

// A device worker for a batched model (the CUDA model, or its host twin): the controller's side
// of the GPU backend, kept free of CUDA so that the CPU tests drive it through the controller.

#include "device/Device.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace spreadcast::gpu {

// The device itself failed (a CUDA error, …): the worker turns it into a DeviceFault naming it.
class BackendError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A model that steps many members at once (gpu/shallowwater/: GpuModel, HostBatchedModel), made
// by the executors a model registers (BatchedExecutors.h).
class BatchedModel {
public:
    virtual ~BatchedModel() = default;
    // Advances the members; a member that blows up stops at that step and is reported.
    virtual std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) = 0;
    // The output fields of the members (their states are only read).
    virtual std::vector<GridFields> fields(std::span<MemberState* const> members) = 0;
    // Whether the worker should ask for a whole batch's fields at once and keep them until asked
    // (the device computes them together); false where a member's fields are a cheap copy of its
    // state, which the cache would only duplicate (GraphCast: 0.7 GB a member at 0.25°).
    virtual bool fieldsByBatch() const { return true; }
    virtual long long allocatedBytes() const = 0;
    // A hash of everything of a state that advance() and fields() read: the worker's cache of
    // output fields is valid while it is unchanged.
    virtual std::uint64_t hashState(const MemberState& member) const = 0;
};

// The hardware's readings (NVML), merged into the worker's measures; may be empty.
using HardwareReadings = std::function<void(DeviceMeasures&)>;

class BatchedWorker : public DeviceWorker {
public:
    BatchedWorker(std::unique_ptr<BatchedModel> model, std::string label, HardwareReadings readings = {});

    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override;
    // Output times come for a whole batch: the first request after a step computes the fields of
    // every member of the batch at once; the others are served from that.
    GridFields fields(const MemberState& member) override;
    // A call queues its steps on the device without waiting: the longer, the less the fixed cost
    // of copying the states in and out counts.
    int preferredSteps() const override { return 1 << 20; }
    DeviceMeasures measures() const override;
    void holdMembers(int count) override;

private:
    struct CachedFields {
        std::uint64_t hash = 0;
        GridFields fields;
    };
    void addBusy(double seconds);

    std::unique_ptr<BatchedModel> model_;
    std::string label_;  // "gpu/0 (NVIDIA H100 …)", for messages
    HardwareReadings readings_;
    std::vector<MemberState*> lastBatch_;
    std::unordered_map<const MemberState*, CachedFields> cache_;
    mutable std::mutex mutex_;
    double busySeconds_ = 0.0;
};

// The host twin as a device, for tests of the GPU backend's controller side without a GPU: its
// backend is "host-batched" (its results agree with the CPU backend's only to rounding).
std::unique_ptr<Device> makeHostBatchedDevice(int index, int batch);

}  // namespace spreadcast::gpu
