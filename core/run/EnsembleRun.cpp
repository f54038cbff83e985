#include "run/EnsembleRun.h"

#include "device/Device.h"

#include "ensemble/EnsembleStatistics.h"
#include "ensemble/MemberChecksum.h"
#include "io/NetcdfWriter.h"
#include "run/InputError.h"
#include "run/MemberPool.h"
#include "run/WorkQueue.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

namespace spreadcast {
namespace {

using Clock = std::chrono::steady_clock;

// The process's resident memory now and at its peak, bytes, from /proc/self/status (Linux).
std::pair<long long, long long> processMemory()
{
    std::ifstream status("/proc/self/status");
    long long resident = 0;
    long long peak = 0;
    for (std::string line; std::getline(status, line);) {
        long long kilobytes = 0;
        if (std::sscanf(line.c_str(), "VmRSS: %lld kB", &kilobytes) == 1) {
            resident = kilobytes * 1024;
        } else if (std::sscanf(line.c_str(), "VmHWM: %lld kB", &kilobytes) == 1) {
            peak = kilobytes * 1024;
        }
    }
    return {resident, peak};
}

// The hardware's temperature and power from a worker's measures: the latest reading (negative
// when the device cannot tell now) and the highest so far.
void recordHardwareReadings(DeviceTelemetry& device, const DeviceMeasures& measures)
{
    device.temperatureCelsius = measures.temperatureCelsius;
    device.powerWatts = measures.powerWatts;
    device.peakTemperatureCelsius = std::max(device.peakTemperatureCelsius, measures.temperatureCelsius);
    device.peakPowerWatts = std::max(device.peakPowerWatts, measures.powerWatts);
}

}  // namespace

std::string_view memberStatusName(MemberStatus status)
{
    switch (status) {
    case MemberStatus::Queued: return "queued";
    case MemberStatus::Running: return "running";
    case MemberStatus::Done: return "done";
    case MemberStatus::Failed: return "failed";
    case MemberStatus::Retried: return "retried";
    }
    return "unknown";
}

FaultInjection parseFaultInjection(const std::string& text)
{
    FaultInjection fault;
    int matched = 0;
    char tail = 0;
    char mode[8] = {};
    const int fields = std::sscanf(text.c_str(), "device=%d,after-steps=%lld%c%7s%c", &fault.device, &fault.afterSteps,
                                   &tail, mode, &tail);
    if (fault.device >= 0 && fault.afterSteps >= 0 &&
        (fields == 2 || (fields == 4 && text.size() > 5 && text.compare(text.size() - 5, 5, ",hang") == 0))) {
        matched = 1;
        fault.hang = fields == 4;
    }
    if (!matched) {
        throw InputError("--inject-fault '" + text +
                         "' is not a fault: write device=D,after-steps=N (the device fails) or "
                         "device=D,after-steps=N,hang (it stops answering), e.g. device=1,after-steps=30");
    }
    return fault;
}

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
    const int timeCount = static_cast<int>(times.size());
    const int stepsPerOutput = static_cast<int>(std::lround(spec_.outputIntervalSeconds / model.timeStep()));
    const int members = spec_.members;

