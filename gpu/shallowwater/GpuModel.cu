#include "GpuModel.h"

#include "BatchedShallowWater.h"
#include "Cufft.h"
#include "ModelTables.h"

#include <cuda_profiler_api.h>
#include <cuda_runtime.h>
#include <cufft.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <string>
#include <utility>

namespace spreadcast::gpu {
namespace {

std::string cufftErrorName(cufftResult result)
{
    switch (result) {
    case CUFFT_SUCCESS: return "CUFFT_SUCCESS";
    case CUFFT_INVALID_PLAN: return "CUFFT_INVALID_PLAN";
    case CUFFT_ALLOC_FAILED: return "CUFFT_ALLOC_FAILED (out of device memory)";
    case CUFFT_INVALID_VALUE: return "CUFFT_INVALID_VALUE";
    case CUFFT_INTERNAL_ERROR: return "CUFFT_INTERNAL_ERROR";
    case CUFFT_EXEC_FAILED: return "CUFFT_EXEC_FAILED";
    case CUFFT_SETUP_FAILED: return "CUFFT_SETUP_FAILED";
    case CUFFT_INVALID_SIZE: return "CUFFT_INVALID_SIZE";
    default: return "cuFFT error " + std::to_string(static_cast<int>(result));
    }
}

void check(cudaError_t error, int device, const char* what)
{
    if (error != cudaSuccess) {
        cudaGetLastError();  // clear a non-sticky error so the message is the only trace
        throw GpuError("GPU " + std::to_string(device) + ": " + what + " failed (" + cudaGetErrorName(error) + ": " +
                           cudaGetErrorString(error) + ")",
                       error == cudaErrorMemoryAllocation);
    }
}

void check(cufftResult result, int device, const char* what)
{
    if (result != CUFFT_SUCCESS) {
        throw GpuError("GPU " + std::to_string(device) + ": " + what + " failed (" + cufftErrorName(result) + ")",
                       result == CUFFT_ALLOC_FAILED);
    }
}

template <class Functor>
__global__ void forEachKernel(Functor functor, long long count)
{
    const long long index = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
    if (index < count) {
        functor(index);
    }
}

// A functor that returns its index's share of a member's blow-up extremes (NonlinearProducts):
// merged across the warp with shuffles and across the block through shared memory, then into
// extremes[member] with one set of atomics per block, when the block lies within one member (it
// always does when a member's points are a multiple of the block); a block that straddles two
// members merges thread by thread. Merging is exact and order-free, so the result is the host
// executor's. Launched with `threads` (a multiple of the warp) threads per block.
template <class Functor>
__global__ void forEachWithExtremesKernel(Functor functor, long long count)
{
    constexpr unsigned everyLane = 0xffffffffu;
    constexpr unsigned lanes = 32;
    const long long blockFirst = static_cast<long long>(blockIdx.x) * blockDim.x;
    const long long index = blockFirst + threadIdx.x;
    MemberExtremes seen = clearedExtremes();
    if (index < count) {
        seen = functor(index);
    }
    const long long blockEnd = blockFirst + static_cast<long long>(blockDim.x);
    const long long blockLast = (blockEnd < count ? blockEnd : count) - 1;
    const long long member = functor.member(blockFirst);
    if (functor.member(blockLast) != member) {  // the same for every thread of the block
        if (index < count) {
            accumulateExtremes(&functor.extremes[functor.member(index)], seen);
        }
        return;
    }
    auto warpMerged = [&](MemberExtremes value) {
        for (unsigned offset = lanes / 2; offset > 0; offset /= 2) {
            const MemberExtremes other{__shfl_xor_sync(everyLane, value.firstBadPoint, static_cast<int>(offset)),
                                       __shfl_xor_sync(everyLane, value.maxEnergy, static_cast<int>(offset)),
                                       __shfl_xor_sync(everyLane, value.minGeopotential, static_cast<int>(offset))};
            value = mergedExtremes(value, other);
        }
        return value;
    };
    __shared__ MemberExtremes perWarp[lanes];
    const unsigned lane = threadIdx.x % lanes;
    const unsigned warp = threadIdx.x / lanes;
    seen = warpMerged(seen);
    if (lane == 0) {
        perWarp[warp] = seen;
    }
    __syncthreads();
    if (warp == 0) {
        seen = lane < (blockDim.x + lanes - 1) / lanes ? perWarp[lane] : clearedExtremes();
        seen = warpMerged(seen);
        if (lane == 0) {
            accumulateExtremes(&functor.extremes[member], seen);
        }
    }
}

// The executor of BatchedShallowWater.h on one CUDA stream.
struct CudaExecutor {
    cudaStream_t stream = nullptr;
    ModelView model;
    // The step's two transforms, one chunk of members each: the state's 4 fields to the grid, the
    // products' 5 fields to Fourier space.
    cufftHandle toGrid = 0;
    cufftHandle toFourier = 0;
    bool planned[2] = {false, false};
    const Cufft::Api* fft = nullptr;
    // cuFFT's first failure since it was last checked (an executor must not throw mid-capture).
    cufftResult fftStatus = CUFFT_SUCCESS;
    // When profiling: an event recorded after each launch, with what was launched.
    std::vector<std::pair<std::string, cudaEvent_t>>* timeline = nullptr;

