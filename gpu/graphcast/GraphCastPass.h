#pragma once

// The GraphCast GPU executor's forward pass, written once over an executor and a storage, so that
// the host twin (GraphCastHostExecutor.h) runs the very sequence of operations — chunks, gathers,
// GEMMs on parts of the first layers, segment sums, residuals — that the CUDA executor
// (GpuGraphCastNetwork.cu) launches, and machines without a GPU test it against the CPU network.
// Plain C++: nvcc and the host compiler both build it.
//
// Executor: fillRows, add, concat, gatherAdd, segmentSum, gemm, swish, layerNorm, copy (see the
// host twin for their meaning). Storage: upload(std::vector<T>, what) → T*, allocate<T>(count,
// what) → T* (zeroed not required), release(pointer).

#include "graphcast/GraphCastParameters.h"
#include "graphcast/GraphCastTypes.h"
#include "graphcast/ReceiverBlocks.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace spreadcast::gpu {

enum class GraphCastPrecision { Float32, Bfloat16 };

// What sizes the executor's memory: the model and task (channels) and the graphs.
struct GraphCastSizes {
    graphcast::ModelConfig config;
    int inputChannels = 0;
    int outputChannels = 0;
    int nodeFeatureSize = 3;
    int edgeFeatureSize = 4;  // of each of the three graphs (graphcast: 4)
    std::int64_t gridNodes = 0;
    std::int64_t meshNodes = 0;
    std::int64_t grid2meshEdges = 0;
    std::int64_t meshEdges = 0;
    std::int64_t mesh2gridEdges = 0;
};

// The rows of a node chunk, and the edges of an edge chunk (whole receivers, so up to one
// receiver's in-degree more): large enough to fill the GPU with one GEMM, small enough that the
// chunk buffers stay well under the node-sized ones.
inline constexpr int graphCastChunkRows = 32768;

// bfloat16 bits of a float, rounded to nearest even (as CUDA's __float2bfloat16_rn; finite values).
inline std::uint16_t bfloat16Bits(float value)
{
    std::uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    bits += 0x7fffu + ((bits >> 16) & 1u);
    return static_cast<std::uint16_t>(bits >> 16);
}

inline float bfloat16Value(std::uint16_t half)
{
    const std::uint32_t bits = static_cast<std::uint32_t>(half) << 16;
    float value = 0.0f;
    std::memcpy(&value, &bits, sizeof value);
    return value;
}

// hk.Linear on the executor's memory: weights [in, out] row-major, and their bf16 bits.
struct GraphCastLinear {
    int inputSize = 0;
    int outputSize = 0;
    const float* weights = nullptr;
    const std::uint16_t* weightsHalf = nullptr;
    const float* bias = nullptr;
};

struct GraphCastMlp {
    std::vector<GraphCastLinear> layers;
    bool layerNorm = false;
    const float* scale = nullptr;
    const float* offset = nullptr;
    int outputSize() const { return layers.back().outputSize; }
    const GraphCastLinear& first() const { return layers.front(); }
};

// Everything a pass reads and writes, in the executor's memory (device pointers on the GPU).
struct GraphCastPassData {
    GraphCastSizes sizes;
    int chunkRows = 0;  // capacity of the chunk buffers

    GraphCastMlp gridEmbedder, meshEmbedder, grid2meshEdgeEmbedder, meshEdgeEmbedder, mesh2gridEdgeEmbedder;
    GraphCastMlp grid2meshEdge, grid2meshGridNode, grid2meshMeshNode;
    std::vector<GraphCastMlp> meshEdge, meshNode;
    GraphCastMlp mesh2gridEdge, mesh2gridGridNode, decoder;

    graphcast::ReceiverBlocks grid2meshBlocks, meshBlocks, mesh2gridBlocks;  // host
    const std::int32_t *grid2meshSenders = nullptr, *grid2meshReceivers = nullptr;
    const std::int32_t *meshSenders = nullptr, *meshReceivers = nullptr;
    const std::int32_t *mesh2gridSenders = nullptr, *mesh2gridReceivers = nullptr;
    const long long *grid2meshOffsets = nullptr, *meshOffsets = nullptr, *mesh2gridOffsets = nullptr;