    std::vector<std::string> events;
    std::vector<std::unique_ptr<Device>> devices = std::move(devices_);
    if (devices.empty()) {
        devices = makeDevices(parseDeviceSelection(spec_.devices), model, members, spec_.threads, events);
    }
    // Batches from each device's preference and memory: a member holds its state and checkpoint.
    const long long memberBytes = 2 * static_cast<long long>(model.stateBytes());
    std::vector<int> batchSizes;
    for (const auto& device : devices) {
        const long long room = device->availableMemoryBytes() - static_cast<long long>(model.workspaceBytes());
        const long long fit = room > 0 ? room / memberBytes : 0;
        if (fit < 1) {
            throw InputError("device " + device->name() + " has " +
                             std::to_string(device->availableMemoryBytes() >> 20) +
                             " MiB free, too little for one member of this forecast (" +
                             std::to_string((memberBytes + static_cast<long long>(model.workspaceBytes())) >> 20) +
                             " MiB): choose a lower truncation or free memory");
        }
        const int wanted = spec_.batchSize > 0 ? spec_.batchSize : device->preferredBatch();
        batchSizes.push_back(static_cast<int>(std::min<long long>(wanted, fit)));
        if (spec_.batchSize > fit) {
            events.push_back("device " + device->name() + ": batch size " + std::to_string(spec_.batchSize) +
                             " does not fit its free memory; it takes " + std::to_string(fit) + " at a time");
        }
    }
    const int deviceCount = static_cast<int>(devices.size());
    // Unless a batch size was asked for, no device takes more than its share of the members, so
    // that with several GPUs (whose preferred batches are large) the first to ask does not take
    // them all while the others idle.
    if (spec_.batchSize == 0) {
        const int share = (members + deviceCount - 1) / std::max(1, deviceCount);
        for (int& batch : batchSizes) {
            batch = std::max(1, std::min(batch, share));
        }
    }

    NetcdfRunAttributes attributes;
    attributes.initialCondition = prepared_.initialCondition;
    if (!prepared_.initialTime.empty()) {
        attributes.initialTime = prepared_.initialTime;
    }
    attributes.perturbations = prepared_.perturbations;
    attributes.history = history;
    attributes.statistics = members > 1;
    attributes.thresholds = spec_.thresholds;
    std::vector<int> finished = resume_ ? resume_->finishedMembers : std::vector<int>{};
    std::vector<MemberFailure> failures;
    if (resume_) {
        for (const auto& [member, reason] : resume_->failures) {
            failures.push_back({member, reason});
        }
    }
    attributes.source = model.description();
    attributes.modelAttributes = prepared_.attributes;
    std::unique_ptr<NetcdfWriter> writer =
        resume_ ? NetcdfWriter::reopen(spec_.outputPath, spec_, model.outputSchema(), times, finished, history)
                : std::make_unique<NetcdfWriter>(spec_.outputPath, spec_, model.outputSchema(), times, attributes);
    std::optional<StatisticsAccumulator> statistics;
    if (attributes.statistics) {
        statistics.emplace(timeCount, members, model.outputSchema(), spec_.thresholds);
        if (resume_) {
            std::istringstream snapshot(readStatisticsSnapshot(spec_.outputPath));
            try {
                statistics->restore(snapshot);
            } catch (const std::invalid_argument& error) {
                throw InputError("cannot resume '" + spec_.outputPath + "': its statistics snapshot in '" +
                                 resumeFolder(spec_.outputPath) + "' is damaged (" + error.what() +
                                 "); start the run again with --force");
            }
        }
    }
    // The aggregator, one writer at a time: one copy of each (member, time) goes into the file and
    // the statistics; an identical second copy (a speculative duplicate, a unit re-run after a
    // fault or a resume) is dropped, a differing one throws DeterminismViolation.
    std::mutex aggregator;
    auto write = [&](int time, int member, const GridFields& fields) {
        std::lock_guard lock(aggregator);
        writer->writeMember(time, member, fields);
        if (statistics && !statistics->includes(time, member)) {
            for (const auto& [completedTime, result] : statistics->add(time, member, fields)) {
                writer->writeStatistics(completedTime, result);
            }
        }
    };

    std::vector<char> settledBefore(static_cast<std::size_t>(members), 0);
    for (int member : finished) {
        settledBefore[static_cast<std::size_t>(member)] = 1;
    }
    for (const MemberFailure& failure : failures) {
        settledBefore[static_cast<std::size_t>(failure.member)] = 1;
    }
    std::vector<int> toRun;
    for (int m = 0; m < members; ++m) {
        if (!settledBefore[static_cast<std::size_t>(m)]) {
            toRun.push_back(m);
        }
    }
    WorkQueue queue(toRun, spec_.speculate);
    std::atomic<long long> stepsDone{0};
    std::atomic<int> membersDone{static_cast<int>(finished.size())};
    std::atomic<bool> stop{false};
    const auto start = Clock::now();

