#include "graphcast/GraphCastNetwork.h"

#include "run/InputError.h"
#include "run/MemberPool.h"

#include <cblas.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace spreadcast::graphcast {

namespace {

// Rows per GEMM block of nodes, and edges per receiver block: large enough for sgemm to run near
// its peak, small enough that a block's activations stay in cache.
constexpr int rowsPerBlock = 512;
constexpr int edgesPerBlock = 512;
// Edges whose static parts a streamed forward pass computes at a time: 128 row blocks, enough for
// every thread, 128 MiB of rows at latent 512.
constexpr std::int64_t edgesPerChunk = 65536;

const std::string grid2mesh = "grid2mesh_gnn";
const std::string mesh = "mesh_gnn";
const std::string mesh2grid = "mesh2grid_gnn";

void checkGraphs(const Graphs& graphs)
{
    auto checkEdges = [](const Edges& edges, const char* name) {
        if (edges.receivers.size() != edges.senders.size() ||
            edges.features.size() != edges.count() * static_cast<std::size_t>(edges.featureSize)) {
            throw std::invalid_argument(std::string("inconsistent ") + name + " edge arrays");
        }
    };
    checkEdges(graphs.grid2mesh, "grid2mesh");
    checkEdges(graphs.mesh, "mesh");
    checkEdges(graphs.mesh2grid, "mesh2grid");
    if (graphs.gridNodeFeatures.size() != static_cast<std::size_t>(graphs.gridNodes) * graphs.nodeFeatureSize ||
        graphs.meshNodeFeatures.size() != static_cast<std::size_t>(graphs.meshNodes) * graphs.nodeFeatureSize) {
        throw std::invalid_argument("inconsistent node feature arrays");
    }
    auto checkSenders = [](const std::vector<std::int32_t>& senders, int count, const char* name) {
        for (std::int32_t sender : senders) {
            if (sender < 0 || sender >= count) {
                throw std::invalid_argument(std::string(name) + " edge with sender " + std::to_string(sender) +
                                            " outside 0 … " + std::to_string(count - 1));
            }
        }
    };
    checkSenders(graphs.grid2mesh.senders, graphs.gridNodes, "grid2mesh");
    checkSenders(graphs.mesh.senders, graphs.meshNodes, "mesh");
    checkSenders(graphs.mesh2grid.senders, graphs.meshNodes, "mesh2grid");
}

void addInPlace(float* target, const float* addend, std::int64_t count)
{
    for (std::int64_t i = 0; i < count; ++i) {
        target[i] += addend[i];
    }
}

// The network's threads are its own; an OpenBLAS that threads each GEMM as well would only
// oversubscribe the cores (as the spectral model decides too).
void useSingleThreadedBlas()
{
    static std::once_flag once;
    std::call_once(once, [] { openblas_set_num_threads(1); });
}

}  // namespace

struct GraphCastNetwork::Scratch {
    std::vector<float> a, b, c, d, mlp;
};