    // Static parts.
    const float* gridNodeFeatures = nullptr;
    float* meshEmbedding = nullptr;
    float* grid2meshFirstLayerPart = nullptr;  // edges × hidden: edge·W_e + (mesh node)·W_r + b
    float* meshEdgeEmbedding = nullptr;
    float* mesh2gridFirstLayerPart = nullptr;  // edges × hidden: edge·W_e + b

    // One pass.
    float* gridInputs = nullptr;
    float* gridOutputs = nullptr;
    float* gridLatent = nullptr;
    float* gridSenderPart = nullptr;
    float* meshLatent = nullptr;
    float* edgeLatent = nullptr;
    float* senderPart = nullptr;
    float* receiverPart = nullptr;

    // Chunk buffers.
    float* nodeInput = nullptr;
    float* pre = nullptr;
    float* rowsA = nullptr;
    float* rowsB = nullptr;
    float* sums = nullptr;
    float* mlpFirst = nullptr;
    float* mlpPing = nullptr;
    float* mlpPong = nullptr;
};

// The widths of the chunk buffers, shared by the allocation and the memory estimate.
struct GraphCastChunkWidths {
    int nodeInput = 0;  // [data, structure] or [latent, sums]
    int widest = 0;     // latent, hidden, outputs
    int widestK = 0;    // the widest GEMM input (bf16 staging)
};

inline GraphCastChunkWidths graphCastChunkWidths(const GraphCastSizes& sizes)
{
    const int latent = sizes.config.latentSize;
    GraphCastChunkWidths widths;
    widths.nodeInput = std::max({sizes.inputChannels + sizes.nodeFeatureSize, 2 * latent, sizes.edgeFeatureSize});
    widths.widest = std::max(latent, sizes.outputChannels);
    widths.widestK = widths.nodeInput;
    return widths;
}

inline graphcast::NetworkShape graphCastNetworkShape(const GraphCastSizes& sizes)
{
    graphcast::NetworkShape shape;
    shape.inputChannels = sizes.inputChannels;
    shape.outputChannels = sizes.outputChannels;
    shape.nodeFeatureSize = sizes.nodeFeatureSize;
    shape.grid2meshEdgeFeatureSize = sizes.edgeFeatureSize;
    shape.meshEdgeFeatureSize = sizes.edgeFeatureSize;
    shape.mesh2gridEdgeFeatureSize = sizes.edgeFeatureSize;
    return shape;
}

inline GraphCastSizes graphCastSizes(const graphcast::ModelConfig& config, const graphcast::Graphs& graphs,
                                     int inputChannels, int outputChannels)
{
    GraphCastSizes sizes;
    sizes.config = config;
    sizes.inputChannels = inputChannels;
    sizes.outputChannels = outputChannels;
    sizes.nodeFeatureSize = graphs.nodeFeatureSize;
    sizes.edgeFeatureSize = graphs.grid2mesh.featureSize;
    sizes.gridNodes = graphs.gridNodes;
    sizes.meshNodes = graphs.meshNodes;
    sizes.grid2meshEdges = static_cast<std::int64_t>(graphs.grid2mesh.count());
    sizes.meshEdges = static_cast<std::int64_t>(graphs.mesh.count());
    sizes.mesh2gridEdges = static_cast<std::int64_t>(graphs.mesh2grid.count());
    return sizes;
}

