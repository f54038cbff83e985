#include "GpuDevice.h"

#include "Cufft.h"
#include "GpuBackend.h"
#include "GpuModel.h"
#include "ModelTables.h"
#include "NvmlSampler.h"
#include "run/InputError.h"
#include "run/WorkQueue.h"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <unordered_map>

namespace spreadcast::gpu {
namespace {

using Clock = std::chrono::steady_clock;

const ShallowWaterModel* shallowWaterModel(const ForecastModel& model)
{
    return dynamic_cast<const ShallowWaterModel*>(&model);
}

// The current level of a state, hashed: output fields cached for a state are only reused for the
// very same contents.
std::uint64_t contentHash(const MemberState& member)
{
    const auto& state = dynamic_cast<const ShallowWaterState&>(member);
    XXH3_state_t* hasher = XXH3_createState();
    XXH3_64bits_reset(hasher);
    for (const SpectralCoefficients* array :
         {&state.current.vorticity, &state.current.divergence, &state.current.geopotential}) {
        XXH3_64bits_update(hasher, array->data(), array->size() * sizeof(Complex));
    }
    XXH3_64bits_update(hasher, &state.step, sizeof state.step);
    const std::uint64_t hash = XXH3_64bits_digest(hasher);
    XXH3_freeState(hasher);
    return hash;
}

class GpuWorker : public DeviceWorker {
public:
    GpuWorker(const ShallowWaterModel& model, const GpuDescription& gpu, std::string name, int batch)
        : name_(std::move(name)), gpuName_(gpu.name), sampler_(gpu.index)
    {
        // Free memory may have shrunk since the batch was sized (another worker, another process):
        // halve the batch until it fits, down to one FFT chunk.
        for (int capacity = batch;; capacity = std::max(fftChunkMembers, capacity / 2)) {
            try {
                model_ = std::make_unique<GpuModel>(model, gpu.index, capacity);
                break;
            } catch (const GpuError& error) {
                if (capacity <= fftChunkMembers) {
                    throw DeviceFault(label() + " could not start: " + error.what());
                }
            }
        }
        inUse_ = peak_ = model_->allocatedBytes();
    }

    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override
    {
        const auto start = Clock::now();
        cache_.clear();
        try {
            auto blowUps = model_->advance(members, steps);
            lastBatch_.assign(members.begin(), members.end());
            addBusy(start);
            return blowUps;
        } catch (const GpuError& error) {
            throw DeviceFault(label() + ": " + error.what());
        }
    }

    GridFields fields(const MemberState& member) override
    {
        const std::uint64_t hash = contentHash(member);
        if (auto found = cache_.find(&member); found != cache_.end() && found->second.hash == hash) {
            GridFields fields = std::move(found->second.fields);
            cache_.erase(found);
            return fields;
        }
        // Output times come for a whole batch: compute every member of the last one at once.
        std::vector<MemberState*> batch;
        if (std::find(lastBatch_.begin(), lastBatch_.end(), &member) != lastBatch_.end()) {
            batch = lastBatch_;
        } else {
            batch = {const_cast<MemberState*>(&member)};  // only read: states are copied to the device
        }
        const auto start = Clock::now();
        std::vector<GridFields> computed;
        try {
            computed = model_->fields(batch);
        } catch (const GpuError& error) {
            throw DeviceFault(label() + ": " + error.what());
        }
        addBusy(start);
        GridFields result;
        for (std::size_t k = 0; k < batch.size(); ++k) {
            if (batch[k] == &member) {
                result = std::move(computed[k]);
            } else {
                cache_[batch[k]] = {contentHash(*batch[k]), std::move(computed[k])};
            }
        }
        lastBatch_.erase(std::remove(lastBatch_.begin(), lastBatch_.end(), &member), lastBatch_.end());
        return result;
    }

    // A call queues its steps on the device without waiting: the longer, the less the fixed cost
    // of copying the states in and out counts.
    int preferredSteps() const override { return 1 << 20; }

    DeviceMeasures measures() const override
    {
        DeviceMeasures measures;
        {
            std::lock_guard lock(mutex_);
            measures.memoryInUseBytes = inUse_;
            measures.peakMemoryBytes = peak_;
            measures.busySeconds = busySeconds_;
        }
        if (const auto sample = sampler_.latest()) {
            measures.utilizationPercent = sample->utilizationPercent;
            measures.temperatureCelsius = sample->temperatureCelsius;
            measures.powerWatts = sample->powerWatts;
        }
        return measures;
    }

    void holdMembers(int count) override
    {
        if (count == 0) {
            cache_.clear();
            lastBatch_.clear();
        }
    }

private:
    struct CachedFields {
        std::uint64_t hash = 0;
        GridFields fields;
    };

    std::string label() const { return name_ + " (" + gpuName_ + ")"; }
    void addBusy(Clock::time_point start)
    {
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        std::lock_guard lock(mutex_);
        busySeconds_ += seconds;
    }

