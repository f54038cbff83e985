#include "GpuDevice.h"

#include "BatchedExecutors.h"
#include "GpuBackend.h"
#include "GpuError.h"
#include "NvmlSampler.h"
#include "graphcast/GraphCastExecutors.h"
#include "run/InputError.h"
#include "run/WorkQueue.h"
#include "shallowwater/ShallowWaterExecutors.h"

#include <algorithm>
#include <map>
#include <mutex>

namespace spreadcast::gpu {
namespace {

// The CUDA executors of the models this build has, one line per model folder.
void registerBuiltinGpuExecutors()
{
    static std::once_flag once;
    std::call_once(once, [] {
        registerShallowWaterGpuExecutor();
        registerGraphCastGpuExecutor();
    });
}

std::string noExecutorNote(const ForecastModel& model)
{
    return "the GPU backend has no batched executor for the model '" + model.name() + "'";
}

class GpuDevice : public Device {
public:
    GpuDevice(GpuDescription gpu, int worker, int batch, int hostShare, long long pinnedBytes)
        : gpu_(std::move(gpu)),
          worker_(worker),
          batch_(batch),
          hostShare_(std::max(1, hostShare)),
          pinnedBytes_(pinnedBytes)
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
    // States and checkpoints live in host memory between calls, beside the pinned staging the
    // worker's model will lock (asked before the model is made); the device's own memory is
    // budgeted in preferredBatch().
    long long availableMemoryBytes() const override
    {
        return std::max(0LL, availableHostMemoryBytes() / hostShare_ - pinnedBytes_);
    }
    int preferredBatch() const override { return batch_; }
    std::unique_ptr<DeviceWorker> attach(const ForecastModel& model) override
    {
        registerBuiltinGpuExecutors();
        const std::string label = name() + " (" + gpu_.name + ")";
        const std::optional<GpuBatchedExecutor> executor = gpuBatchedExecutor(model.name());
        if (!executor) {
            throw DeviceFault(label + ": " + noExecutorNote(model));
        }
        // Free memory may have shrunk since the batch was sized (another worker, another
        // process): halve the batch until it fits, down to the executor's smallest batch — unless
        // its batch takes no device memory of its own (perSlotBytes 0), when a smaller one cannot help.
        const int smallest =
            executor->footprint(model).perSlotBytes == 0 ? batch_ : std::max(1, executor->batchGranularity);
        std::unique_ptr<BatchedModel> gpuModel;
        for (int capacity = batch_; !gpuModel; capacity = std::max(smallest, capacity / 2)) {
            try {
                gpuModel = executor->make(model, gpu_.index, capacity);
            } catch (const GpuError& error) {
                if (!error.outOfMemory() || capacity <= smallest) {
                    throw DeviceFault(label + " could not start: " + error.what());
                }
            }
        }
        auto sampler = std::make_shared<NvmlSampler>(gpu_.index);
        auto readings = [sampler](DeviceMeasures& measures) {
            if (const auto sample = sampler->latest()) {
                measures.utilizationPercent = sample->utilizationPercent;
                measures.temperatureCelsius = sample->temperatureCelsius;
                measures.powerWatts = sample->powerWatts;
            }
        };
        return std::make_unique<BatchedWorker>(std::move(gpuModel), label, readings);
    }

private:
    GpuDescription gpu_;
    int worker_;
    int batch_;
    int hostShare_;
    long long pinnedBytes_;
};

std::string mebibytes(double bytes)
{
    return std::to_string(static_cast<long long>(bytes / (1 << 20))) + " MiB";
}

}  // namespace

std::unique_ptr<Device> makeGpuDevice(const GpuDescription& gpu, int worker, int batch)
{
    return std::make_unique<GpuDevice>(gpu, worker, batch, 1, 0);
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
    registerBuiltinGpuExecutors();
    const std::optional<GpuBatchedExecutor> executor = gpuBatchedExecutor(model.name());
    if (!executor) {
        notes.push_back(noExecutorNote(model));
        return devices;
    }
    if (executor->unavailableReason) {
        if (const std::string why = executor->unavailableReason(); !why.empty()) {
            notes.push_back(why);
            return devices;
        }
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
    // GPUs of one architecture only: others run other kernels (their own SASS, cuFFT's choices),
    // so a member retried or copied there would differ in its last bits from its first copy.
    auto describe = [&](int index) -> const GpuDescription& {
        return *std::find_if(inventory.gpus.begin(), inventory.gpus.end(),
                             [index](const GpuDescription& g) { return g.index == index; });
    };
    auto architecture = [](const GpuDescription& gpu) {
        return "sm_" + std::to_string(gpu.computeCapabilityMajor) + std::to_string(gpu.computeCapabilityMinor);
    };
    // An explicit selection follows its first GPU; otherwise the architecture most GPUs have.
    std::map<std::string, int> architectures;
    for (int index : wanted) {
        ++architectures[architecture(describe(index))];
    }
    const std::string runArchitecture =
        !selected.empty()
            ? architecture(describe(wanted.front()))
            : std::max_element(architectures.begin(), architectures.end(), [](const auto& a, const auto& b) {
                  return a.second < b.second;
              })->first;
    std::vector<int> sameArchitecture;
    for (int index : wanted) {
        const GpuDescription& gpu = describe(index);
        if (architecture(gpu) == runArchitecture) {
            sameArchitecture.push_back(index);
            continue;
        }
        const std::string why = "GPU " + std::to_string(index) + " (" + gpu.name + ", " + architecture(gpu) +
                                ") is not " + runArchitecture +
                                ": a run uses GPUs of one architecture, whose results agree bit for bit";
        if (!selected.empty()) {
            throw InputError("--devices: " + why + "; select GPUs of one kind");
        }
        notes.push_back(why + "; it is left out");
    }
    wanted = sameArchitecture;
    const BatchedFootprint footprint = executor->footprint(model);
    const int granularity = std::max(1, executor->batchGranularity);
    // The workers' pinned staging comes out of host memory, which cannot page it out: at most
    // half of a worker's share, the rest is for the members' states and checkpoints.
    const double hostShare =
        static_cast<double>(availableHostMemoryBytes()) / static_cast<double>(std::max<std::size_t>(1, wanted.size()));
    const long long pinnedFit =
        footprint.pinnedPerSlotBytes > 0
            ? static_cast<long long>(0.5 * hostShare / static_cast<double>(footprint.pinnedPerSlotBytes))
            : maximumGpuBatch;
    std::map<int, int> workerNumber;
    for (int index : wanted) {
        const GpuDescription& gpu = describe(index);
        // Workers on one GPU share its free memory; a tenth is left for the driver and others.
        const double share = 0.9 * static_cast<double>(gpu.freeMemoryBytes) / workersOn[index];
        const double room = share - static_cast<double>(footprint.fixedBytes);
        // A model whose members pass in turn through its fixed buffers fits any batch once those fit.
        const long long fit = room <= 0 ? 0
                              : footprint.perSlotBytes == 0
                                  ? maximumGpuBatch
                                  : static_cast<long long>(room / static_cast<double>(footprint.perSlotBytes));
        const long long fitBoth = std::min(fit, pinnedFit);
        const int batch = static_cast<int>(std::min<long long>(maximumGpuBatch, fitBoth / granularity * granularity));
        if (pinnedFit < std::min<long long>(fit, maximumGpuBatch) && batch >= granularity) {
            notes.push_back("GPU " + std::to_string(index) + ": batches of " + std::to_string(batch) +
                            ", as many as half its worker's share of host memory (" + mebibytes(hostShare) +
                            ") holds in pinned staging");
        }
        if (batch < granularity && fit >= granularity) {
            notes.push_back("GPU " + std::to_string(index) + " (" + gpu.name +
                            "): half its worker's share of host "
                            "memory (" +
                            mebibytes(hostShare) + ") cannot hold the pinned staging of " +
                            std::to_string(granularity) + " members (" +
                            mebibytes(granularity * static_cast<double>(footprint.pinnedPerSlotBytes)) +
                            "); free host memory or use fewer GPU workers");
            continue;
        }
        if (batch < granularity) {
            notes.push_back("GPU " + std::to_string(index) + " (" + gpu.name + ") has " +
                            mebibytes(static_cast<double>(gpu.freeMemoryBytes)) + " free; " +
                            std::to_string(granularity) + (granularity == 1 ? " member" : " members") +
                            " of this forecast need " +
                            mebibytes(static_cast<double>(footprint.fixedBytes) +
                                      granularity * static_cast<double>(footprint.perSlotBytes)) +
                            (workersOn[index] > 1 ? " per worker" : ""));
            continue;
        }
        devices.push_back(std::make_unique<GpuDevice>(
            gpu, workerNumber[index]++, batch, static_cast<int>(wanted.size()),
            static_cast<long long>(static_cast<std::size_t>(batch) * footprint.pinnedPerSlotBytes)));
    }
    return devices;
}

}  // namespace spreadcast::gpu
