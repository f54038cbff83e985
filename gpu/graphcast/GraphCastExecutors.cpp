#include "graphcast/GraphCastExecutors.h"

#include "graphcast/GraphCastBatchedModel.h"
#include "graphcast/GraphCastGpuMemory.h"

namespace spreadcast::gpu {

void registerGraphCastHostExecutor()
{
    registerHostBatchedModel(
        graphcast::GraphCastModel::registryName, [](const ForecastModel& model, int) -> std::unique_ptr<BatchedModel> {
            const auto& graphCast = dynamic_cast<const graphcast::GraphCastModel&>(model);
            return std::make_unique<GraphCastBatchedModel>(graphCast, makeCpuGraphCastPass(graphCast));
        });
}

GraphCastSizes graphCastModelSizes(const graphcast::GraphCastModel& model)
{
    const graphcast::ChannelLayout& layout = model.predictor().layout();
    return graphCastSizes(model.checkpoint().modelConfig, model.graphs(), layout.inputChannels(),
                          layout.outputChannels());
}

BatchedFootprint graphCastGpuFootprint(const graphcast::GraphCastModel& model)
{
    const GraphCastGpuMemory memory = graphCastGpuMemory(graphCastModelSizes(model));
    BatchedFootprint footprint;
    footprint.fixedBytes = memory.forwardBytes();
    footprint.perSlotBytes = 0;
    return footprint;
}

}  // namespace spreadcast::gpu
