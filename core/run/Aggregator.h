#pragma once

#include "model/GridFields.h"
#include "run/RunManifest.h"
#include "run/RunProgress.h"
#include "run/RunSpec.h"

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace spreadcast {

class ForecastModel;
class NetcdfWriter;
class StatisticsAccumulator;
struct PreparedModel;

// The one place where a run's results go: it alone owns the output file's writer, the ensemble
// statistics and the manifest for --resume, and serialises the device loops' writes. One copy of
// each (member, time) goes into the file and the statistics; an identical second copy (a
// speculative duplicate, a unit re-run after a fault or a resume) is dropped, a differing one
// throws DeterminismViolation. Each output time that completes is published to the observers.
class Aggregator {
public:
    using EventSink = std::function<void(std::string)>;

    // Creates the output file, or reopens it for a resumed run (with its statistics snapshot).
    // Throws InputError when it cannot. `events` hears of problems that do not stop the run.
    // The spec and the prepared model must outlive the aggregator.
    Aggregator(const RunSpec& spec, const PreparedModel& prepared, std::vector<double> outputTimes,
               const std::optional<RunManifest>& resume, std::string history, EventSink events);
    ~Aggregator();
    Aggregator(const Aggregator&) = delete;
    Aggregator& operator=(const Aggregator&) = delete;

    void addObserver(OutputTimeObserver observer);

    // Members finished or failed before this run started (a resumed run), and those left to run.
    std::vector<int> finishedMembers() const;
    std::vector<MemberFailure> failures() const;
    std::vector<int> membersToRun() const;

    void write(int time, int member, const GridFields& fields);
    void memberFinished(int member);
    // The statistics of the times the member did not reach go on without it.
    void memberFailed(int member, const std::string& reason);

    // Rewrites the manifest. A big statistics snapshot (hundreds of megabytes for a large
    // ensemble at T170) is rewritten unless `always` only while that costs at most a tenth of the
    // run's time; members finished since the last one are computed again on resume.
    void saveManifest(bool always);
    // Records how the run ended and closes the file: a complete run drops its manifest, any other
    // keeps one with what finished. After a failure of the output itself (`afterFailure`) a
    // second failure while closing is swallowed: the first is the one to report.
    void finish(const std::string& status, bool afterFailure);

private:
    // The writer and the statistics accumulator for this run's output: the one place that knows
    // how the file is laid out.
    void openOutput(const PreparedModel& prepared, const std::optional<RunManifest>& resume);
    void publish(int time, const EnsembleStatistics* statistics);  // under mutex_

    const RunSpec& spec_;
    const ForecastModel& model_;
    std::vector<double> outputTimes_;
    std::string history_;
    EventSink events_;

    mutable std::mutex mutex_;
    std::unique_ptr<NetcdfWriter> writer_;
    std::unique_ptr<StatisticsAccumulator> statistics_;
    std::vector<int> finished_;
    std::vector<MemberFailure> failures_;
    std::vector<OutputTimeObserver> observers_;
    std::vector<char> published_;  // per output time, for a run without statistics (one member)

    std::chrono::steady_clock::time_point lastManifest_ = std::chrono::steady_clock::now();
    double manifestSeconds_ = 0.0;
    std::size_t snapshotBytes_ = 0;
    bool manifestBroken_ = false;
};

}  // namespace spreadcast
