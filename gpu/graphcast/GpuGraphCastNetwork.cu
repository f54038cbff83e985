#include "graphcast/GpuGraphCastNetwork.h"

#include "graphcast/Cublas.h"
#include "graphcast/GraphCastKernels.h"
#include "graphcast/GraphCastParameters.h"
#include "graphcast/ReceiverBlocks.h"

#include <cublas_api.h>
#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace spreadcast::gpu {

const char* precisionName(GraphCastPrecision precision)
{
    return precision == GraphCastPrecision::Float32 ? "float32" : "bf16 (float32 accumulation)";
}

namespace {

using graphcast::Checkpoint;
using graphcast::Graphs;
using graphcast::ModelConfig;

constexpr int threadsPerBlock = 256;

unsigned int blocksFor(long long count)
{
    return static_cast<unsigned int>((count + threadsPerBlock - 1) / threadsPerBlock);
}

// Element kernels: one thread per value, the arithmetic in GraphCastKernels.h (shared with the
// host tests).

__global__ void fillRowsKernel(float* out, const float* row, int width, long long count)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) {
        out[i] = row[i % width];
    }
}

__global__ void swishKernel(float* values, long long count)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) {
        values[i] = graphcastkernels::swish(values[i]);
    }
}

__global__ void addKernel(float* out, const float* a, const float* b, long long count)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) {
        out[i] = a[i] + b[i];
    }
}

__global__ void toBfloat16Kernel(__nv_bfloat16* out, const float* in, long long count)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < count) {
        out[i] = __float2bfloat16_rn(in[i]);
    }
}

__global__ void concatKernel(float* out, const float* a, int widthA, const float* b, int widthB, long long rows)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    const int width = widthA + widthB;
    if (i < rows * width) {
        const long long row = i / width;
        const int column = static_cast<int>(i % width);
        out[i] = graphcastkernels::concatValue(a, widthA, b, widthB, row, column);
    }
}

__global__ void gatherAddKernel(float* pre, int width, long long edges, bool accumulate, const float* fixed,
                                const float* senderPart, const std::int32_t* senders, const float* receiverPart,
                                const std::int32_t* receivers, int receiverBase)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < edges * width) {
        const long long edge = i / width;
        const int column = static_cast<int>(i % width);
        pre[i] = graphcastkernels::edgeFirstLayer(accumulate ? pre[i] : fixed[i], accumulate, senderPart, senders,
                                                  receiverPart, receivers, receiverBase, edge, column, width);
    }
}

// One thread per receiver and channel: the receiver's edges in edge order, as ReceiverBlocks.
__global__ void segmentSumKernel(float* sums, const float* blockEdgeRows, int width, const long long* edgeOffsets,
                                 int firstReceiver, int receivers, long long firstEdge)
{
    const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (i < static_cast<long long>(receivers) * width) {
        const int local = static_cast<int>(i / width);
        const int column = static_cast<int>(i % width);
        sums[i] =
            graphcastkernels::receiverSum(blockEdgeRows, width, edgeOffsets, firstReceiver + local, firstEdge, column);
    }
}

// One warp per row: partial sums in double per lane, then the warp's shuffle tree — a fixed
// order, so the same bits every time.
__global__ void layerNormKernel(float* rows, int rowCount, int width, const float* scale, const float* offset)
{
    const long long row = (static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
    const int lane = static_cast<int>(threadIdx.x % 32);
    if (row >= rowCount) {
        return;
    }
    float* x = rows + row * width;
    double sum = 0.0;
    for (int i = lane; i < width; i += 32) {
        sum += x[i];
    }
    for (int shift = 16; shift > 0; shift /= 2) {
        sum += __shfl_xor_sync(0xffffffffu, sum, shift);
    }
    const double mean = sum / width;
    double squares = 0.0;
    for (int i = lane; i < width; i += 32) {
        const double deviation = x[i] - mean;
        squares += deviation * deviation;
    }
    for (int shift = 16; shift > 0; shift /= 2) {
        squares += __shfl_xor_sync(0xffffffffu, squares, shift);
    }
    const float inverse = graphcastkernels::inverseDeviation(squares, width);
    const float meanF = static_cast<float>(mean);
    for (int i = lane; i < width; i += 32) {
        x[i] = graphcastkernels::normalized(x[i], meanF, inverse, scale[i], offset[i]);
    }
}

struct DeviceLinear {
    int inputSize = 0;
    int outputSize = 0;
    float* weights = nullptr;              // inputSize × outputSize, row-major
    __nv_bfloat16* weightsHalf = nullptr;  // the same in bf16
    float* bias = nullptr;
};

struct DeviceMlp {
    std::vector<DeviceLinear> layers;
    bool layerNorm = false;
    float* scale = nullptr;
    float* offset = nullptr;
    int outputSize() const { return layers.back().outputSize; }
    const DeviceLinear& first() const { return layers.front(); }
};

std::size_t parameterCount(const ModelConfig& config, const graphcast::NetworkShape& shape)
{
    std::size_t count = 0;
    for (const auto& [key, extents] : graphcast::expectedParameterShapes(config, shape)) {
        std::size_t size = 1;
        for (std::int64_t extent : extents) {
            size *= static_cast<std::size_t>(extent);
        }
        count += size;
    }
    return count;
}

graphcast::NetworkShape networkShape(const GraphCastSizes& sizes)
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

// The widths of the chunk buffers, shared by the allocation and the memory estimate.
struct ChunkWidths {
    int nodeInput = 0;  // [data, structure] or [latent, sums]
    int widest = 0;     // latent, hidden, outputs
    int widestK = 0;    // the widest GEMM input
};

ChunkWidths chunkWidths(const GraphCastSizes& sizes)
{
    const int latent = sizes.config.latentSize;
    ChunkWidths widths;
    widths.nodeInput = std::max({sizes.inputChannels + sizes.nodeFeatureSize, 2 * latent, sizes.edgeFeatureSize});
    widths.widest = std::max(latent, sizes.outputChannels);
    widths.widestK = widths.nodeInput;
    return widths;
}

// Chunk buffers: node input, pre-activation, two row buffers, sums, three MLP buffers (float32)
// and the bf16 staging of a GEMM's input.
std::size_t chunkBytes(const GraphCastSizes& sizes, std::int64_t rows)
{
    const ChunkWidths widths = chunkWidths(sizes);
    const auto r = static_cast<std::size_t>(rows);
    return r * sizeof(float) *
               (static_cast<std::size_t>(widths.nodeInput) + 7 * static_cast<std::size_t>(widths.widest)) +
           r * 2 * static_cast<std::size_t>(widths.widestK);
}

}  // namespace