    void mark(const char* label)
    {
        if (timeline) {
            cudaEvent_t event = nullptr;
            cudaEventCreate(&event);
            cudaEventRecord(event, stream);
            timeline->emplace_back(label, event);
        }
    }

    // Threads per block: 256, or the functor's blockThreads (a functor that needs many registers
    // a thread fits more warps on a multiprocessor in smaller blocks).
    template <class Functor>
    static constexpr int blockThreads()
    {
        if constexpr (requires { Functor::blockThreads; }) {
            return Functor::blockThreads;
        } else {
            return 256;
        }
    }

    template <class Functor>
    void forEach(long long count, const Functor& functor)
    {
        if (count <= 0) {
            return;
        }
        constexpr int threads = blockThreads<Functor>();
        const long long blocks = (count + threads - 1) / threads;
        forEachKernel<<<static_cast<unsigned int>(blocks), threads, 0, stream>>>(functor, count);
        mark(Functor::label);
    }
    template <class Functor>
    void forEachWithExtremes(long long count, const Functor& functor)
    {
        if (count <= 0) {
            return;
        }
        constexpr int threads = 256;
        const long long blocks = (count + threads - 1) / threads;
        forEachWithExtremesKernel<<<static_cast<unsigned int>(blocks), threads, 0, stream>>>(functor, count);
        mark(Functor::label);
    }
    void note(cufftResult result)
    {
        if (result != CUFFT_SUCCESS && fftStatus == CUFFT_SUCCESS) {
            fftStatus = result;
        }
    }
    void fourierToGrid(int fields, Cplx* fourier, double* grids, int slots)
    {
        if (fields != 4) {
            note(CUFFT_INVALID_VALUE);
            return;
        }
        const long long fourierChunk = model.fourierChunk(fields);
        const long long gridChunk = model.gridChunk(fields);
        for (int chunk = 0; chunk < slots / fftChunkMembers; ++chunk) {
            // Z2D may overwrite its input; the Fourier buffer is scratch, rewritten every synthesis.
            note(fft->execZ2D(toGrid, reinterpret_cast<cufftDoubleComplex*>(fourier + chunk * fourierChunk),
                              grids + chunk * gridChunk));
        }
        mark("cuFFT Z2D (4 fields)");
    }
    void gridToFourier(int fields, const double* grids, Cplx* fourier, int slots)
    {
        if (fields != 5) {
            note(CUFFT_INVALID_VALUE);
            return;
        }
        const long long fourierChunk = model.fourierChunk(fields);
        const long long gridChunk = model.gridChunk(fields);
        for (int chunk = 0; chunk < slots / fftChunkMembers; ++chunk) {
            note(fft->execD2Z(toFourier, const_cast<double*>(grids + chunk * gridChunk),
                              reinterpret_cast<cufftDoubleComplex*>(fourier + chunk * fourierChunk)));
        }
        mark("cuFFT D2Z (5 fields)");
    }
};

// Device copies of a ModelTables' vectors.
class DeviceTables {
public:
    DeviceTables(const ModelTables& tables, int device) : device_(device)
    {
        try {
            copyAll(tables);
        } catch (...) {
            release();
            throw;
        }
    }
    ~DeviceTables() { release(); }
    DeviceTables(const DeviceTables&) = delete;
    DeviceTables& operator=(const DeviceTables&) = delete;