    // Telemetry and the run's record, under `mutex`.
    std::mutex mutex;
    std::vector<MemberStatus> memberStatuses(static_cast<std::size_t>(members), MemberStatus::Queued);
    for (int member : finished) {
        memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Done;
    }
    for (const MemberFailure& failure : failures) {
        memberStatuses[static_cast<std::size_t>(failure.member)] = MemberStatus::Failed;
    }
    std::vector<int> memberDevice(static_cast<std::size_t>(members), -1);
    std::vector<DeviceTelemetry> telemetry(static_cast<std::size_t>(deviceCount));
    std::vector<DeviceWorker*> workers(static_cast<std::size_t>(deviceCount), nullptr);
    std::vector<std::vector<int>> batchMembers(static_cast<std::size_t>(deviceCount));
    // Since when each device has been inside a computation (advance, fields); the watchdog gives
    // up one that stays inside too long. Waiting for the output is not computing: a slow disk
    // must not make healthy devices look hung.
    std::vector<std::optional<Clock::time_point>> computingSince(static_cast<std::size_t>(deviceCount));
    std::vector<std::atomic<bool>> lost(static_cast<std::size_t>(deviceCount));
    std::vector<std::atomic<long long>> deviceSteps(static_cast<std::size_t>(deviceCount));
    for (int d = 0; d < deviceCount; ++d) {
        DeviceTelemetry& device = telemetry[static_cast<std::size_t>(d)];
        device.name = devices[static_cast<std::size_t>(d)]->name();
        device.backend = devices[static_cast<std::size_t>(d)]->backend();
        device.batchSize = batchSizes[static_cast<std::size_t>(d)];
    }
    auto event = [&](std::string text) {
        std::lock_guard lock(mutex);
        events.push_back(std::move(text));
    };
    auto setMember = [&](int member, MemberStatus status, int device) {
        std::lock_guard lock(mutex);
        memberStatuses[static_cast<std::size_t>(member)] = status;
        memberDevice[static_cast<std::size_t>(member)] = device;
        telemetry[static_cast<std::size_t>(device)].membersDone += status == MemberStatus::Done ? 1 : 0;
    };
    auto setBatch = [&](int device, std::vector<int> batch) {
        std::lock_guard lock(mutex);
        DeviceTelemetry& entry = telemetry[static_cast<std::size_t>(device)];
        entry.currentMember = batch.empty() ? -1 : batch.front();
        entry.running = static_cast<int>(batch.size());
        batchMembers[static_cast<std::size_t>(device)] = std::move(batch);
    };
    auto computing = [&](int device, bool inside) {
        std::lock_guard lock(mutex);
        auto& since = computingSince[static_cast<std::size_t>(device)];
        since = inside ? std::optional<Clock::time_point>(Clock::now()) : std::nullopt;
    };
    auto fail = [&](int member, const std::string& reason) {
        if (!queue.settle(member)) {
            return;  // another copy of it finished first
        }
        {
            std::lock_guard lock(mutex);
            failures.push_back({member, reason});
            memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Failed;
        }
        // The statistics of the times it did not reach go on without it.
        if (statistics) {
            std::lock_guard lock(aggregator);
            for (const auto& [completedTime, result] : statistics->skip(member)) {
                writer->writeStatistics(completedTime, result);
            }
        }
    };