namespace graphcastpass {

inline auto row(auto* base, std::int64_t index, int width)
{
    return base + index * width;
}

template <class Storage>
GraphCastMlp uploadMlp(Storage& storage, const std::map<std::string, graphcast::Tensor>& params,
                       const std::string& scope, bool layerNorm)
{
    GraphCastMlp mlp;
    mlp.layerNorm = layerNorm;
    for (int index = 0;; ++index) {
        const std::string key = scope + "_mlp/~/linear_" + std::to_string(index);
        const auto weights = params.find(key + ":w");
        if (weights == params.end()) {
            break;
        }
        GraphCastLinear linear;
        linear.inputSize = static_cast<int>(weights->second.shape.at(0));
        linear.outputSize = static_cast<int>(weights->second.shape.at(1));
        linear.weights = storage.upload(weights->second.values, "weights");
        std::vector<std::uint16_t> halves(weights->second.values.size());
        std::transform(weights->second.values.begin(), weights->second.values.end(), halves.begin(), bfloat16Bits);
        linear.weightsHalf = storage.upload(halves, "bf16 weights");
        linear.bias = storage.upload(params.at(key + ":b").values, "biases");
        mlp.layers.push_back(linear);
    }
    if (mlp.layers.empty()) {
        throw std::invalid_argument("no layers for MLP " + scope);
    }
    if (layerNorm) {
        mlp.scale = storage.upload(params.at(scope + "_layer_norm:scale").values, "layer norm scales");
        mlp.offset = storage.upload(params.at(scope + "_layer_norm:offset").values, "layer norm offsets");
    }
    return mlp;
}

// The first edge of each receiver (edges sorted by receiver, which ReceiverBlocks checked).
inline std::vector<long long> receiverOffsets(const std::vector<std::int32_t>& receivers, std::int64_t receiverCount)
{
    std::vector<long long> offsets(static_cast<std::size_t>(receiverCount) + 1, 0);
    for (std::int32_t receiver : receivers) {
        ++offsets[static_cast<std::size_t>(receiver) + 1];
    }
    for (std::size_t r = 0; r + 1 < offsets.size(); ++r) {
        offsets[r + 1] += offsets[r];
    }
    return offsets;
}

// Mlp::applyAfterFirstLayer: firstLayerOutput (overwritten) → out.
template <class Exec>
void applyAfterFirstLayer(const GraphCastPassData& d, Exec& exec, const GraphCastMlp& mlp, float* firstLayerOutput,
                          int rows, float* out, GraphCastPrecision precision)
{
    float* current = firstLayerOutput;
    for (std::size_t index = 1; index < mlp.layers.size(); ++index) {
        const GraphCastLinear& previous = mlp.layers[index - 1];
        exec.swish(current, static_cast<long long>(rows) * previous.outputSize);
        const bool last = index + 1 == mlp.layers.size();
        float* next = last ? out : (current == d.mlpPing ? d.mlpPong : d.mlpPing);
        const GraphCastLinear& layer = mlp.layers[index];
        exec.fillRows(next, layer.bias, layer.outputSize, rows);
        exec.gemm(current, rows, layer.inputSize, layer.weights, layer.weightsHalf, layer.outputSize, next, true,
                  precision);
        current = next;
    }
    if (mlp.layers.size() == 1) {
        exec.copy(out, firstLayerOutput, static_cast<long long>(rows) * mlp.outputSize());
    }
    if (mlp.layerNorm) {
        exec.layerNorm(out, rows, mlp.outputSize(), mlp.scale, mlp.offset);
    }
}

// Mlp::apply: x (rows × input) → out (rows × output).
template <class Exec>
void apply(const GraphCastPassData& d, Exec& exec, const GraphCastMlp& mlp, const float* x, int rows, float* out,
           GraphCastPrecision precision)
{
    const GraphCastLinear& first = mlp.first();
    float* firstOutput = mlp.layers.size() == 1 ? out : d.mlpFirst;
    exec.fillRows(firstOutput, first.bias, first.outputSize, rows);
    exec.gemm(x, rows, first.inputSize, first.weights, first.weightsHalf, first.outputSize, firstOutput, true,
              precision);
    if (mlp.layers.size() == 1) {
        if (mlp.layerNorm) {
            exec.layerNorm(out, rows, mlp.outputSize(), mlp.scale, mlp.offset);
        }
        return;
    }
    applyAfterFirstLayer(d, exec, mlp, d.mlpFirst, rows, out, precision);
}

// x (rows × k) times k rows of the first layer's weights from firstWeightRow: the product with
// one part ([edge], [sender] or [receiver]) of the first layer's input.
template <class Exec>
void multiplyPart(Exec& exec, const float* x, int rows, const GraphCastLinear& layer, int firstWeightRow, int k,
                  float* c, bool accumulate, GraphCastPrecision precision)
{
    const long long offset = static_cast<long long>(firstWeightRow) * layer.outputSize;
    exec.gemm(x, rows, k, layer.weights + offset, layer.weightsHalf + offset, layer.outputSize, c, accumulate,
              precision);
}

template <class Work>
void forRowChunks(std::int64_t rows, int chunkRows, const Work& work)
{
    for (std::int64_t first = 0; first < rows; first += chunkRows) {
        work(first, static_cast<int>(std::min<std::int64_t>(chunkRows, rows - first)));
    }
}

template <class Exec>
void segmentSum(Exec& exec, const graphcast::ReceiverBlocks& blocks, int block, const long long* offsets,
                const float* blockEdgeRows, int width, float* out)
{
    exec.segmentSum(offsets, blocks.firstReceiver(block), blocks.receiverCount(block), blocks.firstEdge(block),
                    blockEdgeRows, width, out);
}

}  // namespace graphcastpass

