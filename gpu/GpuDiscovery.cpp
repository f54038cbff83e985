#include "GpuBackend.h"

#include "Cufft.h"
#include "GpuDevice.h"
#include "Nccl.h"
#include "Nvml.h"

#include <cuda_runtime_api.h>

#include <cstdlib>
#include <string>
#include <utility>

#ifndef SPREADCAST_CUDA_ARCHITECTURES
#define SPREADCAST_CUDA_ARCHITECTURES "unknown"
#endif

namespace spreadcast::gpu {

// Defined in GpuDiscovery.cu.
cudaError_t checkKernelImageForCurrentDevice();

namespace {

std::string cudaVersionText(int version)
{
    return std::to_string(version / 1000) + '.' + std::to_string(version % 1000 / 10);
}

std::string describe(cudaError_t error)
{
    return std::string(cudaGetErrorName(error)) + ": " + cudaGetErrorString(error);
}

std::string visibleDevicesHint()
{
    const char* visible = std::getenv("CUDA_VISIBLE_DEVICES");
    return visible ? std::string("CUDA_VISIBLE_DEVICES=\"") + visible + '"' : std::string();
}

// Why cudaGetDeviceCount found nothing, in words a person can act on.
std::string countFailureNote(cudaError_t error, int driverVersion, int runtimeVersion)
{
    const std::string cpuFallback = "; members run on the CPU";
    switch (error) {
    case cudaErrorInsufficientDriver:
        if (driverVersion == 0)
            return "no NVIDIA driver found (" + describe(error) + ")" + cpuFallback;
        return "the NVIDIA driver supports CUDA " + cudaVersionText(driverVersion) +
               ", older than this build's CUDA runtime " + cudaVersionText(runtimeVersion) +
               ": install a newer driver (" + describe(error) + ")" + cpuFallback;
    case cudaErrorNoDevice: {
        const std::string hint = visibleDevicesHint();
        return "the NVIDIA driver (CUDA " + cudaVersionText(driverVersion) + ") is installed but reports no GPU" +
               (hint.empty() ? std::string() : " (" + hint + " may hide them)") + " (" + describe(error) + ")" +
               cpuFallback;
    }
    case cudaErrorSystemDriverMismatch:
        return "the NVIDIA kernel module and driver libraries differ in version; reboot after a driver update (" +
               describe(error) + ")" + cpuFallback;
    default: return "CUDA could not list the GPUs (" + describe(error) + ")" + cpuFallback;
    }
}

void probeNvml(GpuInventory& inventory)
{
    const Nvml& nvml = Nvml::instance();
    if (nvml.available())
        inventory.notes.push_back("NVML found (driver " + nvml.driverVersion() + ", " + nvml.libraryPath() +
                                  "): GPU utilization and memory telemetry available");
    else
        inventory.notes.push_back("NVML not available, so no GPU utilization telemetry: " + nvml.unavailableReason());
}

void probeCufft(GpuInventory& inventory)
{
    const Cufft& cufft = Cufft::instance();
    if (cufft.available())
        inventory.notes.push_back("cuFFT " + std::to_string(cufft.version()) + " found (" + cufft.libraryPath() + ")");
    else
        inventory.notes.push_back("the GPU forecast model cannot run: " + cufft.unavailableReason());
}

void probeNccl(GpuInventory& inventory)
{
    const Nccl& nccl = Nccl::instance();
    if (nccl.available())
        inventory.notes.push_back("NCCL " + nccl.version() + " found (" + nccl.libraryPath() + ")");
    else
        inventory.notes.push_back("NCCL not available, so no NCCL collectives between GPUs: " +
                                  nccl.unavailableReason());
}

// Reads one device, or says why it is skipped. The current device is left set to `index`.
bool describeDevice(int index, GpuDescription& gpu, std::string& skipNote)
{
    cudaDeviceProp properties{};
    if (const cudaError_t error = cudaGetDeviceProperties(&properties, index); error != cudaSuccess) {
        cudaGetLastError();
        skipNote =
            "GPU " + std::to_string(index) + " is skipped: its properties cannot be read (" + describe(error) + ")";
        return false;
    }
    gpu.index = index;
    gpu.name = properties.name;
    gpu.computeCapabilityMajor = properties.major;
    gpu.computeCapabilityMinor = properties.minor;
    gpu.totalMemoryBytes = properties.totalGlobalMem;
    gpu.multiprocessors = properties.multiProcessorCount;

    const std::string label = "GPU " + std::to_string(index) + " (" + gpu.name + ", compute capability " +
                              std::to_string(gpu.computeCapabilityMajor) + '.' +
                              std::to_string(gpu.computeCapabilityMinor) + ")";
    const bool tooOld = gpu.computeCapabilityMajor < minimumComputeCapabilityMajor ||
                        (gpu.computeCapabilityMajor == minimumComputeCapabilityMajor &&
                         gpu.computeCapabilityMinor < minimumComputeCapabilityMinor);
    if (tooOld) {
        skipNote = label + " is skipped: Spreadcast needs compute capability " +
                   std::to_string(minimumComputeCapabilityMajor) + '.' + std::to_string(minimumComputeCapabilityMinor) +
                   " or newer (this build has GPU code for CUDA architectures " SPREADCAST_CUDA_ARCHITECTURES ")";
        return false;
    }
    int computeMode = cudaComputeModeDefault;
    if (cudaDeviceGetAttribute(&computeMode, cudaDevAttrComputeMode, index) == cudaSuccess &&
        computeMode == cudaComputeModeProhibited) {
        skipNote = label + " is skipped: its compute mode is Prohibited (nvidia-smi -c), so no process may use it";
        return false;
    }
    if (const cudaError_t error = cudaSetDevice(index); error != cudaSuccess) {
        cudaGetLastError();
        skipNote = label + " is skipped: it cannot be selected (" + describe(error) + ")";
        return false;
    }
    std::size_t freeBytes = 0;
    std::size_t totalBytes = 0;
    if (const cudaError_t error = cudaMemGetInfo(&freeBytes, &totalBytes); error != cudaSuccess) {
        cudaGetLastError();
        std::string why = describe(error);
        if (error == cudaErrorDevicesUnavailable)
            why = "it is in exclusive-process mode and another process holds it; " + why;
        skipNote = label + " is skipped: this process cannot use it (" + why + ")";
        return false;
    }
    gpu.freeMemoryBytes = freeBytes;
    gpu.totalMemoryBytes = totalBytes;
    if (const cudaError_t error = checkKernelImageForCurrentDevice(); error != cudaSuccess) {
        cudaGetLastError();
        skipNote = label +
                   " is skipped: this build has no GPU code it can run (built for CUDA "
                   "architectures " SPREADCAST_CUDA_ARCHITECTURES "; " +
                   describe(error) + ")";
        return false;
    }
    return true;
}

}  // namespace

GpuInventory discoverCudaGpus()
{
    GpuInventory inventory;
    inventory.backendBuilt = true;
    // Both succeed without a driver: the driver version then reads 0.
    if (cudaDriverGetVersion(&inventory.driverVersion) != cudaSuccess)
        inventory.driverVersion = 0;
    if (cudaRuntimeGetVersion(&inventory.runtimeVersion) != cudaSuccess)
        inventory.runtimeVersion = 0;

    int count = 0;
    if (const cudaError_t error = cudaGetDeviceCount(&count); error != cudaSuccess) {
        cudaGetLastError();
        count = 0;
        inventory.notes.push_back(countFailureNote(error, inventory.driverVersion, inventory.runtimeVersion));
    } else if (count == 0) {
        inventory.notes.push_back("CUDA reports no GPU; members run on the CPU");
    }
    if (count > 0) {
        if (const std::string hint = visibleDevicesHint(); !hint.empty())
            inventory.notes.push_back(hint + " limits the GPUs CUDA sees, and numbers them from 0");
        int previousDevice = -1;
        if (cudaGetDevice(&previousDevice) != cudaSuccess) {
            cudaGetLastError();
            previousDevice = -1;
        }
        for (int index = 0; index < count; ++index) {
            GpuDescription gpu;
            std::string skipNote;
            if (describeDevice(index, gpu, skipNote))
                inventory.gpus.push_back(std::move(gpu));
            else
                inventory.notes.push_back(std::move(skipNote));
        }
        if (previousDevice >= 0 && cudaSetDevice(previousDevice) != cudaSuccess)
            cudaGetLastError();
        if (inventory.gpus.empty())
            inventory.notes.push_back("no GPU is usable; members run on the CPU");
    }
    probeCufft(inventory);
    probeNvml(inventory);
    probeNccl(inventory);
    return inventory;
}

void registerBackend()
{
    registerGpuDiscovery(&discoverCudaGpus);
    registerGpuDeviceProvider(&makeGpuDevices);
}

}  // namespace spreadcast::gpu
