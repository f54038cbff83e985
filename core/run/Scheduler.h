#pragma once

#include "device/Device.h"
#include "run/RunSpec.h"
#include "run/WorkQueue.h"

#include <memory>
#include <string>
#include <vector>

namespace spreadcast {

// What batch sizing needs to know of a device.
struct DeviceCapacity {
    std::string name;
    long long availableMemoryBytes = 0;
    int preferredBatch = 1;
};
DeviceCapacity capacityOf(const Device& device);

// The most members each device takes at once: its preference (or `requestedBatch` when positive)
// as far as its free memory holds `memberBytes` per member beside one `workspaceBytes`. Unless a
// batch size was requested no device takes more than its share of the `members`, so that with
// several GPUs (whose preferred batches are large) the first to ask does not take them all while
// the others idle. A requested batch that does not fit is cut, with a note in `events`. Throws
// InputError when a device cannot hold even one member.
std::vector<int> planBatchSizes(const std::vector<DeviceCapacity>& devices, long long memberBytes,
                                long long workspaceBytes, int requestedBatch, int members,
                                std::vector<std::string>& events);

// The same for a run's devices and model: a member holds its state and, for a while, a
// checkpoint or its serialized bytes.
std::vector<int> planBatchSizes(const std::vector<std::unique_ptr<Device>>& devices, const ForecastModel& model,
                                const RunSpec& spec, std::vector<std::string>& events);

// Hands the run's work units to the devices: one queue that the device loops pull from, each
// taking up to its batch size.
class Scheduler {
public:
    Scheduler(const std::vector<int>& members, bool speculate, std::vector<int> batchSizes);
    // The next batch for device `device`; empty when there is no more work (see WorkQueue::take).
    std::vector<WorkUnit> take(int device) { return queue_.take(batchSize(device)); }
    int batchSize(int device) const { return batchSizes_[static_cast<std::size_t>(device)]; }
    WorkQueue& queue() { return queue_; }

private:
    WorkQueue queue_;
    std::vector<int> batchSizes_;
};

}  // namespace spreadcast
