#include "ShallowWaterExecutors.h"

#include "BatchedExecutors.h"
#include "HostBatchedModel.h"

namespace spreadcast::gpu {

void registerShallowWaterHostExecutor()
{
    registerHostBatchedModel(ShallowWaterModel::registryName, [](const ForecastModel& model, int capacity) {
        return std::make_unique<HostBatchedModel>(dynamic_cast<const ShallowWaterModel&>(model), capacity);
    });
}

}  // namespace spreadcast::gpu