    // The manifest for --resume, rewritten whenever a member finishes. A big statistics snapshot
    // (hundreds of megabytes for a large ensemble at T170) is rewritten only while that costs at
    // most a tenth of the run's time; members finished since the last one are computed again on
    // resume.
    constexpr std::size_t smallSnapshot = 16u << 20;
    double manifestSeconds = 0.0;
    std::size_t snapshotBytes = 0;
    auto lastManifest = start;
    bool manifestBroken = false;
    auto saveManifest = [&](bool always) {
        std::lock_guard lock(aggregator);
        const auto now = Clock::now();
        if (manifestBroken || (!always && snapshotBytes > smallSnapshot &&
                               std::chrono::duration<double>(now - lastManifest).count() < 10.0 * manifestSeconds)) {
            return;
        }
        RunManifest manifest;
        manifest.spec = spec_;
        manifest.history = resume_ ? resume_->history : history;
        {
            std::lock_guard record(mutex);
            manifest.finishedMembers = finished;
            for (const MemberFailure& failure : failures) {
                manifest.failures.emplace_back(failure.member, failure.reason);
            }
        }
        std::sort(manifest.finishedMembers.begin(), manifest.finishedMembers.end());
        std::ostringstream snapshot;
        if (statistics) {
            statistics->save(snapshot);
        }
        snapshotBytes = static_cast<std::size_t>(snapshot.tellp());
        try {
            writeRunManifest(spec_.outputPath, manifest, snapshot.str());
        } catch (const std::exception& error) {
            manifestBroken = true;
            std::lock_guard record(mutex);
            events.push_back(std::string("the run cannot be resumed if it is interrupted: ") + error.what());
        }
        lastManifest = Clock::now();
        manifestSeconds = std::chrono::duration<double>(lastManifest - now).count();
    };
    auto loseDevice = [&](int device, const std::string& why) {
        lost[static_cast<std::size_t>(device)] = true;
        std::lock_guard lock(mutex);
        telemetry[static_cast<std::size_t>(device)].failed = true;
        events.push_back("device " + telemetry[static_cast<std::size_t>(device)].name + " " + why +
                         " and takes no more work");
    };

