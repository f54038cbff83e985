#include "ui/RunController.h"

#include "run/InputError.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <mutex>
#include <optional>

namespace spreadcast {
namespace {

// A run that ended has no member under way: one that was (cancelled, or its device gave up) is
// queued again, as a resumed run would find it. True when a status changed.
bool settleUnfinishedMembers(RunProgress& progress)
{
    bool changed = false;
    for (MemberStatus& status : progress.memberStatuses) {
        if (status == MemberStatus::Running) {
            status = MemberStatus::Queued;
            changed = true;
        }
    }
    for (DeviceTelemetry& device : progress.devices) {
        changed = changed || device.running != 0;
        device.running = 0;
        device.currentMember = -1;
    }
    return changed;
}

}  // namespace

RunSpec resumedSpec(const RunManifest& manifest, const RunSpec& placement)
{
    RunSpec resumed = manifest.spec;
    resumed.outputPath = placement.outputPath;
    resumed.threads = placement.threads;
    resumed.devices = placement.devices;
    resumed.batchSize = placement.batchSize;
    resumed.segmentOutputs = placement.segmentOutputs;
    resumed.speculate = placement.speculate;
    resumed.watchdogSeconds = placement.watchdogSeconds;
    return resumed;
}

RunController::RunController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<RunProgress>();
    qRegisterMetaType<RunResult>();
}

RunController::~RunController()
{
    if (worker_ != nullptr) {
        cancel();
        worker_->wait();
        delete worker_;
    }
}

void RunController::cancel()
{
    if (cancel_) {
        *cancel_ = true;
    }
}

bool RunController::start(const RunSpec& spec, std::optional<RunManifest> resume)
{
    if (running_) {
        return false;
    }
    if (worker_ != nullptr) {
        worker_->wait();
        delete worker_;
        worker_ = nullptr;
    }
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    auto cancelFlag = cancel_;
    // The worker emits nothing itself: each signal is posted to this object and emitted on its (the GUI)
    // thread, so that every receiver runs there, direct connections and QSignalSpy included. Posted
    // signals that have not been emitted when this object is destroyed are dropped with it.
    auto post = [this](auto emitOnGuiThread) {
        QMetaObject::invokeMethod(this, std::move(emitOnGuiThread), Qt::QueuedConnection);
    };
    worker_ = QThread::create([this, spec, resume = std::move(resume), cancelFlag, post]() mutable {
        try {
            RunSpec runSpec = spec;
            if (resume) {
                runSpec = resumedSpec(*resume, spec);
            }
            PreparedModel prepared = prepareModel(runSpec);
            EnsembleRun run(runSpec, std::move(prepared));
            if (resume) {
                run.resumeFrom(std::move(*resume));
            }
            // Called with the output locked: only post the event.
            run.observeOutputTimes([this, post](const CompletedOutputTime& completed) {
                post([this, time = completed.timeIndex, hours = completed.leadSeconds / 3600.0,
                      members = completed.members] { emit outputTimeCompleted(time, hours, members); });
            });
            post([this, outputPath = QString::fromStdString(runSpec.outputPath)] { emit started(outputPath); });
            QElapsedTimer sinceLast;
            std::optional<RunProgress> pending;
            RunProgress latest;
            auto observer = [&](const RunProgress& report) {
                latest = report;
                if (!sinceLast.isValid() || sinceLast.elapsed() >= progressInterval) {
                    sinceLast.restart();
                    pending.reset();
                    post([this, report] { emit progress(report); });
                } else {
                    pending = report;
                }
            };
            const std::string history = QCoreApplication::applicationName().toStdString() + " (GUI run)";
            RunResult result = run.execute(observer, *cancelFlag, history);
            if (settleUnfinishedMembers(latest) || pending) {
                post([this, report = latest] { emit progress(report); });
            }
            // Not running from the moment it says so: a run started from a receiver of finished()
            // (Run or Resume pressed at once) is not refused; start() waits for the thread's last steps.
            post([this, result] {
                running_ = false;
                emit finished(result);
            });
        } catch (const InputError& error) {
            post([this, message = QString::fromStdString(error.what())] {
                running_ = false;
                emit failed(message);
            });
        } catch (const std::exception& error) {
            post([this, message = "The run stopped on an error: " + QString::fromStdString(error.what())] {
                running_ = false;
                emit failed(message);
            });
        }
    });
    worker_->start();
    return true;
}

}  // namespace spreadcast