// Validates the checkpoint as the CPU network does, uploads parameters (float32 and bf16 bits),
// graph indices and node features, and allocates every buffer of a pass; the static parts are
// allocated, not computed (precomputeGraphCastStaticParts).
// chunkRows: graphCastChunkRows, or fewer in tests, to cut small graphs into many chunks.
template <class Storage>
GraphCastPassData makeGraphCastPassData(const graphcast::Checkpoint& checkpoint, const graphcast::Graphs& graphs,
                                        int inputChannels, int outputChannels, Storage& storage,
                                        int chunkRows = graphCastChunkRows)
{
    using graphcastpass::uploadMlp;
    GraphCastPassData d;
    d.sizes = graphCastSizes(checkpoint.modelConfig, graphs, inputChannels, outputChannels);
    const graphcast::ModelConfig& config = checkpoint.modelConfig;
    if (config.latentSize <= 0 || config.gnnMsgSteps <= 0 || config.hiddenLayers < 0) {
        throw std::invalid_argument("GraphCast needs a positive latent size and message steps");
    }
    graphcast::NetworkShape shape = graphCastNetworkShape(d.sizes);
    shape.meshEdgeFeatureSize = graphs.mesh.featureSize;
    shape.mesh2gridEdgeFeatureSize = graphs.mesh2grid.featureSize;
    graphcast::validateParameters(checkpoint, shape);
    for (const auto* senders : {&graphs.grid2mesh.senders, &graphs.mesh.senders, &graphs.mesh2grid.senders}) {
        const int limit = senders == &graphs.grid2mesh.senders ? graphs.gridNodes : graphs.meshNodes;
        for (std::int32_t sender : *senders) {
            if (sender < 0 || sender >= limit) {
                throw std::invalid_argument("edge sender " + std::to_string(sender) + " outside 0 … " +
                                            std::to_string(limit - 1));
            }
        }
    }

    const auto& params = checkpoint.params;
    const std::string g2m = "grid2mesh_gnn";
    const std::string mesh = "mesh_gnn";
    const std::string m2g = "mesh2grid_gnn";
    using graphcast::moduleScope;
    d.gridEmbedder = uploadMlp(storage, params, moduleScope(g2m, "encoder_nodes_grid_nodes"), true);
    d.meshEmbedder = uploadMlp(storage, params, moduleScope(g2m, "encoder_nodes_mesh_nodes"), true);
    d.grid2meshEdgeEmbedder = uploadMlp(storage, params, moduleScope(g2m, "encoder_edges_grid2mesh"), true);
    d.grid2meshEdge = uploadMlp(storage, params, moduleScope(g2m, "processor_edges_0_grid2mesh"), true);
    d.grid2meshGridNode = uploadMlp(storage, params, moduleScope(g2m, "processor_nodes_0_grid_nodes"), true);
    d.grid2meshMeshNode = uploadMlp(storage, params, moduleScope(g2m, "processor_nodes_0_mesh_nodes"), true);
    d.meshEdgeEmbedder = uploadMlp(storage, params, moduleScope(mesh, "encoder_edges_mesh"), true);
    for (int step = 0; step < config.gnnMsgSteps; ++step) {
        const std::string index = std::to_string(step);
        d.meshEdge.push_back(uploadMlp(storage, params, moduleScope(mesh, "processor_edges_" + index + "_mesh"), true));
        d.meshNode.push_back(
            uploadMlp(storage, params, moduleScope(mesh, "processor_nodes_" + index + "_mesh_nodes"), true));
    }
    d.mesh2gridEdgeEmbedder = uploadMlp(storage, params, moduleScope(m2g, "encoder_edges_mesh2grid"), true);
    d.mesh2gridEdge = uploadMlp(storage, params, moduleScope(m2g, "processor_edges_0_mesh2grid"), true);
    d.mesh2gridGridNode = uploadMlp(storage, params, moduleScope(m2g, "processor_nodes_0_grid_nodes"), true);
    // processor_nodes_0_mesh_nodes of mesh2grid_gnn updates mesh nodes that nothing reads after
    // it: validated, not uploaded, as on the CPU.
    d.decoder = uploadMlp(storage, params, moduleScope(m2g, "decoder_nodes_grid_nodes"), false);

    d.grid2meshBlocks = graphcast::ReceiverBlocks(graphs.grid2mesh.receivers, graphs.meshNodes, chunkRows, chunkRows);
    d.meshBlocks = graphcast::ReceiverBlocks(graphs.mesh.receivers, graphs.meshNodes, chunkRows, chunkRows);
    d.mesh2gridBlocks = graphcast::ReceiverBlocks(graphs.mesh2grid.receivers, graphs.gridNodes, chunkRows, chunkRows);
    d.chunkRows = chunkRows;
    for (const graphcast::ReceiverBlocks* blocks : {&d.grid2meshBlocks, &d.meshBlocks, &d.mesh2gridBlocks}) {
        d.chunkRows = std::max({d.chunkRows, blocks->maxEdgesPerBlock(), blocks->maxReceiversPerBlock()});
    }
    using graphcastpass::receiverOffsets;
    d.grid2meshSenders = storage.upload(graphs.grid2mesh.senders, "grid2mesh senders");
    d.grid2meshReceivers = storage.upload(graphs.grid2mesh.receivers, "grid2mesh receivers");
    d.meshSenders = storage.upload(graphs.mesh.senders, "mesh senders");
    d.meshReceivers = storage.upload(graphs.mesh.receivers, "mesh receivers");
    d.mesh2gridSenders = storage.upload(graphs.mesh2grid.senders, "mesh2grid senders");
    d.mesh2gridReceivers = storage.upload(graphs.mesh2grid.receivers, "mesh2grid receivers");
    d.grid2meshOffsets = storage.upload(receiverOffsets(graphs.grid2mesh.receivers, graphs.meshNodes), "offsets");
    d.meshOffsets = storage.upload(receiverOffsets(graphs.mesh.receivers, graphs.meshNodes), "offsets");
    d.mesh2gridOffsets = storage.upload(receiverOffsets(graphs.mesh2grid.receivers, graphs.gridNodes), "offsets");
    d.gridNodeFeatures = storage.upload(graphs.gridNodeFeatures, "grid node features");

    const auto L = static_cast<std::size_t>(config.latentSize);
    const auto G = static_cast<std::size_t>(d.sizes.gridNodes);
    const auto M = static_cast<std::size_t>(d.sizes.meshNodes);
    d.meshEmbedding = storage.template allocate<float>(M * L, "mesh embedding");
    d.grid2meshFirstLayerPart = storage.template allocate<float>(graphs.grid2mesh.count() * L, "grid2mesh edge parts");
    d.meshEdgeEmbedding = storage.template allocate<float>(graphs.mesh.count() * L, "mesh edge embedding");
    d.mesh2gridFirstLayerPart = storage.template allocate<float>(graphs.mesh2grid.count() * L, "mesh2grid edge parts");

    d.gridInputs = storage.template allocate<float>(G * static_cast<std::size_t>(inputChannels), "grid inputs");
    d.gridOutputs = storage.template allocate<float>(G * static_cast<std::size_t>(outputChannels), "grid outputs");
    d.gridLatent = storage.template allocate<float>(G * L, "grid latents");
    d.gridSenderPart = storage.template allocate<float>(G * L, "grid projections");
    d.meshLatent = storage.template allocate<float>(M * L, "mesh latents");
    d.edgeLatent = storage.template allocate<float>(graphs.mesh.count() * L, "mesh edge latents");
    d.senderPart = storage.template allocate<float>(M * L, "mesh projections");
    d.receiverPart = storage.template allocate<float>(M * L, "mesh projections");

    const GraphCastChunkWidths widths = graphCastChunkWidths(d.sizes);
    const auto rows = static_cast<std::size_t>(d.chunkRows);
    const auto widest = static_cast<std::size_t>(widths.widest);
    d.nodeInput = storage.template allocate<float>(rows * static_cast<std::size_t>(widths.nodeInput), "chunks");
    for (float** buffer : {&d.pre, &d.rowsA, &d.rowsB, &d.sums, &d.mlpFirst, &d.mlpPing, &d.mlpPong}) {
        *buffer = storage.template allocate<float>(rows * widest, "chunks");
    }
    return d;
}