    enum class BatchEnd { Finished, Stopped, Lost };
    // Runs a batch to the end of its lead-time segment, checkpointing at every output time.
    auto runBatch = [&](int d, DeviceWorker& worker, std::vector<WorkUnit>& units) {
        std::vector<std::unique_ptr<MemberState>> states;
        std::vector<int> batch;
        for (WorkUnit& unit : units) {
            states.push_back(unit.checkpoint ? unit.checkpoint->clone() : model.initialState(unit.member));
            batch.push_back(unit.member);
            if (unit.speculative) {
                event("member " + std::to_string(unit.member) + ": a speculative copy starts on " +
                      devices[static_cast<std::size_t>(d)]->name() + " from time index " +
                      std::to_string(std::max(0, unit.nextTime - 1)));
            } else {
                setMember(unit.member, MemberStatus::Running, d);
            }
        }
        setBatch(d, batch);
        worker.holdMembers(static_cast<int>(units.size()));
        std::vector<std::size_t> active(units.size());
        for (std::size_t k = 0; k < units.size(); ++k) {
            active[k] = k;
        }
        // Writes the active members at output time k and makes that their checkpoint.
        auto output = [&](int k) {
            for (std::size_t a = 0; a < active.size();) {
                WorkUnit& unit = units[active[a]];
                if (queue.isSettled(unit.member)) {  // the other copy won
                    active.erase(active.begin() + static_cast<std::ptrdiff_t>(a));
                    continue;
                }
                const MemberState& state = *states[active[a]];
                computing(d, true);
                GridFields fields = worker.fields(state);
                computing(d, false);
                try {
                    write(k, unit.member, fields);
                } catch (const DeterminismViolation& violation) {
                    fail(unit.member, violation.what());
                    active.erase(active.begin() + static_cast<std::ptrdiff_t>(a));
                    continue;
                }
                unit.nextTime = k + 1;
                unit.checkpoint = state.clone();
                unit.uncommittedSteps = 0;
                queue.checkpoint(unit);
                ++a;
            }
        };
        auto reclaim = [&](const std::string& why) {
            // The device failed: the batch's members go on elsewhere from their checkpoints.
            for (std::size_t index : active) {
                WorkUnit& unit = units[index];
                if (!unit.speculative) {
                    stepsDone -= std::exchange(unit.uncommittedSteps, 0);  // they will be taken again
                }
                ++unit.faults;
                const int member = unit.member;
                const int nextTime = unit.nextTime;
                if (unit.faults >= deviceCount) {
                    fail(member, "failed on every device (last: " + why + ")");
                } else if (queue.requeue(std::move(unit))) {
                    setMember(member, MemberStatus::Retried, d);
                    event("member " + std::to_string(member) + " goes on elsewhere " +
                          (nextTime == 0 ? std::string("from the start")
                                         : "from its checkpoint at time index " + std::to_string(nextTime - 1)));
                }
            }
        };

        try {
            if (units.front().nextTime == 0) {
                output(0);
            }
            const int firstTime = units.front().nextTime;
            const int lastTime =
                spec_.segmentOutputs > 0 ? std::min(timeCount, firstTime + spec_.segmentOutputs) : timeCount;
            for (int k = firstTime; k < lastTime && !active.empty(); ++k) {
                for (int remaining = stepsPerOutput; remaining > 0 && !active.empty();) {
                    if (cancel || stop) {
                        return BatchEnd::Stopped;
                    }
                    if (lost[static_cast<std::size_t>(d)]) {
                        return BatchEnd::Lost;  // the watchdog gave it up; its members went elsewhere
                    }
                    int chunk = std::min(remaining, std::max(1, worker.preferredSteps()));
                    computing(d, true);
                    if (fault_ && fault_->device == d) {
                        const long long left = fault_->afterSteps - deviceSteps[static_cast<std::size_t>(d)];
                        if (left == 0 && fault_->hang) {
                            while (!cancel && !stop && !lost[static_cast<std::size_t>(d)]) {
                                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                            }
                            continue;
                        }
                        if (left == 0) {
                            throw DeviceFault("injected fault after " + std::to_string(fault_->afterSteps) + " steps");
                        }
                        if (left > 0) {
                            chunk = static_cast<int>(std::min<long long>(chunk, left));
                        }
                    }
                    std::vector<MemberState*> pointers;
                    for (std::size_t index : active) {
                        pointers.push_back(states[index].get());
                    }
                    const std::vector<MemberBlowUp> blowUps = worker.advance(pointers, chunk);
                    deviceSteps[static_cast<std::size_t>(d)] += chunk;
                    for (auto it = blowUps.rbegin(); it != blowUps.rend(); ++it) {
                        // The model itself failed: every device would compute the same, so no retry.
                        const int member = units[active[static_cast<std::size_t>(it->index)]].member;
                        fail(member, it->message + " (lead " +
                                         formatDuration(static_cast<double>(it->step) * model.timeStep()) + ")");
                        active.erase(active.begin() + it->index);
                    }
                    for (std::size_t index : active) {
                        units[index].uncommittedSteps += chunk;
                        if (!units[index].speculative) {
                            stepsDone += chunk;
                        }
                    }
                    remaining -= chunk;
                    std::lock_guard lock(mutex);
                    computingSince[static_cast<std::size_t>(d)].reset();
                    telemetry[static_cast<std::size_t>(d)].memberSteps +=
                        static_cast<long long>(chunk) * static_cast<long long>(pointers.size());
                }
                output(k);
            }
            for (std::size_t index : active) {
                WorkUnit& unit = units[index];
                if (unit.nextTime < timeCount) {
                    setMember(unit.member, MemberStatus::Queued, d);
                    queue.postpone(std::move(unit));  // the next lead-time segment, on whichever device is free
                } else if (queue.settle(unit.member)) {
                    ++membersDone;
                    setMember(unit.member, MemberStatus::Done, d);
                    {
                        std::lock_guard lock(mutex);
                        finished.push_back(unit.member);
                    }
                    saveManifest(false);
                }
            }
        } catch (const DeviceFault& fault) {
            if (lost[static_cast<std::size_t>(d)]) {
                return BatchEnd::Lost;  // the watchdog gave it up already and sent its members elsewhere
            }
            loseDevice(d, std::string("failed (") + fault.what() + ")");
            reclaim(fault.what());
            return BatchEnd::Lost;
        }
        return BatchEnd::Finished;
    };

