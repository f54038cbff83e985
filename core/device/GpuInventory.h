#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace spreadcast {

struct GpuDescription {
    int index = 0;
    std::string name;
    int computeCapabilityMajor = 0;
    int computeCapabilityMinor = 0;
    std::uint64_t totalMemoryBytes = 0;
    std::uint64_t freeMemoryBytes = 0;
    int multiprocessors = 0;
};

// What GPU discovery found: usable GPUs, plus one sentence per GPU or library that was
// skipped or is missing and why (no driver, NCCL not found, …).
struct GpuInventory {
    bool backendBuilt = false;  // false when the program was built without CUDA
    int driverVersion = 0;      // CUDA driver API version, e.g. 13000; 0 when no driver
    int runtimeVersion = 0;
    std::vector<GpuDescription> gpus;
    std::vector<std::string> notes;
};

// core knows nothing of CUDA: the gpu library registers its discovery here at start-up
// (registerGpuDiscovery), and a build without it reports that no GPU backend was built.
using GpuDiscovery = std::function<GpuInventory()>;
void registerGpuDiscovery(GpuDiscovery discovery);
GpuInventory discoverGpus();

}  // namespace spreadcast
