#include "ForecastFixture.h"
#include "PanelChildren.h"
#include "io/ForecastFile.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/MemberGrid.h"
#include "ui/OpenGLCheck.h"
#include "ui/ProductPanel.h"
#include "ui/RunController.h"
#include "ui/RunOutputFile.h"
#include "ui/RunPanel.h"
#include "ui/TimeBar.h"
#include "viz/Plume.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QtTest/QtTest>

#include <netcdf.h>

#include <algorithm>
#include <cmath>

using namespace spreadcast;
using spreadcast::testing::child;
using spreadcast::testing::configureShallowWaterRun;

namespace {

// Answers the next modal message box named `boxName` by clicking its button `buttonName`, as a
// person would; `text` receives what the box said.
void answerNextQuestion(QObject* owner, const QString& boxName, const QString& buttonName, QString* text)
{
    auto* poll = new QTimer(owner);
    QObject::connect(poll, &QTimer::timeout, owner, [=] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (box == nullptr || box->objectName() != boxName) {
            return;
        }
        *text = box->text();
        poll->stop();
        poll->deleteLater();
        box->findChild<QPushButton*>(buttonName)->click();
    });
    poll->start(20);
}

bool anyFinite(const std::vector<float>& values)
{
    return std::any_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
}

bool hasAttribute(const QString& path, const char* variable, const char* attribute)
{
    int ncid = 0;
    if (nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid) != NC_NOERR) {
        return false;
    }
    int varid = 0;
    std::size_t length = 0;
    const bool found =
        nc_inq_varid(ncid, variable, &varid) == NC_NOERR && nc_inq_attlen(ncid, varid, attribute, &length) == NC_NOERR;
    nc_close(ncid);
    return found;
}

}  // namespace

