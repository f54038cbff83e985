#include "run/EnsembleRun.h"

#include "device/Device.h"

#include "run/Aggregator.h"
#include "run/CheckpointStore.h"
#include "run/DeviceLoop.h"
#include "run/HostMemory.h"
#include "run/InputError.h"
#include "run/MemberPool.h"
#include "run/Scheduler.h"
#include "run/Telemetry.h"
#include "run/Watchdog.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <thread>
#include <utility>

namespace spreadcast {
namespace {

// How the run ended: the result and the file's run_status.
RunResult describeResult(const RunSpec& spec, int membersDone, std::vector<MemberFailure> failures,
                         std::vector<std::string> events, bool cancel, double elapsedSeconds,
                         const std::exception_ptr& fatal)
{
    RunResult result;
    result.outputPath = spec.outputPath;
    result.membersCompleted = membersDone;
    result.cancelled = cancel && result.membersCompleted + static_cast<int>(failures.size()) < spec.members;
    result.failures = std::move(failures);
    result.events = std::move(events);
    result.elapsedSeconds = elapsedSeconds;
    const std::string tally =
        std::to_string(result.membersCompleted) + " of " + std::to_string(spec.members) + " members complete";
    if (fatal) {
        try {
            std::rethrow_exception(fatal);
        } catch (const std::exception& error) {
            result.status = std::string("failed: ") + error.what() + "; " + tally;
        }
    } else if (!result.failures.empty()) {
        result.status = "failed: " + tally + "; " + describeFailures(result.failures);
    } else if (result.cancelled) {
        result.status = "cancelled: " + tally;
    } else {
        result.status = "complete";
    }
    return result;
}

// The watchdog gave a device up: its batch's members go on elsewhere from their checkpoints.
void giveUpSilentDevice(Telemetry& telemetry, WorkQueue& queue, int device, double silentSeconds,
                        const std::vector<int>& batch)
{
    telemetry.deviceFailed(device,
                           "device " + telemetry.deviceName(device) + " made no progress for " +
                               formatDuration(std::round(silentSeconds)) +
                               " and was given up; members of its batch go on elsewhere from their checkpoints");
    for (int member : batch) {
        queue.abandon(member);
        if (!queue.isSettled(member)) {
            telemetry.setMember(member, MemberStatus::Retried, device);
        }
    }
}

}  // namespace

std::string describeFailures(std::vector<MemberFailure> failures)
{
    std::sort(failures.begin(), failures.end(),
              [](const MemberFailure& a, const MemberFailure& b) { return a.member < b.member; });
    std::vector<std::pair<std::string, std::vector<int>>> groups;
    for (const auto& failure : failures) {
        auto group =
            std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == failure.reason; });
        if (group == groups.end()) {
            groups.push_back({failure.reason, {failure.member}});
        } else {
            group->second.push_back(failure.member);
        }
    }
    std::string text;
    for (const auto& [reason, members] : groups) {
        std::string list;
        for (std::size_t i = 0; i < members.size();) {
            std::size_t end = i;
            while (end + 1 < members.size() && members[end + 1] == members[end] + 1) {
                ++end;
            }
            list += (list.empty() ? "" : ", ") + std::to_string(members[i]) +
                    (end > i ? "–" + std::to_string(members[end]) : "");
            i = end + 1;
        }
        text += (text.empty() ? "" : "; ") + std::string(members.size() > 1 ? "members " : "member ") + list + ": " +
                reason;
    }
    return text;
}

EnsembleRun::EnsembleRun(RunSpec spec, PreparedModel prepared) : spec_(std::move(spec)), prepared_(std::move(prepared))
{
}

std::vector<double> EnsembleRun::outputTimes() const
{
    const int intervals = static_cast<int>(std::lround(spec_.leadSeconds / spec_.outputIntervalSeconds));
    std::vector<double> times;
    for (int k = 0; k <= intervals; ++k) {
        times.push_back(k * spec_.outputIntervalSeconds);
    }
    return times;
}

