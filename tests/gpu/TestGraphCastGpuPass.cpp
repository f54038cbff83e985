// The GraphCast GPU executor's forward pass (gpu/graphcast/GraphCastPass.h) run by its host twin
// (GraphCastHostExecutor.h): the sequence of operations the GPU launches must compute what the
// CPU network computes, to float32 rounding, and in bf16 within the tolerance the selftest uses
// on the GPU; the kernels' arithmetic must match the CPU network's loops.
#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCastGpuMemory.h"
#include "graphcast/GraphCastHostExecutor.h"
#include "graphcast/GraphCastKernels.h"
#include "graphcast/GraphCastMlp.h"
#include "graphcast/GraphCastNetwork.h"
#include "graphcast/GraphCastParameters.h"
#include "graphcast/ReceiverBlocks.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

using namespace spreadcast;
using namespace spreadcast::gpu;

namespace {

struct Case {
    graphcast::Checkpoint checkpoint;
    graphcast::Graphs graphs;
    int inputChannels = 11;
    int outputChannels = 5;
};

// The selftest's synthetic GraphCast (GraphCastGpuChecks.cpp): 10° grid, mesh 2, latent 48.
Case syntheticCase(int hiddenLayers)
{
    Case c;
    graphcast::ModelConfig config;
    config.resolution = 10.0;
    config.meshSize = 2;
    config.latentSize = 48;
    config.gnnMsgSteps = 3;
    config.hiddenLayers = hiddenLayers;
    c.graphs = graphcast::buildGraphs(config, graphcast::LatLonGrid::regular(config.resolution));
    graphcast::NetworkShape shape;
    shape.inputChannels = c.inputChannels;
    shape.outputChannels = c.outputChannels;
    shape.nodeFeatureSize = c.graphs.nodeFeatureSize;
    shape.grid2meshEdgeFeatureSize = c.graphs.grid2mesh.featureSize;
    shape.meshEdgeFeatureSize = c.graphs.mesh.featureSize;
    shape.mesh2gridEdgeFeatureSize = c.graphs.mesh2grid.featureSize;
    c.checkpoint.modelConfig = config;
    c.checkpoint.params = graphcast::randomParameters(config, shape, 20261130);
    c.checkpoint.path = "(synthetic)";
    return c;
}

std::vector<float> normalValues(std::size_t count, unsigned seed)
{
    std::mt19937 generator(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> values(count);
    for (float& value : values) {
        value = normal(generator);
    }
    return values;
}

std::vector<float> twinForward(const Case& c, const std::vector<float>& inputs, GraphCastPrecision precision,
                               int chunkRows)
{
    GraphCastHostStorage storage;
    GraphCastHostExecutor executor;
    GraphCastPassData data =
        makeGraphCastPassData(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, storage, chunkRows);
    precomputeGraphCastStaticParts(data, c.graphs, executor, storage);
    std::copy(inputs.begin(), inputs.end(), data.gridInputs);
    runGraphCastPass(data, executor, precision);
    return {data.gridOutputs, data.gridOutputs + static_cast<std::ptrdiff_t>(c.graphs.gridNodes) * c.outputChannels};
}

// Largest and rms |a − b| relative to each channel's spread in b, the worst channel's.
std::pair<double, double> relativeDifference(const std::vector<float>& a, const std::vector<float>& b, int nodes,
                                             int channels)
{
    double worstMax = 0.0;
    double worstRms = 0.0;
    for (int channel = 0; channel < channels; ++channel) {
        double sum = 0.0;
        for (int node = 0; node < nodes; ++node) {
            sum += b[static_cast<std::size_t>(node * channels + channel)];
        }
        const double mean = sum / nodes;
        double squares = 0.0;
        double largest = 0.0;
        double squaredDifference = 0.0;
        for (int node = 0; node < nodes; ++node) {
            const auto index = static_cast<std::size_t>(node * channels + channel);
            squares += (b[index] - mean) * (b[index] - mean);
            const double difference = std::fabs(static_cast<double>(a[index]) - b[index]);
            largest = std::max(largest, difference);
            squaredDifference += difference * difference;
        }
        const double spread = std::sqrt(squares / nodes);
        worstMax = std::max(worstMax, largest / spread);
        worstRms = std::max(worstRms, std::sqrt(squaredDifference / nodes) / spread);
    }
    return {worstMax, worstRms};
}

}  // namespace

class TestGraphCastGpuPass : public QObject {
    Q_OBJECT

private slots:
    void bfloat16RoundsToNearestEven()
    {
        QCOMPARE(bfloat16Bits(1.0f), std::uint16_t{0x3f80});
        QCOMPARE(bfloat16Bits(1.0f + 0x1p-8f), std::uint16_t{0x3f80});  // a tie: to the even 1.0
        QCOMPARE(bfloat16Bits(1.0f + 0x3p-8f), std::uint16_t{0x3f82});  // a tie: to the even 1 + 2⁻⁶
        QCOMPARE(bfloat16Bits(1.0f + 0x1p-8f + 0x1p-20f), std::uint16_t{0x3f81});
        QCOMPARE(bfloat16Bits(-2.5f), std::uint16_t{0xc020});
        QCOMPARE(bfloat16Value(bfloat16Bits(3.140625f)), 3.140625f);  // exact in 8 bits
    }

