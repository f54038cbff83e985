#include "run/Telemetry.h"

#include <QtTest/QtTest>

#include <chrono>
#include <future>
#include <mutex>

using namespace spreadcast;

namespace {

// A worker that reports fixed measures.
class MeasuredWorker : public DeviceWorker {
public:
    explicit MeasuredWorker(DeviceMeasures measures) : measures_(measures) {}
    std::vector<MemberBlowUp> advance(std::span<MemberState* const>, int) override { return {}; }
    GridFields fields(const MemberState&) override { return {}; }
    DeviceMeasures measures() const override { return measures_; }
    void holdMembers(int) override {}

private:
    DeviceMeasures measures_;
};

std::vector<std::unique_ptr<Device>> twoCpuDevices()
{
    return makeCpuDevices(2);
}

}  // namespace

class TestTelemetry : public QObject {
    Q_OBJECT

private slots:
    void aResumedRunStartsWithWhatHadFinished()
    {
        Telemetry telemetry(twoCpuDevices(), {1, 3}, 5, {0, 2}, {{4, "blow-up"}}, 1000, {"a note"});
        const RunProgress progress = telemetry.report({});
        QCOMPARE(progress.members, 5);
        QCOMPARE(progress.membersDone, 2);
        QCOMPARE(progress.membersFailed, 1);
        QCOMPARE(progress.memberStatuses,
                 (std::vector<MemberStatus>{MemberStatus::Done, MemberStatus::Queued, MemberStatus::Done,
                                            MemberStatus::Queued, MemberStatus::Failed}));
        QCOMPARE(progress.devices.size(), std::size_t{2});
        QCOMPARE(progress.devices[1].name, std::string("cpu/1"));
        QCOMPARE(progress.devices[1].batchSize, 3);
        QCOMPARE(progress.events, std::vector<std::string>{"a note"});
        QCOMPARE(progress.memberStepsTotal, 1000LL);
        QCOMPARE(progress.etaSeconds, -1.0);  // nothing done yet
        QVERIFY(progress.peakResidentBytes >= progress.residentBytes);
        QVERIFY(progress.residentBytes > 0);
    }

    void membersDevicesAndStepsAreRecorded()
    {
        Telemetry telemetry(twoCpuDevices(), {1, 1}, 3, {}, {}, 300, {});
        telemetry.setMember(0, MemberStatus::Running, 1);
        telemetry.setBatch(1, {0, 2});
        telemetry.stepsTaken(1, 10, 2, 1);  // two members stepped, one of them a speculative copy
        RunProgress progress = telemetry.report({});
        QCOMPARE(progress.devices[1].currentMember, 0);
        QCOMPARE(progress.devices[1].running, 2);
        QCOMPARE(progress.devices[1].memberSteps, 20LL);
        QCOMPARE(progress.memberStepsDone, 10LL);
        QVERIFY(progress.etaSeconds > 0.0);
        telemetry.stepsLost(10);
        telemetry.memberDone(0, 1);
        telemetry.memberFailed(1);
        telemetry.deviceFailed(0, "device cpu/0 failed");
        progress = telemetry.report({});
        QCOMPARE(progress.memberStepsDone, 0LL);
        QCOMPARE(progress.membersDone, 1);
        QCOMPARE(progress.membersFailed, 1);
        QCOMPARE(progress.devices[1].membersDone, 1);
        QCOMPARE(progress.memberDevice[0], 1);
        QVERIFY(progress.devices[0].failed);
        QCOMPARE(progress.events, std::vector<std::string>{"device cpu/0 failed"});
    }

    void aWorkersMeasuresAreReadWhileItRunsAndItsPeaksKept()
    {
        Telemetry telemetry(twoCpuDevices(), {1, 1}, 1, {}, {}, 1, {});
        DeviceMeasures measures;
        measures.memoryInUseBytes = 300;
        measures.peakMemoryBytes = 500;
        measures.utilizationPercent = 40.0;
        measures.temperatureCelsius = 61.0;
        measures.powerWatts = 250.0;
        MeasuredWorker worker(measures);
        telemetry.attachWorker(0, &worker);
        RunProgress progress = telemetry.report({});
        QCOMPARE(progress.devices[0].memoryInUseBytes, 300LL);
        QCOMPARE(progress.devices[0].utilization, 0.4);
        QVERIFY(progress.devices[0].hardwareUtilization);
        QCOMPARE(progress.devices[0].peakTemperatureCelsius, 61.0);
        telemetry.detachWorker(0);
        progress = telemetry.report({});
        QCOMPARE(progress.devices[0].memoryInUseBytes, 0LL);
        QCOMPARE(progress.devices[0].peakMemoryBytes, 500LL);
        QCOMPARE(progress.devices[0].peakPowerWatts, 250.0);
        QCOMPARE(progress.devices[1].peakPowerWatts, -1.0);  // never read
    }

    void newsIsReportedBeforeTheHeartbeatAndFinishEndsTheReports()
    {
        Telemetry telemetry(twoCpuDevices(), {1, 1}, 2, {}, {}, 1, {});
        std::mutex mutex;
        std::condition_variable seen;
        int doneSeen = 0;
        int reports = 0;
        auto observer = [&](const RunProgress& progress) {
            std::lock_guard lock(mutex);
            ++reports;
            doneSeen = progress.membersDone;
            seen.notify_all();
        };
        auto reporting = std::async(std::launch::async, [&] { telemetry.reportUntilFinished(observer); });
        {
            std::unique_lock lock(mutex);
            QVERIFY(seen.wait_for(lock, std::chrono::seconds(10), [&] { return reports > 0; }));  // heartbeat
        }
        telemetry.memberDone(1, 0);
        {
            std::unique_lock lock(mutex);
            QVERIFY(seen.wait_for(lock, std::chrono::seconds(10), [&] { return doneSeen == 1; }));
        }
        telemetry.finish();
        QCOMPARE(reporting.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    }

    void memberStatusNamesAreThoseTheGuiShows()
    {
        QCOMPARE(memberStatusName(MemberStatus::Queued), std::string_view("queued"));
        QCOMPARE(memberStatusName(MemberStatus::Retried), std::string_view("retried"));
        QCOMPARE(memberStatusName(MemberStatus::Failed), std::string_view("failed"));
    }
};

QTEST_GUILESS_MAIN(TestTelemetry)
#include "TestTelemetry.moc"