GraphCastNetwork::GraphCastNetwork(const Checkpoint& checkpoint, const Graphs& graphs, int inputChannels,
                                   int outputChannels, int threads, EdgeParts edgeParts)
    : config_(checkpoint.modelConfig),
      gridNodes_(graphs.gridNodes),
      meshNodes_(graphs.meshNodes),
      latent_(checkpoint.modelConfig.latentSize),
      hidden_(checkpoint.modelConfig.latentSize)
{
    useSingleThreadedBlas();
    setThreads(threads);
    checkGraphs(graphs);
    shape_.inputChannels = inputChannels;
    shape_.outputChannels = outputChannels;
    shape_.nodeFeatureSize = graphs.nodeFeatureSize;
    shape_.grid2meshEdgeFeatureSize = graphs.grid2mesh.featureSize;
    shape_.meshEdgeFeatureSize = graphs.mesh.featureSize;
    shape_.mesh2gridEdgeFeatureSize = graphs.mesh2grid.featureSize;
    if (config_.latentSize <= 0 || config_.gnnMsgSteps <= 0 || config_.hiddenLayers < 0) {
        throw InputError("checkpoint " + checkpoint.path + ": model_config has latent_size " +
                         std::to_string(config_.latentSize) + ", gnn_msg_steps " + std::to_string(config_.gnnMsgSteps) +
                         ", hidden_layers " + std::to_string(config_.hiddenLayers) +
                         "; GraphCast needs positive values");
    }
    validateParameters(checkpoint, shape_);

    const auto& params = checkpoint.params;
    gridEmbedder_ = Mlp(params, moduleScope(grid2mesh, "encoder_nodes_grid_nodes"), true);
    meshEmbedder_ = Mlp(params, moduleScope(grid2mesh, "encoder_nodes_mesh_nodes"), true);
    grid2meshEdgeEmbedder_ = Mlp(params, moduleScope(grid2mesh, "encoder_edges_grid2mesh"), true);
    grid2meshEdge_ = Mlp(params, moduleScope(grid2mesh, "processor_edges_0_grid2mesh"), true);
    grid2meshGridNode_ = Mlp(params, moduleScope(grid2mesh, "processor_nodes_0_grid_nodes"), true);
    grid2meshMeshNode_ = Mlp(params, moduleScope(grid2mesh, "processor_nodes_0_mesh_nodes"), true);
    meshEdgeEmbedder_ = Mlp(params, moduleScope(mesh, "encoder_edges_mesh"), true);
    for (int step = 0; step < config_.gnnMsgSteps; ++step) {
        meshEdge_.emplace_back(params, moduleScope(mesh, "processor_edges_" + std::to_string(step) + "_mesh"), true);
        meshNode_.emplace_back(params, moduleScope(mesh, "processor_nodes_" + std::to_string(step) + "_mesh_nodes"),
                               true);
    }
    mesh2gridEdgeEmbedder_ = Mlp(params, moduleScope(mesh2grid, "encoder_edges_mesh2grid"), true);
    mesh2gridEdge_ = Mlp(params, moduleScope(mesh2grid, "processor_edges_0_mesh2grid"), true);
    mesh2gridGridNode_ = Mlp(params, moduleScope(mesh2grid, "processor_nodes_0_grid_nodes"), true);
    // processor_nodes_0_mesh_nodes of mesh2grid_gnn updates mesh nodes that nothing reads after
    // it; graphcast computes and drops them, here they are validated and not computed.
    decoder_ = Mlp(params, moduleScope(mesh2grid, "decoder_nodes_grid_nodes"), false);

    gridNodeFeatures_ = graphs.gridNodeFeatures;
    grid2meshSenders_ = graphs.grid2mesh.senders;
    grid2meshReceivers_ = graphs.grid2mesh.receivers;
    meshSenders_ = graphs.mesh.senders;
    meshReceivers_ = graphs.mesh.receivers;
    mesh2gridSenders_ = graphs.mesh2grid.senders;
    mesh2gridReceivers_ = graphs.mesh2grid.receivers;
    grid2meshBlocks_ = ReceiverBlocks(grid2meshReceivers_, meshNodes_, edgesPerBlock, rowsPerBlock);
    meshBlocks_ = ReceiverBlocks(meshReceivers_, meshNodes_, edgesPerBlock, rowsPerBlock);
    mesh2gridBlocks_ = ReceiverBlocks(mesh2gridReceivers_, gridNodes_, edgesPerBlock, rowsPerBlock);
    const std::size_t edgePartsBytes =
        (graphs.grid2mesh.count() + graphs.mesh2grid.count()) * static_cast<std::size_t>(hidden_) * sizeof(float);
    storesEdgeParts_ = edgeParts == EdgeParts::Stored ||
                       (edgeParts == EdgeParts::Automatic && edgePartsBytes <= storedEdgePartsLimitBytes);
    for (const auto& entry : params) {
        parameterFloats_ += entry.second.values.size();
    }
    precomputeStaticParts(graphs);
}

void GraphCastNetwork::setThreads(int threads)
{
    threads_ = std::max(1, threads);
}