    const ModelView& view() const { return view_; }
    std::size_t bytes() const { return bytes_; }

private:
    void release()
    {
        for (void* pointer : allocations_) {
            cudaFree(pointer);
        }
        allocations_.clear();
    }

    void copyAll(const ModelTables& tables)
    {
        view_ = tables.scalars;
        view_.orderOffset = copy(tables.orderOffset);
        view_.evenCount = copy(tables.evenCount);
        view_.oddCount = copy(tables.oddCount);
        view_.tableOffset = copy(tables.tableOffset);
        view_.pTable = copy(tables.pTable);
        view_.hTable = copy(tables.hTable);
        view_.pTableT = copy(tables.pTableT);
        view_.hTableT = copy(tables.hTableT);
        view_.order = copy(tables.order);
        view_.degree = copy(tables.degree);
        view_.laplacian = copy(tables.laplacian);
        view_.inverseLaplacian = copy(tables.inverseLaplacian);
        view_.vorticityDiffusion = copy(tables.vorticityDiffusion);
        view_.divergenceDiffusion = copy(tables.divergenceDiffusion);
        view_.surfaceGeopotential = copy(tables.surfaceGeopotential);
        view_.forcingIncrement = tables.forcingIncrement.empty() ? nullptr : copy(tables.forcingIncrement);
        view_.forcingTendency = tables.forcingTendency.empty() ? nullptr : copy(tables.forcingTendency);
        view_.cosLatitude = copy(tables.cosLatitude);
        view_.weights = copy(tables.weights);
        view_.coriolis = copy(tables.coriolis);
        view_.surfaceHeight = copy(tables.surfaceHeight);
    }

    template <class T>
    const T* copy(const std::vector<T>& values)
    {
        void* pointer = nullptr;
        const std::size_t size = std::max<std::size_t>(1, values.size()) * sizeof(T);
        check(cudaMalloc(&pointer, size), device_, "allocating the model's tables");
        allocations_.push_back(pointer);
        bytes_ += size;
        if (!values.empty()) {
            check(cudaMemcpy(pointer, values.data(), values.size() * sizeof(T), cudaMemcpyHostToDevice), device_,
                  "copying the model's tables");
        }
        return static_cast<const T*>(pointer);
    }

    int device_;
    ModelView view_;
    std::vector<void*> allocations_;
    std::size_t bytes_ = 0;
};

int fftRows(const ShallowWaterModel& model, int fields)
{
    return fftChunkMembers * fields * model.grid().nlat;
}

}  // namespace

BatchedFootprint gpuFootprint(const ShallowWaterModel& model)
{
    const ModelTables tables(model);
    BatchedFootprint footprint;
    footprint.fixedBytes =
        (tables.pTable.size() * 4 + tables.coriolis.size() * 2 + tables.order.size() * 8) * sizeof(double);
    // The FFT plans' work areas: cuFFT's estimate, or the size of the data they transform.
    const int n = model.grid().nlon;
    for (const auto& [type, fields] : {std::pair{CUFFT_Z2D, 4}, std::pair{CUFFT_D2Z, 5}}) {
        std::size_t work = 0;
        if (!Cufft::instance().available() ||
            Cufft::instance().api().estimate1d(n, type, fftRows(model, fields), &work) != CUFFT_SUCCESS) {
            work = static_cast<std::size_t>(fftRows(model, fields)) * (n / 2 + 1) * sizeof(Cplx);
        }
        footprint.fixedBytes += work;
    }
    footprint.perSlotBytes = slotStateBytes(model) + slotScratchBytes(model);
    footprint.pinnedPerSlotBytes = slotPinnedBytes(model);
    return footprint;
}

struct GpuModel::Impl {
    const ShallowWaterModel& model;
    int device;
    int capacity;
    bool pattern;
    bool useGraphs;
    int stepsPerGraph;
    std::unique_ptr<DeviceTables> deviceTables;
    CudaExecutor executor;
    std::vector<void*> deviceAllocations;
    long long allocated = 0;
    StateBlock deviceBlock;
    StateBlock hostBlock;  // pinned
    void* hostPinned = nullptr;
    double* hostOutput = nullptr;                           // pinned, [slot][field][point]
    BatchView batch;                                        // device pointers; slots set per call
    std::map<std::pair<int, int>, cudaGraphExec_t> graphs;  // captured steps, by (slots in use, steps)
    int loadedSlots = 0;
    ResidentBatch resident;    // what the device's state block holds
    std::string graphFailure;  // why steps are launched one by one, when capture failed

