// The main window's run history — the Run history dock and what feeds it — kept apart from
// MainWindow.cpp, which calls createRunHistory() once and noteRunStarted() as each run starts.
// The ends of runs and the forecasts opened reach the history through the window's signals.
#include "io/CfReader.h"
#include "run/RunManifest.h"
#include "ui/MainWindow.h"
#include "ui/RunController.h"
#include "ui/RunHistoryPanel.h"
#include "ui/RunPanel.h"

#include <QAction>
#include <QDateTime>
#include <QDockWidget>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>

namespace spreadcast {
namespace {

QMenu* menuNamed(QMainWindow* window, const QString& title)
{
    for (QAction* action : window->menuBar()->actions()) {
        if (action->menu() != nullptr && action->text() == title) {
            return action->menu();
        }
    }
    return nullptr;
}

// The spec a Spreadcast output file records (spreadcast_run_spec), as JSON; empty when it has none.
QByteArray recordedSpec(const QString& path)
{
    try {
        const CfReader reader(path.toStdString(), CfFileKind{"forecast", ""});
        return QByteArray::fromStdString(reader.text(nullptr, "spreadcast_run_spec").value_or(""));
    } catch (const std::exception&) {
        return {};
    }
}

}  // namespace

void MainWindow::createRunHistory()
{
    runHistoryPanel_ = new RunHistoryPanel;
    runHistoryDock_ = new QDockWidget("Run history");
    runHistoryDock_->setObjectName("runHistoryDock");
    runHistoryDock_->setWidget(runHistoryPanel_);
    addDockWidget(Qt::BottomDockWidgetArea, runHistoryDock_);
    runHistoryDock_->hide();  // until asked for

    QAction* show = runHistoryDock_->toggleViewAction();
    show->setText("Run &history");
    show->setObjectName("showRunHistory");
    show->setShortcut(QKeySequence("Ctrl+H"));
    if (QMenu* view = menuNamed(this, "&View")) {
        view->addAction(show);
    }
    connect(runHistoryDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible) {
            runHistoryPanel_->refresh(runController_->isRunning() ? runningOutput_ : QString());
        }
    });

    connect(runHistoryPanel_, &RunHistoryPanel::openRequested, this, &MainWindow::openForecast);
    connect(runHistoryPanel_, &RunHistoryPanel::resumeRequested, this, &MainWindow::resumeFromHistory);
    connect(runHistoryPanel_, &RunHistoryPanel::settingsRequested, this, &MainWindow::useRunSettings);

    // Connected after the window's own handlers: the run has been wound up when these run.
    connect(runController_, &RunController::finished, this, [this](const RunResult& result) {
        runHistoryPanel_->history().recordEnd(QString::fromStdString(result.outputPath),
                                              QString::fromStdString(result.status));
        runHistoryPanel_->refresh(QString());
    });
    connect(runController_, &RunController::failed, this, [this](const QString& message) {
        runHistoryPanel_->history().recordEnd(runHistoryOutput_, "failed: " + message);
        runHistoryPanel_->refresh(QString());
    });
    connect(this, &MainWindow::forecastOpened, this, [this](const QString& path) {
        if (!file_ || !file_->isSpreadcastFile() || file_->runStatus().empty()) {
            return;  // not a Spreadcast run's output
        }
        runHistoryPanel_->history().recordOpened(path, QString::fromStdString(file_->runStatus()), recordedSpec(path),
                                                 QDateTime::currentDateTimeUtc());
        runHistoryPanel_->refresh(runController_->isRunning() ? runningOutput_ : QString());
    });
}

void MainWindow::noteRunStarted(const RunSpec& spec)
{
    runHistoryOutput_ = QString::fromStdString(spec.outputPath);
    runHistoryPanel_->history().recordStart(spec, QDateTime::currentDateTimeUtc());
    runHistoryPanel_->refresh(runHistoryOutput_);
}

void MainWindow::resumeFromHistory(const QString& path)
{
    if (!openForecast(path)) {
        return;  // why is shown
    }
    if (runPanel_->resumablePath().isEmpty()) {
        showError("Cannot resume the run",
                  QFileInfo(path).fileName() + " has nothing to resume: its run " +
                      (file_ && file_->runStatus() == "complete"
                           ? QString("is complete.")
                           : QString("left no record of its finished members beside it (") +
                                 QString::fromStdString(resumeFolder(path.toStdString())) + ")."));
        return;
    }
    resumeRun();
}

void MainWindow::useRunSettings(RunSpec spec)
{
    // The run's science; where it runs and the file it writes stay as the Run panel has them.
    if (const std::optional<RunSpec> panel = runPanel_->spec()) {
        spec.threads = panel->threads;
        spec.devices = panel->devices;
        spec.batchSize = panel->batchSize;
        spec.segmentOutputs = panel->segmentOutputs;
        spec.speculate = panel->speculate;
        spec.watchdogSeconds = panel->watchdogSeconds;
        spec.outputPath = panel->outputPath;
    }
    spec.timeStepSeconds = 0.0;  // the panel always uses the automatic step
    runPanel_->setSpec(spec);
    if (auto* runDock = findChild<QDockWidget*>("runDock")) {
        runDock->show();
        runDock->raise();
    }
    statusBar()->showMessage("Run panel set from the run history; the output file is unchanged", 10000);
}

}  // namespace spreadcast
