#pragma once

#include "run/EnsembleRun.h"
#include "run/RunSpec.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

class QThread;

Q_DECLARE_METATYPE(spreadcast::RunProgress)
Q_DECLARE_METATYPE(spreadcast::RunResult)

namespace spreadcast {

// Runs one ensemble at a time on a worker thread, the way QGIS runs a QgsTask: the core's
// EnsembleRun works there with a cancel flag, its telemetry reaches the GUI thread as queued
// signals at most every `progressInterval` ms (and always the last report), and the result
// arrives as finished() on the GUI thread. Every signal is emitted on the controller's thread,
// never on the worker's. The GUI never waits for a run.
class RunController : public QObject {
    Q_OBJECT

public:
    explicit RunController(QObject* parent = nullptr);
    // Cancels a run still going and waits for its worker to stop.
    ~RunController() override;

    bool isRunning() const { return running_; }
    // Starts a run; false (and nothing started) while another is going.
    bool start(const RunSpec& spec);
    void cancel();
    static constexpr int progressInterval = 250;

signals:
    void started(const QString& outputPath);
    void progress(const spreadcast::RunProgress& progress);
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
