#include "graphcast/Cublas.h"
#include "graphcast/GpuGraphCastNetwork.h"
#include "graphcast/GraphCastBatchedModel.h"
#include "graphcast/GraphCastExecutors.h"

namespace spreadcast::gpu {
namespace {

// The CUDA executor in float32, GraphCast's run precision here: bf16 (GraphCastPrecision) is
// measured by `spreadcast-cli bench --model graphcast --backend gpu` and checked by the selftest,
// but a run has no setting for it yet.
class GpuGraphCastPass : public GraphCastNetworkPass {
public:
    GpuGraphCastPass(const graphcast::GraphCastModel& model, int device)
        : network_(model.checkpoint(), model.graphs(), model.predictor().layout().inputChannels(),
                   model.predictor().layout().outputChannels(), device)
    {
    }
    void forward(std::span<const float> inputs, std::span<float> outputs) override
    {
        network_.forward(inputs, outputs, GraphCastPrecision::Float32);
    }
    long long allocatedBytes() const override { return static_cast<long long>(network_.allocatedBytes()); }

private:
    GpuGraphCastNetwork network_;
};

}  // namespace

std::unique_ptr<BatchedModel> makeGpuGraphCastBatchedModel(const graphcast::GraphCastModel& model, int device)
{
    return std::make_unique<GraphCastBatchedModel>(model, std::make_unique<GpuGraphCastPass>(model, device));
}

void registerGraphCastGpuExecutor()
{
    GpuBatchedExecutor executor;
    executor.make = [](const ForecastModel& model, int device, int) {
        return makeGpuGraphCastBatchedModel(dynamic_cast<const graphcast::GraphCastModel&>(model), device);
    };
    executor.footprint = [](const ForecastModel& model) {
        return graphCastGpuFootprint(dynamic_cast<const graphcast::GraphCastModel&>(model));
    };
    executor.unavailableReason = [] {
        const Cublas& cublas = Cublas::instance();
        return cublas.available() ? std::string() : "the GPU GraphCast needs cuBLAS: " + cublas.unavailableReason();
    };
    registerGpuBatchedModel(graphcast::GraphCastModel::registryName, std::move(executor));
}

}  // namespace spreadcast::gpu