// The static parts, in float32: the mesh embedding, the grid2mesh edges' first-layer part
// (edge·W_e + b + (embedded mesh receiver)·W_r), the multimesh edge embedding and the mesh2grid
// edges' first-layer part (edge·W_e + b).
template <class Exec, class Storage>
void precomputeGraphCastStaticParts(GraphCastPassData& d, const graphcast::Graphs& graphs, Exec& exec, Storage& storage)
{
    using namespace graphcastpass;
    constexpr GraphCastPrecision precision = GraphCastPrecision::Float32;
    const int L = d.sizes.config.latentSize;
    const int H = L;
    const int C = d.sizes.inputChannels;
    const int F = d.sizes.nodeFeatureSize;

    const float* meshNodeFeatures = storage.upload(graphs.meshNodeFeatures, "mesh node features");
    forRowChunks(d.sizes.meshNodes, d.chunkRows, [&](std::int64_t first, int rows) {
        exec.concat(d.nodeInput, nullptr, C, row(meshNodeFeatures, first, F), F, rows);
        apply(d, exec, d.meshEmbedder, d.nodeInput, rows, row(d.meshEmbedding, first, L), precision);
    });

    float* meshReceiverPart =
        storage.template allocate<float>(static_cast<std::size_t>(d.sizes.meshNodes) * H, "mesh receiver projections");
    forRowChunks(d.sizes.meshNodes, d.chunkRows, [&](std::int64_t first, int rows) {
        multiplyPart(exec, row(d.meshEmbedding, first, L), rows, d.grid2meshEdge.first(), 2 * L, L,
                     row(meshReceiverPart, first, H), false, precision);
    });
    std::vector<const void*> temporaries{meshNodeFeatures, meshReceiverPart};
    auto firstLayerPart = [&](const graphcast::Edges& edges, const GraphCastMlp& embedder, const GraphCastMlp& edgeMlp,
                              float* out, const float* receiverRows, const std::int32_t* receivers) {
        const float* features = storage.upload(edges.features, "edge features");
        temporaries.push_back(features);
        forRowChunks(static_cast<std::int64_t>(edges.count()), d.chunkRows, [&](std::int64_t first, int rows) {
            apply(d, exec, embedder, row(features, first, edges.featureSize), rows, d.rowsA, precision);
            float* part = row(out, first, H);
            exec.fillRows(part, edgeMlp.first().bias, H, rows);
            multiplyPart(exec, d.rowsA, rows, edgeMlp.first(), 0, L, part, true, precision);
            if (receiverRows) {
                exec.gatherAdd(part, H, rows, true, nullptr, nullptr, nullptr, receiverRows, receivers + first, 0);
            }
        });
    };
    firstLayerPart(graphs.grid2mesh, d.grid2meshEdgeEmbedder, d.grid2meshEdge, d.grid2meshFirstLayerPart,
                   meshReceiverPart, d.grid2meshReceivers);

    const float* meshEdgeFeatures = storage.upload(graphs.mesh.features, "mesh edge features");
    temporaries.push_back(meshEdgeFeatures);
    forRowChunks(static_cast<std::int64_t>(graphs.mesh.count()), d.chunkRows, [&](std::int64_t first, int rows) {
        apply(d, exec, d.meshEdgeEmbedder, row(meshEdgeFeatures, first, graphs.mesh.featureSize), rows,
              row(d.meshEdgeEmbedding, first, L), precision);
    });

    firstLayerPart(graphs.mesh2grid, d.mesh2gridEdgeEmbedder, d.mesh2gridEdge, d.mesh2gridFirstLayerPart, nullptr,
                   nullptr);
    exec.synchronize();
    for (const void* temporary : temporaries) {
        storage.release(temporary);
    }
}

