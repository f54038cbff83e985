#pragma once

#include "device/Device.h"
#include "model/ForecastModel.h"
#include "model/ModelRegistry.h"
#include "run/FaultInjectingDevice.h"
#include "run/RunManifest.h"
#include "run/RunProgress.h"
#include "run/RunSpec.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

struct RunResult {
    std::string outputPath;
    int membersCompleted = 0;
    std::vector<MemberFailure> failures;
    bool cancelled = false;
    double elapsedSeconds = 0.0;
    std::string status;               // what the file's run_status says
    std::vector<std::string> events;  // device faults and what became of their work
};

// Failures grouped by reason, e.g. "members 0–3, 5: blow-up at step 389 …; member 4: …".
std::string describeFailures(std::vector<MemberFailure> failures);

// The controller of a run: splits the ensemble into work units (member batches, optionally
// lead-time segments), hands them to one thread per device as the devices ask for work, writes
// members and statistics to spec.outputPath as they come in, and reports telemetry. A member
// that blows up is reported and the others go on; a failed device's work continues elsewhere
// from its last checkpoint; a cancel request stops at the next step and leaves a valid file
// with what had finished. The observer is called on the calling thread, a few times a second
// and at once when a member finishes or a device fails. The run is wired from parts, each in
// its own file: Scheduler (work queue, batch sizes), DeviceLoop (one per device), Aggregator
// (output, statistics, manifest), Telemetry, Watchdog, CheckpointStore and, for tests,
// FaultInjectingDevice.
class EnsembleRun {
public:
    using Observer = std::function<void(const RunProgress&)>;

    EnsembleRun(RunSpec spec, PreparedModel prepared);
    RunResult execute(const Observer& observer, const std::atomic<bool>& cancel, const std::string& history = {});
    void injectFault(FaultInjection fault) { fault_ = fault; }
    // Continue an interrupted run (--resume): its output file is reopened, the members the
    // manifest lists as finished or failed are kept, and only the others are computed.
    void resumeFrom(RunManifest manifest) { resume_ = std::move(manifest); }
    // Devices to run on instead of those of spec.devices (the MPI controller adds remote ranks').
    void useDevices(std::vector<std::unique_ptr<Device>> devices) { devices_ = std::move(devices); }
    // Hears of each output time as it completes (every member in, or failed before it).
    void observeOutputTimes(OutputTimeObserver observer) { outputObservers_.push_back(std::move(observer)); }

    const RunSpec& spec() const { return spec_; }
    const PreparedModel& prepared() const { return prepared_; }
    // The output times in seconds after the initial time, 0 included.
    std::vector<double> outputTimes() const;

private:
    RunSpec spec_;
    PreparedModel prepared_;
    std::optional<FaultInjection> fault_;
    std::vector<std::unique_ptr<Device>> devices_;
    std::optional<RunManifest> resume_;
    std::vector<OutputTimeObserver> outputObservers_;
};

}  // namespace spreadcast
