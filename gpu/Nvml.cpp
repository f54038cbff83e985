#include "Nvml.h"

#include <array>

namespace spreadcast::gpu {
namespace {

// The few NVML entry points we use, declared from NVML's documented, stable C ABI (nvml.h is not
// part of the CUDA toolkit, so we do not depend on it). nvmlReturn_t is an enum; 0 is NVML_SUCCESS.
using NvmlReturn = int;
constexpr NvmlReturn nvmlSuccess = 0;
constexpr unsigned int driverVersionBufferSize = 80;  // NVML_SYSTEM_DRIVER_VERSION_BUFFER_SIZE
constexpr int temperatureGpu = 0;                     // NVML_TEMPERATURE_GPU, the die's sensor

struct NvmlUtilization {  // nvmlUtilization_t
    unsigned int gpu;
    unsigned int memory;
};
struct NvmlMemory {  // nvmlMemory_t (version 1)
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
};

}  // namespace

struct Nvml::Functions {
    NvmlReturn (*init)() = nullptr;                                           // nvmlInit_v2
    const char* (*errorString)(NvmlReturn) = nullptr;                         // nvmlErrorString
    NvmlReturn (*systemGetDriverVersion)(char*, unsigned int) = nullptr;      // nvmlSystemGetDriverVersion
    NvmlReturn (*deviceGetHandleByPciBusId)(const char*, Device*) = nullptr;  // ..._v2
    NvmlReturn (*deviceGetUtilizationRates)(Device, NvmlUtilization*) = nullptr;
    NvmlReturn (*deviceGetMemoryInfo)(Device, NvmlMemory*) = nullptr;
    // Optional: NVML is usable without them.
    NvmlReturn (*deviceGetTemperature)(Device, int, unsigned int*) = nullptr;  // sensor type, °C
    NvmlReturn (*deviceGetPowerUsage)(Device, unsigned int*) = nullptr;        // milliwatts
};

const Nvml& Nvml::instance()
{
    // Never destroyed: NVML is not shut down during static destruction, when other threads may
    // still be sampling telemetry; the driver cleans up when the process exits.
    static const Nvml* nvml = new Nvml();
    return *nvml;
}

Nvml::Nvml() : library_({"libnvidia-ml.so.1"}, DynamicLibrary::Lifetime::KeepLoaded)
{
    if (!library_.loaded()) {
        unavailableReason_ =
            "libnvidia-ml.so.1, installed with the NVIDIA driver, cannot be loaded (" + library_.error() + ")";
        return;
    }
    functions_ = std::make_unique<Functions>();
    Functions* functions = functions_.get();
    functions->init = library_.symbol<decltype(functions->init)>("nvmlInit_v2");
    functions->errorString = library_.symbol<decltype(functions->errorString)>("nvmlErrorString");
    functions->systemGetDriverVersion =
        library_.symbol<decltype(functions->systemGetDriverVersion)>("nvmlSystemGetDriverVersion");
    functions->deviceGetHandleByPciBusId =
        library_.symbol<decltype(functions->deviceGetHandleByPciBusId)>("nvmlDeviceGetHandleByPciBusId_v2");
    functions->deviceGetUtilizationRates =
        library_.symbol<decltype(functions->deviceGetUtilizationRates)>("nvmlDeviceGetUtilizationRates");
    functions->deviceGetMemoryInfo =
        library_.symbol<decltype(functions->deviceGetMemoryInfo)>("nvmlDeviceGetMemoryInfo");
    functions->deviceGetTemperature =
        library_.symbol<decltype(functions->deviceGetTemperature)>("nvmlDeviceGetTemperature");
    functions->deviceGetPowerUsage =
        library_.symbol<decltype(functions->deviceGetPowerUsage)>("nvmlDeviceGetPowerUsage");
    if (!functions->init || !functions->errorString || !functions->systemGetDriverVersion ||
        !functions->deviceGetHandleByPciBusId || !functions->deviceGetUtilizationRates ||
        !functions->deviceGetMemoryInfo) {
        unavailableReason_ = library_.path() + " lacks NVML entry points this program needs (too old a driver?)";
        return;
    }
    if (const NvmlReturn status = functions->init(); status != nvmlSuccess) {
        unavailableReason_ = "nvmlInit failed: " + errorString(status);
        return;
    }
    std::array<char, driverVersionBufferSize> version{};
    if (functions->systemGetDriverVersion(version.data(), driverVersionBufferSize) == nvmlSuccess)
        driverVersion_ = version.data();
    available_ = true;
}

Nvml::~Nvml() = default;

std::string Nvml::errorString(int code) const
{
    if (functions_ && functions_->errorString) {
        if (const char* text = functions_->errorString(code))
            return text;
    }
    return "NVML error " + std::to_string(code);
}

std::optional<Nvml::Device> Nvml::deviceByPciBusId(const std::string& pciBusId) const
{
    if (!available_)
        return std::nullopt;
    Device device = nullptr;
    if (functions_->deviceGetHandleByPciBusId(pciBusId.c_str(), &device) != nvmlSuccess || !device)
        return std::nullopt;
    return device;
}

std::optional<GpuUtilization> Nvml::utilization(Device device) const
{
    if (!available_ || !device)
        return std::nullopt;
    NvmlUtilization rates{};
    if (functions_->deviceGetUtilizationRates(device, &rates) != nvmlSuccess)
        return std::nullopt;
    return GpuUtilization{rates.gpu, rates.memory};
}

std::optional<GpuMemoryUse> Nvml::memory(Device device) const
{
    if (!available_ || !device)
        return std::nullopt;
    NvmlMemory memory{};
    if (functions_->deviceGetMemoryInfo(device, &memory) != nvmlSuccess)
        return std::nullopt;
    return GpuMemoryUse{memory.total, memory.free, memory.used};
}

std::optional<double> Nvml::temperatureCelsius(Device device) const
{
    if (!available_ || !device || !functions_->deviceGetTemperature)
        return std::nullopt;
    unsigned int celsius = 0;
    if (functions_->deviceGetTemperature(device, temperatureGpu, &celsius) != nvmlSuccess)
        return std::nullopt;
    return static_cast<double>(celsius);
}

std::optional<double> Nvml::powerWatts(Device device) const
{
    if (!available_ || !device || !functions_->deviceGetPowerUsage)
        return std::nullopt;
    unsigned int milliwatts = 0;
    if (functions_->deviceGetPowerUsage(device, &milliwatts) != nvmlSuccess)
        return std::nullopt;
    return static_cast<double>(milliwatts) / 1000.0;
}

}  // namespace spreadcast::gpu
