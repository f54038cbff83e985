#include "run/Scheduler.h"

#include "run/InputError.h"

#include <algorithm>
#include <utility>

namespace spreadcast {

DeviceCapacity capacityOf(const Device& device)
{
    return {device.name(), device.availableMemoryBytes(), device.preferredBatch()};
}

std::vector<int> planBatchSizes(const std::vector<DeviceCapacity>& devices, long long memberBytes,
                                long long workspaceBytes, int requestedBatch, int members,
                                std::vector<std::string>& events)
{
    std::vector<int> batchSizes;
    for (const DeviceCapacity& device : devices) {
        const long long room = device.availableMemoryBytes - workspaceBytes;
        const long long fit = room > 0 ? room / std::max(1LL, memberBytes) : 0;
        if (fit < 1) {
            throw InputError("device " + device.name + " has " + std::to_string(device.availableMemoryBytes >> 20) +
                             " MiB free, too little for one member of this forecast (" +
                             std::to_string((memberBytes + workspaceBytes) >> 20) +
                             " MiB): choose a lower truncation or free memory");
        }
        const int wanted = requestedBatch > 0 ? requestedBatch : device.preferredBatch;
        batchSizes.push_back(static_cast<int>(std::min<long long>(wanted, fit)));
        if (requestedBatch > fit) {
            events.push_back("device " + device.name + ": batch size " + std::to_string(requestedBatch) +
                             " does not fit its free memory; it takes " + std::to_string(fit) + " at a time");
        }
    }
    if (requestedBatch == 0) {
        const int deviceCount = static_cast<int>(devices.size());
        const int share = (members + deviceCount - 1) / std::max(1, deviceCount);
        for (int& batch : batchSizes) {
            batch = std::max(1, std::min(batch, share));
        }
    }
    return batchSizes;
}

std::vector<int> planBatchSizes(const std::vector<std::unique_ptr<Device>>& devices, const ForecastModel& model,
                                const RunSpec& spec, std::vector<std::string>& events)
{
    std::vector<DeviceCapacity> capacities;
    for (const auto& device : devices) {
        capacities.push_back(capacityOf(*device));
    }
    return planBatchSizes(capacities, 2 * static_cast<long long>(model.stateBytes()),
                          static_cast<long long>(model.workspaceBytes()), spec.batchSize, spec.members, events);
}

Scheduler::Scheduler(const std::vector<int>& members, bool speculate, std::vector<int> batchSizes)
    : queue_(members, speculate), batchSizes_(std::move(batchSizes))
{
}

}  // namespace spreadcast
