#include "ForecastFixture.h"
#include "PanelChildren.h"
#include "io/ForecastFile.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"
#include "ui/RunController.h"
#include "ui/RunHistoryPanel.h"
#include "ui/RunOutputFile.h"
#include "ui/RunPanel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTreeWidget>
#include <QtTest/QtTest>

#include <memory>

using namespace spreadcast;
using spreadcast::testing::child;
using spreadcast::testing::configureShallowWaterRun;

namespace {

// The row of the history list that shows `path`, or nullptr.
QTreeWidgetItem* rowOf(const RunHistoryPanel* panel, const QString& path)
{
    for (int row = 0; row < panel->list()->topLevelItemCount(); ++row) {
        QTreeWidgetItem* item = panel->list()->topLevelItem(row);
        if (item->toolTip(RunHistoryPanel::Output) == QFileInfo(path).absoluteFilePath()) {
            return item;
        }
    }
    return nullptr;
}

QString describe(const RunHistoryPanel* panel)
{
    QStringList rows;
    for (int row = 0; row < panel->list()->topLevelItemCount(); ++row) {
        QStringList cells;
        for (int column = 0; column < RunHistoryPanel::ColumnCount; ++column) {
            cells << panel->list()->topLevelItem(row)->text(column);
        }
        rows << cells.join(" | ");
    }
    return rows.join('\n');
}

}  // namespace

