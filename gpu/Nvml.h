#pragma once

#include "DynamicLibrary.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

// NVML's own handle type (nvml.h spells it the same way), so code that later includes nvml.h agrees.
struct nvmlDevice_st;

namespace spreadcast::gpu {

struct GpuUtilization {
    unsigned int gpuPercent = 0;     // share of the last sample period a kernel was running
    unsigned int memoryPercent = 0;  // share of it device memory was being read or written
};

struct GpuMemoryUse {
    std::uint64_t totalBytes = 0;
    std::uint64_t freeBytes = 0;
    std::uint64_t usedBytes = 0;
};

// NVML, the driver's management library, loaded at run time (libnvidia-ml.so.1 ships with the
// driver, not with CUDA), so that a binary starts without it; used for telemetry only. Loaded and
// initialised once per process on first use and kept for the life of the process. Thread-safe.
class Nvml {
public:
    using Device = nvmlDevice_st*;

    static const Nvml& instance();

    bool available() const { return available_; }
    // Why NVML cannot be used (library not found, nvmlInit failed, …); empty when available.
    const std::string& unavailableReason() const { return unavailableReason_; }
    const std::string& libraryPath() const { return library_.path(); }
    // The kernel driver's version, e.g. "580.65.06"; empty when unavailable.
    const std::string& driverVersion() const { return driverVersion_; }

    // The NVML device of a CUDA device, matched by PCI bus id (cudaDeviceGetPCIBusId), which stays
    // right when CUDA_VISIBLE_DEVICES renumbers the devices CUDA sees.
    std::optional<Device> deviceByPciBusId(const std::string& pciBusId) const;
    std::optional<GpuUtilization> utilization(Device device) const;
    std::optional<GpuMemoryUse> memory(Device device) const;
    // The GPU die's temperature, °C, and the board's power draw, W. Drivers that lack the entry
    // point (or a board without the sensor) give nothing; the rest of NVML still works.
    std::optional<double> temperatureCelsius(Device device) const;
    std::optional<double> powerWatts(Device device) const;
    // NVML's text for one of its return codes.
    std::string errorString(int code) const;

    Nvml(const Nvml&) = delete;
    Nvml& operator=(const Nvml&) = delete;

private:
    Nvml();
    ~Nvml();

    struct Functions;

    DynamicLibrary library_;
    std::unique_ptr<Functions> functions_;
    bool available_ = false;
    std::string unavailableReason_;
    std::string driverVersion_;
};

}  // namespace spreadcast::gpu