// One forward pass: d.gridInputs (gridNodes × inputChannels) → d.gridOutputs (gridNodes ×
// outputChannels), in GraphCastNetwork::forward's order of operations.
template <class Exec>
void runGraphCastPass(const GraphCastPassData& d, Exec& exec, GraphCastPrecision precision)
{
    using namespace graphcastpass;
    const int L = d.sizes.config.latentSize;
    const int H = L;
    const int C = d.sizes.inputChannels;
    const int F = d.sizes.nodeFeatureSize;
    const int out = d.sizes.outputChannels;

    // grid2mesh_gnn, grid nodes: embed, project for the grid2mesh edges, update with residual.
    forRowChunks(d.sizes.gridNodes, d.chunkRows, [&](std::int64_t first, int rows) {
        exec.concat(d.nodeInput, row(d.gridInputs, first, C), C, row(d.gridNodeFeatures, first, F), F, rows);
        apply(d, exec, d.gridEmbedder, d.nodeInput, rows, d.rowsA, precision);
        multiplyPart(exec, d.rowsA, rows, d.grid2meshEdge.first(), L, L, row(d.gridSenderPart, first, H), false,
                     precision);
        apply(d, exec, d.grid2meshGridNode, d.rowsA, rows, d.rowsB, precision);
        exec.add(row(d.gridLatent, first, L), d.rowsA, d.rowsB, static_cast<long long>(rows) * L);
    });

    // grid2mesh_gnn, edges and mesh nodes.
    for (int block = 0; block < d.grid2meshBlocks.blockCount(); ++block) {
        const std::int64_t e0 = d.grid2meshBlocks.firstEdge(block);
        const int edges = d.grid2meshBlocks.edgeCount(block);
        const int first = d.grid2meshBlocks.firstReceiver(block);
        const int receivers = d.grid2meshBlocks.receiverCount(block);
        exec.gatherAdd(d.pre, H, edges, false, row(d.grid2meshFirstLayerPart, e0, H), d.gridSenderPart,
                       d.grid2meshSenders + e0, nullptr, nullptr, 0);
        applyAfterFirstLayer(d, exec, d.grid2meshEdge, d.pre, edges, d.rowsA, precision);
        segmentSum(exec, d.grid2meshBlocks, block, d.grid2meshOffsets, d.rowsA, L, d.sums);
        const float* embedding = row(d.meshEmbedding, first, L);
        exec.concat(d.nodeInput, embedding, L, d.sums, L, receivers);
        apply(d, exec, d.grid2meshMeshNode, d.nodeInput, receivers, d.rowsB, precision);
        exec.add(row(d.meshLatent, first, L), embedding, d.rowsB, static_cast<long long>(receivers) * L);
    }

    // mesh_gnn: gnn_msg_steps interaction networks, residuals on edges and nodes.
    exec.copy(d.edgeLatent, d.meshEdgeEmbedding, d.sizes.meshEdges * L);
    for (int step = 0; step < d.sizes.config.gnnMsgSteps; ++step) {
        const GraphCastMlp& edgeMlp = d.meshEdge[static_cast<std::size_t>(step)];
        const GraphCastMlp& nodeMlp = d.meshNode[static_cast<std::size_t>(step)];
        forRowChunks(d.sizes.meshNodes, d.chunkRows, [&](std::int64_t first, int rows) {
            multiplyPart(exec, row(d.meshLatent, first, L), rows, edgeMlp.first(), L, L, row(d.senderPart, first, H),
                         false, precision);
            multiplyPart(exec, row(d.meshLatent, first, L), rows, edgeMlp.first(), 2 * L, L,
                         row(d.receiverPart, first, H), false, precision);
        });
        // A block reads the projections of other nodes and writes only its own receivers and
        // edges, so the update runs in place, as on the CPU.
        for (int block = 0; block < d.meshBlocks.blockCount(); ++block) {
            const std::int64_t e0 = d.meshBlocks.firstEdge(block);
            const int edges = d.meshBlocks.edgeCount(block);
            const int first = d.meshBlocks.firstReceiver(block);
            const int receivers = d.meshBlocks.receiverCount(block);
            float* blockEdges = row(d.edgeLatent, e0, L);
            exec.fillRows(d.pre, edgeMlp.first().bias, H, edges);
            multiplyPart(exec, blockEdges, edges, edgeMlp.first(), 0, L, d.pre, true, precision);
            exec.gatherAdd(d.pre, H, edges, true, nullptr, d.senderPart, d.meshSenders + e0, d.receiverPart,
                           d.meshReceivers + e0, 0);
            applyAfterFirstLayer(d, exec, edgeMlp, d.pre, edges, d.rowsA, precision);
            exec.add(blockEdges, blockEdges, d.rowsA, static_cast<long long>(edges) * L);
            segmentSum(exec, d.meshBlocks, block, d.meshOffsets, d.rowsA, L, d.sums);
            float* latent = row(d.meshLatent, first, L);
            exec.concat(d.nodeInput, latent, L, d.sums, L, receivers);
            apply(d, exec, nodeMlp, d.nodeInput, receivers, d.rowsB, precision);
            exec.add(latent, latent, d.rowsB, static_cast<long long>(receivers) * L);
        }
    }

    // mesh2grid_gnn: edges from the processed mesh, grid node update, decoder. A block's grid
    // receivers are consecutive, so their projections are computed per block, not stored.
    forRowChunks(d.sizes.meshNodes, d.chunkRows, [&](std::int64_t first, int rows) {
        multiplyPart(exec, row(d.meshLatent, first, L), rows, d.mesh2gridEdge.first(), L, L,
                     row(d.senderPart, first, H), false, precision);
    });
    for (int block = 0; block < d.mesh2gridBlocks.blockCount(); ++block) {
        const std::int64_t e0 = d.mesh2gridBlocks.firstEdge(block);
        const int edges = d.mesh2gridBlocks.edgeCount(block);
        const int first = d.mesh2gridBlocks.firstReceiver(block);
        const int receivers = d.mesh2gridBlocks.receiverCount(block);
        const float* latent = row(d.gridLatent, first, L);
        multiplyPart(exec, latent, receivers, d.mesh2gridEdge.first(), 2 * L, L, d.rowsB, false, precision);
        exec.gatherAdd(d.pre, H, edges, false, row(d.mesh2gridFirstLayerPart, e0, H), d.senderPart,
                       d.mesh2gridSenders + e0, d.rowsB, d.mesh2gridReceivers + e0, first);
        applyAfterFirstLayer(d, exec, d.mesh2gridEdge, d.pre, edges, d.rowsA, precision);
        segmentSum(exec, d.mesh2gridBlocks, block, d.mesh2gridOffsets, d.rowsA, L, d.sums);
        exec.concat(d.nodeInput, latent, L, d.sums, L, receivers);
        apply(d, exec, d.mesh2gridGridNode, d.nodeInput, receivers, d.rowsB, precision);
        exec.add(d.rowsB, d.rowsB, latent, static_cast<long long>(receivers) * L);
        apply(d, exec, d.decoder, d.rowsB, receivers, row(d.gridOutputs, first, out), precision);
    }
}

}  // namespace spreadcast::gpu
