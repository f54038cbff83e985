#pragma once

// The graph network of graphcast.GraphCast on one CUDA GPU: the same computation as the CPU
// reference (core/graphcast/GraphCastNetwork.h), step for step and with the same static parts
// precomputed once (mesh node and edge embeddings, the parts of the first edge layers that see
// only them):
//
//   grid2mesh_gnn  grid embedder, grid node update with residual; edge MLP from the precomputed
//                  edge part plus the grid sender's projection; sum into mesh receivers; mesh
//                  node update with residual;
//   mesh_gnn       gnn_msg_steps interaction networks, residuals on edges and nodes;
//   mesh2grid_gnn  edge MLP, sum into grid receivers, grid node update with residual, decoder.
//
// GEMMs are cuBLAS (cublasGemmEx, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT) in one of two
// precisions: float32, or bf16 operands (activations and weights rounded to bfloat16, as
// graphcast's casting.Bfloat16Cast casts the whole network) with float32 accumulation and
// float32 results. Gathers, segment sums, LayerNorm, swish, biases and residuals are kernels in
// float32. The static parts are computed once in float32 and serve both precisions.
//
// Edges go in chunks of whole receivers (ReceiverBlocks over edges sorted by receiver), nodes in
// chunks of rows; a receiver's sum runs over its edges in edge order in one thread, never with
// atomics. Members run one after another through the same kernels and GEMM shapes on one
// stream, so a member's bits depend neither on its batch nor on the members beside it.
//
// The sequence of operations is GraphCastPass.h, shared with the host twin that tests it without
// a GPU; this file adds the kernels, cuBLAS and device memory. DeepMind's bf16 keeps activations
// between operations in bf16 too, so its outputs differ from ours by the same order as from
// float32 (about 1e-2 of an output's spread).

#include "GpuError.h"
#include "graphcast/GraphCastGpuMemory.h"
#include "graphcast/GraphCastPass.h"
#include "graphcast/GraphCastTypes.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace spreadcast::gpu {

const char* precisionName(GraphCastPrecision precision);

class GpuGraphCastNetwork {
public:
    // Validates the checkpoint as the CPU network does (InputError), uploads parameters (float32
    // and bf16), graphs and static parts to `device`. Throws GpuError naming the GPU and the call
    // when CUDA or cuBLAS fails, when cuBLAS cannot be loaded, or when memory runs out.
    GpuGraphCastNetwork(const graphcast::Checkpoint& checkpoint, const graphcast::Graphs& graphs, int inputChannels,
                        int outputChannels, int device);
    ~GpuGraphCastNetwork();
    GpuGraphCastNetwork(const GpuGraphCastNetwork&) = delete;
    GpuGraphCastNetwork& operator=(const GpuGraphCastNetwork&) = delete;

    int device() const;
    int inputChannels() const;
    int outputChannels() const;
    int gridNodes() const;
    const GraphCastSizes& sizes() const;
    // Device bytes this executor allocated (cudaMalloc), for comparison with graphCastGpuMemory.
    std::size_t allocatedBytes() const;

    // gridOutputs (gridNodes × outputChannels) = network(gridInputs (gridNodes × inputChannels)),
    // node-major float32, the contract of the CPU network. Not reentrant: one stream, one set of
    // working buffers. Throws GpuError.
    void forward(std::span<const float> gridInputs, std::span<float> gridOutputs, GraphCastPrecision precision);

    // `members` passes one after another: inputs and outputs hold the members back to back.
    void forwardMembers(std::span<const float> gridInputs, std::span<float> gridOutputs, int members,
                        GraphCastPrecision precision);

    // Milliseconds per forward pass on the device (inputs already there, CUDA events), after one
    // warm-up pass, averaged over `passes`: for `spreadcast-cli bench --model graphcast`.
    double timeForwardMilliseconds(GraphCastPrecision precision, int passes);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace spreadcast::gpu
