#pragma once

// What the GraphCast GPU executor needs, from the sizes alone: device bytes (for the controller
// to size batches from free memory) and GEMM flops of one forward pass. Plain C++, so that the
// host twin's allocations check the count.

#include "graphcast/GraphCastPass.h"

#include <cstddef>
#include <cstdint>

namespace spreadcast::gpu {

// Device bytes of the executor, computed from the sizes (not measured; the CUDA context and
// cuBLAS's workspace, some hundreds of MiB, come on top).
struct GraphCastGpuMemory {
    std::size_t parameterBytes = 0;  // float32 parameters and the weights' bf16 copies
    std::size_t staticBytes = 0;     // graph indices, node features, the precomputed static parts
    std::size_t workingBytes = 0;    // one forward pass's activations and chunk buffers
    std::size_t perMemberBytes = 0;  // a member's inputs and outputs on the device
    // Members run in turn through one set of working buffers: this is the executor's total.
    std::size_t forwardBytes() const { return parameterBytes + staticBytes + workingBytes + perMemberBytes; }
};

// chunkRows: the chunk buffers' rows; GraphCast's in-degrees stay under 1024, so a chunk of
// whole receivers holds at most graphCastChunkRows + 1024 edges.
inline GraphCastGpuMemory graphCastGpuMemory(const GraphCastSizes& sizes, int chunkRows = graphCastChunkRows + 1024)
{
    const auto L = static_cast<std::size_t>(sizes.config.latentSize);
    const auto G = static_cast<std::size_t>(sizes.gridNodes);
    const auto M = static_cast<std::size_t>(sizes.meshNodes);
    const auto g2m = static_cast<std::size_t>(sizes.grid2meshEdges);
    const auto mesh = static_cast<std::size_t>(sizes.meshEdges);
    const auto m2g = static_cast<std::size_t>(sizes.mesh2gridEdges);
    const auto F = static_cast<std::size_t>(sizes.nodeFeatureSize);
    GraphCastGpuMemory memory;
    // Every parameter of the checkpoint in float32 (mesh2grid's unused mesh node MLP, which is
    // not uploaded, included), and the weights (not biases and norms) again in bf16.
    for (const auto& [key, extents] : graphcast::expectedParameterShapes(sizes.config, graphCastNetworkShape(sizes))) {
        std::size_t size = 1;
        for (std::int64_t extent : extents) {
            size *= static_cast<std::size_t>(extent);
        }
        const bool weights = key.ends_with(":w");
        memory.parameterBytes += size * (sizeof(float) + (weights ? sizeof(std::uint16_t) : 0));
    }
    // Senders and receivers (int32) of the three graphs, the receivers' edge offsets (int64),
    // grid node features, the mesh embedding, the static first-layer parts of grid2mesh and
    // mesh2grid edges and the multimesh edge embedding.
    memory.staticBytes = 2 * sizeof(std::int32_t) * (g2m + mesh + m2g) + sizeof(long long) * (2 * (M + 1) + G + 1) +
                         sizeof(float) * (G * F + M * L + g2m * L + mesh * L + m2g * L);
    // Grid latents and sender projections, mesh latents and both projections, the processor's
    // edge latents; the chunk buffers: node input, seven of the widest rows, bf16 staging.
    const GraphCastChunkWidths widths = graphCastChunkWidths(sizes);
    const auto rows = static_cast<std::size_t>(chunkRows);
    memory.workingBytes =
        sizeof(float) * (2 * G * L + 3 * M * L + mesh * L) +
        rows * sizeof(float) *
            (static_cast<std::size_t>(widths.nodeInput) + 7 * static_cast<std::size_t>(widths.widest)) +
        rows * sizeof(std::uint16_t) * static_cast<std::size_t>(widths.widestK);
    memory.perMemberBytes = sizeof(float) * G * static_cast<std::size_t>(sizes.inputChannels + sizes.outputChannels);
    return memory;
}

namespace graphcastpass {
inline double mlpFlops(double rows, double input, double hidden, double output, int hiddenLayers)
{
    if (hiddenLayers == 0) {
        return 2.0 * rows * input * output;
    }
    return 2.0 * rows * (input * hidden + (hiddenLayers - 1) * hidden * hidden + hidden * output);
}
}  // namespace graphcastpass

// GEMM flops of one forward pass (2 per multiply–add), as GraphCastNetwork::gemmFlopsPerForward.
inline double graphCastGemmFlops(const GraphCastSizes& sizes)
{
    using graphcastpass::mlpFlops;
    const auto G = static_cast<double>(sizes.gridNodes);
    const auto M = static_cast<double>(sizes.meshNodes);
    const double L = sizes.config.latentSize;
    const double H = L;
    const int layers = sizes.config.hiddenLayers;
    const double in = sizes.inputChannels + sizes.nodeFeatureSize;
    // Grid embedder, the grid sender projection, the grid node update.
    double flops = mlpFlops(G, in, H, L, layers) + 2.0 * G * L * H + mlpFlops(G, L, H, L, layers);
    // grid2mesh edges after the first layer, mesh node update.
    const auto g2m = static_cast<double>(sizes.grid2meshEdges);
    flops += mlpFlops(g2m, L, H, L, layers) - 2.0 * g2m * L * H + mlpFlops(M, 2 * L, H, L, layers);
    const auto meshEdges = static_cast<double>(sizes.meshEdges);
    for (int step = 0; step < sizes.config.gnnMsgSteps; ++step) {
        flops += 2.0 * 2.0 * M * L * H + 2.0 * meshEdges * L * H;
        flops += mlpFlops(meshEdges, L, H, L, layers) - 2.0 * meshEdges * L * H + mlpFlops(M, 2 * L, H, L, layers);
    }
    const auto m2g = static_cast<double>(sizes.mesh2gridEdges);
    flops += 2.0 * M * L * H + 2.0 * G * L * H;
    flops += mlpFlops(m2g, L, H, L, layers) - 2.0 * m2g * L * H + mlpFlops(G, 2 * L, H, L, layers) +
             mlpFlops(G, L, H, sizes.outputChannels, layers);
    return flops;
}

}  // namespace spreadcast::gpu