std::size_t GraphCastNetwork::scratchFloats() const
{
    int rows = rowsPerBlock;
    for (const ReceiverBlocks* blocks : {&grid2meshBlocks_, &meshBlocks_, &mesh2gridBlocks_}) {
        rows = std::max({rows, blocks->maxEdgesPerBlock(), blocks->maxReceiversPerBlock()});
    }
    const int width =
        std::max({2 * latent_, hidden_, shape_.inputChannels + shape_.nodeFeatureSize, shape_.outputChannels,
                  shape_.grid2meshEdgeFeatureSize, shape_.meshEdgeFeatureSize, shape_.mesh2gridEdgeFeatureSize});
    return static_cast<std::size_t>(rows) * static_cast<std::size_t>(width);
}

std::vector<GraphCastNetwork::Scratch> GraphCastNetwork::makeScratch() const
{
    const std::size_t floats = scratchFloats();
    std::vector<Scratch> scratch(static_cast<std::size_t>(threads_));
    for (Scratch& s : scratch) {
        s.a.resize(floats);
        s.b.resize(floats);
        s.c.resize(floats);
        s.d.resize(floats);
        s.mlp.resize(2 * floats);
    }
    return scratch;
}

template <class Work>
void GraphCastNetwork::forRowBlocks(int rows, std::vector<Scratch>& scratch, const Work& work) const
{
    const int blocks = (rows + rowsPerBlock - 1) / rowsPerBlock;
    forEachMember(blocks, threads_, [&](int worker, int block) {
        const int first = block * rowsPerBlock;
        work(scratch[static_cast<std::size_t>(worker)], first, std::min(rowsPerBlock, rows - first));
    });
}

template <class Work>
void GraphCastNetwork::forReceiverBlocks(const ReceiverBlocks& blocks, std::vector<Scratch>& scratch,
                                         const Work& work) const
{
    forEachMember(blocks.blockCount(), threads_,
                  [&](int worker, int block) { work(scratch[static_cast<std::size_t>(worker)], block); });
}

void GraphCastNetwork::precomputeStaticParts(const Graphs& graphs)
{
    const int L = latent_;
    const int H = hidden_;
    const int C = shape_.inputChannels;
    const int F = shape_.nodeFeatureSize;
    std::vector<Scratch> scratch = makeScratch();

    // Mesh nodes enter grid2mesh_gnn as [zeros of the data channels, structural features].
    meshEmbedding_.assign(static_cast<std::size_t>(meshNodes_) * L, 0.0f);
    forRowBlocks(meshNodes_, scratch, [&](Scratch& s, int first, int rows) {
        for (int row = 0; row < rows; ++row) {
            float* input = s.a.data() + static_cast<std::int64_t>(row) * (C + F);
            std::fill(input, input + C, 0.0f);
            std::copy_n(graphs.meshNodeFeatures.data() + static_cast<std::int64_t>(first + row) * F, F, input + C);
        }
        meshEmbedder_.apply(s.a.data(), rows, meshEmbedding_.data() + static_cast<std::int64_t>(first) * L,
                            s.mlp.data());
    });

    // grid2mesh: edge·W_e + b + (embedded mesh receiver)·W_r, all static.
    const float* g2mWeights = grid2meshEdge_.firstLayer().weights.data();
    meshReceiverPart_.resize(static_cast<std::size_t>(meshNodes_) * H);
    forRowBlocks(meshNodes_, scratch, [&](Scratch&, int first, int rows) {
        multiplyRows(meshEmbedding_.data() + static_cast<std::int64_t>(first) * L, rows, L,
                     g2mWeights + static_cast<std::int64_t>(2) * L * H, H,
                     meshReceiverPart_.data() + static_cast<std::int64_t>(first) * H, false);
    });
    grid2meshEdges_.grid2mesh = true;
    prepareEdgeSet(grid2meshEdges_, graphs.grid2mesh, grid2meshBlocks_, scratch);
    if (storesEdgeParts_) {
        meshReceiverPart_ = {};
    }

    meshEdgeEmbedding_.resize(graphs.mesh.count() * static_cast<std::size_t>(L));
    forRowBlocks(static_cast<int>(graphs.mesh.count()), scratch, [&](Scratch& s, int first, int rows) {
        meshEdgeEmbedder_.apply(graphs.mesh.features.data() +
                                    static_cast<std::int64_t>(first) * graphs.mesh.featureSize,
                                rows, meshEdgeEmbedding_.data() + static_cast<std::int64_t>(first) * L, s.mlp.data());
    });

    prepareEdgeSet(mesh2gridEdges_, graphs.mesh2grid, mesh2gridBlocks_, scratch);
}