    auto deviceThread = [&](int d) {
        Device& device = *devices[static_cast<std::size_t>(d)];
        std::unique_ptr<DeviceWorker> worker;
        try {
            worker = device.attach(model);
        } catch (const DeviceFault& fault) {
            loseDevice(d, std::string("could not start (") + fault.what() + ")");
            return;
        }
        {
            std::lock_guard lock(mutex);
            workers[static_cast<std::size_t>(d)] = worker.get();
        }
        auto detach = [&] {
            std::lock_guard lock(mutex);
            const DeviceMeasures measures = worker->measures();
            telemetry[static_cast<std::size_t>(d)].peakMemoryBytes = measures.peakMemoryBytes;
            recordHardwareReadings(telemetry[static_cast<std::size_t>(d)], measures);
            workers[static_cast<std::size_t>(d)] = nullptr;
            telemetry[static_cast<std::size_t>(d)].running = 0;
            telemetry[static_cast<std::size_t>(d)].currentMember = -1;
        };
        try {
            for (std::vector<WorkUnit> units = queue.take(batchSizes[static_cast<std::size_t>(d)]); !units.empty();
                 units = queue.take(batchSizes[static_cast<std::size_t>(d)])) {
                const BatchEnd end = runBatch(d, *worker, units);
                setBatch(d, {});
                worker->holdMembers(0);  // the batch's states are gone; the peak stays
                if (end == BatchEnd::Stopped) {
                    queue.close();
                    break;
                }
                if (end == BatchEnd::Lost) {
                    break;
                }
            }
        } catch (...) {
            stop = true;  // the output itself failed: the other devices stop at their next step
            queue.close();
            detach();
            throw;
        }
        detach();
    };

    saveManifest(true);  // a run killed before its first member finished can be resumed too

