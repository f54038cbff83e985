#include "graphcast/GpuGraphCastNetwork.h"

#include "graphcast/Cublas.h"
#include "graphcast/GraphCastKernels.h"
#include "graphcast/GraphCastParameters.h"

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

}  // namespace

// The CUDA executor and storage of GraphCastPass.h, on one stream and one cuBLAS handle.
struct GpuGraphCastNetwork::Impl {
    int device = 0;
    std::string deviceName;
    cudaStream_t stream = nullptr;
    cublasHandle_t blasHandle = nullptr;
    const Cublas::Api* blas = nullptr;
    std::vector<void*> allocations;
    std::size_t allocated = 0;
    GraphCastPassData data;
    __nv_bfloat16* half = nullptr;  // bf16 staging of a GEMM's input

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

    // ---- Storage ----

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

    template <class T>
    T* upload(const std::vector<T>& values, const char* what)
    {
        T* pointer = allocate<T>(values.size(), what);
        check(cudaMemcpy(pointer, values.data(), values.size() * sizeof(T), cudaMemcpyHostToDevice),
              std::string("cudaMemcpy of ") + what);
        return pointer;
    }

    void release(const void* pointer)
    {
        const auto found = std::find(allocations.begin(), allocations.end(), pointer);
        if (found != allocations.end()) {
            cudaFree(*found);
            allocations.erase(found);
        }
    }

    // ---- Executor ----

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

    void segmentSum(const long long* offsets, int firstReceiver, int receivers, long long firstEdge,
                    const float* blockEdgeRows, int width, float* out)
    {
        const long long count = static_cast<long long>(receivers) * width;
        if (count > 0) {
            segmentSumKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(out, blockEdgeRows, width, offsets,
                                                                               firstReceiver, receivers, firstEdge);
            launched("segmentSumKernel");
        }
    }

    void swish(float* values, long long count)
    {
        if (count > 0) {
            swishKernel<<<blocksFor(count), threadsPerBlock, 0, stream>>>(values, count);
            launched("swishKernel");
        }
    }

    void layerNorm(float* rows, int rowCount, int width, const float* scale, const float* offset)
    {
        if (rowCount > 0) {
            const long long threads = static_cast<long long>(rowCount) * 32;
            layerNormKernel<<<blocksFor(threads), threadsPerBlock, 0, stream>>>(rows, rowCount, width, scale, offset);
            launched("layerNormKernel");
        }
    }

    void copy(float* target, const float* source, long long count)
    {
        if (count > 0) {
            check(cudaMemcpyAsync(target, source, sizeof(float) * static_cast<std::size_t>(count),
                                  cudaMemcpyDeviceToDevice, stream),
                  "cudaMemcpyAsync on the device");
        }
    }

    void synchronize() { check(cudaStreamSynchronize(stream), "cudaStreamSynchronize"); }