    // The kernels' sums in a receiver are ReceiverBlocks' sums: the same bits.
    void segmentSumsAreTheCpuSums()
    {
        const std::vector<std::int32_t> receivers{0, 0, 0, 2, 3, 3, 3, 3, 3, 5};
        const int receiverCount = 6;
        const int width = 7;
        const std::vector<float> rows = normalValues(receivers.size() * width, 3);
        const graphcast::ReceiverBlocks blocks(receivers, receiverCount, 4, 3);
        std::vector<long long> offsets = graphcastpass::receiverOffsets(receivers, receiverCount);
        GraphCastHostExecutor executor;
        for (int block = 0; block < blocks.blockCount(); ++block) {
            const std::size_t size = static_cast<std::size_t>(blocks.receiverCount(block)) * width;
            std::vector<float> cpu(size);
            std::vector<float> kernel(size, -1.0f);
            const float* blockRows = rows.data() + blocks.firstEdge(block) * width;
            blocks.sumBlock(block, blockRows, width, cpu.data());
            executor.segmentSum(offsets.data(), blocks.firstReceiver(block), blocks.receiverCount(block),
                                blocks.firstEdge(block), blockRows, width, kernel.data());
            QVERIFY(std::memcmp(cpu.data(), kernel.data(), size * sizeof(float)) == 0);
        }
    }

    // The warp's LayerNorm against the CPU's sequential one: the sums in double differ in order
    // only, so the results agree to a few float32 roundings.
    void layerNormMatchesTheCpu()
    {
        for (int width : {48, 512, 13}) {
            const int rows = 5;
            std::vector<float> x = normalValues(static_cast<std::size_t>(rows * width), 11);
            for (float& value : x) {
                value = 3.0f + 2.0f * value;
            }
            const std::vector<float> scale = normalValues(static_cast<std::size_t>(width), 12);
            const std::vector<float> offset = normalValues(static_cast<std::size_t>(width), 13);
            std::vector<float> cpu = x;
            graphcast::layerNormRowsInPlace(cpu.data(), rows, width, scale.data(), offset.data());
            GraphCastHostExecutor().layerNorm(x.data(), rows, width, scale.data(), offset.data());
            for (std::size_t i = 0; i < x.size(); ++i) {
                const double bound = 4e-7 * (std::fabs(cpu[i]) + std::fabs(offset[i % width]) + 1.0);
                QVERIFY2(std::fabs(x[i] - cpu[i]) <= bound, qPrintable(QString::number(x[i] - cpu[i])));
            }
        }
    }

