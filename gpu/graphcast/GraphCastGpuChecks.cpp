#include "graphcast/GraphCastGpuChecks.h"

#include "GpuBackend.h"

#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCastBatchedModel.h"
#include "graphcast/GraphCastBenchmark.h"
#include "graphcast/GraphCastExecutors.h"
#include "graphcast/GraphCastNetwork.h"
#include "graphcast/GraphCastParameters.h"
#include "graphcast/GraphCastStateAgreement.h"
#include "graphcast/GraphCastSyntheticModel.h"
#include "run/InputError.h"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>

namespace spreadcast::gpu {
namespace {

// Tolerances, from the rounding of the GEMMs through the network's depth. A forward pass chains
// about 2 × (gnn_msg_steps + 4) = 14 linear layers on the path to an output, each a dot product
// of k ≤ 3 × latent = 144 terms; LayerNorms keep the activations near unit scale.
//   float32: another summation order changes a dot product by at most k·u·Σ|x·w| with u = 2⁻²⁴;
//   for terms of random sign Σ|x·w| ≈ √k·|Σ x·w|, so ≈ k^1.5·u ≈ 1e-4 relative at the worst and
//   √k·u ≈ 7e-7 typically per layer; 14 layers, errors adding at random: ≈ 3e-6 of the output's
//   spread. The bound 2e-4 sits between that and one layer's worst case; a wrong index or order
//   of operations gives errors of order 1. (The host twin of the same pass, TestGraphCastGpuPass,
//   measures 2e-6 against the CPU network.)
//   bf16: both operands rounded to 8 significant bits (u = 2⁻⁸), a product off by √2·u/√3 ≈ 3e-3
//   rms, and for random signs the dot product by as much relative to its size; 14 layers: ≈ 1e-2
//   rms of the spread, the largest of thousands of outputs ≈ 4 rms. Bounds: rms 5e-2, max 0.3.
//   (The host twin, rounding as the GPU does, measures rms 1.0e-2 and max 4.2e-2.)
constexpr double float32MaxRelative = 2e-4;
constexpr double bf16RmsRelative = 5e-2;
constexpr double bf16MaxRelative = 0.3;

std::string scientific(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2e", value);
    return text;
}

struct SyntheticCase {
    graphcast::Checkpoint checkpoint;
    graphcast::Graphs graphs;
    int inputChannels = 11;
    int outputChannels = 5;
};

SyntheticCase syntheticCase()
{
    SyntheticCase c;
    graphcast::ModelConfig config;
    config.resolution = 10.0;
    config.meshSize = 2;
    config.latentSize = 48;  // not a multiple of the warp, to exercise the LayerNorm's tail
    config.gnnMsgSteps = 3;
    config.hiddenLayers = 1;
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
    c.checkpoint.path = "(synthetic selftest checkpoint)";
    return c;
}

std::vector<float> randomInputs(std::size_t count, unsigned seed)
{
    std::mt19937 generator(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    std::vector<float> values(count);
    for (float& value : values) {
        value = normal(generator);
    }
    return values;
}

// The largest and the rms difference, each relative to the CPU output channel's spread
// (standard deviation over the grid nodes), the worst channel's.
struct Agreement {
    double maxRelative = 0.0;
    double rmsRelative = 0.0;
};

Agreement compare(const std::vector<float>& gpu, const std::vector<float>& cpu, int nodes, int channels)
{
    Agreement agreement;
    for (int channel = 0; channel < channels; ++channel) {
        double sum = 0.0;
        double squares = 0.0;
        for (int node = 0; node < nodes; ++node) {
            sum += cpu[static_cast<std::size_t>(node) * channels + channel];
        }
        const double mean = sum / nodes;
        double largest = 0.0;
        double squaredDifference = 0.0;
        for (int node = 0; node < nodes; ++node) {
            const std::size_t index = static_cast<std::size_t>(node) * channels + channel;
            squares += (cpu[index] - mean) * (cpu[index] - mean);
            const double difference = std::fabs(static_cast<double>(gpu[index]) - cpu[index]);
            largest = std::max(largest, difference);
            squaredDifference += difference * difference;
        }
        const double spread = std::max(std::sqrt(squares / nodes), 1e-30);
        agreement.maxRelative = std::max(agreement.maxRelative, largest / spread);
        agreement.rmsRelative = std::max(agreement.rmsRelative, std::sqrt(squaredDifference / nodes) / spread);
    }
    return agreement;
}

bool sameBits(const std::vector<float>& a, const float* b)
{
    return std::memcmp(a.data(), b, a.size() * sizeof(float)) == 0;
}

// The run path: GraphCastModel's step (normalisation, forcings, residuals, feedback) around the
// CUDA executor, as the controller's GPU workers run it, against the CPU model's step. The
// network is the one above (10°, mesh 2, latent 48, 3 message steps), so its float32 bound holds
// for the network's outputs, and an output's error is the same fraction of the increment's spread
// (GraphCastStateAgreement.h): max |Δ| ≤ 2e-4 of it. A member alone and third in a batch of
// three: the same bits.
std::vector<SelftestCheck> graphCastBatchedChecks(int gpu, std::ostream& log)
{
    const graphcast::GraphCastModel model(syntheticGraphCastSetup());
    const std::size_t points = model.predictor().grid().points();
    constexpr int members = 3;
    std::vector<std::unique_ptr<MemberState>> before, cpu, onGpu;
    std::vector<MemberState*> cpuMembers, gpuMembers;
    for (int member = 0; member < members; ++member) {
        before.push_back(model.initialState(member));
        cpu.push_back(model.initialState(member));
        onGpu.push_back(model.initialState(member));
        cpuMembers.push_back(cpu.back().get());
        gpuMembers.push_back(onGpu.back().get());
    }
    auto workspace = model.makeWorkspace();
    model.advance(cpuMembers, 1, *workspace);
    const std::unique_ptr<BatchedModel> batched = makeGpuGraphCastBatchedModel(model, gpu);
    log << "  " << points << " grid nodes; " << (batched->allocatedBytes() >> 20) << " MiB on the GPU, "
        << (graphCastGpuFootprint(model).fixedBytes >> 20) << " MiB by the footprint\n";
    const std::vector<MemberBlowUp> blowUps = batched->advance(gpuMembers, 1);
    std::unique_ptr<MemberState> alone = model.initialState(members - 1);
    MemberState* single[] = {alone.get()};
    batched->advance(single, 1);

    std::vector<SelftestCheck> checks;
    GraphCastStepAgreement worst;
    for (int member = 0; member < members; ++member) {
        const GraphCastStepAgreement agreement =
            graphCastStepAgreement(dynamic_cast<const graphcast::GraphCastState&>(*onGpu[member]),
                                   dynamic_cast<const graphcast::GraphCastState&>(*cpu[member]),
                                   dynamic_cast<const graphcast::GraphCastState&>(*before[member]), points);
        if (agreement.worstRelative >= worst.worstRelative) {
            worst = agreement;
        }
    }
    const bool stepped = blowUps.empty() && onGpu.front()->step == 1;
    checks.push_back(
        {"GraphCast batched executor against the CPU model", stepped && worst.worstRelative <= float32MaxRelative,
         std::string(stepped ? "" : "a member did not step; ") + "max |Δ| / increment spread " +
             scientific(worst.worstRelative) + " (≤ " + scientific(float32MaxRelative) + ") in " + worst.worstField});
    const bool same = model.serialize(*alone) == model.serialize(*onGpu.back());
    checks.push_back(
        {"GraphCast batched executor bitwise: alone and in a batch of 3", same, same ? "same bits" : "DIFFERENT bits"});
    return checks;
}

}  // namespace

std::vector<SelftestCheck> graphCastSelftestChecks(int gpu, std::ostream& log)
{
    std::vector<SelftestCheck> checks;
    auto guarded = [&](const std::string& name, auto&& body) {
        try {
            body();
        } catch (const std::exception& error) {
            checks.push_back({name, false, error.what()});
        }
    };
    log << "GraphCast network: device memory of one forward pass (computed)\n";
    writeGraphCastMemoryTable(log);
    log << "GraphCast network: GPU against CPU, synthetic checkpoint\n" << std::flush;
    guarded("GraphCast network", [&] {
        const SyntheticCase c = syntheticCase();
        const int nodes = c.graphs.gridNodes;
        const auto inputFloats = static_cast<std::size_t>(nodes) * static_cast<std::size_t>(c.inputChannels);
        const auto outputFloats = static_cast<std::size_t>(nodes) * static_cast<std::size_t>(c.outputChannels);
        constexpr int members = 3;
        const std::vector<float> inputs = randomInputs(inputFloats * members, 7);

        const graphcast::GraphCastNetwork cpu(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, 2);
        std::vector<float> cpuOutputs(outputFloats);
        cpu.forward(std::span<const float>(inputs.data() + inputFloats, inputFloats), cpuOutputs);

        GpuGraphCastNetwork network(c.checkpoint, c.graphs, c.inputChannels, c.outputChannels, gpu);
        log << "  " << nodes << " grid nodes, " << c.graphs.meshNodes << " mesh nodes, latent "
            << c.checkpoint.modelConfig.latentSize << ", " << c.checkpoint.modelConfig.gnnMsgSteps << " message steps; "
            << (network.allocatedBytes() >> 20) << " MiB on the GPU\n";
        for (GraphCastPrecision precision : {GraphCastPrecision::Float32, GraphCastPrecision::Bfloat16}) {
            const std::string name = std::string("GraphCast ") + precisionName(precision);
            std::vector<float> alone(outputFloats);
            network.forward(std::span<const float>(inputs.data() + inputFloats, inputFloats), alone, precision);
            const Agreement agreement = compare(alone, cpuOutputs, nodes, c.outputChannels);
            if (precision == GraphCastPrecision::Float32) {
                checks.push_back({name + " against the CPU", agreement.maxRelative <= float32MaxRelative,
                                  "max |Δ| / spread " + scientific(agreement.maxRelative) + " (≤ " +
                                      scientific(float32MaxRelative) + "), rms " + scientific(agreement.rmsRelative)});
            } else {
                checks.push_back({name + " against the CPU",
                                  agreement.rmsRelative <= bf16RmsRelative && agreement.maxRelative <= bf16MaxRelative,
                                  "rms |Δ| / spread " + scientific(agreement.rmsRelative) + " (≤ " +
                                      scientific(bf16RmsRelative) + "), max " + scientific(agreement.maxRelative) +
                                      " (≤ " + scientific(bf16MaxRelative) + ")"});
            }
            std::vector<float> batch(outputFloats * members);
            network.forwardMembers(inputs, batch, members, precision);
            std::vector<float> repeated(outputFloats);
            network.forward(std::span<const float>(inputs.data() + inputFloats, inputFloats), repeated, precision);
            const bool inBatch = sameBits(alone, batch.data() + outputFloats);
            const bool again = sameBits(alone, repeated.data());
            checks.push_back({name + " bitwise: alone, in a batch of 3, repeated", inBatch && again,
                              std::string(inBatch ? "batch: same bits" : "batch: DIFFERENT bits") +
                                  (again ? ", repeat: same bits" : ", repeat: DIFFERENT bits")});
        }
    });
    log << "GraphCast batched executor: GPU against CPU, one 6-hour step of a synthetic model\n" << std::flush;
    guarded("GraphCast batched executor", [&] {
        for (auto& check : graphCastBatchedChecks(gpu, log)) {
            checks.push_back(std::move(check));
        }
    });
    return checks;
}

std::vector<GraphCastGpuBenchRow> benchmarkGraphCastGpu(int gpu, int passes, std::ostream& log,
                                                        double resolutionDegrees)
{
    graphcast::ModelConfig config = graphcast::graphcastSmallModelConfig();
    if (resolutionDegrees == 0.25) {
        config.resolution = 0.25;
        config.meshSize = 6;
    } else if (resolutionDegrees != 1.0) {
        throw InputError("the GraphCast GPU bench runs at 1° (mesh 2to5) or 0.25° (mesh 2to6), not " +
                         std::to_string(resolutionDegrees) + "°: give --graphcast-resolutions 1,0.25");
    }
    // --gpu −1: the first usable GPU.
    const GpuInventory inventory = discoverCudaGpus();
    const auto chosen =
        std::find_if(inventory.gpus.begin(), inventory.gpus.end(),
                     [gpu](const GpuDescription& description) { return gpu < 0 || description.index == gpu; });
    if (chosen == inventory.gpus.end()) {
        std::string notes;
        for (const std::string& note : inventory.notes) {
            notes += "; " + note;
        }
        throw GpuError("no GPU " + (gpu < 0 ? std::string("is usable") : std::to_string(gpu) + " is usable") + notes);
    }
    gpu = chosen->index;
    log << "GPU " << gpu << ": " << chosen->name << "\n";
    const graphcast::TaskConfig task = graphcast::graphcastTask13();
    const graphcast::ChannelLayout layout(task, graphcast::inputTimesOfTask(task));
    char resolution[32];
    std::snprintf(resolution, sizeof resolution, "%g°", config.resolution);
    log << "GraphCast GPU bench: building the " << resolution << " graphs (mesh 2to" << config.meshSize << ")\n"
        << std::flush;
    const graphcast::Graphs graphs = graphcast::buildGraphs(config, graphcast::LatLonGrid::regular(config.resolution));
    const graphcast::Checkpoint checkpoint = graphcast::randomCheckpoint(config, task, graphs, 1);
    // Device memory in use, from the driver: total − free.
    auto inUse = [gpu] {
        std::size_t free = 0;
        std::size_t total = 0;
        if (cudaSetDevice(gpu) != cudaSuccess || cudaMemGetInfo(&free, &total) != cudaSuccess) {
            throw GpuError("GPU " + std::to_string(gpu) + ": cudaMemGetInfo failed");
        }
        return total - free;
    };
    const std::size_t before = inUse();
    const auto start = std::chrono::steady_clock::now();
    GpuGraphCastNetwork network(checkpoint, graphs, layout.inputChannels(), layout.outputChannels(), gpu);
    log << "  parameters, graphs and static parts on GPU " << gpu << " in "
        << std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() << " s\n";
    std::size_t peak = inUse();
    const GraphCastSizes& sizes = network.sizes();
    const double flops = graphCastGemmFlops(sizes);
    const std::string name = std::string(resolution) + ", mesh " + std::to_string(config.meshSize) + ", latent " +
                             std::to_string(config.latentSize) + ", " + std::to_string(config.gnnMsgSteps) + " steps";
    std::vector<GraphCastGpuBenchRow> rows;
    for (GraphCastPrecision precision : {GraphCastPrecision::Float32, GraphCastPrecision::Bfloat16}) {
        GraphCastGpuBenchRow row;
        row.configuration = name;
        row.precision = precision;
        row.millisecondsPerForward = network.timeForwardMilliseconds(precision, passes);
        row.gemmGflopPerForward = flops * 1e-9;
        row.achievedTflops = flops / (row.millisecondsPerForward * 1e-3) * 1e-12;
        row.allocatedBytes = network.allocatedBytes();
        row.estimated = graphCastGpuMemory(sizes);
        peak = std::max(peak, inUse());
        row.peakDeviceBytes = peak > before ? peak - before : 0;
        rows.push_back(row);
    }
    return rows;
}

GraphCastSizes publishedGraphCastSizes(double resolutionDegrees, int meshSize)
{
    const graphcast::TaskConfig task = graphcast::graphcastTask13();
    const graphcast::ChannelLayout layout(task, graphcast::inputTimesOfTask(task));
    GraphCastSizes sizes;
    sizes.config = graphcast::graphcastSmallModelConfig();
    sizes.config.resolution = resolutionDegrees;
    sizes.config.meshSize = meshSize;
    sizes.inputChannels = layout.inputChannels();
    sizes.outputChannels = layout.outputChannels();
    const auto latitudes = static_cast<std::int64_t>(std::lround(180.0 / resolutionDegrees)) + 1;
    const auto longitudes = static_cast<std::int64_t>(std::lround(360.0 / resolutionDegrees));
    sizes.gridNodes = latitudes * longitudes;
    std::int64_t power = 1;
    for (int level = 0; level < meshSize; ++level) {
        power *= 4;
    }
    sizes.meshNodes = 10 * power + 2;
    sizes.meshEdges = 2 * 30 * (4 * power - 1) / 3;  // Σ over levels 0 … meshSize of 30·4^level, both ways
    sizes.mesh2gridEdges = 3 * sizes.gridNodes;
    constexpr double grid2meshEdgesPerGridNode = 1618746.0 / 1038240.0;
    sizes.grid2meshEdges =
        static_cast<std::int64_t>(std::lround(grid2meshEdgesPerGridNode * static_cast<double>(sizes.gridNodes)));
    return sizes;
}

void writeGraphCastMemoryTable(std::ostream& out)
{
    out << "| configuration | parameters | static parts | one pass | per member | total (computed) |\n"
        << "|---|---|---|---|---|---|\n";
    auto gib = [](std::size_t bytes) {
        char text[32];
        std::snprintf(text, sizeof text, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
        return std::string(text);
    };
    for (auto [resolution, mesh] : {std::pair{1.0, 5}, std::pair{0.25, 6}}) {
        const GraphCastSizes sizes = publishedGraphCastSizes(resolution, mesh);
        const GraphCastGpuMemory memory = graphCastGpuMemory(sizes);
        char name[96];
        std::snprintf(name, sizeof name, "%g°, mesh %d, latent %d", resolution, mesh, sizes.config.latentSize);
        out << "| " << name << " | " << gib(memory.parameterBytes) << " | " << gib(memory.staticBytes) << " | "
            << gib(memory.workingBytes) << " | " << gib(memory.perMemberBytes) << " | " << gib(memory.forwardBytes())
            << " |\n";
    }
}

}  // namespace spreadcast::gpu
