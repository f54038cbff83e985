#include "BatchedExecutors.h"
#include "BatchedShallowWater.h"
#include "Cufft.h"
#include "GpuModel.h"
#include "ShallowWaterExecutors.h"

namespace spreadcast::gpu {

void registerShallowWaterGpuExecutor()
{
    GpuBatchedExecutor executor;
    executor.make = [](const ForecastModel& model, int device, int capacity) -> std::unique_ptr<BatchedModel> {
        return std::make_unique<GpuModel>(dynamic_cast<const ShallowWaterModel&>(model), device, capacity);
    };
    executor.footprint = [](const ForecastModel& model) {
        return gpuFootprint(dynamic_cast<const ShallowWaterModel&>(model));
    };
    executor.batchGranularity = fftChunkMembers;
    executor.unavailableReason = [] {
        const Cufft& cufft = Cufft::instance();
        return cufft.available() ? std::string() : "the GPU forecast model needs cuFFT: " + cufft.unavailableReason();
    };
    registerGpuBatchedModel(ShallowWaterModel::registryName, std::move(executor));
}

}  // namespace spreadcast::gpu