// Issue 14: the Run history — the runs started here and the Spreadcast forecasts opened here,
// with their status, kept across sessions; a run's file opened, an interrupted run resumed and a
// run's settings copied back from it.
class TestRunHistory : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<MainWindow> window_;
    QString complete_;
    QString cancelled_;
    QString other_;

    RunHistoryPanel* panel() const { return window_->runHistoryPanel(); }

    void run(int truncation, int members, const QString& lead, const QString& output, bool cancel)
    {
        configureShallowWaterRun(window_->runPanel(), truncation, members, lead, "6h", output, 1);
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        // Owned by the connection too: a failed check below returns before it is disconnected.
        auto cancelling = std::make_shared<bool>(false);
        if (cancel) {
            connect(window_->runController(), &RunController::progress, this,
                    [this, cancelling](const RunProgress& progress) {
                        if (!*cancelling && progress.membersDone >= 1) {
                            *cancelling = true;
                            QTest::mouseClick(child<QPushButton>(window_->runPanel(), "cancelButton"), Qt::LeftButton);
                        }
                    });
        }
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY(window_->runController()->isRunning());
        // While it runs, the history has it as running.
        QTreeWidgetItem* running = rowOf(panel(), output);
        QVERIFY2(running != nullptr && running->text(RunHistoryPanel::Status) == "running",
                 qPrintable(describe(panel())));
        QVERIFY(finished.wait(120000));
        disconnect(window_->runController(), &RunController::progress, this, nullptr);
        QCOMPARE(finished.front().front().toString().startsWith("cancelled"), cancel);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);  // QSettings in a test location
        QSettings().clear();
        complete_ = folder_.filePath("complete.nc");
        cancelled_ = folder_.filePath("cancelled.nc");
        other_ = folder_.filePath("other.nc");
        fixture::write(other_.toStdString());
        const OpenGLReport report = checkOpenGL();
        QVERIFY2(report.sufficient, qPrintable(report.message));
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OffscreenImage);
        window_->resize(1280, 800);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }

    void twoRunsAreListedWithTheirStatus()
    {
        QVERIFY(!window_->runHistoryDock()->isVisible());
        QAction* show = window_->findChild<QAction*>("showRunHistory");
        QVERIFY(show != nullptr);
        QCOMPARE(show->shortcut(), QKeySequence("Ctrl+H"));
        show->trigger();
        QVERIFY(window_->runHistoryDock()->isVisible());
        QCOMPARE(panel()->list()->topLevelItemCount(), 0);

        run(21, 2, "1d", complete_, false);
        if (QTest::currentTestFailed()) {
            return;
        }
        run(42, 6, "2d", cancelled_, true);
        if (QTest::currentTestFailed()) {
            return;
        }

        QTreeWidgetItem* first = panel()->list()->topLevelItem(0);  // newest first
        QTreeWidgetItem* second = panel()->list()->topLevelItem(1);
        QVERIFY2(first != nullptr && second != nullptr, qPrintable(describe(panel())));
        QCOMPARE(first->text(RunHistoryPanel::Output), QString("cancelled.nc"));
        QCOMPARE(first->text(RunHistoryPanel::Status), QString("cancelled"));
        QCOMPARE(first->text(RunHistoryPanel::Members), QString("6"));
        QCOMPARE(first->text(RunHistoryPanel::Lead), QString("2 d"));
        QCOMPARE(second->text(RunHistoryPanel::Output), QString("complete.nc"));
        QCOMPARE(second->text(RunHistoryPanel::Status), QString("complete"));
        QCOMPARE(second->text(RunHistoryPanel::Model), QString("shallow-water"));
        QCOMPARE(second->text(RunHistoryPanel::InitialCondition), QString("galewsky"));
        QCOMPARE(second->text(RunHistoryPanel::Members), QString("2"));
        QCOMPARE(second->text(RunHistoryPanel::Lead), QString("1 d"));
        QVERIFY(first->toolTip(RunHistoryPanel::Status).contains("members"));  // the whole run_status
        QVERIFY(QDateTime::fromString(first->text(RunHistoryPanel::Started), "yyyy-MM-dd HH:mm").isValid());
    }

    void aRunIsReopenedFromTheHistory()
    {
        QVERIFY(window_->openForecast(other_));
        QVERIFY(panel()->select(complete_));
        auto* open = child<QPushButton>(panel(), "openRunButton");
        QVERIFY(open->isEnabled());
        QVERIFY(!child<QPushButton>(panel(), "resumeRunButton")->isEnabled());  // complete
        QSignalSpy opened(window_.get(), &MainWindow::forecastOpened);
        QTest::mouseClick(open, Qt::LeftButton);
        QCOMPARE(opened.size(), 1);
        QVERIFY(window_->products() != nullptr);
        QCOMPARE(QString::fromStdString(window_->products()->file().path()), complete_);
    }

    void aRunsSettingsGoBackToTheRunPanel()
    {
        configureShallowWaterRun(window_->runPanel(), 63, 5, "3d", "12h", folder_.filePath("next.nc"), 1);
        QVERIFY(panel()->select(cancelled_));
        QTest::mouseClick(child<QPushButton>(panel(), "useRunSettingsButton"), Qt::LeftButton);
        const std::optional<RunSpec> spec = window_->runPanel()->spec();
        QVERIFY(spec.has_value());
        QCOMPARE(spec->truncation, 42);
        QCOMPARE(spec->members, 6);
        QCOMPARE(spec->leadSeconds, 2 * 86400.0);
        QCOMPARE(spec->outputIntervalSeconds, 6 * 3600.0);
        QCOMPARE(spec->initialCondition, std::string("galewsky"));
        // Where it writes stays as it was: running it again must not replace the old run by surprise.
        QCOMPARE(QString::fromStdString(spec->outputPath), folder_.filePath("next.nc"));
        QCOMPARE(spec->threads, 1);
    }

    void theHistorySurvivesANewWindow()
    {
        const QString before = describe(panel());
        MainWindow again(GlobeWidget::Backend::OffscreenImage);
        QCOMPARE(describe(again.runHistoryPanel()), before);
        QVERIFY(rowOf(again.runHistoryPanel(), complete_) != nullptr);
        QCOMPARE(rowOf(again.runHistoryPanel(), cancelled_)->text(RunHistoryPanel::Status), QString("cancelled"));
    }

    void aMissingFileIsShownAsSuch()
    {
        const QString gone = folder_.filePath("gone.nc");
        QVERIFY(QFile::copy(complete_, gone));
        QVERIFY(window_->openForecast(gone));  // a Spreadcast run's file: added as opened
        QVERIFY2(rowOf(panel(), gone) != nullptr, qPrintable(describe(panel())));
        QCOMPARE(rowOf(panel(), gone)->text(RunHistoryPanel::Status), QString("complete"));
        QCOMPARE(rowOf(panel(), gone)->text(RunHistoryPanel::Members), QString("2"));  // from its run_spec
        QVERIFY(window_->openForecast(other_));
        QVERIFY(QFile::remove(gone));
        panel()->refresh(QString());
        QCOMPARE(rowOf(panel(), gone)->text(RunHistoryPanel::Status), QString("file missing"));
        QVERIFY(panel()->select(gone));
        QVERIFY(!child<QPushButton>(panel(), "openRunButton")->isEnabled());
        QVERIFY(!child<QPushButton>(panel(), "resumeRunButton")->isEnabled());
        QTest::mouseClick(child<QPushButton>(panel(), "forgetRunButton"), Qt::LeftButton);
        QVERIFY(rowOf(panel(), gone) == nullptr);
    }

    // Resume from the history continues the cancelled run into a complete forecast.
    void anInterruptedRunIsResumedFromTheHistory()
    {
        QVERIFY(panel()->select(cancelled_));
        auto* resume = child<QPushButton>(panel(), "resumeRunButton");
        QVERIFY(resume->isEnabled());
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(window_->runController()->isRunning());
        QCOMPARE(rowOf(panel(), cancelled_)->text(RunHistoryPanel::Status), QString("running"));
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));
        QCOMPARE(rowOf(panel(), cancelled_)->text(RunHistoryPanel::Status), QString("complete"));
        QCOMPARE(rowOf(panel(), cancelled_)->text(RunHistoryPanel::Members), QString("6"));
    }

    // A record left "running" by a program that ended is "interrupted"; the list keeps its newest
    // maxRecords entries.
    void theListIsHonestAndBounded()
    {
        RunRecord record;
        record.outputPath = complete_;
        record.status = "running";
        QCOMPARE(displayedStatus(record, false), QString("interrupted"));
        QCOMPARE(displayedStatus(record, true), QString("running"));

        RunHistory history("test/records");
        for (int i = 0; i < RunHistory::maxRecords + 5; ++i) {
            history.recordOpened(folder_.filePath(QString("f%1.nc").arg(i)), "complete", {},
                                 QDateTime::currentDateTimeUtc());
        }
        const std::vector<RunRecord> records = history.records();
        QCOMPARE(static_cast<int>(records.size()), RunHistory::maxRecords);
        QCOMPARE(records.front().outputPath, folder_.filePath(QString("f%1.nc").arg(RunHistory::maxRecords + 4)));
        QSettings().setValue("test/records", QByteArray("not json"));
        QVERIFY(history.records().empty());
    }

    void cleanupTestCase() { window_.reset(); }
};

int main(int argc, char** argv)
{
    leaveFilesUnlocked();  // as the workstation's main() does, before any netCDF call
    setDefaultSurfaceFormat();
    QApplication application(argc, argv);
    QApplication::setOrganizationName("SpreadcastTests");
    QApplication::setApplicationName("TestRunHistory");
    TestRunHistory test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestRunHistory.moc"