RunResult EnsembleRun::execute(const Observer& observer, const std::atomic<bool>& cancel, const std::string& history)
{
    const ForecastModel& model = *prepared_.model;
    const std::vector<double> times = outputTimes();
    RunShape shape;
    shape.timeCount = static_cast<int>(times.size());
    shape.stepsPerOutput = static_cast<int>(std::lround(spec_.outputIntervalSeconds / model.timeStep()));
    shape.segmentOutputs = spec_.segmentOutputs;

    std::vector<std::string> events;
    std::vector<std::unique_ptr<Device>> devices = std::move(devices_);
    if (devices.empty()) {
        devices = makeDevices(parseDeviceSelection(spec_.devices), model, spec_.members, spec_.threads, events);
    }
    shape.deviceCount = static_cast<int>(devices.size());
    // Before anything big is made: a run that cannot fit is refused now, not killed by the kernel
    // in the middle. The loaded model is resident already, so what is available excludes it.
    checkHostMemory(estimateHostMemory(model, spec_, devices), availableHostMemoryBytes(), model.name());
    const std::vector<int> batchSizes = planBatchSizes(devices, model, spec_, events);

    std::unique_ptr<Telemetry> telemetry;  // made once the aggregator knows what a resumed run had finished
    Aggregator aggregator(spec_, prepared_, times, resume_, history,
                          [&](std::string text) { telemetry->event(std::move(text)); });
    for (const OutputTimeObserver& outputObserver : outputObservers_) {
        aggregator.addObserver(outputObserver);
    }
    // Before the queue, which holds checkpoints: their files go before the store removes its folder.
    CheckpointStore checkpoints(model,
                                (std::filesystem::path(resumeFolder(spec_.outputPath)) / "checkpoints").string());
    const std::vector<int> toRun = aggregator.membersToRun();
    Scheduler scheduler(toRun, spec_.speculate, batchSizes);
    telemetry = std::make_unique<Telemetry>(
        devices, batchSizes, spec_.members, aggregator.finishedMembers(), aggregator.failures(),
        static_cast<long long>(toRun.size()) * shape.stepsPerOutput * (shape.timeCount - 1), std::move(events));
    std::atomic<bool> stop{false};
    const int largestBatch = batchSizes.empty() ? 1 : *std::max_element(batchSizes.begin(), batchSizes.end());
    const double watchdogSeconds =
        watchdogLimitSeconds(spec_.watchdogSeconds, model.flopsPerStep(), shape.stepsPerOutput, largestBatch);
    if (watchdogSeconds > spec_.watchdogSeconds) {
        telemetry->event("watchdog: a device is given up after " + formatDuration(watchdogSeconds) +
                         " in one computation, not " + formatDuration(spec_.watchdogSeconds) + ": " +
                         std::to_string(shape.stepsPerOutput) + " step(s) of " + std::to_string(largestBatch) +
                         " member(s) of this model can take that long on a slow CPU");
    }
    Watchdog watchdog(watchdogSeconds, shape.deviceCount, [&](int d, double silent, const std::vector<int>& batch) {
        giveUpSilentDevice(*telemetry, scheduler.queue(), d, silent, batch);
    });
    if (fault_ && fault_->device < shape.deviceCount) {
        const int d = fault_->device;
        auto& faulty = devices[static_cast<std::size_t>(d)];
        faulty = std::make_unique<FaultInjectingDevice>(std::move(faulty), *fault_,
                                                        [&, d] { return cancel || stop || watchdog.isLost(d); });
    }
    RunParts parts{model, shape, scheduler, aggregator, *telemetry, watchdog, checkpoints, cancel, stop};

    aggregator.saveManifest(true);  // a run killed before its first member finished can be resumed too
    std::exception_ptr fatal;
    std::thread pool([&] {
        try {
            runOnWorkers(shape.deviceCount,
                         [&](int d) { DeviceLoop(d, *devices[static_cast<std::size_t>(d)], parts).run(); });
        } catch (...) {
            fatal = std::current_exception();
            stop = true;
        }
        telemetry->finish();
    });
    telemetry->reportUntilFinished(observer);
    pool.join();
    if (!fatal && !cancel) {
        for (const WorkUnit& unit : scheduler.queue().drain()) {
            parts.failMember(unit.member, "no device left to run it (every device failed)");
        }
    }
    const RunProgress last = telemetry->report(observer);
    RunResult result = describeResult(spec_, telemetry->membersDone(), aggregator.failures(), telemetry->events(),
                                      cancel, last.elapsedSeconds, fatal);
    aggregator.finish(result.status, fatal != nullptr);
    if (fatal) {
        std::rethrow_exception(fatal);
    }
    return result;
}

}  // namespace spreadcast
