#include "device/GpuInventory.h"

#include <mutex>
#include <utility>

namespace spreadcast {
namespace {

std::mutex registryMutex;
GpuDiscovery& registeredDiscovery()
{
    static GpuDiscovery discovery;
    return discovery;
}

}  // namespace

void registerGpuDiscovery(GpuDiscovery discovery)
{
    std::lock_guard lock(registryMutex);
    registeredDiscovery() = std::move(discovery);
}

GpuInventory discoverGpus()
{
    GpuDiscovery discovery;
    {
        std::lock_guard lock(registryMutex);
        discovery = registeredDiscovery();
    }
    if (!discovery) {
        GpuInventory inventory;
        inventory.notes.push_back("this build has no GPU backend (CUDA was not found when it was compiled); "
                                  "members run on the CPU");
        return inventory;
    }
    return discovery();
}

}  // namespace spreadcast
