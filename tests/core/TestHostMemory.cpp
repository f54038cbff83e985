#include "run/EnsembleRun.h"
#include "run/HostMemory.h"
#include "run/InputError.h"
#include "run/RunSpec.h"

#include <QtTest/QtTest>

#include <limits>
#include <stdexcept>
#include <string>

using namespace spreadcast;

namespace {

// A model of known sizes: its states, workspace and output are all the estimate reads of it.
class SizedModel : public ForecastModel {
public:
    SizedModel(std::size_t stateBytes, std::size_t workspaceBytes)
        : stateBytes_(stateBytes), workspaceBytes_(workspaceBytes)
    {
        // 4 latitudes × 5 longitudes, 3 levels: 60 values of "t" on levels, 20 of "msl".
        schema_.latitudes = {-60.0, -20.0, 20.0, 60.0};
        schema_.longitudes = {0.0, 72.0, 144.0, 216.0, 288.0};
        schema_.levels = {500.0, 850.0, 1000.0};
        schema_.variables = {{"t", "air_temperature", "temperature", "K", true},
                             {"msl", "air_pressure_at_mean_sea_level", "mean sea level pressure", "Pa", false}};
    }
    std::string name() const override { return "sized-test"; }
    std::string description() const override { return "a test model of given sizes"; }
    const OutputSchema& outputSchema() const override { return schema_; }
    double timeStep() const override { return 3600.0; }
    std::unique_ptr<ModelWorkspace> makeWorkspace() const override { return std::make_unique<ModelWorkspace>(); }
    std::unique_ptr<MemberState> initialState(int) const override
    {
        throw std::logic_error("the sized test model is never run");
    }
    void advance(std::span<MemberState* const>, int, ModelWorkspace&) const override
    {
        throw std::logic_error("the sized test model is never run");
    }
    GridFields fields(const MemberState&, ModelWorkspace&) const override
    {
        throw std::logic_error("the sized test model is never run");
    }
    std::size_t stateBytes() const override { return stateBytes_; }
    std::size_t workspaceBytes() const override { return workspaceBytes_; }
    std::vector<std::byte> serialize(const MemberState&) const override
    {
        throw std::logic_error("the sized test model is never run");
    }
    std::unique_ptr<MemberState> deserialize(std::span<const std::byte>) const override
    {
        throw std::logic_error("the sized test model is never run");
    }

private:
    std::size_t stateBytes_;
    std::size_t workspaceBytes_;
    OutputSchema schema_;
};

constexpr long long values = 3 * 20 + 20;                // one member's output values at one time
constexpr long long fieldsBytes = values * 8;            // as doubles
constexpr long long accumulatorBytes = 4 * fieldsBytes;  // mean, M2, minimum, maximum of one time

}  // namespace

class TestHostMemory : public QObject {
    Q_OBJECT

private slots:
    void estimateAddsWorkersAndStatistics()
    {
        const SizedModel model(1000, 5000);
        RunSpec spec;
        spec.members = 5;
        const HostMemoryEstimate estimate = estimateHostMemory(model, spec, 2, 0);
        QCOMPARE(estimate.workers, 2);
        QCOMPARE(estimate.membersPerWorker, 1);
        QCOMPARE(estimate.memberBytes, 1000LL);
        QCOMPARE(estimate.fieldsBytes, fieldsBytes);
        // In a step the state and the workspace; between steps the state, its checkpoint and the
        // fields, which are less here.
        QCOMPARE(estimate.betweenStepsBytes, 1000 + fieldsBytes);
        QCOMPARE(estimate.perCpuWorkerBytes, 1000 + 5000LL);
        // 5 members on 2 workers wait for them: the time being finished and the next one.
        QCOMPARE(estimate.accumulatedTimes, 2);
        QCOMPARE(estimate.statisticsBytes, 2 * accumulatorBytes);
        QCOMPARE(estimate.totalBytes, 2 * (1000 + 5000) + 2 * accumulatorBytes);

        // Members that all run at once hold one time's statistics beside the steps.
        spec.members = 2;
        const HostMemoryEstimate together = estimateHostMemory(model, spec, 2, 0);
        QCOMPARE(together.accumulatedTimes, 1);
        QCOMPARE(together.totalBytes, 2 * (1000 + 5000) + accumulatorBytes);

        // A small workspace: between steps is the larger.
        const SizedModel light(1000, 10);
        const HostMemoryEstimate lightEstimate = estimateHostMemory(light, spec, 2, 0);
        QCOMPARE(lightEstimate.perCpuWorkerBytes, 1000 + 1000 + fieldsBytes);
    }