    Impl(const ShallowWaterModel& m, int d, int c, bool graphsWanted, int graphSteps)
        : model(m),
          device(d),
          capacity(paddedSlots(c)),
          pattern(m.forcing() != nullptr),
          useGraphs(graphsWanted),
          stepsPerGraph(std::max(1, graphSteps))
    {
    }

    ~Impl()
    {
        cudaSetDevice(device);
        if (executor.stream) {
            cudaStreamSynchronize(executor.stream);  // after an error, work may still be in flight
        }
        for (auto& [key, graph] : graphs) {
            cudaGraphExecDestroy(graph);
        }
        if (executor.planned[0]) {
            Cufft::instance().api().destroy(executor.toGrid);
        }
        if (executor.planned[1]) {
            Cufft::instance().api().destroy(executor.toFourier);
        }
        for (void* pointer : deviceAllocations) {
            cudaFree(pointer);
        }
        if (hostPinned) {
            cudaFreeHost(hostPinned);
        }
        if (executor.stream) {
            cudaStreamDestroy(executor.stream);
        }
    }

    void* allocate(std::size_t bytes, const char* what)
    {
        void* pointer = nullptr;
        check(cudaMalloc(&pointer, bytes), device, what);
        deviceAllocations.push_back(pointer);
        allocated += static_cast<long long>(bytes);
        return pointer;
    }

