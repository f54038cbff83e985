// GraphCast's batched executors (gpu/graphcast/GraphCastExecutors.h): registered under the
// model's name, a device footprint derived from the sizes, the host batched model giving the CPU
// backend's bytes through the controller whatever its batch, and the GPU's sequence of
// operations (its host twin) through the same batched model agreeing with the CPU to the
// selftest's float32 bound. The CUDA executor itself is checked by `spreadcast-cli selftest`.
#include "BatchedExecutors.h"
#include "BatchedWorker.h"
#include "graphcast/GraphCastBatchedModel.h"
#include "graphcast/GraphCastExecutors.h"
#include "graphcast/GraphCastGpuMemory.h"
#include "graphcast/GraphCastHostExecutor.h"
#include "graphcast/GraphCastStateAgreement.h"
#include "graphcast/GraphCastSyntheticModel.h"
#include "io/NetcdfCompare.h"
#include "model/ModelRegistry.h"
#include "run/EnsembleRun.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>

using namespace spreadcast;
using namespace spreadcast::gpu;

namespace {

// The GPU's forward pass (GraphCastPass.h) on its host twin, as the CUDA executor's pass.
class HostTwinPass : public GraphCastNetworkPass {
public:
    explicit HostTwinPass(const graphcast::GraphCastModel& model)
        : data_(makeGraphCastPassData(model.checkpoint(), model.graphs(), model.predictor().layout().inputChannels(),
                                      model.predictor().layout().outputChannels(), storage_))
    {
        precomputeGraphCastStaticParts(data_, model.graphs(), executor_, storage_);
    }
    void forward(std::span<const float> inputs, std::span<float> outputs) override
    {
        std::copy(inputs.begin(), inputs.end(), data_.gridInputs);
        runGraphCastPass(data_, executor_, GraphCastPrecision::Float32);
        std::copy(data_.gridOutputs, data_.gridOutputs + outputs.size(), outputs.begin());
    }
    long long allocatedBytes() const override { return static_cast<long long>(storage_.allocatedBytes()); }

private:
    GraphCastHostStorage storage_;
    GraphCastHostExecutor executor_;
    GraphCastPassData data_;
};

std::vector<std::unique_ptr<MemberState>> initialStates(const ForecastModel& model, int members)
{
    std::vector<std::unique_ptr<MemberState>> states;
    for (int member = 0; member < members; ++member) {
        states.push_back(model.initialState(member));
    }
    return states;
}

std::vector<MemberState*> pointers(const std::vector<std::unique_ptr<MemberState>>& states)
{
    std::vector<MemberState*> result;
    for (const auto& state : states) {
        result.push_back(state.get());
    }
    return result;
}

}  // namespace

class TestGraphCastBatched : public QObject {
    Q_OBJECT

    QTemporaryDir directory_;
    bool haveTinyCase_ = false;

    QString path(const QString& name) const { return directory_.filePath(name); }

    RunSpec tinySpec(const QString& out) const
    {
        RunSpec spec;
        spec.model = "graphcast";
        spec.graphcast.checkpoint = path("checkpoint.npz").toStdString();
        spec.graphcast.statistics = path("stats").toStdString();
        spec.graphcast.perturbationScale = 0.1;
        spec.initialCondition = path("dataset.nc").toStdString();
        spec.leadSeconds = 86400.0;
        spec.outputIntervalSeconds = 21600.0;
        spec.members = 3;
        spec.seed = 5;
        spec.precision = OutputPrecision::Double;
        spec.devices = "cpu:1";
        spec.outputPath = out.toStdString();
        return spec;
    }

