#pragma once

#include "device/Device.h"
#include "model/ForecastModel.h"
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

// A forecast model built from a run spec, with what was learnt while building it.
struct PreparedModel {
    std::unique_ptr<ForecastModel> model;
    std::string initialCondition;  // for people: which case or file, variables, time
    std::string initialTime;       // "YYYY-MM-DD HH:MM:SS"; empty for the built-in cases
    std::string perturbations;     // how the members' starts differ, for people and the output file
    std::vector<std::string> notes;
};

// How the spec perturbs its members, one sentence (the NetCDF "perturbations" attribute).
std::string describePerturbations(const RunSpec& spec);

// Validates the spec and builds its model: a built-in case, or an initial-condition file read
// and regridded. Throws InputError (every problem of the spec, or of the file) before anything
// is written.
PreparedModel prepareModel(const RunSpec& spec);

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