    // The GPU's sequence of operations in float32 against the CPU network, in one chunk and in
    // chunks of 40 rows (many receiver blocks, the in-place mesh update across blocks), with one
    // and two hidden layers (the MLP buffers' ping-pong). Bound: the selftest's 2e-4 of the spread.
    void float32PassMatchesTheCpuNetwork()
    {
        for (int hiddenLayers : {1, 2}) {
            const Case c = syntheticCase(hiddenLayers);
            const int nodes = c.graphs.gridNodes;
            const std::vector<float> inputs =
                normalValues(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(c.inputChannels), 7);
            const graphcast::GraphCastNetwork cpu(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, 1);
            std::vector<float> expected(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(c.outputChannels));
            cpu.forward(inputs, expected);
            for (int chunkRows : {graphCastChunkRows, 40}) {
                const std::vector<float> twin = twinForward(c, inputs, GraphCastPrecision::Float32, chunkRows);
                const auto [largest, rms] = relativeDifference(twin, expected, nodes, c.outputChannels);
                qInfo("float32, %d hidden layer(s), chunks of %d: max |Δ|/spread %.2e, rms %.2e", hiddenLayers,
                      chunkRows, largest, rms);
                QVERIFY(largest <= 2e-4);
            }
        }
    }

    // bf16 GEMM operands with float32 accumulation against the float32 CPU network: within the
    // selftest's bounds (rms 5e-2, max 0.3 of the spread), and clearly not float32 (the rounding
    // is really applied).
    void bfloat16PassIsWithinItsTolerance()
    {
        const Case c = syntheticCase(1);
        const int nodes = c.graphs.gridNodes;
        const std::vector<float> inputs =
            normalValues(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(c.inputChannels), 7);
        const graphcast::GraphCastNetwork cpu(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, 1);
        std::vector<float> expected(static_cast<std::size_t>(nodes) * static_cast<std::size_t>(c.outputChannels));
        cpu.forward(inputs, expected);
        const std::vector<float> twin = twinForward(c, inputs, GraphCastPrecision::Bfloat16, 40);
        const auto [largest, rms] = relativeDifference(twin, expected, nodes, c.outputChannels);
        qInfo("bf16: max |Δ|/spread %.2e, rms %.2e", largest, rms);
        QVERIFY(rms <= 5e-2);
        QVERIFY(largest <= 0.3);
        QVERIFY(largest > 1e-4);
    }

    // The memory count is what the executor allocates: the twin's storage holds all of it but the
    // bf16 staging (a GPU buffer) and mesh2grid's unused mesh node MLP (counted, not uploaded).
    void memoryCountIsWhatThePassAllocates()
    {
        const Case c = syntheticCase(1);
        GraphCastHostStorage storage;
        GraphCastHostExecutor executor;
        GraphCastPassData data =
            makeGraphCastPassData(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, storage, 40);
        precomputeGraphCastStaticParts(data, c.graphs, executor, storage);
        const GraphCastGpuMemory memory = graphCastGpuMemory(data.sizes, data.chunkRows);
        std::size_t unusedParameterBytes = 0;
        for (const auto& [key, extents] :
             graphcast::expectedParameterShapes(c.checkpoint.modelConfig, graphCastNetworkShape(data.sizes))) {
            if (key.starts_with(graphcast::moduleScope("mesh2grid_gnn", "processor_nodes_0_mesh_nodes"))) {
                std::size_t size = 1;
                for (std::int64_t extent : extents) {
                    size *= static_cast<std::size_t>(extent);
                }
                unusedParameterBytes += size * (key.ends_with(":w") ? 6 : 4);
            }
        }
        const std::size_t staging = static_cast<std::size_t>(data.chunkRows) * sizeof(std::uint16_t) *
                                    static_cast<std::size_t>(graphCastChunkWidths(data.sizes).widestK);
        QCOMPARE(storage.allocatedBytes() + staging + unusedParameterBytes, memory.forwardBytes());
    }

    // The flop count the bench reports is the CPU network's.
    void flopCountIsTheCpuNetworks()
    {
        const Case c = syntheticCase(2);
        const graphcast::GraphCastNetwork cpu(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, 1);
        const double flops =
            graphCastGemmFlops(graphCastSizes(c.checkpoint.modelConfig, c.graphs, c.inputChannels, c.outputChannels));
        QVERIFY(std::fabs(flops - cpu.gemmFlopsPerForward()) <= 1e-12 * flops);
    }
};

QTEST_GUILESS_MAIN(TestGraphCastGpuPass)
#include "TestGraphCastGpuPass.moc"
