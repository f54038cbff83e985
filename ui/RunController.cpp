#include "ui/RunController.h"

#include "run/InputError.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>

#include <mutex>
#include <optional>

namespace spreadcast {

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

bool RunController::start(const RunSpec& spec)
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
    worker_ = QThread::create([this, spec, cancelFlag, post] {
        try {
            PreparedModel prepared = prepareModel(spec);
            EnsembleRun run(spec, std::move(prepared));
            post([this, outputPath = QString::fromStdString(spec.outputPath)] { emit started(outputPath); });
            QElapsedTimer sinceLast;
            std::optional<RunProgress> pending;
            auto observer = [&](const RunProgress& report) {
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
            if (pending) {
                post([this, report = *pending] { emit progress(report); });
            }
            post([this, result] { emit finished(result); });
        } catch (const InputError& error) {
            post([this, message = QString::fromStdString(error.what())] { emit failed(message); });
        } catch (const std::exception& error) {
            post([this, message = "The run stopped on an error: " + QString::fromStdString(error.what())] {
                emit failed(message);
            });
        }
    });
    connect(
        worker_, &QThread::finished, this, [this] { running_ = false; }, Qt::QueuedConnection);
    worker_->start();
    return true;
}

}  // namespace spreadcast