    VariableBytes runTiny(const QString& name, int hostBatch)
    {
        const RunSpec spec = tinySpec(path(name));
        EnsembleRun ensemble(spec, prepareModel(spec));
        if (hostBatch > 0) {
            std::vector<std::unique_ptr<Device>> devices;
            devices.push_back(makeHostBatchedDevice(0, hostBatch));
            ensemble.useDevices(std::move(devices));
        }
        std::atomic<bool> cancel{false};
        const RunResult result = ensemble.execute([](const RunProgress&) {}, cancel);
        if (result.status != "complete" || result.membersCompleted != 3) {
            throw std::runtime_error(name.toStdString() + ": " + result.status);
        }
        return variableBytes(spec.outputPath);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(directory_.isValid());
        const QString python = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python.isEmpty() || QProcess::execute(python, {"-c", "import numpy, netCDF4"}) != 0) {
            return;  // the tests of the tiny case skip; the others need no files
        }
        const QString scripts = SPREADCAST_SOURCE_DIR "/tests/graphcast/";
        for (const QStringList& arguments :
             {QStringList{scripts + "make_checkpoint.py", "--preset", "tiny", "--out", path("checkpoint.npz")},
              QStringList{scripts + "make_stats.py", "--preset", "tiny", "--out", path("stats")},
              QStringList{scripts + "make_dataset.py", "--preset", "tiny", "--out", path("dataset.nc")}}) {
            QProcess process;
            process.setProcessChannelMode(QProcess::MergedChannels);
            process.start(python, arguments);
            QVERIFY(process.waitForFinished(120000));
            QVERIFY2(process.exitCode() == 0, process.readAll().constData());
        }
        haveTinyCase_ = true;
    }

    void graphCastHasBatchedExecutors()
    {
        QVERIFY(static_cast<bool>(hostBatchedFactory("graphcast")));
#ifdef SPREADCAST_HAVE_CUDA
        registerGraphCastGpuExecutor();
        const std::optional<GpuBatchedExecutor> executor = gpuBatchedExecutor("graphcast");
        QVERIFY(executor.has_value());
        QVERIFY(static_cast<bool>(executor->make) && static_cast<bool>(executor->footprint));
        QVERIFY(static_cast<bool>(executor->unavailableReason));
        const graphcast::GraphCastModel model(syntheticGraphCastSetup());
        QCOMPARE(executor->footprint(model).fixedBytes, graphCastGpuFootprint(model).fixedBytes);
#endif
    }

    // The tiny case (tests/graphcast, preset tiny): a 10° grid (19 × 36 = 684 nodes), mesh 2to2
    // (162 nodes, 2 × 30 × (1 + 4 + 16) = 1260 multimesh edges), latent 16; GraphCast_small's
    // variables on 3 levels: inputs 2 times × (6 × 3 atmospheric + 5 surface + 5 forcings) + 2
    // statics + 5 target-time forcings = 63 channels, outputs 6 × 3 + 5 = 23.
    void footprintComesFromTheTinyCasesSizes()
    {
        if (!haveTinyCase_) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 for the tiny case");
        }
        const PreparedModel prepared = prepareModel(tinySpec(path("unused.nc")));
        const auto& model = dynamic_cast<const graphcast::GraphCastModel&>(*prepared.model);
        const GraphCastSizes sizes = graphCastModelSizes(model);
        QCOMPARE(sizes.gridNodes, std::int64_t{684});
        QCOMPARE(sizes.meshNodes, std::int64_t{162});
        QCOMPARE(sizes.meshEdges, std::int64_t{1260});
        QCOMPARE(sizes.mesh2gridEdges, std::int64_t{3 * 684});
        QCOMPARE(sizes.inputChannels, 63);
        QCOMPARE(sizes.outputChannels, 23);
        QCOMPARE(sizes.config.latentSize, 16);

        const BatchedFootprint footprint = graphCastGpuFootprint(model);
        const GraphCastGpuMemory memory = graphCastGpuMemory(sizes);
        // Members pass in turn through one set of buffers: nothing per slot.
        QCOMPARE(footprint.perSlotBytes, std::size_t{0});
        QCOMPARE(footprint.fixedBytes, memory.forwardBytes());
        // The parameters: every tensor of the checkpoint in float32, the weights again in bf16.
        std::size_t parameterBytes = 0;
        for (const auto& [key, tensor] : model.checkpoint().params) {
            std::size_t count = 1;
            for (std::int64_t extent : tensor.shape) {
                count *= static_cast<std::size_t>(extent);
            }
            parameterBytes += count * (key.ends_with(":w") ? 6 : 4);
        }
        QCOMPARE(memory.parameterBytes, parameterBytes);
        // One member's inputs and outputs: 684 × (63 + 23) floats.
        QCOMPARE(memory.perMemberBytes, std::size_t{684 * 86 * 4});
        // The static parts hold at least a latent vector per mesh node and per edge.
        const auto latentRows =
            static_cast<std::size_t>(sizes.meshNodes + sizes.grid2meshEdges + sizes.meshEdges + sizes.mesh2gridEdges);
        QVERIFY(memory.staticBytes >= 4 * 16 * latentRows);
        QVERIFY(footprint.fixedBytes < (std::size_t{64} << 20));  // a tiny model is well under 64 MiB
    }

    // Three members through the controller: on the CPU backend, and as a host batched device in
    // batches of 1 and of 3 — the same bytes in every variable of the file.
    void hostBatchedMembersAreTheCpuBytes()
    {
        if (!haveTinyCase_) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 for the tiny case");
        }
        const VariableBytes cpu = runTiny("cpu.nc", 0);
        QVERIFY(cpu.contains("temperature"));
        for (int batch : {1, 3}) {
            const VariableBytes batched = runTiny(QString("batch%1.nc").arg(batch), batch);
            QCOMPARE(QString::fromStdString(differingVariables(cpu, batched)), QString());
        }
    }

    // A member whose prediction is not finite stops at that step and is reported by its index in
    // the batch; the others take their steps.
    void aBlowUpStopsOnlyItsMember()
    {
        const graphcast::GraphCastModel model(syntheticGraphCastSetup(16));
        auto batched = hostBatchedFactory("graphcast")(model, 3);
        auto states = initialStates(model, 3);
        auto& broken = dynamic_cast<graphcast::GraphCastState&>(*states[1]);
        broken.inputs.back().variables.at("temperature")[7] = std::numeric_limits<float>::quiet_NaN();
        const std::vector<MemberState*> members = pointers(states);
        const std::vector<MemberBlowUp> blowUps = batched->advance(members, 2);
        QCOMPARE(blowUps.size(), std::size_t{1});
        QCOMPARE(blowUps.front().index, 1);
        QCOMPARE(blowUps.front().step, std::int64_t{1});
        QCOMPARE(states[0]->step, std::int64_t{2});
        QCOMPARE(states[1]->step, std::int64_t{0});
        QCOMPARE(states[2]->step, std::int64_t{2});
        // Alone in its batch (no other member's inputs made meanwhile), and first of two.
        MemberState* alone[] = {states[1].get()};
        const std::vector<MemberBlowUp> aloneBlowUps = batched->advance(alone, 3);
        QCOMPARE(aloneBlowUps.size(), std::size_t{1});
        QCOMPARE(aloneBlowUps.front().index, 0);
        MemberState* pair[] = {states[1].get(), states[0].get()};
        const std::vector<MemberBlowUp> pairBlowUps = batched->advance(pair, 2);
        QCOMPARE(pairBlowUps.size(), std::size_t{1});
        QCOMPARE(pairBlowUps.front().index, 0);
        QCOMPARE(states[0]->step, std::int64_t{4});
        QCOMPARE(states[1]->step, std::int64_t{0});
    }

    // The CUDA executor's sequence of operations (its host twin) in the batched model against the
    // CPU model's step: within the selftest's float32 bound, 2e-4 of the increment's spread; and a
    // member alone or third in a batch of three gets the same bits.
    void theGpuPassThroughTheBatchedModelMatchesTheCpu()
    {
        const graphcast::GraphCastModel model(syntheticGraphCastSetup());
        const std::size_t points = model.predictor().grid().points();
        GraphCastBatchedModel twin(model, std::make_unique<HostTwinPass>(model));
        auto before = initialStates(model, 3);
        auto cpu = initialStates(model, 3);
        auto batch = initialStates(model, 3);
        auto alone = model.initialState(2);
        auto workspace = model.makeWorkspace();
        model.advance(pointers(cpu), 1, *workspace);
        QVERIFY(twin.advance(pointers(batch), 1).empty());
        MemberState* single[] = {alone.get()};
        QVERIFY(twin.advance(single, 1).empty());
        for (int member = 0; member < 3; ++member) {
            const auto& ours = dynamic_cast<const graphcast::GraphCastState&>(*batch[member]);
            const auto& reference = dynamic_cast<const graphcast::GraphCastState&>(*cpu[member]);
            const GraphCastStepAgreement agreement = graphCastStepAgreement(
                ours, reference, dynamic_cast<const graphcast::GraphCastState&>(*before[member]), points);
            qInfo("member %d: max |Δ| / increment spread %.2e (%s)", member, agreement.worstRelative,
                  agreement.worstField.c_str());
            QVERIFY(agreement.worstRelative <= 2e-4);
            QCOMPARE(ours.step, reference.step);
            QCOMPARE(ours.validTime, reference.validTime);
        }
        QVERIFY(model.serialize(*alone) == model.serialize(*batch[2]));
        QCOMPARE(twin.hashState(*alone), twin.hashState(*batch[2]));
        QVERIFY(twin.hashState(*batch[0]) != twin.hashState(*batch[1]));
    }
};

QTEST_GUILESS_MAIN(TestGraphCastBatched)
#include "TestGraphCastBatched.moc"
