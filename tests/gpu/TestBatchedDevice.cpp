// The GPU backend's controller side (gpu/BatchedWorker: batches, fields of a batch computed at
// once and cached, faults) driven through the real controller, with the host twin standing in
// for the CUDA model: every placement must give the same bytes, and the same forecast as the CPU
// backend to rounding.
#include "BatchedWorker.h"
#include "io/NetcdfCompare.h"
#include "run/EnsembleRun.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <optional>

using namespace spreadcast;

class TestBatchedDevice : public QObject {
    Q_OBJECT

    struct Outcome {
        RunResult result;
        RunProgress last;
        VariableBytes variables;
    };

    static RunSpec baseSpec()
    {
        RunSpec spec;
        spec.truncation = 21;
        spec.leadSeconds = 86400.0;
        spec.outputIntervalSeconds = 6 * 3600.0;
        spec.members = 10;
        spec.seed = 7;
        spec.perturbHeight = 1.0;
        spec.skebAmplitude = 1e-10;
        spec.thresholds = {{"height", 10000.0}, {"vorticity", 1e-5}};
        spec.precision = OutputPrecision::Double;
        return spec;
    }

    Outcome run(RunSpec spec, const QString& name, const std::vector<int>& batches,
                std::optional<FaultInjection> fault = std::nullopt)
    {
        spec.outputPath = directory_.filePath(name).toStdString();
        EnsembleRun ensemble(spec, prepareModel(spec));
        if (!batches.empty()) {
            std::vector<std::unique_ptr<Device>> devices;
            for (std::size_t d = 0; d < batches.size(); ++d) {
                devices.push_back(gpu::makeHostBatchedDevice(static_cast<int>(d), batches[d]));
            }
            ensemble.useDevices(std::move(devices));
        }
        if (fault) {
            ensemble.injectFault(*fault);
        }
        std::atomic<bool> cancel{false};
        Outcome outcome;
        outcome.result = ensemble.execute([&](const RunProgress& progress) { outcome.last = progress; }, cancel);
        outcome.variables = variableBytes(spec.outputPath);
        return outcome;
    }

    QTemporaryDir directory_;
    Outcome reference_;

private slots:
    void initTestCase()
    {
        QVERIFY(directory_.isValid());
        reference_ = run(baseSpec(), "reference.nc", {16});
        QCOMPARE(reference_.result.status, std::string("complete"));
        QCOMPARE(reference_.last.devices.front().backend, std::string("host-batched"));
    }

    void everyPlacementGivesTheSameBytes_data()
    {
        QTest::addColumn<std::vector<int>>("batches");
        QTest::addColumn<int>("segments");
        QTest::newRow("one device, batch 3") << std::vector<int>{3} << 0;
        QTest::newRow("three devices, batch 4") << std::vector<int>{4, 4, 4} << 0;
        QTest::newRow("two devices, segments of one output") << std::vector<int>{8, 8} << 1;
    }
    void everyPlacementGivesTheSameBytes()
    {
        QFETCH(std::vector<int>, batches);
        QFETCH(int, segments);
        RunSpec spec = baseSpec();
        spec.segmentOutputs = segments;
        const Outcome outcome = run(spec, "placement.nc", batches);
        QCOMPARE(outcome.result.status, std::string("complete"));
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void aFailedDevicesMembersGoOnElsewhere()
    {
        const Outcome outcome = run(baseSpec(), "fault.nc", {5, 5}, FaultInjection{1, 20, false});
        QCOMPARE(outcome.result.status, std::string("complete"));
        QVERIFY(outcome.last.devices[1].failed);
        bool moved = false;
        for (const auto& event : outcome.result.events) {
            moved = moved || event.find("goes on elsewhere") != std::string::npos;
        }
        QVERIFY(moved);
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void agreesWithTheCpuBackendToRounding()
    {
        RunSpec spec = baseSpec();
        spec.devices = "cpu:2";
        const Outcome cpu = run(spec, "cpu.nc", {});
        QCOMPARE(cpu.result.status, std::string("complete"));
        // Not the same bytes (another order of the Legendre sums), but the same forecast, to
        // rounding grown over a day: measured 5e-17 (height) to 2e-14 (height spread).
        for (const char* name : {"height", "u", "vorticity", "height_mean", "height_spread"}) {
            const auto& a = reference_.variables.at(name);
            const auto& b = cpu.variables.at(name);
            QCOMPARE(a.size(), b.size());
            std::vector<double> x(a.size() / sizeof(double));
            std::vector<double> y(x.size());
            std::memcpy(x.data(), a.data(), a.size());
            std::memcpy(y.data(), b.data(), b.size());
            double difference = 0.0;
            double norm = 0.0;
            for (std::size_t k = 0; k < x.size(); ++k) {
                difference += (x[k] - y[k]) * (x[k] - y[k]);
                norm += y[k] * y[k];
            }
            const double relative = std::sqrt(difference / norm);
            QVERIFY2(relative < 1e-12, qPrintable(QString("%1: relative difference %2").arg(name).arg(relative)));
        }
    }
};

QTEST_GUILESS_MAIN(TestBatchedDevice)
#include "TestBatchedDevice.moc"