    void setUp()
    {
        const Cufft& cufft = Cufft::instance();
        if (!cufft.available()) {
            throw GpuError("GPU " + std::to_string(device) + ": " + cufft.unavailableReason());
        }
        const Cufft::Api& fft = cufft.api();
        executor.fft = &fft;
        check(cudaSetDevice(device), device, "selecting the device");
        check(cudaStreamCreateWithFlags(&executor.stream, cudaStreamNonBlocking), device, "creating a stream");
        // The host tables are only needed to fill the device's (0.5 GB at T341).
        deviceTables = std::make_unique<DeviceTables>(ModelTables(model), device);
        allocated += static_cast<long long>(deviceTables->bytes());
        executor.model = deviceTables->view();

        const ModelView& view = executor.model;
        int n = view.nlon;
        int embedGrid[] = {n};
        int embedFourier[] = {view.spectrumLength()};
        std::size_t work = 0;
        check(fft.create(&executor.toGrid), device, "creating a cuFFT plan");
        executor.planned[0] = true;
        check(fft.makePlanMany(executor.toGrid, 1, &n, embedFourier, 1, view.spectrumLength(), embedGrid, 1, n,
                               CUFFT_Z2D, fftRows(model, 4), &work),
              device, "planning the Fourier synthesis");
        allocated += static_cast<long long>(work);
        check(fft.setStream(executor.toGrid, executor.stream), device, "binding cuFFT to a stream");
        check(fft.create(&executor.toFourier), device, "creating a cuFFT plan");
        executor.planned[1] = true;
        check(fft.makePlanMany(executor.toFourier, 1, &n, embedGrid, 1, n, embedFourier, 1, view.spectrumLength(),
                               CUFFT_D2Z, fftRows(model, 5), &work),
              device, "planning the Fourier analysis");
        allocated += static_cast<long long>(work);
        check(fft.setStream(executor.toFourier, executor.stream), device, "binding cuFFT to a stream");

        const std::size_t K = static_cast<std::size_t>(view.coefficients);
        const std::size_t slots = static_cast<std::size_t>(capacity);
        const std::size_t points = static_cast<std::size_t>(view.points());
        auto blockOn = [&](auto allocator) {
            StateBlock block;
            block.slots = capacity;
            block.coefficients = view.coefficients;
            block.spectral = static_cast<Cplx*>(allocator(stateArrays * slots * K * sizeof(Cplx)));
            block.keys = static_cast<std::uint32_t*>(allocator(2 * slots * sizeof(std::uint32_t)));
            block.steps = static_cast<long long*>(allocator(slots * sizeof(long long)));
            block.health = static_cast<MemberHealth*>(allocator(slots * sizeof(MemberHealth)));
            return block;
        };
        deviceBlock = blockOn([&](std::size_t bytes) { return allocate(bytes, "allocating the members' states"); });
        attachStates(batch, deviceBlock, pattern);
        batch.extremes = static_cast<MemberExtremes*>(allocate(slots * sizeof(MemberExtremes), "allocating scratch"));
        auto* spectral = static_cast<Cplx*>(
            allocate(physics::slot::count * slots * K * sizeof(Cplx), "allocating spectral scratch"));
        for (int s = 0; s < physics::slot::count; ++s) {
            batch.spectral[s] = spectral + s * slots * K;
        }
        batch.fourier = static_cast<Cplx*>(
            allocate(slots * physics::productGrid::count * view.nlat * view.spectrumLength() * sizeof(Cplx),
                     "allocating Fourier scratch"));
        batch.stateGrids = static_cast<double*>(
            allocate(slots * physics::stateGrid::count * points * sizeof(double), "allocating grids"));
        batch.productGrids = static_cast<double*>(
            allocate(slots * physics::productGrid::count * points * sizeof(double), "allocating grids"));
        batch.outputGrids = static_cast<double*>(allocate(slots * 4 * points * sizeof(double), "allocating grids"));

        // Pinned host staging: the state block's layout, then the output grids (slotPinnedBytes
        // per slot, which gpuFootprint budgets, and the alignment of its 5 arrays).
        check(cudaHostAlloc(&hostPinned, slots * slotPinnedBytes(model) + 5 * 16, cudaHostAllocDefault), device,
              "allocating pinned host memory");
        auto* cursor = static_cast<unsigned char*>(hostPinned);
        hostBlock = blockOn([&](std::size_t bytes) {
            void* pointer = cursor;
            cursor += (bytes + 15) / 16 * 16;
            return pointer;
        });
        hostOutput = reinterpret_cast<double*>(cursor);
    }

    // Queues the copy of the first `slots` slots of one state block into the other; the keys only
    // go to the device (the model never changes them).
    void copySlots(const StateBlock& to, const StateBlock& from, std::size_t slots, cudaMemcpyKind kind,
                   const char* what)
    {
        const std::size_t K = static_cast<std::size_t>(executor.model.coefficients);
        for (int a = 0; a < stateArrays; ++a) {
            check(cudaMemcpyAsync(to.array(a), from.array(a), slots * K * sizeof(Cplx), kind, executor.stream), device,
                  what);
        }
        if (kind == cudaMemcpyHostToDevice) {
            check(cudaMemcpyAsync(to.keys, from.keys, 2 * slots * sizeof(std::uint32_t), kind, executor.stream), device,
                  what);
        }
        check(cudaMemcpyAsync(to.steps, from.steps, slots * sizeof(long long), kind, executor.stream), device, what);
        check(cudaMemcpyAsync(to.health, from.health, slots * sizeof(MemberHealth), kind, executor.stream), device,
              what);
    }