void GraphCastNetwork::computeStaticRows(const EdgeSet& set, std::int64_t firstRowBlock, std::int64_t endRowBlock,
                                         std::vector<Scratch>& scratch, float* out) const
{
    const int L = latent_;
    const int H = hidden_;
    const Mlp& embedder = set.grid2mesh ? grid2meshEdgeEmbedder_ : mesh2gridEdgeEmbedder_;
    const Linear& layer = (set.grid2mesh ? grid2meshEdge_ : mesh2gridEdge_).firstLayer();
    forEachMember(static_cast<int>(endRowBlock - firstRowBlock), threads_, [&](int worker, int k) {
        Scratch& s = scratch[static_cast<std::size_t>(worker)];
        const std::int64_t first = (firstRowBlock + k) * rowsPerBlock;
        const int rows = static_cast<int>(std::min<std::int64_t>(rowsPerBlock, set.edges - first));
        float* rowsOut = out + (first - firstRowBlock * rowsPerBlock) * H;
        embedder.apply(set.features.data() + first * set.featureSize, rows, s.b.data(), s.mlp.data());
        for (int row = 0; row < rows; ++row) {
            std::copy_n(layer.bias.data(), H, rowsOut + static_cast<std::int64_t>(row) * H);
        }
        multiplyRows(s.b.data(), rows, L, layer.weights.data(), H, rowsOut, true);
        if (set.grid2mesh) {
            for (int row = 0; row < rows; ++row) {
                const std::int64_t receiver = grid2meshReceivers_[static_cast<std::size_t>(first + row)];
                addInPlace(rowsOut + static_cast<std::int64_t>(row) * H, meshReceiverPart_.data() + receiver * H, H);
            }
        }
    });
}

void GraphCastNetwork::prepareEdgeSet(EdgeSet& set, const Edges& edges, const ReceiverBlocks& blocks,
                                      std::vector<Scratch>& scratch)
{
    set.features = edges.features;
    set.featureSize = edges.featureSize;
    set.edges = static_cast<std::int64_t>(edges.count());
    const std::int64_t rowBlocks = (set.edges + rowsPerBlock - 1) / rowsPerBlock;
    if (storesEdgeParts_) {
        set.stored.resize(static_cast<std::size_t>(set.edges) * static_cast<std::size_t>(hidden_));
        computeStaticRows(set, 0, rowBlocks, scratch, set.stored.data());
        set.features = {};
        return;
    }
    // Chunks of whole receiver blocks; a chunk's rows are the 512-edge row blocks that hold its
    // edges, so a row block at a chunk's border is computed for both neighbours (same bits).
    for (int block = 0; block < blocks.blockCount();) {
        EdgeChunk chunk{block, block};
        std::int64_t chunkEdges = 0;
        while (chunk.endBlock < blocks.blockCount() && (chunkEdges < edgesPerChunk || chunk.endBlock == block)) {
            chunkEdges += blocks.edgeCount(chunk.endBlock);
            ++chunk.endBlock;
        }
        const std::int64_t firstEdge = blocks.firstEdge(chunk.firstBlock);
        const std::int64_t endEdge = firstEdge + chunkEdges;
        const std::int64_t rows =
            ((endEdge + rowsPerBlock - 1) / rowsPerBlock - firstEdge / rowsPerBlock) * rowsPerBlock;
        set.maxChunkRows = std::max(set.maxChunkRows, rows);
        set.chunks.push_back(chunk);
        block = chunk.endBlock;
    }
}

