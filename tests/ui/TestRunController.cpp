#include "run/RunSpec.h"
#include "ui/RunController.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QThread>
#include <QtTest/QtTest>

#include <algorithm>
#include <vector>

using namespace spreadcast;

namespace {

RunSpec smallSpec(const QString& path)
{
    RunSpec spec;
    spec.initialCondition = "galewsky";
    spec.truncation = 21;
    spec.members = 3;
    spec.leadSeconds = 86400.0;
    spec.outputIntervalSeconds = 43200.0;
    spec.devices = "cpu";
    spec.threads = 2;
    spec.outputPath = path.toStdString();
    return spec;
}

}  // namespace

class TestRunController : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;

private slots:
    void reportsOnTheGuiThreadAFewTimesASecond()
    {
        RunController controller;
        RunSpec spec = smallSpec(folder_.filePath("throttled.nc"));
        spec.truncation = 42;
        spec.members = 4;
        spec.leadSeconds = 2 * 86400.0;
        std::vector<qint64> arrivals;
        QElapsedTimer clock;
        bool onGuiThread = true;
        RunProgress last;
        connect(&controller, &RunController::progress, this, [&](const RunProgress& progress) {
            arrivals.push_back(clock.elapsed());
            onGuiThread = onGuiThread && QThread::currentThread() == QCoreApplication::instance()->thread();
            last = progress;
        });
        QSignalSpy finished(&controller, &RunController::finished);
        clock.start();
        QVERIFY(controller.start(spec));
        QVERIFY(!controller.start(spec));  // one run at a time
        QVERIFY(finished.wait(60000));
        QVERIFY(onGuiThread);
        QVERIFY(!arrivals.empty());
        // Throttled: at most one report per interval, plus the last one.
        const qint64 span = arrivals.back() - arrivals.front();
        QVERIFY2(static_cast<qint64>(arrivals.size()) <= span / (RunController::progressInterval - 50) + 2,
                 qPrintable(QString("%1 reports in %2 ms").arg(arrivals.size()).arg(span)));
        // The last report is the final state.
        QCOMPARE(last.membersDone, 4);
        for (const MemberStatus status : last.memberStatuses) {
            QCOMPARE(status, MemberStatus::Done);
        }
        const auto result = finished.front().front().value<RunResult>();
        QCOMPARE(result.status, std::string("complete"));
        QCOMPARE(result.membersCompleted, 4);
    }

    void cancelStopsTheRunAndKeepsAValidFile()
    {
        RunController controller;
        RunSpec spec = smallSpec(folder_.filePath("cancelled.nc"));
        spec.truncation = 85;
        spec.members = 8;
        spec.leadSeconds = 6 * 86400.0;
        QSignalSpy finished(&controller, &RunController::finished);
        QSignalSpy progress(&controller, &RunController::progress);
        QVERIFY(controller.start(spec));
        QVERIFY(progress.wait(30000));
        controller.cancel();
        QVERIFY(finished.wait(30000));
        const auto result = finished.front().front().value<RunResult>();
        QVERIFY(result.cancelled);
        QVERIFY2(result.status.rfind("cancelled", 0) == 0, result.status.c_str());
        QVERIFY(QFile::exists(folder_.filePath("cancelled.nc")));
        // The last report leaves no member running (issue 14, defect 5): one under way is queued again.
        const auto last = progress.back().front().value<RunProgress>();
        int done = 0;
        for (const MemberStatus status : last.memberStatuses) {
            QVERIFY(status != MemberStatus::Running);
            done += status == MemberStatus::Done ? 1 : 0;
        }
        QCOMPARE(done, result.membersCompleted);
    }

    // Issue 11: each output time that completes reaches the GUI thread as an event, once.
    void publishesEachCompletedOutputTimeOnTheGuiThread()
    {
        RunController controller;
        std::vector<int> times;
        bool onGuiThread = true;
        bool described = true;
        connect(&controller, &RunController::outputTimeCompleted, this,
                [&](int timeIndex, double leadHours, int members) {
                    times.push_back(timeIndex);
                    onGuiThread = onGuiThread && QThread::currentThread() == QCoreApplication::instance()->thread();
                    described = described && members == 3 && leadHours == 12.0 * timeIndex;
                });
        QSignalSpy finished(&controller, &RunController::finished);
        QVERIFY(controller.start(smallSpec(folder_.filePath("events.nc"))));
        QVERIFY(finished.wait(60000));
        QVERIFY(onGuiThread);
        QVERIFY(described);
        std::sort(times.begin(), times.end());
        QCOMPARE(times, (std::vector<int>{0, 1, 2}));
    }

    // A run may start from a receiver of finished() (Run or Resume pressed at once): the
    // controller is not "still running" then.
    void aRunCanStartAsSoonAsTheLastOneFinished()
    {
        RunController controller;
        int finishedRuns = 0;
        bool startedAgain = false;
        connect(&controller, &RunController::finished, this, [&] {
            if (++finishedRuns == 1) {
                startedAgain = controller.start(smallSpec(folder_.filePath("second.nc")));
            }
        });
        QVERIFY(controller.start(smallSpec(folder_.filePath("first.nc"))));
        QTRY_VERIFY_WITH_TIMEOUT(finishedRuns == 2 || (finishedRuns == 1 && !startedAgain), 60000);
        QVERIFY(startedAgain);
        QVERIFY(QFile::exists(folder_.filePath("second.nc")));
    }

    void destroyingTheControllerCancelsItsRun()
    {
        RunSpec spec = smallSpec(folder_.filePath("abandoned.nc"));
        spec.truncation = 85;
        spec.members = 8;
        spec.leadSeconds = 6 * 86400.0;
        auto controller = std::make_unique<RunController>();
        QSignalSpy progress(controller.get(), &RunController::progress);
        QVERIFY(controller->start(spec));
        QVERIFY(progress.wait(30000));
        QElapsedTimer timer;
        timer.start();
        controller.reset();  // what closing the window does
        QVERIFY2(timer.elapsed() < 10000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(QFile::exists(folder_.filePath("abandoned.nc")));
    }

    void aSpecThatCannotRunFailsWithItsReason()
    {
        RunController controller;
        RunSpec spec = smallSpec(folder_.filePath("never.nc"));
        spec.initialCondition = folder_.filePath("no-such-initial-conditions.nc").toStdString();
        QSignalSpy failed(&controller, &RunController::failed);
        QVERIFY(controller.start(spec));
        QVERIFY(failed.wait(30000));
        const QString message = failed.front().front().toString();
        QVERIFY2(message.contains("no-such-initial-conditions.nc"), qPrintable(message));
        QTRY_VERIFY(!controller.isRunning());
        QVERIFY(controller.start(smallSpec(folder_.filePath("after.nc"))));  // usable again
        QSignalSpy finished(&controller, &RunController::finished);
        QVERIFY(finished.wait(60000));
    }
};

QTEST_GUILESS_MAIN(TestRunController)
#include "TestRunController.moc"