    RunProgress progress;
    progress.members = members;
    progress.memberStepsTotal = static_cast<long long>(toRun.size()) * stepsPerOutput * (timeCount - 1);
    std::vector<double> lastBusy(static_cast<std::size_t>(deviceCount), 0.0);
    auto lastReport = start;
    auto report = [&] {
        const auto now = Clock::now();
        const double seconds = std::chrono::duration<double>(now - start).count();
        const double interval = std::chrono::duration<double>(now - lastReport).count();
        lastReport = now;
        progress.membersDone = membersDone;
        {
            std::lock_guard lock(mutex);
            // The watchdog: a device that holds members and has been inside one computation too long.
            for (int d = 0; d < deviceCount; ++d) {
                const auto index = static_cast<std::size_t>(d);
                const auto& since = computingSince[index];
                const double silent = since ? std::chrono::duration<double>(now - *since).count() : 0.0;
                if (!lost[index] && !batchMembers[index].empty() && silent > spec_.watchdogSeconds) {
                    lost[index] = true;
                    telemetry[index].failed = true;
                    events.push_back("device " + telemetry[index].name + " made no progress for " +
                                     formatDuration(std::round(silent)) +
                                     " and was given up; members of its batch go on elsewhere from their checkpoints");
                    for (int member : batchMembers[index]) {
                        queue.abandon(member);
                        memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Retried;
                    }
                }
            }
            progress.membersFailed = static_cast<int>(failures.size());
            progress.memberStatuses = memberStatuses;
            progress.memberDevice = memberDevice;
            progress.devices = telemetry;
            progress.events = events;
            for (int d = 0; d < deviceCount; ++d) {
                const auto index = static_cast<std::size_t>(d);
                DeviceTelemetry& device = progress.devices[index];
                device.memberStepsPerSecond = seconds > 0.0 ? static_cast<double>(device.memberSteps) / seconds : 0.0;
                if (workers[index] != nullptr) {
                    const DeviceMeasures measures = workers[index]->measures();
                    device.memoryInUseBytes = measures.memoryInUseBytes;
                    device.peakMemoryBytes = measures.peakMemoryBytes;
                    device.hardwareUtilization = measures.utilizationPercent >= 0.0;
                    if (device.hardwareUtilization) {
                        device.utilization = std::clamp(measures.utilizationPercent / 100.0, 0.0, 1.0);
                    } else {
                        device.utilization =
                            interval > 0.0 ? std::clamp((measures.busySeconds - lastBusy[index]) / interval, 0.0, 1.0)
                                           : 0.0;
                    }
                    lastBusy[index] = measures.busySeconds;
                    telemetry[index].peakMemoryBytes = measures.peakMemoryBytes;
                    recordHardwareReadings(telemetry[index], measures);
                    recordHardwareReadings(device, measures);
                } else {
                    device.memoryInUseBytes = 0;
                    device.utilization = 0.0;
                }
            }
        }
        const auto [resident, peak] = processMemory();
        progress.residentBytes = resident;
        progress.peakResidentBytes = peak;
        progress.memberStepsDone = stepsDone;
        progress.elapsedSeconds = seconds;
        progress.memberStepsPerSecond = seconds > 0.0 ? static_cast<double>(progress.memberStepsDone) / seconds : 0.0;
        progress.etaSeconds = progress.memberStepsPerSecond > 0.0
                                  ? static_cast<double>(progress.memberStepsTotal - progress.memberStepsDone) /
                                        progress.memberStepsPerSecond
                                  : -1.0;
        if (observer) {
            observer(progress);
        }
    };

    std::exception_ptr fatal;
    std::atomic<bool> workersDone{false};
    std::thread pool([&] {
        try {
            runOnWorkers(deviceCount, deviceThread);
        } catch (...) {
            fatal = std::current_exception();
            stop = true;
        }
        workersDone = true;
    });
    while (!workersDone) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
        report();
    }
    pool.join();
    if (!fatal && !cancel) {
        for (const WorkUnit& unit : queue.drain()) {
            fail(unit.member, "no device left to run it (every device failed)");
        }
    }
    report();

    RunResult result;
    result.outputPath = spec_.outputPath;
    result.membersCompleted = membersDone;
    result.failures = failures;
    result.events = events;
    result.cancelled = cancel && result.membersCompleted + static_cast<int>(failures.size()) < members;
    result.elapsedSeconds = progress.elapsedSeconds;
    const std::string tally =
        std::to_string(result.membersCompleted) + " of " + std::to_string(members) + " members complete";
    if (fatal) {
        try {
            std::rethrow_exception(fatal);
        } catch (const std::exception& error) {
            result.status = std::string("failed: ") + error.what() + "; " + tally;
        }
    } else if (!failures.empty()) {
        result.status = "failed: " + tally + "; " + describeFailures(failures);
    } else if (result.cancelled) {
        result.status = "cancelled: " + tally;
    } else {
        result.status = "complete";
    }
    // What finished stays resumable: only a complete run drops its manifest.
    if (result.status != "complete") {
        saveManifest(true);
    }
    if (fatal) {
        try {
            writer->finish(result.status);
        } catch (const std::exception&) {
            // The first failure is the one to report; the file keeps run_status "running".
        }
        std::rethrow_exception(fatal);
    }
    writer->finish(result.status);
    if (result.status == "complete") {
        removeRunManifest(spec_.outputPath);
    }
    return result;
}

}  // namespace spreadcast