GraphCastSizes graphCastSizes(const ModelConfig& config, const Graphs& graphs, int inputChannels, int outputChannels)
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

GraphCastGpuMemory graphCastGpuMemory(const GraphCastSizes& sizes)
{
    const auto L = static_cast<std::size_t>(sizes.config.latentSize);
    const auto G = static_cast<std::size_t>(sizes.gridNodes);
    const auto M = static_cast<std::size_t>(sizes.meshNodes);
    const auto g2m = static_cast<std::size_t>(sizes.grid2meshEdges);
    const auto mesh = static_cast<std::size_t>(sizes.meshEdges);
    const auto m2g = static_cast<std::size_t>(sizes.mesh2gridEdges);
    const auto F = static_cast<std::size_t>(sizes.nodeFeatureSize);
    GraphCastGpuMemory memory;
    memory.parameterBytes = parameterCount(sizes.config, networkShape(sizes)) * (sizeof(float) + 2);
    // Senders and receivers (int32) of the three graphs, the receivers' edge offsets (int64),
    // grid node features, the mesh embedding, the static first-layer parts of grid2mesh and
    // mesh2grid edges and the multimesh edge embedding.
    memory.staticBytes = 2 * 4 * (g2m + mesh + m2g) + 8 * (2 * (M + 1) + G + 1) +
                         sizeof(float) * (G * F + M * L + g2m * L + mesh * L + m2g * L);
    // Grid latents and sender projections, mesh latents and both projections, the edge latents
    // of the processor, and the chunk buffers (a chunk holds up to its rows plus one receiver's
    // edges: 1024 covers GraphCast's in-degrees).
    memory.workingBytes = sizeof(float) * (2 * G * L + 3 * M * L + mesh * L) +
                          chunkBytes(sizes, static_cast<std::int64_t>(graphCastChunkRows) + 1024);
    memory.perMemberBytes = sizeof(float) * G * static_cast<std::size_t>(sizes.inputChannels + sizes.outputChannels);
    return memory;
}

struct GpuGraphCastNetwork::Impl {
    int device = 0;
    std::string deviceName;
    GraphCastSizes sizes;
    int chunkRows = 0;  // capacity of the chunk buffers
    cudaStream_t stream = nullptr;
    cublasHandle_t blasHandle = nullptr;
    const Cublas::Api* blas = nullptr;
    std::vector<void*> allocations;
    std::size_t allocated = 0;

    DeviceMlp gridEmbedder, meshEmbedder, grid2meshEdgeEmbedder, meshEdgeEmbedder, mesh2gridEdgeEmbedder;
    DeviceMlp grid2meshEdge, grid2meshGridNode, grid2meshMeshNode;
    std::vector<DeviceMlp> meshEdge, meshNode;
    DeviceMlp mesh2gridEdge, mesh2gridGridNode, decoder;

    graphcast::ReceiverBlocks grid2meshBlocks, meshBlocks, mesh2gridBlocks;
    std::int32_t *grid2meshSenders = nullptr, *grid2meshReceivers = nullptr;
    std::int32_t *meshSenders = nullptr, *meshReceivers = nullptr;
    std::int32_t *mesh2gridSenders = nullptr, *mesh2gridReceivers = nullptr;
    long long *grid2meshOffsets = nullptr, *meshOffsets = nullptr, *mesh2gridOffsets = nullptr;

    // Static parts.
    float* gridNodeFeatures = nullptr;
    float* meshEmbedding = nullptr;
    float* grid2meshFirstLayerPart = nullptr;
    float* meshEdgeEmbedding = nullptr;
    float* mesh2gridFirstLayerPart = nullptr;

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
    __nv_bfloat16* half = nullptr;

    ~Impl()
    {
        cudaSetDevice(device);
        for (void* pointer : allocations) {
            cudaFree(pointer);
        }
        if (blasHandle) {
            blas->destroy(blasHandle);
        }
        if (stream) {
            cudaStreamDestroy(stream);
        }
    }

    std::string where() const { return "GPU " + std::to_string(device) + " (" + deviceName + ")"; }

    void check(cudaError_t error, const std::string& what) const
    {
        if (error != cudaSuccess) {
            cudaGetLastError();
            throw GpuError(where() + ": " + what + " failed (" + cudaGetErrorName(error) + ": " +
                               cudaGetErrorString(error) + ")",
                           error == cudaErrorMemoryAllocation);
        }
    }

