#include "run/Aggregator.h"

#include "ensemble/EnsembleStatistics.h"
#include "io/NetcdfWriter.h"
#include "run/EnsembleRun.h"
#include "run/InputError.h"

#include <algorithm>
#include <sstream>
#include <utility>

namespace spreadcast {

namespace {
using Clock = std::chrono::steady_clock;
}

Aggregator::Aggregator(const RunSpec& spec, const PreparedModel& prepared, std::vector<double> outputTimes,
                       const std::optional<RunManifest>& resume, std::string history, EventSink events)
    : spec_(spec),
      model_(*prepared.model),
      outputTimes_(std::move(outputTimes)),
      history_(resume ? resume->history : std::move(history)),
      events_(std::move(events)),
      published_(outputTimes_.size(), 0)
{
    if (resume) {
        finished_ = resume->finishedMembers;
        for (const auto& [member, reason] : resume->failures) {
            failures_.push_back({member, reason});
        }
    }
    openOutput(prepared, resume);
}

Aggregator::~Aggregator() = default;

void Aggregator::openOutput(const PreparedModel& prepared, const std::optional<RunManifest>& resume)
{
    NetcdfRunAttributes attributes;
    attributes.initialCondition = prepared.initialCondition;
    if (!prepared.initialTime.empty()) {
        attributes.initialTime = prepared.initialTime;
    }
    attributes.perturbations = prepared.perturbations;
    attributes.history = history_;
    attributes.statistics = spec_.members > 1;
    attributes.thresholds = spec_.thresholds;
    attributes.source = model_.description();
    attributes.modelAttributes = prepared.attributes;
    const OutputSchema& schema = model_.outputSchema();
    writer_ = resume ? NetcdfWriter::reopen(spec_.outputPath, spec_, schema, outputTimes_, finished_, history_)
                     : std::make_unique<NetcdfWriter>(spec_.outputPath, spec_, schema, outputTimes_, attributes);
    if (!attributes.statistics) {
        return;
    }
    statistics_ = std::make_unique<StatisticsAccumulator>(static_cast<int>(outputTimes_.size()), spec_.members, schema,
                                                          spec_.thresholds);
    if (resume) {
        std::istringstream snapshot(readStatisticsSnapshot(spec_.outputPath));
        try {
            statistics_->restore(snapshot);
        } catch (const std::invalid_argument& error) {
            throw InputError("cannot resume '" + spec_.outputPath + "': its statistics snapshot in '" +
                             resumeFolder(spec_.outputPath) + "' is damaged (" + error.what() +
                             "); start the run again with --force");
        }
    }
}

void Aggregator::addObserver(OutputTimeObserver observer)
{
    std::lock_guard lock(mutex_);
    observers_.push_back(std::move(observer));
}

std::vector<int> Aggregator::finishedMembers() const
{
    std::lock_guard lock(mutex_);
    return finished_;
}

std::vector<MemberFailure> Aggregator::failures() const
{
    std::lock_guard lock(mutex_);
    return failures_;
}

std::vector<int> Aggregator::membersToRun() const
{
    std::lock_guard lock(mutex_);
    std::vector<char> settled(static_cast<std::size_t>(spec_.members), 0);
    for (int member : finished_) {
        settled[static_cast<std::size_t>(member)] = 1;
    }
    for (const MemberFailure& failure : failures_) {
        settled[static_cast<std::size_t>(failure.member)] = 1;
    }
    std::vector<int> members;
    for (int m = 0; m < spec_.members; ++m) {
        if (!settled[static_cast<std::size_t>(m)]) {
            members.push_back(m);
        }
    }
    return members;
}

void Aggregator::publish(int time, const EnsembleStatistics* statistics)
{
    CompletedOutputTime completed;
    completed.timeIndex = time;
    completed.leadSeconds = outputTimes_[static_cast<std::size_t>(time)];
    completed.members = statistics != nullptr ? statistics->members : 1;
    completed.statistics = statistics;
    for (const OutputTimeObserver& observer : observers_) {
        observer(completed);
    }
}

void Aggregator::write(int time, int member, const GridFields& fields)
{
    std::lock_guard lock(mutex_);
    writer_->writeMember(time, member, fields);
    if (!statistics_) {
        // One member: the time is complete with it.
        if (!std::exchange(published_[static_cast<std::size_t>(time)], 1)) {
            publish(time, nullptr);
        }
        return;
    }
    if (!statistics_->includes(time, member)) {
        for (const auto& [completedTime, result] : statistics_->add(time, member, fields)) {
            writer_->writeStatistics(completedTime, result);
            publish(completedTime, &result);
        }
    }
}

void Aggregator::memberFinished(int member)
{
    {
        std::lock_guard lock(mutex_);
        finished_.push_back(member);
    }
    saveManifest(false);
}

void Aggregator::memberFailed(int member, const std::string& reason)
{
    std::lock_guard lock(mutex_);
    failures_.push_back({member, reason});
    if (statistics_) {
        for (const auto& [completedTime, result] : statistics_->skip(member)) {
            writer_->writeStatistics(completedTime, result);
            publish(completedTime, &result);
        }
    }
}

void Aggregator::saveManifest(bool always)
{
    constexpr std::size_t smallSnapshot = 16u << 20;
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    if (manifestBroken_ || (!always && snapshotBytes_ > smallSnapshot &&
                            std::chrono::duration<double>(now - lastManifest_).count() < 10.0 * manifestSeconds_)) {
        return;
    }
    RunManifest manifest;
    manifest.spec = spec_;
    manifest.history = history_;
    manifest.finishedMembers = finished_;
    for (const MemberFailure& failure : failures_) {
        manifest.failures.emplace_back(failure.member, failure.reason);
    }
    std::sort(manifest.finishedMembers.begin(), manifest.finishedMembers.end());
    std::ostringstream snapshot;
    if (statistics_) {
        statistics_->save(snapshot);
    }
    snapshotBytes_ = static_cast<std::size_t>(snapshot.tellp());
    try {
        writeRunManifest(spec_.outputPath, manifest, snapshot.str());
    } catch (const std::exception& error) {
        manifestBroken_ = true;
        events_(std::string("the run cannot be resumed if it is interrupted: ") + error.what());
    }
    lastManifest_ = Clock::now();
    manifestSeconds_ = std::chrono::duration<double>(lastManifest_ - now).count();
}

void Aggregator::finish(const std::string& status, bool afterFailure)
{
    if (status != "complete") {
        saveManifest(true);
    }
    std::lock_guard lock(mutex_);
    if (afterFailure) {
        try {
            writer_->finish(status);
        } catch (const std::exception&) {
            // The first failure is the one to report; the file keeps run_status "running".
        }
        return;
    }
    writer_->finish(status);
    if (status == "complete") {
        removeRunManifest(spec_.outputPath);
    }
}

}  // namespace spreadcast
