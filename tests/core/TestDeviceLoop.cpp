#include "run/Aggregator.h"
#include "run/CheckpointStore.h"
#include "run/DeviceLoop.h"
#include "run/EnsembleRun.h"
#include "run/Scheduler.h"
#include "run/Telemetry.h"
#include "run/Watchdog.h"

#include <QtTest/QtTest>

#include <algorithm>

using namespace spreadcast;

namespace {

// The parts of a run of three T21 members over three output times on `devices`, each taking
// one member at a time, as EnsembleRun::execute wires them.
struct Rig {
    explicit Rig(const QTemporaryDir& directory, std::vector<std::unique_ptr<Device>> devicesToUse)
        : spec(makeSpec(directory)),
          prepared(prepareModel(spec)),
          devices(std::move(devicesToUse)),
          aggregator(spec, prepared, {0.0, 3600.0, 7200.0}, std::nullopt, "",
                     [this](std::string e) { telemetry.event(std::move(e)); }),
          checkpoints(*prepared.model, directory.filePath("checkpoints").toStdString()),
          scheduler({0, 1, 2}, false, std::vector<int>(devices.size(), 1)),
          telemetry(devices, std::vector<int>(devices.size(), 1), 3, {}, {}, 0, {}),
          watchdog(600.0, static_cast<int>(devices.size()), [](int, double, const std::vector<int>&) {}),
          parts{*prepared.model,
                {3, static_cast<int>(std::lround(3600.0 / prepared.model->timeStep())), 0,
                 static_cast<int>(devices.size())},
                scheduler,
                aggregator,
                telemetry,
                watchdog,
                checkpoints,
                cancel,
                stop}
    {
    }
    static RunSpec makeSpec(const QTemporaryDir& directory)
    {
        RunSpec spec;
        spec.truncation = 21;
        spec.members = 3;
        spec.leadSeconds = 7200.0;
        spec.outputIntervalSeconds = 3600.0;
        spec.outputPath = directory.filePath("loop.nc").toStdString();
        return spec;
    }
    bool anyEvent(const std::string& text) const
    {
        const std::vector<std::string> events = telemetry.events();
        return std::any_of(events.begin(), events.end(),
                           [&](const std::string& event) { return event.find(text) != std::string::npos; });
    }

    RunSpec spec;
    PreparedModel prepared;
    std::vector<std::unique_ptr<Device>> devices;
    Aggregator aggregator;
    CheckpointStore checkpoints;
    Scheduler scheduler;
    Telemetry telemetry;
    Watchdog watchdog;
    std::atomic<bool> cancel{false};
    std::atomic<bool> stop{false};
    RunParts parts;
};

}  // namespace

class TestDeviceLoop : public QObject {
    Q_OBJECT

private slots:
    void oneDeviceRunsEveryMemberToTheEnd()
    {
        QTemporaryDir directory;
        Rig rig(directory, makeCpuDevices(1));
        int completed = 0;
        rig.aggregator.addObserver([&](const CompletedOutputTime&) { ++completed; });
        DeviceLoop(0, *rig.devices[0], rig.parts).run();
        QCOMPARE(rig.telemetry.membersDone(), 3);
        QCOMPARE(completed, 3);
        const RunProgress progress = rig.telemetry.report({});
        QCOMPARE(progress.memberStatuses, std::vector<MemberStatus>(3, MemberStatus::Done));
        QCOMPARE(progress.memberDevice, std::vector<int>(3, 0));
        QCOMPARE(progress.devices[0].running, 0);
        QVERIFY(rig.scheduler.take(0).empty());
        rig.aggregator.finish("complete", false);
    }

    void aFailedDevicesMemberGoesOnElsewhereFromItsCheckpoint()
    {
        QTemporaryDir directory;
        std::vector<std::unique_ptr<Device>> devices = makeCpuDevices(2);
        RunSpec spec = Rig::makeSpec(directory);
        const int stepsPerOutput = static_cast<int>(std::lround(3600.0 / prepareModel(spec).model->timeStep()));
        // Device 0 fails one step after member 0's checkpoint at time index 1.
        devices[0] = std::make_unique<FaultInjectingDevice>(
            std::move(devices[0]), FaultInjection{0, stepsPerOutput + 1, false}, [] { return true; });
        Rig rig(directory, std::move(devices));
        DeviceLoop(0, *rig.devices[0], rig.parts).run();
        QVERIFY(rig.watchdog.isLost(0));
        QVERIFY(rig.anyEvent("device cpu/0 failed (injected fault after"));
        QVERIFY(rig.anyEvent("member 0 goes on elsewhere from its checkpoint at time index 1"));
        RunProgress progress = rig.telemetry.report({});
        QCOMPARE(progress.memberStatuses[0], MemberStatus::Retried);
        QVERIFY(progress.devices[0].failed);
        QCOMPARE(progress.memberStepsDone, static_cast<long long>(stepsPerOutput));  // the lost step is taken off

        DeviceLoop(1, *rig.devices[1], rig.parts).run();
        QCOMPARE(rig.telemetry.membersDone(), 3);
        progress = rig.telemetry.report({});
        QCOMPARE(progress.memberDevice, std::vector<int>(3, 1));
        QCOMPARE(progress.memberStepsDone, 3LL * 2 * stepsPerOutput);
        rig.aggregator.finish("complete", false);
    }

    void aCancelledRunStopsAndClosesTheQueue()
    {
        QTemporaryDir directory;
        Rig rig(directory, makeCpuDevices(1));
        rig.cancel = true;
        DeviceLoop(0, *rig.devices[0], rig.parts).run();
        QCOMPARE(rig.telemetry.membersDone(), 0);
        QVERIFY(rig.scheduler.take(0).empty());  // closed, although no member settled
        rig.aggregator.finish("cancelled: 0 of 3 members complete", false);
    }
};

QTEST_GUILESS_MAIN(TestDeviceLoop)
#include "TestDeviceLoop.moc"
