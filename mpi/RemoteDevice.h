#pragma once

#include "MpiTransport.h"
#include "WireFormat.h"

#include "device/Device.h"

#include <atomic>
#include <memory>
#include <string>

namespace spreadcast::mpi {

// A device of another MPI rank, on rank 0 ("rank1/cpu/0"). Its worker is a proxy: advance() sends
// the batch's serialized states and the step count to the owning rank, whose own worker advances
// them, and takes back the states and any blow-ups; fields() sends a state and takes back its
// grid fields; the remote worker's measures come with every reply. A DeviceFault on the remote
// rank comes back as a DeviceFault here, and so does a rank that does not answer within the
// watchdog time or a cancelled run, so that the controller moves the members elsewhere.
class RemoteDevice : public Device {
public:
    struct Link {
        MpiTransport* transport = nullptr;
        int rank = 0;
        int device = 0;                // the device's index on its rank
        int preferredSteps = 1;        // steps per request: an output interval keeps messages few
        double watchdogSeconds = 0.0;  // the longest wait for an answer
        const std::atomic<bool>* cancel = nullptr;
    };

    RemoteDevice(Link link, OfferedDevice offered) : link_(link), offered_(std::move(offered)) {}
    std::string name() const override { return "rank" + std::to_string(link_.rank) + "/" + offered_.name; }
    std::string backend() const override { return offered_.backend; }
    long long availableMemoryBytes() const override { return offered_.availableMemoryBytes; }
    int preferredBatch() const override { return offered_.preferredBatch; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override;

private:
    Link link_;
    OfferedDevice offered_;
};

}  // namespace spreadcast::mpi
