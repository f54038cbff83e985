#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <numeric>

using namespace spreadcast;

namespace {

RunProgress runAndWatch(int workers, std::optional<FaultInjection> fault, const QString& path)
{
    RunSpec spec;
    spec.truncation = 21;
    spec.leadSeconds = 86400.0;
    spec.members = 5;
    spec.threads = workers;
    spec.outputPath = path.toStdString();
    EnsembleRun run(spec, prepareModel(spec));
    if (fault) {
        run.injectFault(*fault);
    }
    RunProgress last;
    std::atomic<bool> cancel{false};
    const RunResult result = run.execute([&](const RunProgress& progress) { last = progress; }, cancel);
    if (result.status != "complete") {
        qFatal("run did not complete: %s", result.status.c_str());
    }
    return last;
}

}  // namespace

class TestEnsembleRun : public QObject {
    Q_OBJECT

private slots:
    void telemetryAccountsForEveryMemberAndDevice()
    {
        QTemporaryDir directory;
        const RunProgress last = runAndWatch(2, std::nullopt, directory.filePath("telemetry.nc"));
        QCOMPARE(static_cast<int>(last.devices.size()), 2);
        int done = 0;
        long long steps = 0;
        for (const DeviceTelemetry& device : last.devices) {
            done += device.membersDone;
            steps += device.memberSteps;
            QVERIFY(!device.failed);
            QCOMPARE(device.currentMember, -1);
        }
        QCOMPARE(done, 5);
        QCOMPARE(steps, last.memberStepsTotal);
        QCOMPARE(last.memberStepsDone, last.memberStepsTotal);
        for (std::size_t m = 0; m < last.memberStatuses.size(); ++m) {
            QCOMPARE(last.memberStatuses[m], MemberStatus::Done);
            QVERIFY(last.memberDevice[m] == 0 || last.memberDevice[m] == 1);
        }
        QVERIFY(last.peakResidentBytes >= last.residentBytes && last.residentBytes > 0);
    }

    void aFaultedDeviceIsMarkedAndItsMemberFinishesElsewhere()
    {
        // Worker 0 always gets work (it takes a unit right after starting worker 1), so the fault
        // on it always fires; worker 1 then runs everything.
        QTemporaryDir directory;
        const RunProgress last = runAndWatch(2, FaultInjection{0, 7}, directory.filePath("fault.nc"));
        QVERIFY(last.devices[0].failed);
        QVERIFY(!last.devices[1].failed);
        QCOMPARE(last.devices[0].membersDone, 0);
        QCOMPARE(last.devices[1].membersDone, 5);
        for (std::size_t m = 0; m < last.memberStatuses.size(); ++m) {
            QCOMPARE(last.memberStatuses[m], MemberStatus::Done);
            QCOMPARE(last.memberDevice[m], 1);
        }
        // The steps lost with the device are not counted twice.
        QCOMPARE(last.memberStepsDone, last.memberStepsTotal);
    }
};

QTEST_GUILESS_MAIN(TestEnsembleRun)
#include "TestEnsembleRun.moc"