    void batchesThresholdsGpusAndSingleMembersCount()
    {
        const SizedModel model(1000, 5000);
        RunSpec spec;
        spec.members = 5;
        spec.batchSize = 2;
        spec.thresholds = {{"t", 280.0}, {"unknown", 1.0}};
        const HostMemoryEstimate batched = estimateHostMemory(model, spec, 1, 1);
        QCOMPARE(batched.membersPerWorker, 2);
        // A probability per value of t: a 4-byte count while accumulating, a double once finished.
        const long long statistics = 2 * (accumulatorBytes + 60 * 12);
        QCOMPARE(batched.statisticsBytes, statistics);
        // The GPU worker's activations are on the GPU: only its members and fields are on the host.
        QCOMPARE(batched.totalBytes, (2 * 1000 + 5000) + (2 * 1000 + 1000 + fieldsBytes) + statistics);

        spec.members = 1;
        spec.batchSize = 0;
        spec.thresholds.clear();
        const HostMemoryEstimate single = estimateHostMemory(model, spec, 4, 0);
        QCOMPARE(single.statisticsBytes, 0LL);
        QCOMPARE(single.membersPerWorker, 1);
        QCOMPARE(single.totalBytes, 4 * (1000 + 5000LL));
    }

    void runThatDoesNotFitIsRefusedWithWhatToDo()
    {
        const SizedModel model(1000, 5000);
        RunSpec spec;
        spec.members = 5;
        const HostMemoryEstimate estimate = estimateHostMemory(model, spec, 2, 0);
        checkHostMemory(estimate, estimate.totalBytes, model.name());  // exactly fits
        try {
            checkHostMemory(estimate, estimate.totalBytes - 1, model.name());
            QFAIL("a run one byte too large was accepted");
        } catch (const InputError& error) {
            const std::string message = error.what();
            QVERIFY2(message.find(formatGibibytes(estimate.totalBytes)) != std::string::npos, error.what());
            QVERIFY2(message.find("2 CPU workers") != std::string::npos, error.what());
            QVERIFY2(message.find("available") != std::string::npos, error.what());
            QVERIFY2(message.find("--devices cpu:1") != std::string::npos, error.what());
            QVERIFY2(message.find("coarser model") != std::string::npos, error.what());
        }
    }

    void ensembleRunRefusesBeforeItStarts()
    {
        QTemporaryDir directory;
        RunSpec spec;
        spec.members = 2;
        spec.devices = "cpu:2";
        spec.leadSeconds = 3600.0;
        spec.outputIntervalSeconds = 3600.0;
        const QString output = directory.filePath("never.nc");
        spec.outputPath = output.toStdString();
        PreparedModel prepared;
        // A workspace no machine has: refused whatever this machine's free memory.
        prepared.model = std::make_unique<SizedModel>(1000, std::numeric_limits<std::size_t>::max() / 8);
        prepared.initialCondition = "sized test model";
        prepared.perturbations = "none";
        EnsembleRun run(spec, std::move(prepared));
        std::atomic<bool> cancel{false};
        QVERIFY_THROWS_EXCEPTION(InputError, run.execute({}, cancel));
        QVERIFY(!QFileInfo::exists(output));  // nothing was made
    }

    void gibibytesAreFormattedWithTwoDecimals()
    {
        QCOMPARE(formatGibibytes(3LL << 29), std::string("1.50 GiB"));
        QCOMPARE(formatGibibytes(0), std::string("0.00 GiB"));
    }
};

QTEST_GUILESS_MAIN(TestHostMemory)
#include "TestHostMemory.moc"
