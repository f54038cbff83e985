#pragma once

#include "model/ForecastModel.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace spreadcast {

// What a device worker has measured about itself, for the controller's telemetry.
struct DeviceMeasures {
    long long memoryInUseBytes = 0;  // states and scratch the worker holds now
    long long peakMemoryBytes = 0;   // the most it has held
    double busySeconds = 0.0;        // time spent computing (advance and fields)
    // What the hardware itself reports (a GPU through NVML); negative where the device cannot
    // tell. A hardware utilization is preferred to the busy-time estimate.
    double utilizationPercent = -1.0;  // share of the last sample period a kernel ran, 0 … 100
    double temperatureCelsius = -1.0;
    double powerWatts = -1.0;
};

// A member of a batch that blew up; the batch's other members advanced normally.
struct MemberBlowUp {
    int index = 0;  // in the batch
    std::int64_t step = 0;
    std::string message;
};

// One device bound to one forecast model, driven by one controller thread. It advances batches
// of members and turns states into output fields; a member's result must not depend on the
// batch, the device or the worker (DESIGN.md, contract 1). Throws DeviceFault when the device
// itself fails (a CUDA error, a lost rank); a member whose model blows up is reported and left
// behind, and the others of its batch go on.
class DeviceWorker {
public:
    virtual ~DeviceWorker() = default;
    virtual std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) = 0;
    virtual GridFields fields(const MemberState& member) = 0;
    // Steps the controller asks for at once between its checks of cancel and faults: 1 for a
    // CPU core, more where a call has a fixed cost (a remote rank, a GPU launch).
    virtual int preferredSteps() const { return 1; }
    virtual DeviceMeasures measures() const = 0;
    // Members of one batch are held in memory together.
    virtual void holdMembers(int count) = 0;
};

// A compute device as the controller sees it: a CPU worker, a GPU, a remote MPI rank's worker.
class Device {
public:
    virtual ~Device() = default;
    virtual std::string name() const = 0;     // "cpu/0", "gpu/1", "rank1/cpu/0"
    virtual std::string backend() const = 0;  // members of one run never mix backends
    // Memory the device can give this run, bytes (for batch sizing).
    virtual long long availableMemoryBytes() const = 0;
    // The largest batch worth running at once when memory allows: 1 where members are computed
    // one after another anyway (a CPU core), many where a batch runs in parallel (a GPU).
    virtual int preferredBatch() const = 0;
    // Binds the device to a model; called on the thread that will drive it.
    virtual std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) = 0;
};

// The CPU backend: `workers` devices, each one thread of this process with its own workspace.
std::vector<std::unique_ptr<Device>> makeCpuDevices(int workers);

// Which devices a run uses: "auto" (every GPU, or every core when there is none), "cpu" (every
// core), "cpu:N" (N workers; N may exceed the core count), "gpu", "gpu:0,2", "all". A GPU listed
// twice ("gpu:0,0") gets two workers that share it.
struct DeviceSelection {
    bool cpu = false;
    int cpuWorkers = 0;  // 0: one per core
    bool gpu = false;
    std::vector<int> gpus;  // empty: every GPU
    bool automatic = false;
};
// Throws InputError naming the text and the accepted forms.
DeviceSelection parseDeviceSelection(const std::string& text);

// The gpu library registers how it makes its devices; core knows no CUDA. The provider returns
// the selected GPUs that can run this model, and says in `notes` why others cannot.
using GpuDeviceProvider = std::function<std::vector<std::unique_ptr<Device>>(
    const std::vector<int>& selected, const ForecastModel& model, std::vector<std::string>& notes)>;
void registerGpuDeviceProvider(GpuDeviceProvider provider);

// The devices of a selection, for a run of `members` members; `threads` is the CPU worker count
// where the selection does not give one. Throws InputError when the selection names devices
// this machine or build does not have (a GPU selection with no GPU says why there is none).
std::vector<std::unique_ptr<Device>> makeDevices(const DeviceSelection& selection, const ForecastModel& model,
                                                 int members, int threads, std::vector<std::string>& notes);

// The memory this process may still use, bytes: MemAvailable from /proc/meminfo, bounded by a
// cgroup memory limit when there is one.
long long availableHostMemoryBytes();

}  // namespace spreadcast
