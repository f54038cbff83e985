#pragma once

// The graph network of graphcast.GraphCast (graphcast.py, deep_typed_graph_net.py,
// typed_graph_net.py at commit 08cf736) on the CPU in float32: the reference executor.
//
//   grid2mesh_gnn  embeds grid nodes ([data channels, structural features]), mesh nodes ([zeros,
//                  structural features]) and grid→mesh edges, then one interaction network: edge
//                  MLP on [edge, sender, receiver], sum into receivers, node MLP on [node, sum]
//                  (grid nodes, which receive nothing, on [node]), residuals on nodes and edges;
//   mesh_gnn       embeds multimesh edges, then gnn_msg_steps interaction networks with unshared
//                  weights and residuals;
//   mesh2grid_gnn  embeds mesh→grid edges, one interaction network, then the decoder MLP (no
//                  layer norm) on the grid nodes gives the outputs.
//
// Every MLP is Linear → swish → … → Linear → LayerNorm (GraphCastMlp.h). What does not
// depend on the data is computed once here: the mesh node and all edge embeddings, and the
// parts of the first edge layers that see only them. The first layer of an edge MLP is computed
// as edge·W_e + (sender·W_s)[s] + (receiver·W_r)[r] + b, the node projections once per node, which
// is the same sum as [edge, sender, receiver]·W + b. Sums into receivers run in edge order over
// edges sorted by receiver (ReceiverBlocks), never with atomics: the outputs' bits depend neither
// on the thread count nor on other members.
//
// Memory: the static first-layer parts of the grid2mesh and mesh2grid edges are edges × latent
// floats, 9.0 GiB at 0.25° (1.6 M + 3.1 M edges × 512). Up to storedEdgePartsLimitBytes they are
// stored; above it each forward pass computes them again, a chunk of edges at a time, with the
// very GEMM calls of the stored case (the same 512-edge row blocks), so both give the same bits.
// Grid-sized activations of a pass: the grid latents and one grid × hidden projection (the
// senders' for grid2mesh, then the receivers' for mesh2grid, in the same buffer).

#include "graphcast/GraphCastMlp.h"
#include "graphcast/GraphCastParameters.h"
#include "graphcast/GraphCastTypes.h"
#include "graphcast/ReceiverBlocks.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace spreadcast::graphcast {

// Whether the static first-layer parts of the grid2mesh and mesh2grid edges are stored or
// computed again in every forward pass (same bits either way); automatic: stored up to
// storedEdgePartsLimitBytes.
enum class EdgeParts { Automatic, Stored, Streamed };
inline constexpr std::size_t storedEdgePartsLimitBytes = std::size_t{1} << 30;

class GraphCastNetwork {
public:
    // Validates every parameter of checkpoint against its model config, shape (the channel counts
    // of the task) and the graphs' feature sizes: spreadcast::InputError naming the key, the
    // expected and the found shape. Copies what it needs: the checkpoint and graphs may go.
    // threads: worker threads of one forward pass (OpenBLAS itself runs single-threaded).
    GraphCastNetwork(const Checkpoint& checkpoint, const Graphs& graphs, int inputChannels, int outputChannels,
                     int threads = 1, EdgeParts edgeParts = EdgeParts::Automatic);

    int inputChannels() const { return shape_.inputChannels; }
    int outputChannels() const { return shape_.outputChannels; }
    int gridNodes() const { return gridNodes_; }
    int meshNodes() const { return meshNodes_; }
    int threads() const { return threads_; }
    void setThreads(int threads);

    // gridOutputs (gridNodes × outputChannels) = network(gridInputs (gridNodes × inputChannels)),
    // both node-major (graphcast's [num_grid_nodes, channels] with batch 1). Const and
    // reentrant: members may run concurrently on one network.
    void forward(std::span<const float> gridInputs, std::span<float> gridOutputs) const;

    // Floating-point operations of the GEMMs of one forward pass (2 per multiply–add).
    double gemmFlopsPerForward() const;

