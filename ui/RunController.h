#pragma once

#include "run/EnsembleRun.h"
#include "run/RunManifest.h"
#include "run/RunSpec.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>

class QThread;

Q_DECLARE_METATYPE(spreadcast::RunProgress)
Q_DECLARE_METATYPE(spreadcast::RunResult)

namespace spreadcast {

// The spec a resumed run uses: the science from the interrupted run's manifest, the output path
// and the placement (devices, threads, batches, segments, speculation, watchdog) from `placement`,
// which may change between the runs — what `spreadcast-cli run --resume` does.
RunSpec resumedSpec(const RunManifest& manifest, const RunSpec& placement);

// Runs one ensemble at a time on a worker thread, the way QGIS runs a QgsTask: the core's
// EnsembleRun works there with a cancel flag, its telemetry reaches the GUI thread as queued
// signals at most every `progressInterval` ms (and always the last report), and the result
// arrives as finished() on the GUI thread. Each output time that completes (every member in)
// arrives as outputTimeCompleted(), from the run's aggregator, so the GUI follows a running
// forecast from these events and never polls its file. Every signal is emitted on the
// controller's thread, never on the worker's. The GUI never waits for a run.
class RunController : public QObject {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    // Cancels a run still going and waits for its worker to stop.
    ~RunController() override;

    // From start() until finished() or failed() is emitted: a receiver of those may start the next run.
    bool isRunning() const { return running_; }
    // Starts a run; false (and nothing started) while another is going. With `resume`, the
    // interrupted run its manifest records is continued (spec.outputPath and the placement of
    // `spec` are used, the science comes from the manifest), as `spreadcast-cli run --resume`.
    bool start(const RunSpec& spec, std::optional<RunManifest> resume = std::nullopt);
    void cancel();
    static constexpr int progressInterval = 250;

signals:
    void started(const QString& outputPath);
    // The last report of a run that ended leaves no member "running": a member that was under
    // way when the run was cancelled or gave up is reported queued (not computed).
    void progress(const spreadcast::RunProgress& progress);
    // An output time is complete in the file: its members (`members` of them) and statistics
    // are written and can be read. In the order the times complete, which need not be time order.
    void outputTimeCompleted(int timeIndex, double leadHours, int members);
    // The run ended (complete, cancelled, or with failed members): result.status says which.
    void finished(const spreadcast::RunResult& result);
    // The run could not start or stopped on an error; the message is for people.
    void failed(const QString& message);

private:
    QThread* worker_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancel_;
    bool running_ = false;
};

}  // namespace spreadcast