    void check(cublasStatus_t status, const std::string& what) const
    {
        if (status != CUBLAS_STATUS_SUCCESS) {
            throw GpuError(where() + ": " + what + " failed (" + cublasStatusName(status) + ")",
                           status == CUBLAS_STATUS_ALLOC_FAILED);
        }
    }

    void launched(const char* kernel) const { check(cudaGetLastError(), std::string("launch of ") + kernel); }

    template <class T>
    T* allocate(std::size_t count, const char* what)
    {
        void* pointer = nullptr;
        const std::size_t bytes = std::max<std::size_t>(1, count) * sizeof(T);
        check(cudaMalloc(&pointer, bytes),
              std::string("cudaMalloc of ") + std::to_string(bytes >> 20) + " MiB for " + what);
        allocations.push_back(pointer);
        allocated += bytes;
        return static_cast<T*>(pointer);
    }

    void release(void* pointer)
    {
        const auto found = std::find(allocations.begin(), allocations.end(), pointer);
        if (found != allocations.end()) {
            cudaFree(pointer);
            allocations.erase(found);
        }
    }

    template <class T>
    T* upload(const std::vector<T>& values, const char* what)
    {
        T* pointer = allocate<T>(values.size(), what);
        check(cudaMemcpy(pointer, values.data(), values.size() * sizeof(T), cudaMemcpyHostToDevice),
              std::string("cudaMemcpy of ") + what);
        return pointer;
    }

    __nv_bfloat16* uploadHalf(const std::vector<float>& values, const char* what)
    {
        std::vector<__nv_bfloat16> halves(values.size());
        for (std::size_t i = 0; i < values.size(); ++i) {
            halves[i] = __float2bfloat16_rn(values[i]);
        }
        return upload(halves, what);
    }

    DeviceMlp uploadMlp(const std::map<std::string, graphcast::Tensor>& params, const std::string& scope,
                        bool layerNorm)
    {
        DeviceMlp mlp;
        mlp.layerNorm = layerNorm;
        for (int index = 0;; ++index) {
            const std::string key = scope + "_mlp/~/linear_" + std::to_string(index);
            const auto weights = params.find(key + ":w");
            if (weights == params.end()) {
                break;
            }
            const graphcast::Tensor& bias = params.at(key + ":b");
            DeviceLinear linear;
            linear.inputSize = static_cast<int>(weights->second.shape.at(0));
            linear.outputSize = static_cast<int>(weights->second.shape.at(1));
            linear.weights = upload(weights->second.values, "weights");
            linear.weightsHalf = uploadHalf(weights->second.values, "bf16 weights");
            linear.bias = upload(bias.values, "biases");
            mlp.layers.push_back(linear);
        }
        if (mlp.layers.empty()) {
            throw std::invalid_argument("no layers for MLP " + scope);
        }
        if (layerNorm) {
            mlp.scale = upload(params.at(scope + "_layer_norm:scale").values, "layer norm scales");
            mlp.offset = upload(params.at(scope + "_layer_norm:offset").values, "layer norm offsets");
        }
        return mlp;
    }

    // Host-side edge offsets of each receiver (edges sorted by receiver, checked by ReceiverBlocks).
    long long* uploadOffsets(const std::vector<std::int32_t>& receivers, std::int64_t receiverCount)
    {
        std::vector<long long> offsets(static_cast<std::size_t>(receiverCount) + 1, 0);
        for (std::int32_t receiver : receivers) {
            ++offsets[static_cast<std::size_t>(receiver) + 1];
        }
        for (std::size_t r = 0; r + 1 < offsets.size(); ++r) {
            offsets[r + 1] += offsets[r];
        }
        return upload(offsets, "receiver offsets");
    }

    // ---- Operations on the stream ----

    void fillRows(float* out, const float* row, int width, long long rows)
    {
        const long long count = rows * width;
        if (count > 0) {
            fillRowsKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(out, row, width, count);
            launched("fillRowsKernel");
        }
    }

    void add(float* out, const float* a, const float* b, long long count)
    {
        if (count > 0) {
            addKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(out, a, b, count);
            launched("addKernel");
        }
    }

    void concat(float* out, const float* a, int widthA, const float* b, int widthB, long long rows)
    {
        const long long count = rows * (widthA + widthB);
        if (count > 0) {
            concatKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(out, a, widthA, b, widthB, rows);
            launched("concatKernel");
        }
    }

    void gatherAdd(float* pre, int width, long long edges, bool accumulate, const float* fixed, const float* senderRows,
                   const std::int32_t* senders, const float* receiverRows, const std::int32_t* receivers,
                   int receiverBase)
    {
        const long long count = edges * width;
        if (count > 0) {
            gatherAddKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(
                pre, width, edges, accumulate, fixed, senderRows, senders, receiverRows, receivers, receiverBase);
            launched("gatherAddKernel");
        }
    }

    void segmentSum(const graphcast::ReceiverBlocks& blocks, int block, const long long* offsets,
                    const float* blockEdgeRows, int width, float* out)
    {
        const long long count = static_cast<long long>(blocks.receiverCount(block)) * width;
        if (count > 0) {
            segmentSumKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(
                out, blockEdgeRows, width, offsets, blocks.firstReceiver(block), blocks.receiverCount(block),
                blocks.firstEdge(block));
            launched("segmentSumKernel");
        }
    }

