#include "../common/NetcdfBytes.h"
#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <algorithm>

using namespace spreadcast;
using spreadcast::testing::differingVariables;
using spreadcast::testing::variableBytes;

// DESIGN.md contracts 1–3: members and statistics do not depend on where, with whom or in which
// batch a member ran — compared byte for byte over every variable of the output file.
class TestPlacement : public QObject {
    Q_OBJECT

    struct Outcome {
        std::map<std::string, std::vector<unsigned char>> variables;
        RunResult result;
        RunProgress last;
    };

    static RunSpec baseSpec(int members)
    {
        RunSpec spec;
        spec.truncation = 21;
        spec.leadSeconds = 86400.0;
        spec.outputIntervalSeconds = 6 * 3600.0;
        spec.members = members;
        spec.seed = 42;
        spec.perturbHeight = 1.0;
        spec.skebAmplitude = 1e-10;  // the stochastic forcing draws at every step
        spec.thresholds = {{"height", 10000.0}, {"vorticity", 1e-5}};
        spec.precision = OutputPrecision::Double;
        return spec;
    }

    Outcome run(RunSpec spec, const QString& name, std::optional<FaultInjection> fault = std::nullopt)
    {
        spec.outputPath = directory_.filePath(name).toStdString();
        EnsembleRun ensemble(spec, prepareModel(spec));
        if (fault) {
            ensemble.injectFault(*fault);
        }
        std::atomic<bool> cancel{false};
        Outcome outcome;
        outcome.result = ensemble.execute([&](const RunProgress& progress) { outcome.last = progress; }, cancel);
        outcome.variables = variableBytes(spec.outputPath);
        return outcome;
    }

    static bool anyEvent(const RunResult& result, const std::string& text)
    {
        return std::any_of(result.events.begin(), result.events.end(),
                           [&](const std::string& event) { return event.find(text) != std::string::npos; });
    }

    QTemporaryDir directory_;
    Outcome reference_;

private slots:
    void initTestCase()
    {
        RunSpec spec = baseSpec(8);
        spec.devices = "cpu:1";
        reference_ = run(spec, "reference.nc");
        QCOMPARE(reference_.result.status, std::string("complete"));
        QVERIFY(reference_.variables.count("height_spread") && reference_.variables.count("checksum"));
    }

    void workerCount_data()
    {
        QTest::addColumn<QString>("devices");
        QTest::newRow("2 workers") << "cpu:2";
        QTest::newRow("4 workers") << "cpu:4";
        QTest::newRow("8 workers") << "cpu:8";
    }
    void workerCount()
    {
        QFETCH(QString, devices);
        RunSpec spec = baseSpec(8);
        spec.devices = devices.toStdString();
        const Outcome outcome = run(spec, "workers.nc");
        QCOMPARE(outcome.result.status, std::string("complete"));
        QCOMPARE(static_cast<int>(outcome.last.devices.size()), devices.mid(4).toInt());
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void batchSize_data()
    {
        QTest::addColumn<int>("batch");
        QTest::newRow("batch 1") << 1;
        QTest::newRow("batch 3") << 3;
        QTest::newRow("batch 8") << 8;
    }
    void batchSize()
    {
        QFETCH(int, batch);
        RunSpec spec = baseSpec(8);
        spec.devices = "cpu:2";
        spec.batchSize = batch;
        const Outcome outcome = run(spec, "batch.nc");
        QCOMPARE(outcome.result.status, std::string("complete"));
        for (const DeviceTelemetry& device : outcome.last.devices) {
            QCOMPARE(device.batchSize, batch);
        }
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void leadTimeSegments()
    {
        // Work units of one output interval: members hop between devices from their checkpoints.
        RunSpec spec = baseSpec(8);
        spec.devices = "cpu:3";
        spec.segmentOutputs = 1;
        const Outcome outcome = run(spec, "segments.nc");
        QCOMPARE(outcome.result.status, std::string("complete"));
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void injectedFault()
    {
        RunSpec spec = baseSpec(8);
        spec.devices = "cpu:3";
        const Outcome outcome = run(spec, "fault.nc", FaultInjection{1, 30});
        QCOMPARE(outcome.result.status, std::string("complete"));
        QVERIFY(outcome.last.devices[1].failed);
        QVERIFY(anyEvent(outcome.result, "goes on elsewhere"));
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void hungDeviceIsGivenUpByTheWatchdog()
    {
        RunSpec spec = baseSpec(8);
        spec.devices = "cpu:2";
        spec.watchdogSeconds = 2.0;  // long beside a T21 step (well under a millisecond), even on a busy machine
        const Outcome outcome = run(spec, "hang.nc", FaultInjection{0, 20, true});
        QCOMPARE(outcome.result.status, std::string("complete"));
        QVERIFY(outcome.last.devices[0].failed);
        QVERIFY(anyEvent(outcome.result, "made no progress"));
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void speculativeDuplicates()
    {
        // 3 members on 4 workers: idle workers copy the running members; every copy's output
        // must match the first bit for bit, and only one of each is kept.
        RunSpec spec = baseSpec(8);
        spec.devices = "cpu:8";
        spec.batchSize = 1;
        spec.segmentOutputs = 1;
        spec.speculate = true;
        const Outcome outcome = run(spec, "speculative.nc");
        QCOMPARE(outcome.result.status, std::string("complete"));
        QVERIFY2(anyEvent(outcome.result, "speculative copy"), "no speculative copy was started");
        QCOMPARE(QString::fromStdString(differingVariables(reference_.variables, outcome.variables)), QString());
    }

    void firstMembersOfALargerRunAreTheSmallerRun()
    {
        RunSpec spec = baseSpec(4);
        spec.devices = "cpu:2";
        const Outcome small = run(spec, "four.nc");
        QCOMPARE(small.result.status, std::string("complete"));
        for (const char* name : {"height", "u", "v", "vorticity"}) {
            const auto& four = small.variables.at(name);
            const auto& eight = reference_.variables.at(name);
            // (time, member, lat, lon): per time, the 4-member slab is the first half of the 8-member one.
            const std::size_t slab = four.size() / 5;  // 5 output times
            QCOMPARE(eight.size(), 2 * four.size());
            for (std::size_t t = 0; t < 5; ++t) {
                QVERIFY2(std::equal(four.begin() + static_cast<std::ptrdiff_t>(t * slab),
                                    four.begin() + static_cast<std::ptrdiff_t>((t + 1) * slab),
                                    eight.begin() + static_cast<std::ptrdiff_t>(t * 2 * slab)),
                         name);
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestPlacement)
#include "TestPlacement.moc"