    std::string name_;
    std::string gpuName_;
    NvmlSampler sampler_;
    std::unique_ptr<GpuModel> model_;
    std::vector<MemberState*> lastBatch_;
    std::unordered_map<const MemberState*, CachedFields> cache_;
    mutable std::mutex mutex_;
    long long inUse_ = 0;
    long long peak_ = 0;
    double busySeconds_ = 0.0;
};

class GpuDevice : public Device {
public:
    GpuDevice(GpuDescription gpu, int worker, int batch, int hostShare)
        : gpu_(std::move(gpu)), worker_(worker), batch_(batch), hostShare_(std::max(1, hostShare))
    {
    }
    std::string name() const override
    {
        std::string name = "gpu/";
        name += std::to_string(gpu_.index);
        if (worker_ > 0) {
            name += '.';
            name += std::to_string(worker_);
        }
        return name;
    }
    std::string backend() const override { return "cuda"; }
    // States and checkpoints live in host memory between calls; the device's own memory is
    // budgeted in preferredBatch().
    long long availableMemoryBytes() const override { return availableHostMemoryBytes() / hostShare_; }
    int preferredBatch() const override { return batch_; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override
    {
        const ShallowWaterModel* shallowWater = shallowWaterModel(model);
        if (shallowWater == nullptr) {
            throw DeviceFault(name() + ": the GPU backend runs the spectral shallow-water model only");
        }
        return std::make_unique<GpuWorker>(*shallowWater, gpu_, name(), batch_);
    }

private:
    GpuDescription gpu_;
    int worker_;
    int batch_;
    int hostShare_;
};

std::string mebibytes(double bytes)
{
    return std::to_string(static_cast<long long>(bytes / (1 << 20))) + " MiB";
}

}  // namespace

std::unique_ptr<Device> makeGpuDevice(const GpuDescription& gpu, int worker, int batch)
{
    return std::make_unique<GpuDevice>(gpu, worker, batch, 1);
}

std::vector<std::unique_ptr<Device>> makeGpuDevices(const std::vector<int>& selected, const ForecastModel& model,
                                                    std::vector<std::string>& notes)
{
    std::vector<std::unique_ptr<Device>> devices;
    const GpuInventory inventory = discoverCudaGpus();
    if (inventory.gpus.empty()) {
        for (const std::string& note : inventory.notes) {
            // The libraries' notes say nothing about why there is no GPU.
            if (note.find("NVML") == std::string::npos && note.find("NCCL") == std::string::npos &&
                note.find("cuFFT") == std::string::npos) {
                notes.push_back(note);
            }
        }
        if (notes.empty()) {
            notes.push_back("no GPU found");
        }
        return devices;
    }
    const ShallowWaterModel* shallowWater = shallowWaterModel(model);
    if (shallowWater == nullptr) {
        notes.push_back("the GPU backend runs the spectral shallow-water model only");
        return devices;
    }
    if (const Cufft& cufft = Cufft::instance(); !cufft.available()) {
        notes.push_back("the GPU forecast model needs cuFFT: " + cufft.unavailableReason());
        return devices;
    }
    std::vector<int> wanted = selected;
    if (wanted.empty()) {
        for (const GpuDescription& gpu : inventory.gpus) {
            wanted.push_back(gpu.index);
        }
    }
    std::map<int, int> workersOn;
    for (int index : wanted) {
        const auto found = std::find_if(inventory.gpus.begin(), inventory.gpus.end(),
                                        [index](const GpuDescription& gpu) { return gpu.index == index; });
        if (found == inventory.gpus.end()) {
            std::string usable;
            for (const GpuDescription& gpu : inventory.gpus) {
                usable += (usable.empty() ? "" : ", ") + std::to_string(gpu.index);
            }
            throw InputError("--devices gpu:" + std::to_string(index) + ": there is no usable GPU " +
                             std::to_string(index) + " (usable: " + usable +
                             "); see `spreadcast-cli devices` for why others are skipped");
        }
        ++workersOn[index];
    }
    const GpuFootprint footprint = gpuFootprint(*shallowWater);
    std::map<int, int> workerNumber;
    for (int index : wanted) {
        const GpuDescription& gpu = *std::find_if(inventory.gpus.begin(), inventory.gpus.end(),
                                                  [index](const GpuDescription& g) { return g.index == index; });
        // Workers on one GPU share its free memory; a tenth is left for the driver and others.
        const double share = 0.9 * static_cast<double>(gpu.freeMemoryBytes) / workersOn[index];
        const double room = share - static_cast<double>(footprint.fixedBytes);
        const long long fit = room > 0 ? static_cast<long long>(room / static_cast<double>(footprint.perSlotBytes)) : 0;
        const int batch =
            static_cast<int>(std::min<long long>(maximumGpuBatch, fit / fftChunkMembers * fftChunkMembers));
        if (batch < fftChunkMembers) {
            notes.push_back("GPU " + std::to_string(index) + " (" + gpu.name + ") has " +
                            mebibytes(static_cast<double>(gpu.freeMemoryBytes)) + " free; " +
                            std::to_string(fftChunkMembers) + " members of this forecast need " +
                            mebibytes(static_cast<double>(footprint.fixedBytes) +
                                      fftChunkMembers * static_cast<double>(footprint.perSlotBytes)) +
                            (workersOn[index] > 1 ? " per worker" : ""));
            continue;
        }
        devices.push_back(
            std::make_unique<GpuDevice>(gpu, workerNumber[index]++, batch, static_cast<int>(wanted.size())));
    }
    return devices;
}

}  // namespace spreadcast::gpu