    // Copies the members' states to the device, slots 0 … n − 1 (the rest of their chunk idles),
    // unless the device holds them already.
    // With `keep` the members count as held afterwards (not when the caller is about to step them).
    void load(std::span<MemberState* const> members, bool keep)
    {
        const int slots = paddedSlots(static_cast<int>(members.size()));
        if (!resident.holds(members)) {
            resident.forget();  // until the copy is done
            packStates(members, hostBlock, pattern);
            copySlots(deviceBlock, hostBlock, static_cast<std::size_t>(slots), cudaMemcpyHostToDevice,
                      "copying states to the device");
            if (keep) {
                resident.remember(members);
            }
        }
        batch.slots = slots;
        executor.forEach(slots, ClearExtremes{batch.extremes});
        check(cudaGetLastError(), device, "launching a kernel");
        loadedSlots = slots;
    }

    // For the bench: every member at once, or a GpuError saying what did not fit.
    void loadAll(std::span<MemberState* const> members, const char* purpose)
    {
        check(cudaSetDevice(device), device, "selecting the device");
        if (members.size() > static_cast<std::size_t>(capacity)) {
            throw GpuError(std::string(purpose) + " " + std::to_string(members.size()) +
                           " members on a model with room for " + std::to_string(capacity));
        }
        load(members, false);
        resident.forget();  // the bench's steps are not copied back into the members
    }

    // Copies the members' states and health back to the host staging and waits for the device.
    void unload(std::size_t members)
    {
        copySlots(hostBlock, deviceBlock, members, cudaMemcpyDeviceToHost, "copying states from the device");
        check(cudaStreamSynchronize(executor.stream), device, "running the model");
    }

    void checkFft(const char* what) { check(std::exchange(executor.fftStatus, CUFFT_SUCCESS), device, what); }

    // A graph of `count` steps of the loaded slots, captured on first use; null (with
    // graphFailure saying why) when capture fails.
    cudaGraphExec_t graphOf(int count)
    {
        const std::pair<int, int> key{loadedSlots, count};
        if (const auto found = graphs.find(key); found != graphs.end()) {
            return found->second;
        }
        cudaGraph_t graph = nullptr;
        cudaGraphExec_t instance = nullptr;
        auto failed = [this](const char* what, cudaError_t error) {
            graphFailure = std::string(what) + ": " + cudaGetErrorName(error);
            return false;
        };
        bool captured = true;
        if (const cudaError_t error = cudaStreamBeginCapture(executor.stream, cudaStreamCaptureModeThreadLocal);
            error != cudaSuccess) {
            captured = failed("cudaStreamBeginCapture", error);
        }
        if (captured) {
            for (int n = 0; n < count; ++n) {
                stepBatch(executor, executor.model, batch);
            }
            if (const cudaError_t error = cudaStreamEndCapture(executor.stream, &graph);
                error != cudaSuccess || graph == nullptr) {
                captured = failed("cudaStreamEndCapture", error);
            }
            if (const cufftResult result = std::exchange(executor.fftStatus, CUFFT_SUCCESS); result != CUFFT_SUCCESS) {
                graphFailure = "cuFFT under capture: " + cufftErrorName(result);
                captured = false;
            }
        }
        if (captured) {
            if (const cudaError_t error = cudaGraphInstantiate(&instance, graph, 0); error != cudaSuccess) {
                captured = failed("cudaGraphInstantiate", error);
            }
        }
        if (graph) {
            cudaGraphDestroy(graph);
        }
        if (!captured) {
            cudaGetLastError();
            return nullptr;
        }
        graphs.emplace(key, instance);
        return instance;
    }