    bool storesEdgeParts() const { return storesEdgeParts_; }
    // Bytes the network holds (parameters, graph arrays, precomputed parts), and the most that one
    // forward pass allocates on top (activations and scratch of all its threads).
    std::size_t storedBytes() const;
    std::size_t forwardBytes() const;

private:
    struct Scratch;
    // Receiver blocks [firstBlock, endBlock) whose edges' static parts are computed together.
    struct EdgeChunk {
        int firstBlock = 0;
        int endBlock = 0;
    };
    // The static first-layer part of one edge set (grid2mesh or mesh2grid): embedder(features)·W_e
    // + b, plus for grid2mesh the embedded mesh receiver's projection. Rows of 512-edge blocks.
    struct EdgeSet {
        bool grid2mesh = false;       // which edge set: its MLPs are the network's, chosen by this
        std::vector<float> features;  // edges × featureSize; empty when stored
        int featureSize = 0;
        std::int64_t edges = 0;
        std::vector<float> stored;      // edges × hidden; empty when streamed
        std::vector<EdgeChunk> chunks;  // when streamed
        std::int64_t maxChunkRows = 0;  // rows of the chunk buffer
    };
    template <class Work>
    void forEdgeBlocks(const EdgeSet& set, const ReceiverBlocks& blocks, std::vector<Scratch>& scratch,
                       std::vector<float>& chunkRows, const Work& work) const;
    void computeStaticRows(const EdgeSet& set, std::int64_t firstRowBlock, std::int64_t endRowBlock,
                           std::vector<Scratch>& scratch, float* out) const;
    void prepareEdgeSet(EdgeSet& set, const Edges& edges, const ReceiverBlocks& blocks, std::vector<Scratch>& scratch);
    // Floats of each of a thread's scratch buffers a, b, c and d: the largest block times the widest row.
    std::size_t scratchFloats() const;
    std::size_t scratchBytes() const;
    template <class Work>
    void forRowBlocks(int rows, std::vector<Scratch>& scratch, const Work& work) const;
    template <class Work>
    void forReceiverBlocks(const ReceiverBlocks& blocks, std::vector<Scratch>& scratch, const Work& work) const;
    std::vector<Scratch> makeScratch() const;
    void precomputeStaticParts(const Graphs& graphs);

    ModelConfig config_;
    NetworkShape shape_;
    int gridNodes_ = 0;
    int meshNodes_ = 0;
    int latent_ = 0;
    int hidden_ = 0;
    int threads_ = 1;

    Mlp gridEmbedder_, meshEmbedder_, grid2meshEdgeEmbedder_, meshEdgeEmbedder_, mesh2gridEdgeEmbedder_;
    Mlp grid2meshEdge_, grid2meshGridNode_, grid2meshMeshNode_;
    std::vector<Mlp> meshEdge_, meshNode_;
    Mlp mesh2gridEdge_, mesh2gridGridNode_, decoder_;

    std::vector<float> gridNodeFeatures_;  // gridNodes × nodeFeatureSize
    std::vector<std::int32_t> grid2meshSenders_, grid2meshReceivers_;
    std::vector<std::int32_t> meshSenders_, meshReceivers_;
    std::vector<std::int32_t> mesh2gridSenders_, mesh2gridReceivers_;
    ReceiverBlocks grid2meshBlocks_, meshBlocks_, mesh2gridBlocks_;

    bool storesEdgeParts_ = true;
    std::size_t parameterFloats_ = 0;
    std::vector<float> meshEmbedding_;      // meshNodes × latent
    std::vector<float> meshReceiverPart_;   // meshNodes × hidden: (embedded mesh node)·W_r of grid2mesh
    EdgeSet grid2meshEdges_;                // edge·W_e + (mesh node)·W_r + b
    std::vector<float> meshEdgeEmbedding_;  // multimesh edges × latent
    EdgeSet mesh2gridEdges_;                // edge·W_e + b
};

}  // namespace spreadcast::graphcast