    // rows × n (row-major) = (rows × k) · w (k × n), added to c when accumulate. cuBLAS is
    // column-major: c as n × rows is wᵀ·aᵀ, so w goes first. CUBLAS_GEMM_DEFAULT picks its
    // kernel from the shapes alone, and the shapes follow from the graphs, never the batch.
    void gemm(const float* a, int rows, int k, const float* w, const std::uint16_t* wHalf, int n, float* c,
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
};

GpuGraphCastNetwork::GpuGraphCastNetwork(const Checkpoint& checkpoint, const Graphs& graphs, int inputChannels,
                                         int outputChannels, int device)
    : impl_(std::make_unique<Impl>())
{
    Impl& d = *impl_;
    d.device = device;
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
    // The default math mode computes CUBLAS_COMPUTE_32F GEMMs with at least float32's bits (no
    // TF32, which needs CUBLAS_COMPUTE_32F_FAST_TF32 or CUBLAS_TF32_TENSOR_OP_MATH); set it
    // explicitly so that nothing inherited changes it.
    d.check(d.blas->setMathMode(d.blasHandle, CUBLAS_DEFAULT_MATH), "cublasSetMathMode");

    d.data = makeGraphCastPassData(checkpoint, graphs, inputChannels, outputChannels, d);
    const GraphCastChunkWidths widths = graphCastChunkWidths(d.data.sizes);
    d.half = d.allocate<__nv_bfloat16>(
        static_cast<std::size_t>(d.data.chunkRows) * static_cast<std::size_t>(widths.widestK), "bf16 staging");
    d.check(cudaMemset(d.data.gridInputs, 0,
                       static_cast<std::size_t>(d.data.sizes.gridNodes) * static_cast<std::size_t>(inputChannels) *
                           sizeof(float)),
            "cudaMemset of the grid inputs");
    precomputeGraphCastStaticParts(d.data, graphs, d, d);
}

GpuGraphCastNetwork::~GpuGraphCastNetwork() = default;

int GpuGraphCastNetwork::device() const
{
    return impl_->device;
}
int GpuGraphCastNetwork::inputChannels() const
{
    return impl_->data.sizes.inputChannels;
}
int GpuGraphCastNetwork::outputChannels() const
{
    return impl_->data.sizes.outputChannels;
}
int GpuGraphCastNetwork::gridNodes() const
{
    return static_cast<int>(impl_->data.sizes.gridNodes);
}
const GraphCastSizes& GpuGraphCastNetwork::sizes() const
{
    return impl_->data.sizes;
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
    const GraphCastSizes& sizes = d.data.sizes;
    const auto inputFloats = static_cast<std::size_t>(sizes.gridNodes) * static_cast<std::size_t>(sizes.inputChannels);
    const auto outputFloats =
        static_cast<std::size_t>(sizes.gridNodes) * static_cast<std::size_t>(sizes.outputChannels);
    if (members < 0 || gridInputs.size() != inputFloats * static_cast<std::size_t>(members) ||
        gridOutputs.size() != outputFloats * static_cast<std::size_t>(members)) {
        throw std::invalid_argument("GpuGraphCastNetwork::forwardMembers: " + std::to_string(gridInputs.size()) +
                                    " inputs and " + std::to_string(gridOutputs.size()) + " outputs for " +
                                    std::to_string(members) + " members of " + std::to_string(sizes.gridNodes) +
                                    " grid nodes × " + std::to_string(sizes.inputChannels) + " in, " +
                                    std::to_string(sizes.outputChannels) + " out");
    }
    d.check(cudaSetDevice(d.device), "cudaSetDevice");
    for (int member = 0; member < members; ++member) {
        const auto m = static_cast<std::size_t>(member);
        d.check(cudaMemcpyAsync(d.data.gridInputs, gridInputs.data() + m * inputFloats, inputFloats * sizeof(float),
                                cudaMemcpyHostToDevice, d.stream),
                "cudaMemcpyAsync of a member's inputs");
        runGraphCastPass(d.data, d, precision);
        d.check(cudaMemcpyAsync(gridOutputs.data() + m * outputFloats, d.data.gridOutputs, outputFloats * sizeof(float),
                                cudaMemcpyDeviceToHost, d.stream),
                "cudaMemcpyAsync of a member's outputs");
        d.check(cudaStreamSynchronize(d.stream), "a GraphCast forward pass");
    }
}

double GpuGraphCastNetwork::timeForwardMilliseconds(GraphCastPrecision precision, int passes)
{
    Impl& d = *impl_;
    d.check(cudaSetDevice(d.device), "cudaSetDevice");
    runGraphCastPass(d.data, d, precision);
    d.check(cudaStreamSynchronize(d.stream), "the warm-up forward pass");
    cudaEvent_t start = nullptr;
    cudaEvent_t stop = nullptr;
    d.check(cudaEventCreate(&start), "cudaEventCreate");
    d.check(cudaEventCreate(&stop), "cudaEventCreate");
    float milliseconds = 0.0f;
    try {
        d.check(cudaEventRecord(start, d.stream), "cudaEventRecord");
        for (int pass = 0; pass < std::max(1, passes); ++pass) {
            runGraphCastPass(d.data, d, precision);
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
