#pragma once

#include "device/Device.h"
#include "model/ForecastModel.h"
#include "model/ModelRegistry.h"
#include "run/RunManifest.h"
#include "run/RunSpec.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

enum class MemberStatus { Queued, Running, Done, Failed, Retried };
std::string_view memberStatusName(MemberStatus status);

// One device worker as the controller sees it.
struct DeviceTelemetry {
    std::string name;        // "cpu/0", …
    std::string backend;     // "cpu", "cuda", …
    bool failed = false;     // lost: it takes no more work
    int currentMember = -1;  // the first member of its batch; -1 when idle
    int running = 0;         // members in its batch now
    int batchSize = 0;       // the most members it takes at once
    int membersDone = 0;
    long long memberSteps = 0;
    double memberStepsPerSecond = 0.0;  // over the run so far
    // Share of the last report interval spent computing, 0 … 1: the hardware's own reading where
    // the device gives one (a GPU through NVML), else the worker's busy time.
    double utilization = 0.0;
    bool hardwareUtilization = false;  // utilization is the hardware's reading
    long long memoryInUseBytes = 0;    // states and scratch it holds
    long long peakMemoryBytes = 0;
    // The hardware's latest readings, kept after the device stops; negative while unknown.
    double temperatureCelsius = -1.0;
    double powerWatts = -1.0;
    double peakTemperatureCelsius = -1.0;
    double peakPowerWatts = -1.0;
};

struct RunProgress {
    std::vector<DeviceTelemetry> devices;
    std::vector<MemberStatus> memberStatuses;
    std::vector<int> memberDevice;    // the device that ran (or runs) each member; -1 before
    long long residentBytes = 0;      // the process's memory in use (VmRSS)
    long long peakResidentBytes = 0;  // and its peak (VmHWM)
    int members = 0;
    int membersDone = 0;
    int membersFailed = 0;
    long long memberStepsDone = 0;
    long long memberStepsTotal = 0;
    double elapsedSeconds = 0.0;
    double memberStepsPerSecond = 0.0;
    double etaSeconds = 0.0;          // negative while unknown
    std::vector<std::string> events;  // device faults, retries, speculative copies, so far, in order
};

struct MemberFailure {
    int member = 0;
    std::string reason;
};

// A test's way to make a device fail: worker `device` throws a DeviceFault after it has taken
// `afterSteps` steps (--inject-fault device=1,after-steps=30).
// With `hang` the device stops answering instead (the watchdog's case).
struct FaultInjection {
    int device = 0;
    long long afterSteps = 0;
    bool hang = false;
};
// Parses "device=D,after-steps=N[,hang]"; throws InputError naming the text.
FaultInjection parseFaultInjection(const std::string& text);

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
// with what had finished. The observer is called on the calling thread, a few times a second.
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
};

}  // namespace spreadcast