// A run as a forecaster lives it in the workstation: watched while it runs, cancelled, resumed,
// and never written over a file without asking.
class TestRunLifecycle : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<MainWindow> window_;
    QString other_;  // a forecast to show instead, so that the window lets go of a file

    QString title() const { return QString::fromStdString(window_->globe()->scene().content().title); }

    void chooseProduct(const QString& field, const QString& product)
    {
        QComboBox* fields = window_->productPanel()->fieldBox();
        QVERIFY2(fields->findData(field) >= 0, qPrintable(field));
        fields->setCurrentIndex(fields->findData(field));
        QComboBox* products = window_->productPanel()->productBox();
        QVERIFY2(products->findData(product) >= 0, qPrintable(product));
        products->setCurrentIndex(products->findData(product));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        other_ = folder_.filePath("other.nc");
        fixture::write(other_.toStdString());
        const OpenGLReport report = checkOpenGL();
        QVERIFY2(report.sufficient, qPrintable(report.message));
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OffscreenImage);
        window_->resize(1280, 800);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }

    // Issue 11: the window follows a running forecast from the aggregator's output-time events,
    // each shown as it arrives, not from a timer that reopens the file now and then.
    void followsARunningForecastFromItsOutputTimes()
    {
        const QString output = folder_.filePath("followed.nc");
        configureShallowWaterRun(window_->runPanel(), 42, 3, "2d", "6h", output, 2);
        int events = 0;
        int newest = -1;
        QStringList problems;
        // Connected after the window's own connection: the window has handled each event already.
        connect(window_->runController(), &RunController::outputTimeCompleted, this,
                [&](int timeIndex, double leadHours, int members) {
                    ++events;
                    newest = std::max(newest, timeIndex);
                    if (members != 3 || std::abs(leadHours - 6.0 * timeIndex) > 1e-9) {
                        problems << QString("event %1: %2 h, %3 members").arg(timeIndex).arg(leadHours).arg(members);
                    }
                    if (window_->products() == nullptr || window_->products()->file().path() != output.toStdString()) {
                        problems << QString("time %1: the running forecast is not shown").arg(timeIndex);
                        return;
                    }
                    if (window_->timeBar()->slider()->maximum() < newest || window_->timeBar()->timeIndex() != newest) {
                        problems << QString("time %1: the time bar is at %2 of 0 … %3")
                                        .arg(newest)
                                        .arg(window_->timeBar()->timeIndex())
                                        .arg(window_->timeBar()->slider()->maximum());
                    }
                    const QString label = QString::fromStdString(window_->products()->timeLabel(newest));
                    if (!title().contains(label) || title().contains("not")) {
                        problems << QString("time %1: the globe shows '%2'").arg(newest).arg(title());
                    }
                });
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));
        QCOMPARE(events, 9);  // 0 … 48 h every 6 h
        QVERIFY2(problems.isEmpty(), qPrintable(problems.join('\n')));
        disconnect(window_->runController(), &RunController::outputTimeCompleted, this, nullptr);
    }

    // Issue 14, defect 2: Run over an existing file asks first; the file on screen included.
    void runningOverAnExistingFileAsksFirst()
    {
        const QString existing = folder_.filePath("existing.nc");
        fixture::write(existing.toStdString());
        const qint64 bytes = QFileInfo(existing).size();
        QVERIFY(window_->openForecast(existing));
        configureShallowWaterRun(window_->runPanel(), 21, 2, "1d", "12h", existing, 2);

        QString question;
        answerNextQuestion(this, "overwriteQuestion", "keepButton", &question);
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY2(question.contains("existing.nc") && question.contains("shown now"), qPrintable(question));
        QVERIFY(!window_->runController()->isRunning());
        QCOMPARE(QFileInfo(existing).size(), bytes);
        QVERIFY(window_->products() != nullptr);  // still on screen
        QCOMPARE(ForecastFile(existing.toStdString()).members().size(), std::size_t(fixture::members));

        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        answerNextQuestion(this, "overwriteQuestion", "overwriteButton", &question);
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY(window_->runController()->isRunning());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));
        QCOMPARE(ForecastFile(existing.toStdString()).members().size(), std::size_t(2));

        // A name that is free is not asked about.
        const QString fresh = folder_.filePath("fresh.nc");
        configureShallowWaterRun(window_->runPanel(), 21, 2, "1d", "12h", fresh, 2);
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY(window_->runController()->isRunning());
        QVERIFY(finished.wait(60000));
    }

    // Issue 14, defects 1, 3 and 5: a cancelled run leaves a closed, valid, self-describing
    // partial forecast that the window shows honestly and offers to resume.
    void aCancelledRunIsClosedSelfDescribingAndResumable()
    {
        const QString output = folder_.filePath("cancelled.nc");
        constexpr int members = 8;
        configureShallowWaterRun(window_->runPanel(), 42, members, "2d", "6h", output, 2);
        child<QSpinBox>(window_->runPanel(), "threads")->setValue(1);
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        bool cancelled = false;
        connect(window_->runController(), &RunController::progress, this, [&](const RunProgress& progress) {
            if (!cancelled && progress.membersDone >= 2) {
                cancelled = true;
                QTest::mouseClick(child<QPushButton>(window_->runPanel(), "cancelButton"), Qt::LeftButton);
            }
        });
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        disconnect(window_->runController(), &RunController::progress, this, nullptr);
        QVERIFY2(finished.front().front().toString().startsWith("cancelled"),
                 qPrintable(finished.front().front().toString()));

        // Defect 5: no member is left "running".
        for (int m = 0; m < members; ++m) {
            QVERIFY2(window_->memberGrid()->statusOf(m) != "running", qPrintable(QString::number(m)));
        }
        // Defect 5: the statistics say which values are missing.
        for (const char* name : {"height_mean", "height_spread", "u_min", "v_max"}) {
            QVERIFY2(hasAttribute(output, name, "_FillValue"), name);
        }
        // Defect 3: the window holds the file open read-only only; another program reads it.
        const QString ncdump = QStandardPaths::findExecutable("ncdump");
        if (!ncdump.isEmpty()) {
            QProcess dump;
            dump.start(ncdump, {"-h", output});
            QVERIFY(dump.waitForFinished(30000));
            QVERIFY2(dump.exitCode() == 0, dump.readAllStandardError().constData());
        }

        // The window shows the cancelled forecast and what it lacks.
        QVERIFY(window_->products() != nullptr);
        const ForecastFile& file = window_->products()->file();
        QVERIFY2(file.runStatus().rfind("cancelled", 0) == 0, file.runStatus().c_str());
        const int times = static_cast<int>(file.leadHours().size());
        QVERIFY(times >= 1);
        int membersWritten = 0;
        double fastestWritten = 0.0;
        double lowestHeight = INFINITY;
        double highestHeight = -INFINITY;
        for (int m = 0; m < static_cast<int>(file.members().size()); ++m) {
            bool written = false;
            for (int t = 0; t < times; ++t) {
                for (const float speed : window_->products()->memberValues("wind_speed", t, m)) {
                    if (std::isfinite(speed)) {
                        written = true;
                        fastestWritten = std::max(fastestWritten, static_cast<double>(speed));
                    }
                }
                for (const float height : window_->products()->memberValues("height", t, m)) {
                    if (std::isfinite(height)) {
                        lowestHeight = std::min(lowestHeight, static_cast<double>(height));
                        highestHeight = std::max(highestHeight, static_cast<double>(height));
                    }
                }
            }
            membersWritten += written ? 1 : 0;
        }
        QVERIFY2(membersWritten >= 2 && membersWritten < members, qPrintable(QString::number(membersWritten)));

        // Defect 1: member 0's wind speed is coloured by the speeds written, not by the statistics
        // of times that no longer complete (0 … 1e-6 before).
        chooseProduct("wind_speed", "member");
        window_->timeBar()->setTimeIndex(times - 1);
        const GlobeContent speed = window_->globe()->scene().content();
        QVERIFY2(speed.limits.high >= fastestWritten * (1.0 - 1e-6) && speed.limits.high <= fastestWritten * 1.5,
                 qPrintable(QString("limits 0 … %1, fastest written %2").arg(speed.limits.high).arg(fastestWritten)));
        chooseProduct("height", "member");
        const GlobeContent height = window_->globe()->scene().content();
        QVERIFY2(height.limits.low <= lowestHeight && height.limits.low >= lowestHeight - 1.0 &&
                     height.limits.high >= highestHeight && height.limits.high <= highestHeight + 1.0,
                 qPrintable(QString("limits %1 … %2, written %3 … %4")
                                .arg(height.limits.low)
                                .arg(height.limits.high)
                                .arg(lowestHeight)
                                .arg(highestHeight)));
        // Defect 5: the mean that will never be computed is not "written yet".
        chooseProduct("height", "mean");
        QVERIFY2(title().contains("not computed: run cancelled") && !title().contains("yet"), qPrintable(title()));
        QVERIFY(!anyFinite(window_->globe()->scene().content().values));
        // Defect 5: the plume counts the members it draws.
        const Plume plume = plumeAt(*window_->products(), "height", 40.0, 10.0);
        QCOMPARE(static_cast<int>(plume.members.size()), membersWritten);
        QCOMPARE(plume.memberNumbers.size(), plume.members.size());

        // Reopened, as a person would the next day: the same limits.
        {
            MainWindow again(GlobeWidget::Backend::OffscreenImage);
            QVERIFY(again.openForecast(output));
            again.productPanel()->fieldBox()->setCurrentIndex(again.productPanel()->fieldBox()->findData("wind_speed"));
            again.productPanel()->productBox()->setCurrentIndex(again.productPanel()->productBox()->findData("member"));
            QCOMPARE(again.globe()->scene().content().limits.high, speed.limits.high);
            QVERIFY(child<QPushButton>(again.runPanel(), "resumeButton")->isVisibleTo(again.runPanel()));
        }

        // A run whose program ended while it ran (a crash, a power cut) says "running" and keeps its
        // manifest: Resume is offered for it too, and not for a finished forecast.
        QVERIFY(window_->openForecast(other_));
        QVERIFY(!child<QPushButton>(window_->runPanel(), "resumeButton")->isVisibleTo(window_->runPanel()));
        {
            int ncid = 0;
            QCOMPARE(nc_open(output.toUtf8().constData(), NC_WRITE, &ncid), NC_NOERR);
            QCOMPARE(nc_put_att_text(ncid, NC_GLOBAL, "run_status", 7, "running"), NC_NOERR);
            QCOMPARE(nc_close(ncid), NC_NOERR);
        }
        QVERIFY(window_->openForecast(output));

        // Defect 3: Resume is offered, and continues the run to a complete forecast.
        auto* resume = child<QPushButton>(window_->runPanel(), "resumeButton");
        QVERIFY(resume->isVisibleTo(window_->runPanel()) && resume->isEnabled());
        QCOMPARE(window_->runPanel()->resumablePath(), output);
        finished.clear();
        QTest::mouseClick(resume, Qt::LeftButton);
        QVERIFY(window_->runController()->isRunning());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));
        QVERIFY(!resume->isVisibleTo(window_->runPanel()));
        const ForecastFile complete(output.toStdString());
        QCOMPARE(complete.runStatus(), std::string("complete"));
        QVERIFY(anyFinite(complete.read("height_mean", static_cast<int>(complete.leadHours().size()) - 1)));
        QVERIFY(!QFileInfo::exists(output + ".resume"));
    }

    // Issue 14, defect 3: the command line can resume a run the window cancelled, while the
    // window still shows it.
    void theCommandLineResumesARunTheWindowCancelled()
    {
        const QString output = folder_.filePath("cli-resume.nc");
        configureShallowWaterRun(window_->runPanel(), 42, 6, "2d", "6h", output, 2);
        child<QSpinBox>(window_->runPanel(), "threads")->setValue(1);
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        bool cancelled = false;
        connect(window_->runController(), &RunController::progress, this, [&](const RunProgress& progress) {
            if (!cancelled && progress.membersDone >= 1) {
                cancelled = true;
                window_->runController()->cancel();
            }
        });
        QTest::mouseClick(child<QPushButton>(window_->runPanel(), "runButton"), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        disconnect(window_->runController(), &RunController::progress, this, nullptr);
        QVERIFY(finished.front().front().toString().startsWith("cancelled"));
        QVERIFY(window_->products() != nullptr);

        // The window still shows the cancelled forecast while the command line resumes it.
        QProcess cli;
        cli.setProcessChannelMode(QProcess::MergedChannels);
        cli.start(SPREADCAST_CLI, {"run", "--resume", "--out", output, "--devices", "cpu", "--threads", "2"});
        QVERIFY(cli.waitForFinished(120000));
        QVERIFY2(cli.exitCode() == 0, cli.readAll().constData());
        // This process holds the file open (HDF5 shares one handle per file in a process): the
        // window lets go of it before it is read again.
        QVERIFY(window_->openForecast(other_));
        QCOMPARE(ForecastFile(output.toStdString()).runStatus(), std::string("complete"));
    }

    void cleanupTestCase() { window_.reset(); }
};

int main(int argc, char** argv)
{
    leaveFilesUnlocked();  // as the workstation's main() does, before any netCDF call
    setDefaultSurfaceFormat();
    QApplication application(argc, argv);
    QApplication::setOrganizationName("SpreadcastTests");
    QApplication::setApplicationName("TestRunLifecycle");
    TestRunLifecycle test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestRunLifecycle.moc"
