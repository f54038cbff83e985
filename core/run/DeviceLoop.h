#pragma once

#include "device/Device.h"
#include "run/WorkQueue.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace spreadcast {

class Aggregator;
class CheckpointStore;
class Scheduler;
class Telemetry;
class Watchdog;

// The run's time axis as the device loops step along it.
struct RunShape {
    int timeCount = 0;       // output times, 0 included
    int stepsPerOutput = 0;  // model steps between output times
    int segmentOutputs = 0;  // output intervals in one work unit; 0: the whole lead
    int deviceCount = 0;     // a member that failed on this many devices fails for good
};

// The parts of a run that its device loops share, and what they do together.
struct RunParts {
    const ForecastModel& model;
    RunShape shape;
    Scheduler& scheduler;
    Aggregator& aggregator;
    Telemetry& telemetry;
    Watchdog& watchdog;
    CheckpointStore& checkpoints;
    const std::atomic<bool>& cancel;
    std::atomic<bool>& stop;  // the output failed: every device stops at its next step

    bool stopping() const { return cancel || stop; }
    // The member has failed for good (unless another copy of it settled it first).
    void failMember(int member, const std::string& reason);
};

// One device's thread: takes batches of work units as long as there are any, steps them to the
// end of their lead-time segment, writes them at every output time through the aggregator and
// keeps each unit's checkpoint there. When the device fails (DeviceFault), or the watchdog gives
// it up, the batch's members go back to the queue to continue elsewhere from their checkpoints
// and the device takes no more work. A member whose model blows up fails alone: every device
// would compute the same.
class DeviceLoop {
public:
    DeviceLoop(int device, Device& hardware, RunParts& parts);
    // Returns when the queue is empty or closed, the run stops, or the device is lost; rethrows a
    // failure of the output itself after closing the queue and setting parts.stop.
    void run();

private:
    enum class BatchEnd { Finished, Stopped, Lost };
    struct Batch {
        std::vector<WorkUnit> units;
        std::vector<std::unique_ptr<MemberState>> states;  // one per unit
        std::vector<std::size_t> active;                   // units still being computed here
    };

    BatchEnd runBatch(DeviceWorker& worker, std::vector<WorkUnit> units);
    void start(Batch& batch);
    // Writes the active members at output time k and makes that their checkpoint.
    void output(DeviceWorker& worker, Batch& batch, int time);
    // Advances the active members by up to `steps` steps; returns how many were taken.
    int advance(DeviceWorker& worker, Batch& batch, int steps);
    // At the end of the segment: finished members settle, the others queue for their next one.
    void endSegment(Batch& batch);
    // The device failed: the batch's members go on elsewhere from their checkpoints.
    void reclaim(Batch& batch, const std::string& why);
    void lose(const std::string& why);
    void showBatch(const std::vector<int>& members);

    int device_;
    Device& hardware_;
    RunParts& parts_;
};

}  // namespace spreadcast
