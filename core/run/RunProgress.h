#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

struct EnsembleStatistics;

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

// An output time whose every member is in the output (or failed before reaching it): what the
// GUI shows of a running forecast.
struct CompletedOutputTime {
    int timeIndex = 0;
    double leadSeconds = 0.0;
    int members = 0;  // members whose fields at this time are in the output
    // The time's ensemble statistics, valid during the call; null for a run of one member.
    const EnsembleStatistics* statistics = nullptr;
};
// Called on a device thread with the output locked, in the order the times complete: keep it
// short (hand the event to another thread, e.g. as a queued Qt signal).
using OutputTimeObserver = std::function<void(const CompletedOutputTime&)>;

// The process's resident memory now and at its peak, bytes (VmRSS and VmHWM of /proc/self/status;
// zero where there is no such file).
struct ProcessMemory {
    long long residentBytes = 0;
    long long peakResidentBytes = 0;
};
ProcessMemory processMemory();

}  // namespace spreadcast