    // `steps` steps of the loaded slots: whole graphs of stepsPerGraph steps, then one graph of
    // the rest (each captured on first use), or kernel by kernel when graphs are off or capture
    // failed.
    void enqueueSteps(int steps)
    {
        if (steps <= 0) {
            return;
        }
        if (useGraphs && graphs.empty()) {
            // One step outside capture first: lazily loaded kernels, ours and cuFFT's, load here
            // rather than inside a capture (which that would invalidate).
            stepBatch(executor, executor.model, batch);
            check(cudaGetLastError(), device, "launching a kernel");
            checkFft("running cuFFT");
            --steps;
        }
        while (useGraphs && steps > 0) {
            const int count = std::min(steps, stepsPerGraph);
            const cudaGraphExec_t graph = graphOf(count);
            if (!graph) {
                useGraphs = false;  // capture is an optimisation: launch each kernel instead
                break;
            }
            check(cudaGraphLaunch(graph, executor.stream), device, "launching steps");
            steps -= count;
        }
        for (int n = 0; n < steps; ++n) {
            stepBatch(executor, executor.model, batch);
        }
        check(cudaGetLastError(), device, "launching a kernel");
        checkFft("running cuFFT");
    }
};

GpuModel::GpuModel(const ShallowWaterModel& model, int device, int capacity, bool useGraphs, int stepsPerGraph)
    : impl_(std::make_unique<Impl>(model, device, capacity, useGraphs, stepsPerGraph))
{
    impl_->setUp();
}

GpuModel::~GpuModel() = default;

int GpuModel::capacity() const
{
    return impl_->capacity;
}

int GpuModel::device() const
{
    return impl_->device;
}

long long GpuModel::allocatedBytes() const
{
    return impl_->allocated;
}

std::uint64_t GpuModel::hashState(const MemberState& member) const
{
    return stateHash(member);
}

bool GpuModel::usesGraphs() const
{
    return impl_->useGraphs;
}

int GpuModel::stepsPerGraph() const
{
    return impl_->stepsPerGraph;
}

const std::string& GpuModel::graphFailure() const
{
    return impl_->graphFailure;
}

std::vector<MemberBlowUp> GpuModel::advance(std::span<MemberState* const> members, int steps)
{
    Impl& impl = *impl_;
    check(cudaSetDevice(impl.device), impl.device, "selecting the device");
    std::vector<MemberBlowUp> blowUps;
    const std::size_t capacity = static_cast<std::size_t>(impl.capacity);
    for (std::size_t first = 0; first < members.size(); first += capacity) {
        const auto part = members.subspan(first, std::min(members.size() - first, capacity));
        impl.load(part, false);
        impl.resident.forget();  // the steps change the device's states
        impl.enqueueSteps(steps);
        impl.unload(part.size());
        unpackStates(impl.hostBlock, part, impl.pattern);
        impl.resident.remember(part);
        collectBlowUps(impl.hostBlock.health, part.size(), first, impl.model, blowUps);
    }
    return blowUps;
}

std::vector<GridFields> GpuModel::fields(std::span<MemberState* const> members)
{
    Impl& impl = *impl_;
    check(cudaSetDevice(impl.device), impl.device, "selecting the device");
    std::vector<GridFields> result;
    const std::size_t capacity = static_cast<std::size_t>(impl.capacity);
    const std::size_t points = static_cast<std::size_t>(impl.executor.model.points());
    for (std::size_t first = 0; first < members.size(); first += capacity) {
        const auto part = members.subspan(first, std::min(members.size() - first, capacity));
        impl.load(part, true);
        outputFields(impl.executor, impl.executor.model, impl.batch);
        check(cudaGetLastError(), impl.device, "launching a kernel");
        impl.checkFft("running cuFFT");
        check(cudaMemcpyAsync(impl.hostOutput, impl.batch.outputGrids, part.size() * 4 * points * sizeof(double),
                              cudaMemcpyDeviceToHost, impl.executor.stream),
              impl.device, "copying output fields from the device");
        check(cudaStreamSynchronize(impl.executor.stream), impl.device, "computing output fields");
        for (std::size_t k = 0; k < part.size(); ++k) {
            result.push_back(slotFields(impl.hostOutput, k, points));
        }
    }
    return result;
}

double GpuModel::timeSteps(std::span<MemberState* const> members, int warmup, int steps)
{
    Impl& impl = *impl_;
    impl.loadAll(members, "timing");
    impl.enqueueSteps(std::max(1, warmup));  // a graph is captured then, outside the timed steps
    cudaEvent_t start = nullptr;
    cudaEvent_t stop = nullptr;
    check(cudaEventCreate(&start), impl.device, "creating an event");
    check(cudaEventCreate(&stop), impl.device, "creating an event");
    cudaEventRecord(start, impl.executor.stream);
    impl.enqueueSteps(steps);
    cudaEventRecord(stop, impl.executor.stream);
    const cudaError_t done = cudaEventSynchronize(stop);
    float milliseconds = 0.0f;
    cudaEventElapsedTime(&milliseconds, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    check(done, impl.device, "running the timed steps");
    impl.checkFft("running cuFFT");
    // A member that stopped would skip its updates and make the step look faster.
    impl.unload(members.size());
    for (std::size_t k = 0; k < members.size(); ++k) {
        if (impl.hostBlock.health[k].reason != physics::healthy) {
            throw GpuError("member " + std::to_string(k) +
                           " stopped while being timed: " + blowUpMessage(impl.hostBlock.health[k], impl.model));
        }
    }
    return static_cast<double>(milliseconds) / std::max(1, steps);
}

std::vector<std::pair<std::string, double>> GpuModel::profileStep(std::span<MemberState* const> members)
{
    Impl& impl = *impl_;
    impl.loadAll(members, "profiling");
    impl.enqueueSteps(3);
    std::vector<std::pair<std::string, cudaEvent_t>> timeline;
    impl.executor.timeline = &timeline;
    // The profiler's range: `ncu --profile-from-start off` measures this step's kernels only.
    cudaProfilerStart();
    impl.executor.mark("start");
    stepBatch(impl.executor, impl.executor.model, impl.batch);
    cudaProfilerStop();
    impl.executor.timeline = nullptr;
    impl.checkFft("running cuFFT");
    const cudaError_t done = cudaStreamSynchronize(impl.executor.stream);
    std::vector<std::pair<std::string, double>> phases;
    for (std::size_t k = 1; k < timeline.size(); ++k) {
        float milliseconds = 0.0f;
        cudaEventElapsedTime(&milliseconds, timeline[k - 1].second, timeline[k].second);
        auto found = std::find_if(phases.begin(), phases.end(),
                                  [&](const auto& phase) { return phase.first == timeline[k].first; });
        if (found == phases.end()) {
            phases.emplace_back(timeline[k].first, milliseconds);
        } else {
            found->second += milliseconds;
        }
    }
    for (auto& [label, event] : timeline) {
        cudaEventDestroy(event);
    }
    check(done, impl.device, "the profiled step");
    return phases;
}

double measureCopyBandwidth(int device)
{
    check(cudaSetDevice(device), device, "selecting the device");
    const std::size_t bytes = std::size_t{256} << 20;
    void* source = nullptr;
    void* target = nullptr;
    check(cudaMalloc(&source, bytes), device, "allocating the bandwidth test");
    if (const cudaError_t error = cudaMalloc(&target, bytes); error != cudaSuccess) {
        cudaFree(source);
        check(error, device, "allocating the bandwidth test");
    }
    cudaEvent_t start = nullptr;
    cudaEvent_t stop = nullptr;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    cudaMemcpy(target, source, bytes, cudaMemcpyDeviceToDevice);  // warm-up
    constexpr int repeats = 10;
    cudaEventRecord(start);
    for (int r = 0; r < repeats; ++r) {
        cudaMemcpyAsync(target, source, bytes, cudaMemcpyDeviceToDevice);
    }
    cudaEventRecord(stop);
    const cudaError_t done = cudaEventSynchronize(stop);
    float milliseconds = 0.0f;
    cudaEventElapsedTime(&milliseconds, start, stop);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    cudaFree(source);
    cudaFree(target);
    check(done, device, "the bandwidth test");
    return 2.0 * static_cast<double>(bytes) * repeats / (milliseconds * 1e-3);
}

}  // namespace spreadcast::gpu