template <class Work>
void GraphCastNetwork::forEdgeBlocks(const EdgeSet& set, const ReceiverBlocks& blocks, std::vector<Scratch>& scratch,
                                     std::vector<float>& chunkRows, const Work& work) const
{
    const std::int64_t H = hidden_;
    if (storesEdgeParts_) {
        forReceiverBlocks(blocks, scratch, [&](Scratch& s, int block) {
            work(s, block, set.stored.data() + blocks.firstEdge(block) * H);
        });
        return;
    }
    chunkRows.resize(std::max(chunkRows.size(), static_cast<std::size_t>(set.maxChunkRows * H)));
    for (const EdgeChunk& chunk : set.chunks) {
        const std::int64_t firstEdge = blocks.firstEdge(chunk.firstBlock);
        const std::int64_t endEdge = blocks.firstEdge(chunk.endBlock - 1) + blocks.edgeCount(chunk.endBlock - 1);
        const std::int64_t firstRowBlock = firstEdge / rowsPerBlock;
        computeStaticRows(set, firstRowBlock, (endEdge + rowsPerBlock - 1) / rowsPerBlock, scratch, chunkRows.data());
        forEachMember(chunk.endBlock - chunk.firstBlock, threads_, [&](int worker, int k) {
            const int block = chunk.firstBlock + k;
            work(scratch[static_cast<std::size_t>(worker)], block,
                 chunkRows.data() + (blocks.firstEdge(block) - firstRowBlock * rowsPerBlock) * H);
        });
    }
}