    // rows × n (row-major) = (rows × k) · w (k × n), added to c when accumulate. cuBLAS is
    // column-major: c as n × rows is wᵀ·aᵀ, so w goes first.
    void gemm(const float* a, int rows, int k, const float* w, const __nv_bfloat16* wHalf, int n, float* c,
              bool accumulate, GraphCastPrecision precision)
    {
        if (rows == 0 || n == 0) {
            return;
        }
        const float alpha = 1.0f;
        const float beta = accumulate ? 1.0f : 0.0f;
        cublasStatus_t status;
        if (precision == GraphCastPrecision::Float32) {
            status = blas->gemmEx(blasHandle, CUBLAS_OP_N, CUBLAS_OP_N, n, rows, k, &alpha, w, CUDA_R_32F, n, a,
                                  CUDA_R_32F, k, &beta, c, CUDA_R_32F, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        } else {
            const long long count = static_cast<long long>(rows) * k;
            toBfloat16Kernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(half, a, count);
            launched("toBfloat16Kernel");
            status = blas->gemmEx(blasHandle, CUBLAS_OP_N, CUBLAS_OP_N, n, rows, k, &alpha, wHalf, CUDA_R_16BF, n, half,
                                  CUDA_R_16BF, k, &beta, c, CUDA_R_32F, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT);
        }
        if (status != CUBLAS_STATUS_SUCCESS) {
            check(status, "cublasGemmEx (" + std::to_string(rows) + " × " + std::to_string(k) + " · " +
                              std::to_string(k) + " × " + std::to_string(n) + ", " + precisionName(precision) + ")");
        }
    }

    // Rows `first` … of w (k rows of the first layer's [in, out] weights), for the first layer's
    // per-part products.
    void gemmPart(const float* a, int rows, const DeviceLinear& layer, int firstWeightRow, int k, float* c,
                  bool accumulate, GraphCastPrecision precision)
    {
        const long long offset = static_cast<long long>(firstWeightRow) * layer.outputSize;
        gemm(a, rows, k, layer.weights + offset, layer.weightsHalf + offset, layer.outputSize, c, accumulate,
             precision);
    }

    void linear(const DeviceLinear& layer, const float* x, int rows, float* out, GraphCastPrecision precision)
    {
        fillRows(out, layer.bias, layer.outputSize, rows);
        gemm(x, rows, layer.inputSize, layer.weights, layer.weightsHalf, layer.outputSize, out, true, precision);
    }

    void swish(float* values, long long count)
    {
        if (count > 0) {
            swishKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(values, count);
            launched("swishKernel");
        }
    }

    void layerNorm(const DeviceMlp& mlp, float* rows, int rowCount)
    {
        if (!mlp.layerNorm || rowCount == 0) {
            return;
        }
        const long long threads = static_cast<long long>(rowCount) * 32;
        layerNormKernel<<<blocksFor(threads), threadsPerBlock, 0, stream>>>(rows, rowCount, mlp.outputSize(), mlp.scale,
                                                                            mlp.offset);
        launched("layerNormKernel");
    }

    // Mlp::applyAfterFirstLayer: firstLayerOutput (overwritten) → out.
    void applyAfterFirstLayer(const DeviceMlp& mlp, float* firstLayerOutput, int rows, float* out,
                              GraphCastPrecision precision)
    {
        float* current = firstLayerOutput;
        for (std::size_t index = 1; index < mlp.layers.size(); ++index) {
            const DeviceLinear& previous = mlp.layers[index - 1];
            swish(current, static_cast<long long>(rows) * previous.outputSize);
            const bool last = index + 1 == mlp.layers.size();
            float* next = last ? out : (current == mlpPing ? mlpPong : mlpPing);
            linear(mlp.layers[index], current, rows, next, precision);
            current = next;
        }
        if (mlp.layers.size() == 1) {
            check(cudaMemcpyAsync(out, firstLayerOutput,
                                  sizeof(float) * static_cast<std::size_t>(rows) *
                                      static_cast<std::size_t>(mlp.outputSize()),
                                  cudaMemcpyDeviceToDevice, stream),
                  "cudaMemcpyAsync of an MLP's output");
        }
        layerNorm(mlp, out, rows);
    }

    // Mlp::apply: x (rows × input) → out (rows × output).
    void apply(const DeviceMlp& mlp, const float* x, int rows, float* out, GraphCastPrecision precision)
    {
        if (mlp.layers.size() == 1) {
            linear(mlp.first(), x, rows, out, precision);
            layerNorm(mlp, out, rows);
            return;
        }
        linear(mlp.first(), x, rows, mlpFirst, precision);
        applyAfterFirstLayer(mlp, mlpFirst, rows, out, precision);
    }

    template <class Work>
    void forRowChunks(std::int64_t rows, const Work& work)
    {
        for (std::int64_t first = 0; first < rows; first += chunkRows) {
            work(first, static_cast<int>(std::min<std::int64_t>(chunkRows, rows - first)));
        }
    }

    // ---- Construction ----

    void precomputeStaticParts(const Graphs& graphs);
    void run(GraphCastPrecision precision);
};

void GpuGraphCastNetwork::Impl::precomputeStaticParts(const Graphs& graphs)
{
    constexpr GraphCastPrecision precision = GraphCastPrecision::Float32;
    const int L = sizes.config.latentSize;
    const int H = L;
    const int C = sizes.inputChannels;
    const int F = sizes.nodeFeatureSize;
    auto row = [](auto* base, std::int64_t index, int width) { return base + index * width; };

    float* meshNodeFeatures = upload(graphs.meshNodeFeatures, "mesh node features");
    meshEmbedding = allocate<float>(static_cast<std::size_t>(sizes.meshNodes) * L, "mesh embedding");
    forRowChunks(sizes.meshNodes, [&](std::int64_t first, int rows) {
        concat(nodeInput, nullptr, C, row(meshNodeFeatures, first, F), F, rows);
        apply(meshEmbedder, nodeInput, rows, row(meshEmbedding, first, L), precision);
    });
    release(meshNodeFeatures);

    // grid2mesh: edge·W_e + b + (embedded mesh receiver)·W_r.
    float* meshReceiverPart = allocate<float>(static_cast<std::size_t>(sizes.meshNodes) * H, "projections");
    forRowChunks(sizes.meshNodes, [&](std::int64_t first, int rows) {
        gemmPart(row(meshEmbedding, first, L), rows, grid2meshEdge.first(), 2 * L, L, row(meshReceiverPart, first, H),
                 false, precision);
    });
    auto firstLayerPart = [&](const graphcast::Edges& edges, const DeviceMlp& embedder, const DeviceMlp& edgeMlp,
                              float* out, const float* receiverRows, const std::int32_t* receivers) {
        float* features = upload(edges.features, "edge features");
        forRowChunks(static_cast<std::int64_t>(edges.count()), [&](std::int64_t first, int rows) {
            apply(embedder, row(features, first, edges.featureSize), rows, rowsA, precision);
            // The first layer's bias and its first L rows, which see the edge.
            float* part = row(out, first, H);
            fillRows(part, edgeMlp.first().bias, H, rows);
            gemmPart(rowsA, rows, edgeMlp.first(), 0, L, part, true, precision);
            if (receiverRows) {
                gatherAdd(part, H, rows, true, nullptr, nullptr, nullptr, receiverRows, receivers + first, 0);
            }
        });
        release(features);
    };
    grid2meshFirstLayerPart =
        allocate<float>(graphs.grid2mesh.count() * static_cast<std::size_t>(H), "grid2mesh static first-layer part");
    firstLayerPart(graphs.grid2mesh, grid2meshEdgeEmbedder, grid2meshEdge, grid2meshFirstLayerPart, meshReceiverPart,
                   grid2meshReceivers);

    float* meshEdgeFeatures = upload(graphs.mesh.features, "mesh edge features");
    meshEdgeEmbedding = allocate<float>(graphs.mesh.count() * static_cast<std::size_t>(L), "mesh edge embedding");
    forRowChunks(static_cast<std::int64_t>(graphs.mesh.count()), [&](std::int64_t first, int rows) {
        apply(meshEdgeEmbedder, row(meshEdgeFeatures, first, graphs.mesh.featureSize), rows,
              row(meshEdgeEmbedding, first, L), precision);
    });

    mesh2gridFirstLayerPart =
        allocate<float>(graphs.mesh2grid.count() * static_cast<std::size_t>(H), "mesh2grid static first-layer part");
    firstLayerPart(graphs.mesh2grid, mesh2gridEdgeEmbedder, mesh2gridEdge, mesh2gridFirstLayerPart, nullptr, nullptr);
    check(cudaStreamSynchronize(stream), "the static parts of the network");
    release(meshReceiverPart);
    release(meshEdgeFeatures);
    (void)C;
}

void GpuGraphCastNetwork::Impl::run(GraphCastPrecision precision)
{
    const int L = sizes.config.latentSize;
    const int H = L;
    const int C = sizes.inputChannels;
    const int F = sizes.nodeFeatureSize;
    const int out = sizes.outputChannels;
    auto row = [](auto* base, std::int64_t index, int width) { return base + index * width; };

    // grid2mesh_gnn, grid nodes: embed, project for the grid2mesh edges, update with residual.
    forRowChunks(sizes.gridNodes, [&](std::int64_t first, int rows) {
        concat(nodeInput, row(gridInputs, first, C), C, row(gridNodeFeatures, first, F), F, rows);
        apply(gridEmbedder, nodeInput, rows, rowsA, precision);
        gemmPart(rowsA, rows, grid2meshEdge.first(), L, L, row(gridSenderPart, first, H), false, precision);
        apply(grid2meshGridNode, rowsA, rows, rowsB, precision);
        add(row(gridLatent, first, L), rowsA, rowsB, static_cast<long long>(rows) * L);
    });

    // grid2mesh_gnn, edges and mesh nodes.
    for (int block = 0; block < grid2meshBlocks.blockCount(); ++block) {
        const std::int64_t e0 = grid2meshBlocks.firstEdge(block);
        const int edges = grid2meshBlocks.edgeCount(block);
        const int first = grid2meshBlocks.firstReceiver(block);
        const int receivers = grid2meshBlocks.receiverCount(block);
        gatherAdd(pre, H, edges, false, row(grid2meshFirstLayerPart, e0, H), gridSenderPart, grid2meshSenders + e0,
                  nullptr, nullptr, 0);
        applyAfterFirstLayer(grid2meshEdge, pre, edges, rowsA, precision);
        segmentSum(grid2meshBlocks, block, grid2meshOffsets, rowsA, L, sums);
        const float* embedding = row(meshEmbedding, first, L);
        concat(nodeInput, embedding, L, sums, L, receivers);
        apply(grid2meshMeshNode, nodeInput, receivers, rowsB, precision);
        add(row(meshLatent, first, L), embedding, rowsB, static_cast<long long>(receivers) * L);
    }

    // mesh_gnn.
    check(cudaMemcpyAsync(edgeLatent, meshEdgeEmbedding, sizeof(float) * static_cast<std::size_t>(sizes.meshEdges) * L,
                          cudaMemcpyDeviceToDevice, stream),
          "cudaMemcpyAsync of the mesh edge embedding");
    for (int step = 0; step < sizes.config.gnnMsgSteps; ++step) {
        const DeviceMlp& edgeMlp = meshEdge[static_cast<std::size_t>(step)];
        const DeviceMlp& nodeMlp = meshNode[static_cast<std::size_t>(step)];
        forRowChunks(sizes.meshNodes, [&](std::int64_t first, int rows) {
            gemmPart(row(meshLatent, first, L), rows, edgeMlp.first(), L, L, row(senderPart, first, H), false,
                     precision);
            gemmPart(row(meshLatent, first, L), rows, edgeMlp.first(), 2 * L, L, row(receiverPart, first, H), false,
                     precision);
        });
        // A block reads the projections of other nodes and writes only its own receivers and
        // edges, so the update runs in place, as on the CPU.
        for (int block = 0; block < meshBlocks.blockCount(); ++block) {
            const std::int64_t e0 = meshBlocks.firstEdge(block);
            const int edges = meshBlocks.edgeCount(block);
            const int first = meshBlocks.firstReceiver(block);
            const int receivers = meshBlocks.receiverCount(block);
            float* blockEdges = row(edgeLatent, e0, L);
            fillRows(pre, edgeMlp.first().bias, H, edges);
            gemmPart(blockEdges, edges, edgeMlp.first(), 0, L, pre, true, precision);
            gatherAdd(pre, H, edges, true, nullptr, senderPart, meshSenders + e0, receiverPart, meshReceivers + e0, 0);
            applyAfterFirstLayer(edgeMlp, pre, edges, rowsA, precision);
            add(blockEdges, blockEdges, rowsA, static_cast<long long>(edges) * L);
            segmentSum(meshBlocks, block, meshOffsets, rowsA, L, sums);
            float* latent = row(meshLatent, first, L);
            concat(nodeInput, latent, L, sums, L, receivers);
            apply(nodeMlp, nodeInput, receivers, rowsB, precision);
            add(latent, latent, rowsB, static_cast<long long>(receivers) * L);
        }
    }

    // mesh2grid_gnn: edges from the processed mesh, grid node update, decoder. A block's grid
    // receivers are consecutive, so their projections are computed per block.
    forRowChunks(sizes.meshNodes, [&](std::int64_t first, int rows) {
        gemmPart(row(meshLatent, first, L), rows, mesh2gridEdge.first(), L, L, row(senderPart, first, H), false,
                 precision);
    });
    for (int block = 0; block < mesh2gridBlocks.blockCount(); ++block) {
        const std::int64_t e0 = mesh2gridBlocks.firstEdge(block);
        const int edges = mesh2gridBlocks.edgeCount(block);
        const int first = mesh2gridBlocks.firstReceiver(block);
        const int receivers = mesh2gridBlocks.receiverCount(block);
        const float* latent = row(gridLatent, first, L);
        gemmPart(latent, receivers, mesh2gridEdge.first(), 2 * L, L, rowsB, false, precision);
        gatherAdd(pre, H, edges, false, row(mesh2gridFirstLayerPart, e0, H), senderPart, mesh2gridSenders + e0, rowsB,
                  mesh2gridReceivers + e0, first);
        applyAfterFirstLayer(mesh2gridEdge, pre, edges, rowsA, precision);
        segmentSum(mesh2gridBlocks, block, mesh2gridOffsets, rowsA, L, sums);
        concat(nodeInput, latent, L, sums, L, receivers);
        apply(mesh2gridGridNode, nodeInput, receivers, rowsB, precision);
        add(rowsB, rowsB, latent, static_cast<long long>(receivers) * L);
        apply(decoder, rowsB, receivers, row(gridOutputs, first, out), precision);
    }
}

GpuGraphCastNetwork::GpuGraphCastNetwork(const Checkpoint& checkpoint, const Graphs& graphs, int inputChannels,
                                         int outputChannels, int device)
    : impl_(std::make_unique<Impl>())
{
    Impl& d = *impl_;
    d.device = device;
    d.sizes = graphCastSizes(checkpoint.modelConfig, graphs, inputChannels, outputChannels);
    const ModelConfig& config = checkpoint.modelConfig;
    if (config.latentSize <= 0 || config.gnnMsgSteps <= 0 || config.hiddenLayers < 0) {
        throw std::invalid_argument("GraphCast needs a positive latent size and message steps");
    }
    graphcast::NetworkShape shape = networkShape(d.sizes);
    shape.meshEdgeFeatureSize = graphs.mesh.featureSize;
    shape.mesh2gridEdgeFeatureSize = graphs.mesh2grid.featureSize;
    graphcast::validateParameters(checkpoint, shape);

    cudaDeviceProp properties{};
    d.check(cudaSetDevice(device), "cudaSetDevice");
    d.check(cudaGetDeviceProperties(&properties, device), "cudaGetDeviceProperties");
    d.deviceName = properties.name;
    const Cublas& cublas = Cublas::instance();
    if (!cublas.available()) {
        throw GpuError(d.where() + ": " + cublas.unavailableReason());
    }
    d.blas = &cublas.api();
    d.check(cudaStreamCreateWithFlags(&d.stream, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
    d.check(d.blas->create(&d.blasHandle), "cublasCreate");
    d.check(d.blas->setStream(d.blasHandle, d.stream), "cublasSetStream");
    // No TF32 or other reduced-precision shortcuts in the float32 GEMMs.
    d.check(d.blas->setMathMode(d.blasHandle, CUBLAS_PEDANTIC_MATH), "cublasSetMathMode");

    const auto& params = checkpoint.params;
    const std::string g2m = "grid2mesh_gnn";
    const std::string mesh = "mesh_gnn";
    const std::string m2g = "mesh2grid_gnn";
    using graphcast::moduleScope;
    d.gridEmbedder = d.uploadMlp(params, moduleScope(g2m, "encoder_nodes_grid_nodes"), true);
    d.meshEmbedder = d.uploadMlp(params, moduleScope(g2m, "encoder_nodes_mesh_nodes"), true);
    d.grid2meshEdgeEmbedder = d.uploadMlp(params, moduleScope(g2m, "encoder_edges_grid2mesh"), true);
    d.grid2meshEdge = d.uploadMlp(params, moduleScope(g2m, "processor_edges_0_grid2mesh"), true);
    d.grid2meshGridNode = d.uploadMlp(params, moduleScope(g2m, "processor_nodes_0_grid_nodes"), true);
    d.grid2meshMeshNode = d.uploadMlp(params, moduleScope(g2m, "processor_nodes_0_mesh_nodes"), true);
    d.meshEdgeEmbedder = d.uploadMlp(params, moduleScope(mesh, "encoder_edges_mesh"), true);
    for (int step = 0; step < config.gnnMsgSteps; ++step) {
        d.meshEdge.push_back(
            d.uploadMlp(params, moduleScope(mesh, "processor_edges_" + std::to_string(step) + "_mesh"), true));
        d.meshNode.push_back(
            d.uploadMlp(params, moduleScope(mesh, "processor_nodes_" + std::to_string(step) + "_mesh_nodes"), true));
    }
    d.mesh2gridEdgeEmbedder = d.uploadMlp(params, moduleScope(m2g, "encoder_edges_mesh2grid"), true);
    d.mesh2gridEdge = d.uploadMlp(params, moduleScope(m2g, "processor_edges_0_mesh2grid"), true);
    d.mesh2gridGridNode = d.uploadMlp(params, moduleScope(m2g, "processor_nodes_0_grid_nodes"), true);
    d.decoder = d.uploadMlp(params, moduleScope(m2g, "decoder_nodes_grid_nodes"), false);

    // Chunks as on the CPU but larger: receivers whole, at most chunkRows of them, edges up to
    // chunkRows plus one receiver's in-degree.
    d.grid2meshBlocks =
        graphcast::ReceiverBlocks(graphs.grid2mesh.receivers, graphs.meshNodes, graphCastChunkRows, graphCastChunkRows);
    d.meshBlocks =
        graphcast::ReceiverBlocks(graphs.mesh.receivers, graphs.meshNodes, graphCastChunkRows, graphCastChunkRows);
    d.mesh2gridBlocks =
        graphcast::ReceiverBlocks(graphs.mesh2grid.receivers, graphs.gridNodes, graphCastChunkRows, graphCastChunkRows);
    d.chunkRows = graphCastChunkRows;
    for (const graphcast::ReceiverBlocks* blocks : {&d.grid2meshBlocks, &d.meshBlocks, &d.mesh2gridBlocks}) {
        d.chunkRows = std::max({d.chunkRows, blocks->maxEdgesPerBlock(), blocks->maxReceiversPerBlock()});
    }
    for (const auto* senders : {&graphs.grid2mesh.senders, &graphs.mesh.senders, &graphs.mesh2grid.senders}) {
        const int limit = senders == &graphs.grid2mesh.senders ? graphs.gridNodes : graphs.meshNodes;
        for (std::int32_t sender : *senders) {
            if (sender < 0 || sender >= limit) {
                throw std::invalid_argument("edge sender " + std::to_string(sender) + " outside 0 … " +
                                            std::to_string(limit - 1));
            }
        }
    }
    d.grid2meshSenders = d.upload(graphs.grid2mesh.senders, "grid2mesh senders");
    d.grid2meshReceivers = d.upload(graphs.grid2mesh.receivers, "grid2mesh receivers");
    d.meshSenders = d.upload(graphs.mesh.senders, "mesh senders");
    d.meshReceivers = d.upload(graphs.mesh.receivers, "mesh receivers");
    d.mesh2gridSenders = d.upload(graphs.mesh2grid.senders, "mesh2grid senders");
    d.mesh2gridReceivers = d.upload(graphs.mesh2grid.receivers, "mesh2grid receivers");
    d.grid2meshOffsets = d.uploadOffsets(graphs.grid2mesh.receivers, graphs.meshNodes);
    d.meshOffsets = d.uploadOffsets(graphs.mesh.receivers, graphs.meshNodes);
    d.mesh2gridOffsets = d.uploadOffsets(graphs.mesh2grid.receivers, graphs.gridNodes);
    d.gridNodeFeatures = d.upload(graphs.gridNodeFeatures, "grid node features");

    const ChunkWidths widths = chunkWidths(d.sizes);
    const auto rows = static_cast<std::size_t>(d.chunkRows);
    const auto widest = static_cast<std::size_t>(widths.widest);
    d.nodeInput = d.allocate<float>(rows * static_cast<std::size_t>(widths.nodeInput), "chunk buffers");
    d.pre = d.allocate<float>(rows * widest, "chunk buffers");
    d.rowsA = d.allocate<float>(rows * widest, "chunk buffers");
    d.rowsB = d.allocate<float>(rows * widest, "chunk buffers");
    d.sums = d.allocate<float>(rows * widest, "chunk buffers");
    d.mlpFirst = d.allocate<float>(rows * widest, "chunk buffers");
    d.mlpPing = d.allocate<float>(rows * widest, "chunk buffers");
    d.mlpPong = d.allocate<float>(rows * widest, "chunk buffers");
    d.half = d.allocate<__nv_bfloat16>(rows * static_cast<std::size_t>(widths.widestK), "bf16 staging");

    const auto G = static_cast<std::size_t>(d.sizes.gridNodes);
    const auto M = static_cast<std::size_t>(d.sizes.meshNodes);
    const auto L = static_cast<std::size_t>(config.latentSize);
    d.gridInputs = d.allocate<float>(G * static_cast<std::size_t>(inputChannels), "grid inputs");
    d.gridOutputs = d.allocate<float>(G * static_cast<std::size_t>(outputChannels), "grid outputs");
    d.gridLatent = d.allocate<float>(G * L, "grid latents");
    d.gridSenderPart = d.allocate<float>(G * L, "grid projections");
    d.meshLatent = d.allocate<float>(M * L, "mesh latents");
    d.edgeLatent = d.allocate<float>(static_cast<std::size_t>(d.sizes.meshEdges) * L, "mesh edge latents");
    d.senderPart = d.allocate<float>(M * L, "mesh projections");
    d.receiverPart = d.allocate<float>(M * L, "mesh projections");
    d.check(cudaMemset(d.gridInputs, 0, G * static_cast<std::size_t>(inputChannels) * sizeof(float)),
            "cudaMemset of the grid inputs");

    d.precomputeStaticParts(graphs);
}

GpuGraphCastNetwork::~GpuGraphCastNetwork() = default;

int GpuGraphCastNetwork::device() const
{
    return impl_->device;
}
int GpuGraphCastNetwork::inputChannels() const
{
    return impl_->sizes.inputChannels;
}
int GpuGraphCastNetwork::outputChannels() const
{
    return impl_->sizes.outputChannels;
}
int GpuGraphCastNetwork::gridNodes() const
{
    return static_cast<int>(impl_->sizes.gridNodes);
}
const GraphCastSizes& GpuGraphCastNetwork::sizes() const
{
    return impl_->sizes;
}
std::size_t GpuGraphCastNetwork::allocatedBytes() const
{
    return impl_->allocated;
}

void GpuGraphCastNetwork::forward(std::span<const float> gridInputs, std::span<float> gridOutputs,
                                  GraphCastPrecision precision)
{
    forwardMembers(gridInputs, gridOutputs, 1, precision);
}

void GpuGraphCastNetwork::forwardMembers(std::span<const float> gridInputs, std::span<float> gridOutputs, int members,
                                         GraphCastPrecision precision)
{
    Impl& d = *impl_;
    const auto inputFloats =
        static_cast<std::size_t>(d.sizes.gridNodes) * static_cast<std::size_t>(d.sizes.inputChannels);
    const auto outputFloats =
        static_cast<std::size_t>(d.sizes.gridNodes) * static_cast<std::size_t>(d.sizes.outputChannels);
    if (members < 0 || gridInputs.size() != inputFloats * static_cast<std::size_t>(members) ||
        gridOutputs.size() != outputFloats * static_cast<std::size_t>(members)) {
        throw std::invalid_argument("GpuGraphCastNetwork::forwardMembers: " + std::to_string(gridInputs.size()) +
                                    " inputs and " + std::to_string(gridOutputs.size()) + " outputs for " +
                                    std::to_string(members) + " members of " + std::to_string(d.sizes.gridNodes) +
                                    " grid nodes × " + std::to_string(d.sizes.inputChannels) + " in, " +
                                    std::to_string(d.sizes.outputChannels) + " out");
    }
    d.check(cudaSetDevice(d.device), "cudaSetDevice");
    for (int member = 0; member < members; ++member) {
        const auto m = static_cast<std::size_t>(member);
        d.check(cudaMemcpyAsync(d.gridInputs, gridInputs.data() + m * inputFloats, inputFloats * sizeof(float),
                                cudaMemcpyHostToDevice, d.stream),
                "cudaMemcpyAsync of a member's inputs");
        d.run(precision);
        d.check(cudaMemcpyAsync(gridOutputs.data() + m * outputFloats, d.gridOutputs, outputFloats * sizeof(float),
                                cudaMemcpyDeviceToHost, d.stream),
                "cudaMemcpyAsync of a member's outputs");
        d.check(cudaStreamSynchronize(d.stream), "a GraphCast forward pass");
    }
}

double GpuGraphCastNetwork::timeForwardMilliseconds(GraphCastPrecision precision, int passes)
{
    Impl& d = *impl_;
    d.check(cudaSetDevice(d.device), "cudaSetDevice");
    d.run(precision);
    d.check(cudaStreamSynchronize(d.stream), "the warm-up forward pass");
    cudaEvent_t start = nullptr;
    cudaEvent_t stop = nullptr;
    d.check(cudaEventCreate(&start), "cudaEventCreate");
    d.check(cudaEventCreate(&stop), "cudaEventCreate");
    float milliseconds = 0.0f;
    try {
        d.check(cudaEventRecord(start, d.stream), "cudaEventRecord");
        for (int pass = 0; pass < std::max(1, passes); ++pass) {
            d.run(precision);
        }
        d.check(cudaEventRecord(stop, d.stream), "cudaEventRecord");
        d.check(cudaEventSynchronize(stop), "the timed forward passes");
        d.check(cudaEventElapsedTime(&milliseconds, start, stop), "cudaEventElapsedTime");
    } catch (...) {
        cudaEventDestroy(start);
        cudaEventDestroy(stop);
        throw;
    }
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return milliseconds / std::max(1, passes);
}

}  // namespace spreadcast::gpu
