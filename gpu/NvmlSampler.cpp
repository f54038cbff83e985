#include "NvmlSampler.h"

#include <cuda_runtime_api.h>

#include <array>
#include <system_error>

namespace spreadcast::gpu {
namespace {

// cudaDeviceGetPCIBusId writes "domain:bus:device.function", 13 characters with the NUL.
constexpr int pciBusIdBufferSize = 32;

}  // namespace

NvmlSampler::NvmlSampler(int cudaDevice, double hertz)
    : period_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(1.0 / (hertz > 0.0 ? hertz : defaultHertz))))
{
    const Nvml& nvml = Nvml::instance();
    const std::string label = "GPU " + std::to_string(cudaDevice);
    if (!nvml.available()) {
        unavailableReason_ = "NVML not available: " + nvml.unavailableReason();
        return;
    }
    std::array<char, pciBusIdBufferSize> pciBusId{};
    if (const cudaError_t error = cudaDeviceGetPCIBusId(pciBusId.data(), pciBusIdBufferSize, cudaDevice);
        error != cudaSuccess) {
        cudaGetLastError();
        unavailableReason_ = "CUDA cannot give the PCI bus id of " + label + " (" + cudaGetErrorName(error) + ": " +
                             cudaGetErrorString(error) + ")";
        return;
    }
    const std::optional<Nvml::Device> device = nvml.deviceByPciBusId(pciBusId.data());
    if (!device) {
        unavailableReason_ = "NVML does not know " + label + " (PCI bus id " + pciBusId.data() + ")";
        return;
    }
    device_ = *device;
    try {
        thread_ = std::thread([this] { sampleUntilStopped(); });
    } catch (const std::system_error& error) {
        unavailableReason_ = "no thread to sample " + label + " on (" + error.what() + ")";
    }
}

NvmlSampler::~NvmlSampler()
{
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stopRequested_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

std::optional<GpuSample> NvmlSampler::latest() const
{
    std::lock_guard lock(mutex_);
    return latest_;
}

void NvmlSampler::sampleUntilStopped()
{
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        lock.unlock();
        // NVML's calls take a while (they ask the driver); the lock is not held meanwhile.
        std::optional<GpuSample> sample = read();
        lock.lock();
        if (sample)
            latest_ = std::move(sample);
        stopRequested_.wait_for(lock, period_, [this] { return stopping_; });
    }
}

std::optional<GpuSample> NvmlSampler::read() const
{
    const Nvml& nvml = Nvml::instance();
    GpuSample sample;
    sample.takenAt = std::chrono::steady_clock::now();
    bool any = false;
    if (const auto utilization = nvml.utilization(device_)) {
        sample.utilizationPercent = utilization->gpuPercent;
        any = true;
    }
    if (const auto memory = nvml.memory(device_)) {
        sample.memoryUsedBytes = static_cast<long long>(memory->usedBytes);
        sample.memoryTotalBytes = static_cast<long long>(memory->totalBytes);
        any = true;
    }
    if (const auto celsius = nvml.temperatureCelsius(device_)) {
        sample.temperatureCelsius = *celsius;
        any = true;
    }
    if (const auto watts = nvml.powerWatts(device_)) {
        sample.powerWatts = *watts;
        any = true;
    }
    if (!any)
        return std::nullopt;
    return sample;
}

}  // namespace spreadcast::gpu