void GraphCastNetwork::forward(std::span<const float> gridInputs, std::span<float> gridOutputs) const
{
    const int L = latent_;
    const int H = hidden_;
    const int C = shape_.inputChannels;
    const int F = shape_.nodeFeatureSize;
    const int out = shape_.outputChannels;
    if (gridInputs.size() != static_cast<std::size_t>(gridNodes_) * C ||
        gridOutputs.size() != static_cast<std::size_t>(gridNodes_) * out) {
        throw std::invalid_argument("GraphCastNetwork::forward: " + std::to_string(gridInputs.size()) + " inputs and " +
                                    std::to_string(gridOutputs.size()) + " outputs for " + std::to_string(gridNodes_) +
                                    " grid nodes × " + std::to_string(C) + " in, " + std::to_string(out) + " out");
    }
    std::vector<Scratch> scratch = makeScratch();
    auto row = [](auto* base, std::int64_t index, int width) { return base + index * width; };

    // grid2mesh_gnn, grid nodes: embed [data, structure]; project for the grid2mesh edges; update
    // on the node alone (grid nodes receive no edges here) with a residual.
    std::vector<float> gridLatent(static_cast<std::size_t>(gridNodes_) * L);
    // The grid senders' projection for grid2mesh, later the grid receivers' for mesh2grid.
    std::vector<float> gridNodePart(static_cast<std::size_t>(gridNodes_) * H);
    std::vector<float> chunkRows;  // static edge parts of one chunk, when they are not stored
    const float* g2mWeights = grid2meshEdge_.firstLayer().weights.data();
    forRowBlocks(gridNodes_, scratch, [&](Scratch& s, int first, int rows) {
        for (int r = 0; r < rows; ++r) {
            float* input = row(s.a.data(), r, C + F);
            std::copy_n(row(gridInputs.data(), first + r, C), C, input);
            std::copy_n(row(gridNodeFeatures_.data(), first + r, F), F, input + C);
        }
        gridEmbedder_.apply(s.a.data(), rows, s.b.data(), s.mlp.data());
        multiplyRows(s.b.data(), rows, L, g2mWeights + static_cast<std::int64_t>(L) * H, H,
                     row(gridNodePart.data(), first, H), false);
        grid2meshGridNode_.apply(s.b.data(), rows, s.c.data(), s.mlp.data());
        float* latent = row(gridLatent.data(), first, L);
        for (std::int64_t i = 0; i < static_cast<std::int64_t>(rows) * L; ++i) {
            latent[i] = s.b[static_cast<std::size_t>(i)] + s.c[static_cast<std::size_t>(i)];
        }
    });

    // Node update of one receiver block: latent[r] += MLP([latent or embedding of r, Σ messages]).
    auto updateReceivers = [&](Scratch& s, const Mlp& nodeMlp, const float* previous, int receivers,
                               const float* sums) {
        for (int r = 0; r < receivers; ++r) {
            float* input = row(s.d.data(), r, 2 * L);
            std::copy_n(row(previous, r, L), L, input);
            std::copy_n(row(sums, r, L), L, input + L);
        }
        nodeMlp.apply(s.d.data(), receivers, s.a.data(), s.mlp.data());
    };

    // grid2mesh_gnn, edges and mesh nodes.
    std::vector<float> meshLatent(static_cast<std::size_t>(meshNodes_) * L);
    forEdgeBlocks(
        grid2meshEdges_, grid2meshBlocks_, scratch, chunkRows, [&](Scratch& s, int block, const float* fixedRows) {
            const std::int64_t e0 = grid2meshBlocks_.firstEdge(block);
            const int edges = grid2meshBlocks_.edgeCount(block);
            for (int e = 0; e < edges; ++e) {
                float* pre = row(s.a.data(), e, H);
                const float* fixed = row(fixedRows, e, H);
                const float* sender = row(gridNodePart.data(), grid2meshSenders_[static_cast<std::size_t>(e0 + e)], H);
                for (int i = 0; i < H; ++i) {
                    pre[i] = fixed[i] + sender[i];
                }
            }
            grid2meshEdge_.applyAfterFirstLayer(s.a.data(), edges, s.b.data(), s.mlp.data());
            grid2meshBlocks_.sumBlock(block, s.b.data(), L, s.c.data());
            const int first = grid2meshBlocks_.firstReceiver(block);
            const int receivers = grid2meshBlocks_.receiverCount(block);
            const float* embedding = row(meshEmbedding_.data(), first, L);
            updateReceivers(s, grid2meshMeshNode_, embedding, receivers, s.c.data());
            float* latent = row(meshLatent.data(), first, L);
            for (std::int64_t i = 0; i < static_cast<std::int64_t>(receivers) * L; ++i) {
                latent[i] = embedding[i] + s.a[static_cast<std::size_t>(i)];
            }
        });

    // mesh_gnn: gnn_msg_steps interaction networks on the multimesh, residuals on edges and nodes.
    std::vector<float> edgeLatent = meshEdgeEmbedding_;
    std::vector<float> senderPart(static_cast<std::size_t>(meshNodes_) * H);
    std::vector<float> receiverPart(static_cast<std::size_t>(meshNodes_) * H);
    for (int step = 0; step < config_.gnnMsgSteps; ++step) {
        const Mlp& edgeMlp = meshEdge_[static_cast<std::size_t>(step)];
        const Mlp& nodeMlp = meshNode_[static_cast<std::size_t>(step)];
        const Linear& first = edgeMlp.firstLayer();
        forRowBlocks(meshNodes_, scratch, [&](Scratch&, int firstNode, int rows) {
            const float* nodes = row(meshLatent.data(), firstNode, L);
            multiplyRows(nodes, rows, L, first.weights.data() + static_cast<std::int64_t>(L) * H, H,
                         row(senderPart.data(), firstNode, H), false);
            multiplyRows(nodes, rows, L, first.weights.data() + static_cast<std::int64_t>(2) * L * H, H,
                         row(receiverPart.data(), firstNode, H), false);
        });
        // Each block reads the projections (not the latents) of other nodes and writes only its
        // own receivers' latents and its own edges, so the update runs in place.
        forReceiverBlocks(meshBlocks_, scratch, [&](Scratch& s, int block) {
            const std::int64_t e0 = meshBlocks_.firstEdge(block);
            const int edges = meshBlocks_.edgeCount(block);
            for (int e = 0; e < edges; ++e) {
                std::copy_n(first.bias.data(), H, row(s.a.data(), e, H));
            }
            float* blockEdges = row(edgeLatent.data(), e0, L);
            multiplyRows(blockEdges, edges, L, first.weights.data(), H, s.a.data(), true);
            for (int e = 0; e < edges; ++e) {
                float* pre = row(s.a.data(), e, H);
                const auto edge = static_cast<std::size_t>(e0 + e);
                const float* sender = row(senderPart.data(), meshSenders_[edge], H);
                const float* receiver = row(receiverPart.data(), meshReceivers_[edge], H);
                for (int i = 0; i < H; ++i) {
                    pre[i] += sender[i] + receiver[i];
                }
            }
            edgeMlp.applyAfterFirstLayer(s.a.data(), edges, s.b.data(), s.mlp.data());
            addInPlace(blockEdges, s.b.data(), static_cast<std::int64_t>(edges) * L);
            meshBlocks_.sumBlock(block, s.b.data(), L, s.c.data());
            const int firstNode = meshBlocks_.firstReceiver(block);
            const int receivers = meshBlocks_.receiverCount(block);
            float* latent = row(meshLatent.data(), firstNode, L);
            updateReceivers(s, nodeMlp, latent, receivers, s.c.data());
            addInPlace(latent, s.a.data(), static_cast<std::int64_t>(receivers) * L);
        });
    }

    // mesh2grid_gnn: edges from the processed mesh, grid node update, decoder.
    const Linear& m2gFirst = mesh2gridEdge_.firstLayer();
    std::vector<float>& gridReceiverPart = gridNodePart;
    forRowBlocks(meshNodes_, scratch, [&](Scratch&, int firstNode, int rows) {
        multiplyRows(row(meshLatent.data(), firstNode, L), rows, L,
                     m2gFirst.weights.data() + static_cast<std::int64_t>(L) * H, H,
                     row(senderPart.data(), firstNode, H), false);
    });
    forRowBlocks(gridNodes_, scratch, [&](Scratch&, int firstNode, int rows) {
        multiplyRows(row(gridLatent.data(), firstNode, L), rows, L,
                     m2gFirst.weights.data() + static_cast<std::int64_t>(2) * L * H, H,
                     row(gridReceiverPart.data(), firstNode, H), false);
    });
    forEdgeBlocks(mesh2gridEdges_, mesh2gridBlocks_, scratch, chunkRows,
                  [&](Scratch& s, int block, const float* fixedRows) {
                      const std::int64_t e0 = mesh2gridBlocks_.firstEdge(block);
                      const int edges = mesh2gridBlocks_.edgeCount(block);
                      for (int e = 0; e < edges; ++e) {
                          float* pre = row(s.a.data(), e, H);
                          const auto edge = static_cast<std::size_t>(e0 + e);
                          const float* fixed = row(fixedRows, e, H);
                          const float* sender = row(senderPart.data(), mesh2gridSenders_[edge], H);
                          const float* receiver = row(gridReceiverPart.data(), mesh2gridReceivers_[edge], H);
                          for (int i = 0; i < H; ++i) {
                              pre[i] = fixed[i] + sender[i] + receiver[i];
                          }
                      }
                      mesh2gridEdge_.applyAfterFirstLayer(s.a.data(), edges, s.b.data(), s.mlp.data());
                      mesh2gridBlocks_.sumBlock(block, s.b.data(), L, s.c.data());
                      const int firstNode = mesh2gridBlocks_.firstReceiver(block);
                      const int receivers = mesh2gridBlocks_.receiverCount(block);
                      const float* latent = row(gridLatent.data(), firstNode, L);
                      updateReceivers(s, mesh2gridGridNode_, latent, receivers, s.c.data());
                      addInPlace(s.a.data(), latent, static_cast<std::int64_t>(receivers) * L);
                      decoder_.apply(s.a.data(), receivers, row(gridOutputs.data(), firstNode, out), s.mlp.data());
                  });
}

