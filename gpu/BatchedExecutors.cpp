#include "BatchedExecutors.h"

#include "graphcast/GraphCastExecutors.h"
#include "shallowwater/ShallowWaterExecutors.h"

#include <map>
#include <mutex>

namespace spreadcast::gpu {
namespace {

struct Registry {
    std::mutex mutex;
    std::map<std::string, HostBatchedFactory, std::less<>> host;
    std::map<std::string, GpuBatchedExecutor, std::less<>> gpu;
};

Registry& registry()
{
    static Registry instance;
    return instance;
}

// The host twins of the models this build has, one line per model folder.
void registerBuiltinHostExecutors()
{
    static std::once_flag once;
    std::call_once(once, [] {
        registerShallowWaterHostExecutor();
        registerGraphCastHostExecutor();
    });
}

}  // namespace

void registerHostBatchedModel(const std::string& modelName, HostBatchedFactory factory)
{
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.host[modelName] = std::move(factory);
}

void registerGpuBatchedModel(const std::string& modelName, GpuBatchedExecutor executor)
{
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    r.gpu[modelName] = std::move(executor);
}

HostBatchedFactory hostBatchedFactory(const std::string& modelName)
{
    registerBuiltinHostExecutors();
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto found = r.host.find(modelName);
    return found == r.host.end() ? HostBatchedFactory{} : found->second;
}

std::optional<GpuBatchedExecutor> gpuBatchedExecutor(const std::string& modelName)
{
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    const auto found = r.gpu.find(modelName);
    if (found == r.gpu.end()) {
        return std::nullopt;
    }
    return found->second;
}

}  // namespace spreadcast::gpu
