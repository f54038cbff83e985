#include "run/EnsembleRun.h"

#include "cases/TestCases.h"
#include "ensemble/EnsembleStatistics.h"
#include "io/InitialConditionFile.h"
#include "io/NetcdfWriter.h"
#include "model/ShallowWaterModel.h"
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
#include <thread>
#include <utility>

namespace spreadcast {
namespace {

using Clock = std::chrono::steady_clock;

std::string joinProblems(const std::vector<std::string>& problems)
{
    std::string text;
    for (const auto& problem : problems) {
        text += (text.empty() ? "" : "\n") + problem;
    }
    return text;
}

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
    if (std::sscanf(text.c_str(), "device=%d,after-steps=%lld%c", &fault.device, &fault.afterSteps, &tail) == 2 &&
        fault.device >= 0 && fault.afterSteps >= 0) {
        matched = 1;
    }
    if (!matched) {
        throw InputError("--inject-fault '" + text +
                         "' is not a fault: write device=D,after-steps=N, e.g. "
                         "device=1,after-steps=30");
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

std::string describePerturbations(const RunSpec& spec)
{
    if (spec.perturbVorticity <= 0.0 && spec.perturbHeight <= 0.0 && spec.skebAmplitude <= 0.0) {
        return "none: every member starts from the same initial state and runs the same deterministic model, so "
               "all members are identical";
    }
    char text[768];
    std::snprintf(text, sizeof text,
                  "initial random fields on the sphere with a Matern-like spectrum (l(l+1) + (a/L)^2)^(-alpha/2), "
                  "L = %g km, alpha = %g: relative vorticity %g s-1 (the Laplacian of such a streamfunction; "
                  "height kept in nonlinear balance) and height %g m (grid-point standard deviations); member m "
                  "draws from fold_in(PRNGKey(seed), m), Threefry-2x32 as JAX",
                  spec.perturbLengthScale / 1000.0, spec.perturbSmoothness, spec.perturbVorticity, spec.perturbHeight);
    std::string description = text;
    if (spec.skebAmplitude > 0.0) {
        std::snprintf(text, sizeof text,
                      "; stochastic backscatter: AR(1) streamfunction pattern, decorrelation %g h, wavenumber scale "
                      "%d, vorticity forcing %g s-2, step n drawn from fold_in(member key, n)",
                      spec.skebDecorrelation / 3600.0, spec.skebWavenumber, spec.skebAmplitude);
        description += text;
    }
    return description;
}

PreparedModel prepareModel(const RunSpec& spec)
{
    const auto problems = validate(spec);
    if (!problems.empty()) {
        throw InputError(joinProblems(problems));
    }
    const GaussianGrid grid = GaussianGrid::forTruncation(spec.truncation);
    PreparedModel prepared;
    InitialFields initial;
    if (isBuiltInCase(spec.initialCondition)) {
        initial = builtInCase(spec.initialCondition, grid, spec.rotationDegrees, spec.galewskyPerturbation);
        prepared.initialCondition = initial.description;
    } else {
        const std::filesystem::path path(spec.initialCondition);
        if (path.extension() != ".nc" && path.extension() != ".nc4" && !std::filesystem::exists(path)) {
            // Neither a known case nor a file: most likely a misspelt case name.
            builtInCase(spec.initialCondition, grid, 0.0, true);
        }
        InitialConditionFile file = readInitialConditionFile(spec.initialCondition, spec.initialConditionTime,
                                                             spec.initialConditionLevel, grid);
        initial.u = std::move(file.u);
        initial.v = std::move(file.v);
        initial.height = std::move(file.height);
        initial.meanDepth = spec.meanDepth;
        initial.description = file.description;
        prepared.initialCondition = file.description;
        prepared.initialTime = file.initialTime;
        prepared.notes = std::move(file.notes);
        if (!initial.height) {
            prepared.notes.push_back("the file has no height: the height balancing its winds was derived, with a "
                                     "mean depth of " +
                                     std::to_string(static_cast<long>(spec.meanDepth)) + " m (--mean-depth)");
        }
    }
    ShallowWaterParameters parameters;
    parameters.timeStep = effectiveTimeStep(spec);
    InitialPerturbation perturbation;
    perturbation.seed = spec.seed;
    perturbation.vorticity = {spec.perturbVorticity, spec.perturbLengthScale, spec.perturbSmoothness, true};
    perturbation.height = {spec.perturbHeight, spec.perturbLengthScale, spec.perturbSmoothness, false};
    StochasticForcingSettings forcing;
    forcing.vorticityTendency = spec.skebAmplitude;
    forcing.decorrelationTime = spec.skebDecorrelation;
    forcing.wavenumber = spec.skebWavenumber;
    prepared.perturbations = describePerturbations(spec);
    try {
        prepared.model =
            std::make_unique<ShallowWaterModel>(spec.truncation, initial, parameters, perturbation, forcing);
    } catch (const std::invalid_argument& error) {
        throw InputError("the initial condition '" + spec.initialCondition +
                         "' cannot start a forecast: " + error.what());
    }
    return prepared;
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
    const int stepsPerOutput = static_cast<int>(std::lround(spec_.outputIntervalSeconds / model.timeStep()));
    const int members = spec_.members;

    NetcdfRunAttributes attributes;
    attributes.initialCondition = prepared_.initialCondition;
    if (!prepared_.initialTime.empty()) {
        attributes.initialTime = prepared_.initialTime;
    }
    attributes.perturbations = prepared_.perturbations;
    attributes.history = history;
    attributes.statistics = members > 1;
    attributes.thresholds = spec_.thresholds;
    NetcdfWriter writer(spec_.outputPath, spec_, model.grid(), times, attributes);
    std::optional<StatisticsAccumulator> statistics;
    if (attributes.statistics) {
        statistics.emplace(static_cast<int>(times.size()), members, model.grid().pointCount(), spec_.thresholds);
    }
    auto write = [&](int time, int member, const GridFields& fields) {
        if (writer.writeMember(time, member, fields) && statistics) {
            for (const auto& [completedTime, result] : statistics->add(time, member, fields)) {
                writer.writeStatistics(completedTime, result);
            }
        }
    };

    // Each worker stands for one device (a CPU worker thread here; GPUs join with the GPU backend).
    const int workers = workerCount(spec_.threads, members);
    std::vector<std::unique_ptr<ModelWorkspace>> workspaces;
    for (int w = 0; w < workers; ++w) {
        workspaces.push_back(model.makeWorkspace());
    }

    std::atomic<long long> stepsDone{0};
    std::atomic<int> membersDone{0};
    std::atomic<bool> stop{false};
    std::mutex failuresMutex;
    std::vector<MemberFailure> failures;
    std::vector<std::string> events;
    WorkQueue queue(members);
    const auto start = Clock::now();
    // Telemetry, under failuresMutex: what each member and device is doing.
    std::vector<MemberStatus> memberStatuses(static_cast<std::size_t>(members), MemberStatus::Queued);
    std::vector<int> memberDevice(static_cast<std::size_t>(members), -1);
    std::vector<DeviceTelemetry> devices(static_cast<std::size_t>(workers));
    for (int w = 0; w < workers; ++w) {
        devices[static_cast<std::size_t>(w)].name = "cpu/" + std::to_string(w);
    }
    std::vector<std::atomic<long long>> deviceSteps(static_cast<std::size_t>(workers));
    auto setMember = [&](int member, MemberStatus status, int worker) {
        std::lock_guard lock(failuresMutex);
        memberStatuses[static_cast<std::size_t>(member)] = status;
        memberDevice[static_cast<std::size_t>(member)] = worker;
        DeviceTelemetry& device = devices[static_cast<std::size_t>(worker)];
        device.currentMember = status == MemberStatus::Running ? member : -1;
        device.membersDone += status == MemberStatus::Done ? 1 : 0;
        device.failed = device.failed || status == MemberStatus::Retried;
    };

    auto fail = [&](int member, const std::string& reason) {
        {
            std::lock_guard lock(failuresMutex);
            failures.push_back({member, reason});
            memberStatuses[static_cast<std::size_t>(member)] = MemberStatus::Failed;
        }
        // The statistics of the times it did not reach go on without it.
        if (statistics) {
            for (const auto& [completedTime, result] : statistics->skip(member)) {
                writer.writeStatistics(completedTime, result);
            }
        }
    };

    // Runs a unit to the end, checkpointing at every output time. Returns false when cancelled.
    auto runUnit = [&](int worker, WorkUnit& unit, long long& workerSteps) {
        ModelWorkspace& workspace = *workspaces[worker];
        std::unique_ptr<MemberState> state =
            unit.checkpoint ? unit.checkpoint->clone() : model.initialState(unit.member);
        MemberState* batch[] = {state.get()};
        if (unit.nextTime == 0) {
            write(0, unit.member, model.fields(*state, workspace));
            unit.nextTime = 1;
            unit.checkpoint = state->clone();
        }
        for (int k = unit.nextTime; k < static_cast<int>(times.size()); ++k) {
            for (int n = 0; n < stepsPerOutput; ++n) {
                if (cancel || stop) {
                    return false;
                }
                if (fault_ && fault_->device == worker && workerSteps == fault_->afterSteps) {
                    throw DeviceFault("injected fault after " + std::to_string(workerSteps) + " steps");
                }
                model.advance(batch, 1, workspace);
                ++workerSteps;
                ++unit.uncommittedSteps;
                ++stepsDone;
                ++deviceSteps[static_cast<std::size_t>(worker)];
            }
            write(k, unit.member, model.fields(*state, workspace));
            unit.nextTime = k + 1;
            unit.checkpoint = state->clone();
            unit.uncommittedSteps = 0;
        }
        return true;
    };

    auto device = [&](int worker) {
        long long workerSteps = 0;
        while (auto unit = queue.take()) {
            setMember(unit->member, MemberStatus::Running, worker);
            try {
                if (!runUnit(worker, *unit, workerSteps)) {
                    queue.close();
                    return;
                }
                ++membersDone;
                setMember(unit->member, MemberStatus::Done, worker);
                queue.settle();
            } catch (const ModelBlowUp& blowUp) {
                // The model itself failed: every device would compute the same, so no retry.
                fail(unit->member, std::string(blowUp.what()) + " (lead " +
                                       formatDuration(static_cast<double>(blowUp.step()) * model.timeStep()) + ")");
                queue.settle();
            } catch (const DeviceFault& fault) {
                const std::string from =
                    unit->nextTime == 0 ? "from the start"
                                        : "from its checkpoint at time index " + std::to_string(unit->nextTime - 1);
                {
                    std::lock_guard lock(failuresMutex);
                    events.push_back("device cpu/" + std::to_string(worker) + " failed (" + fault.what() +
                                     ") and takes no more work; member " + std::to_string(unit->member) +
                                     " goes on elsewhere " + from);
                }
                setMember(unit->member, MemberStatus::Retried, worker);
                ++unit->faults;
                stepsDone -= std::exchange(unit->uncommittedSteps, 0);  // they will be taken again
                if (unit->faults >= workers) {
                    fail(unit->member, "failed on every device (last: " + std::string(fault.what()) + ")");
                    queue.settle();
                } else {
                    queue.requeue(std::move(*unit));
                }
                return;  // this device is lost
            } catch (...) {
                stop = true;  // the output itself failed: the other workers stop at their next step
                queue.close();
                throw;
            }
        }
    };

    RunProgress progress;
    progress.members = members;
    progress.memberStepsTotal =
        static_cast<long long>(members) * stepsPerOutput * (static_cast<long long>(times.size()) - 1);
    auto report = [&] {
        progress.membersDone = membersDone;
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        {
            std::lock_guard lock(failuresMutex);
            progress.membersFailed = static_cast<int>(failures.size());
            progress.memberStatuses = memberStatuses;
            progress.memberDevice = memberDevice;
            progress.devices = devices;
        }
        for (std::size_t w = 0; w < progress.devices.size(); ++w) {
            progress.devices[w].memberSteps = deviceSteps[w];
            progress.devices[w].memberStepsPerSecond =
                seconds > 0.0 ? static_cast<double>(progress.devices[w].memberSteps) / seconds : 0.0;
        }
        const auto [resident, peak] = processMemory();
        progress.residentBytes = resident;
        progress.peakResidentBytes = peak;
        progress.memberStepsDone = stepsDone;
        progress.elapsedSeconds = std::chrono::duration<double>(Clock::now() - start).count();
        progress.memberStepsPerSecond = progress.elapsedSeconds > 0.0
                                            ? static_cast<double>(progress.memberStepsDone) / progress.elapsedSeconds
                                            : 0.0;
        progress.etaSeconds = progress.memberStepsPerSecond > 0.0
                                  ? static_cast<double>(progress.memberStepsTotal - progress.memberStepsDone) /
                                        progress.memberStepsPerSecond
                                  : -1.0;
        if (observer) {
            observer(progress);
        }
    };

    std::exception_ptr fatal;
    std::atomic<bool> finished{false};
    std::thread pool([&] {
        try {
            runOnWorkers(workers, device);
        } catch (...) {
            fatal = std::current_exception();
            stop = true;
        }
        finished = true;
    });
    while (!finished) {
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
    if (fatal) {
        try {
            writer.finish(result.status);
        } catch (const std::exception&) {
            // The first failure is the one to report; the file keeps run_status "running".
        }
        std::rethrow_exception(fatal);
    }
    writer.finish(result.status);
    return result;
}

}  // namespace spreadcast
