#pragma once

#include "Nvml.h"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace spreadcast::gpu {

// One reading of a GPU through NVML. Negative where NVML could not tell (a driver without the
// entry point, a board without the sensor).
struct GpuSample {
    std::chrono::steady_clock::time_point takenAt;
    double utilizationPercent = -1.0;  // share of the last sample period a kernel ran, 0 … 100
    long long memoryUsedBytes = -1;    // by every process on the GPU, not only this one
    long long memoryTotalBytes = -1;
    double temperatureCelsius = -1.0;  // the die's sensor
    double powerWatts = -1.0;          // the board's draw
};

// Samples one CUDA device's load through NVML a few times a second on a thread of its own, so
// that telemetry never waits on the driver; the latest sample is kept. Without NVML, or when
// NVML does not know the device, it starts no thread and latest() stays empty. Thread-safe;
// the destructor stops the thread at once, even in the middle of its wait.
class NvmlSampler {
public:
    static constexpr double defaultHertz = 4.0;

    // The device as the CUDA runtime numbers it; matched to NVML's by PCI bus id, which holds
    // when CUDA_VISIBLE_DEVICES renumbers the devices.
    explicit NvmlSampler(int cudaDevice, double hertz = defaultHertz);
    ~NvmlSampler();

    NvmlSampler(const NvmlSampler&) = delete;
    NvmlSampler& operator=(const NvmlSampler&) = delete;

    std::optional<GpuSample> latest() const;
    bool sampling() const { return thread_.joinable(); }
    // Why there is no sampling (NVML missing, device unknown to it, …); empty while sampling.
    const std::string& unavailableReason() const { return unavailableReason_; }

private:
    void sampleUntilStopped();
    std::optional<GpuSample> read() const;

    Nvml::Device device_ = nullptr;
    std::chrono::steady_clock::duration period_;
    std::string unavailableReason_;
    mutable std::mutex mutex_;
    std::condition_variable stopRequested_;
    bool stopping_ = false;
    std::optional<GpuSample> latest_;
    std::thread thread_;
};

}  // namespace spreadcast::gpu