std::size_t GraphCastNetwork::scratchBytes() const
{
    // makeScratch(): a, b, c, d and mlp (twice the others) per thread.
    return static_cast<std::size_t>(threads_) * 6 * scratchFloats() * sizeof(float);
}

std::size_t GraphCastNetwork::storedBytes() const
{
    auto bytes = [](const auto& vector) { return vector.size() * sizeof(vector[0]); };
    std::size_t total = parameterFloats_ * sizeof(float) + bytes(gridNodeFeatures_);
    for (const auto* indices : {&grid2meshSenders_, &grid2meshReceivers_, &meshSenders_, &meshReceivers_,
                                &mesh2gridSenders_, &mesh2gridReceivers_}) {
        total += bytes(*indices);
    }
    // ReceiverBlocks: an edge offset per receiver.
    total += (2 * static_cast<std::size_t>(meshNodes_) + static_cast<std::size_t>(gridNodes_)) * sizeof(std::int64_t);
    total += bytes(meshEmbedding_) + bytes(meshReceiverPart_) + bytes(meshEdgeEmbedding_);
    for (const EdgeSet* set : {&grid2meshEdges_, &mesh2gridEdges_}) {
        total += bytes(set->features) + bytes(set->stored);
    }
    return total;
}

std::size_t GraphCastNetwork::forwardBytes() const
{
    const auto G = static_cast<std::size_t>(gridNodes_);
    const auto M = static_cast<std::size_t>(meshNodes_);
    const auto L = static_cast<std::size_t>(latent_);
    const auto H = static_cast<std::size_t>(hidden_);
    const std::size_t meshEdges = meshSenders_.size();
    // gridLatent, gridNodePart; meshLatent, edgeLatent, senderPart, receiverPart; chunk rows.
    std::size_t floats = G * (L + H) + M * (L + 2 * H) + meshEdges * L;
    if (!storesEdgeParts_) {
        floats += static_cast<std::size_t>(std::max(grid2meshEdges_.maxChunkRows, mesh2gridEdges_.maxChunkRows)) * H;
    }
    return floats * sizeof(float) + scratchBytes();
}

