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
    // Signals emitted from the worker thread reach this object's slots and the GUI's queued.
    worker_ = QThread::create([this, spec, cancelFlag] {
        try {
            PreparedModel prepared = prepareModel(spec);
            EnsembleRun run(spec, std::move(prepared));
            emit started(QString::fromStdString(spec.outputPath));
            QElapsedTimer sinceLast;
            std::optional<RunProgress> pending;
            auto observer = [&](const RunProgress& report) {
                if (!sinceLast.isValid() || sinceLast.elapsed() >= progressInterval) {
                    sinceLast.restart();
                    pending.reset();
                    emit progress(report);
                } else {
                    pending = report;
                }
            };
            const std::string history = QCoreApplication::applicationName().toStdString() + " (GUI run)";
            RunResult result = run.execute(observer, *cancelFlag, history);
            if (pending) {
                emit progress(*pending);
            }
            emit finished(result);
        } catch (const InputError& error) {
            emit failed(QString::fromStdString(error.what()));
        } catch (const std::exception& error) {
            emit failed("The run stopped on an error: " + QString::fromStdString(error.what()));
        }
    });
    connect(
        worker_, &QThread::finished, this, [this] { running_ = false; }, Qt::QueuedConnection);
    worker_->start();
    return true;
}

}  // namespace spreadcast
