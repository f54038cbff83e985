#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <chrono>
#include <numeric>
#include <thread>

using namespace spreadcast;

namespace {

// A CPU worker that reports hardware readings as a GPU's NVML would; its first advance waits
// (up to 10 s) until the test has seen a report taken while it works.
class ReadingWorker : public DeviceWorker {
public:
    ReadingWorker(std::unique_ptr<DeviceWorker> cpu, DeviceMeasures readings, const std::atomic<bool>& seen)
        : cpu_(std::move(cpu)), readings_(readings), seen_(seen)
    {
    }
    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
    {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!seen_ && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return cpu_->advance(members, steps);
    }
    GridFields fields(const MemberState& member) override { return cpu_->fields(member); }
    DeviceMeasures measures() const override
    {
        DeviceMeasures measures = cpu_->measures();
        measures.utilizationPercent = readings_.utilizationPercent;
        measures.temperatureCelsius = readings_.temperatureCelsius;
        measures.powerWatts = readings_.powerWatts;
        return measures;
    }
    void holdMembers(int count) override { cpu_->holdMembers(count); }

private:
    std::unique_ptr<DeviceWorker> cpu_;
    DeviceMeasures readings_;
    const std::atomic<bool>& seen_;
};

class ReadingDevice : public Device {
public:
    ReadingDevice(DeviceMeasures readings, const std::atomic<bool>& seen)
        : cpu_(std::move(makeCpuDevices(1).front())), readings_(readings), seen_(seen)
    {
    }
    std::string name() const override { return "sensor/0"; }
    std::string backend() const override { return cpu_->backend(); }
    long long availableMemoryBytes() const override { return cpu_->availableMemoryBytes(); }
    int preferredBatch() const override { return 1; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override
    {
        return std::make_unique<ReadingWorker>(cpu_->attach(model), readings_, seen_);
    }

private:
    std::unique_ptr<Device> cpu_;
    DeviceMeasures readings_;
    const std::atomic<bool>& seen_;
};

// A CPU worker that asks for batches as large as a GPU's.
class GreedyDevice : public Device {
public:
    explicit GreedyDevice(int index) : cpu_(std::move(makeCpuDevices(1).front())), index_(index) {}
    std::string name() const override { return "greedy/" + std::to_string(index_); }
    std::string backend() const override { return cpu_->backend(); }
    long long availableMemoryBytes() const override { return cpu_->availableMemoryBytes(); }
    int preferredBatch() const override { return 64; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override { return cpu_->attach(model); }

private:
    std::unique_ptr<Device> cpu_;
    int index_;
};

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

    void hardwareReadingsReachTheTelemetry()
    {
        QTemporaryDir directory;
        RunSpec spec;
        spec.truncation = 21;
        spec.leadSeconds = 6 * 3600.0;
        spec.members = 2;
        spec.outputPath = directory.filePath("readings.nc").toStdString();
        EnsembleRun run(spec, prepareModel(spec));
        DeviceMeasures readings;
        readings.utilizationPercent = 55.0;
        readings.temperatureCelsius = 61.5;
        readings.powerWatts = 212.0;
        std::atomic<bool> seen{false};
        std::vector<std::unique_ptr<Device>> devices;
        devices.push_back(std::make_unique<ReadingDevice>(readings, seen));
        run.useDevices(std::move(devices));
        RunProgress working;
        RunProgress last;
        std::atomic<bool> cancel{false};
        const RunResult result = run.execute(
            [&](const RunProgress& progress) {
                if (!seen && progress.devices.front().running > 0) {
                    working = progress;
                    seen = true;
                }
                last = progress;
            },
            cancel);
        QCOMPARE(result.status, std::string("complete"));
        QVERIFY2(seen, "no report came while the device worked");
        const DeviceTelemetry& device = working.devices.front();
        // The hardware's utilization, not the busy-time estimate (the worker was waiting).
        QVERIFY(device.hardwareUtilization);
        QCOMPARE(device.utilization, 0.55);
        QCOMPARE(device.temperatureCelsius, 61.5);
        QCOMPARE(device.powerWatts, 212.0);
        // Kept once the device has stopped, for the run's summary.
        QCOMPARE(last.devices.front().peakTemperatureCelsius, 61.5);
        QCOMPARE(last.devices.front().peakPowerWatts, 212.0);
        QCOMPARE(last.devices.front().temperatureCelsius, 61.5);
    }

    void devicesThatPreferLargeBatchesShareTheMembers()
    {
        QTemporaryDir directory;
        RunSpec spec;
        spec.truncation = 21;
        spec.leadSeconds = 6 * 3600.0;
        spec.members = 7;
        spec.outputPath = directory.filePath("share.nc").toStdString();
        EnsembleRun run(spec, prepareModel(spec));
        std::vector<std::unique_ptr<Device>> devices;
        devices.push_back(std::make_unique<GreedyDevice>(0));
        devices.push_back(std::make_unique<GreedyDevice>(1));
        run.useDevices(std::move(devices));
        RunProgress last;
        std::atomic<bool> cancel{false};
        const RunResult result = run.execute([&](const RunProgress& progress) { last = progress; }, cancel);
        QCOMPARE(result.status, std::string("complete"));
        // 7 members over 2 devices: batches of at most 4, so both devices work.
        for (const DeviceTelemetry& device : last.devices) {
            QCOMPARE(device.batchSize, 4);
            QVERIFY2(device.membersDone > 0, qPrintable(QString::fromStdString(device.name) + " did nothing"));
        }
    }

    void aCpuWorkerHasNoHardwareReadings()
    {
        QTemporaryDir directory;
        const RunProgress last = runAndWatch(1, std::nullopt, directory.filePath("cpu.nc"));
        const DeviceTelemetry& device = last.devices.front();
        QVERIFY(!device.hardwareUtilization);
        QVERIFY(device.temperatureCelsius < 0.0 && device.powerWatts < 0.0);
        QVERIFY(device.peakTemperatureCelsius < 0.0 && device.peakPowerWatts < 0.0);
    }
};

QTEST_GUILESS_MAIN(TestEnsembleRun)
#include "TestEnsembleRun.moc"