double GraphCastNetwork::gemmFlopsPerForward() const
{
    const double G = gridNodes_;
    const double M = meshNodes_;
    const double L = latent_;
    const double H = hidden_;
    const auto edges = [](const std::vector<std::int32_t>& senders) { return static_cast<double>(senders.size()); };
    double flops = gridEmbedder_.flops(gridNodes_) + 2.0 * G * L * H + grid2meshGridNode_.flops(gridNodes_);
    flops += grid2meshEdge_.flopsAfterFirstLayer(static_cast<std::int64_t>(grid2meshSenders_.size())) +
             grid2meshMeshNode_.flops(meshNodes_);
    for (int step = 0; step < config_.gnnMsgSteps; ++step) {
        flops += 2.0 * 2.0 * M * L * H + 2.0 * edges(meshSenders_) * L * H;
        flops += meshEdge_[static_cast<std::size_t>(step)].flopsAfterFirstLayer(
                     static_cast<std::int64_t>(meshSenders_.size())) +
                 meshNode_[static_cast<std::size_t>(step)].flops(meshNodes_);
    }
    flops += 2.0 * M * L * H + 2.0 * G * L * H;
    flops += mesh2gridEdge_.flopsAfterFirstLayer(static_cast<std::int64_t>(mesh2gridSenders_.size())) +
             mesh2gridGridNode_.flops(gridNodes_) + decoder_.flops(gridNodes_);
    if (!storesEdgeParts_) {
        // The static edge parts computed again: the edge embedders and the edges' first layers.
        for (const EdgeSet* set : {&grid2meshEdges_, &mesh2gridEdges_}) {
            const Mlp& embedder = set->grid2mesh ? grid2meshEdgeEmbedder_ : mesh2gridEdgeEmbedder_;
            flops += embedder.flops(set->edges) + 2.0 * static_cast<double>(set->edges) * L * H;
        }
    }
    return flops;
}

}  // namespace spreadcast::graphcast
