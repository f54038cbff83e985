#include "graphcast/GraphCastBatchedModel.h"

#include <xxhash.h>

namespace spreadcast::gpu {
namespace {

class CpuGraphCastPass : public GraphCastNetworkPass {
public:
    explicit CpuGraphCastPass(const graphcast::GraphCastNetwork& network) : network_(network) {}
    void forward(std::span<const float> inputs, std::span<float> outputs) override
    {
        network_.forward(inputs, outputs);
    }
    long long allocatedBytes() const override { return 0; }

private:
    const graphcast::GraphCastNetwork& network_;
};

}  // namespace

std::unique_ptr<GraphCastNetworkPass> makeCpuGraphCastPass(const graphcast::GraphCastModel& model)
{
    return std::make_unique<CpuGraphCastPass>(model.predictor().network());
}

GraphCastBatchedModel::GraphCastBatchedModel(const graphcast::GraphCastModel& model,
                                             std::unique_ptr<GraphCastNetworkPass> network)
    : model_(model),
      network_(std::move(network)),
      workspace_(model.makeWorkspace()),
      outputs_(model.predictor().grid().points() *
               static_cast<std::size_t>(model.predictor().layout().outputChannels()))
{
}

std::vector<MemberBlowUp> GraphCastBatchedModel::advance(std::span<MemberState* const> members, int steps)
{
    std::vector<MemberBlowUp> blowUps;
    for (std::size_t k = 0; k < members.size(); ++k) {
        auto& state = dynamic_cast<graphcast::GraphCastState&>(*members[k]);
        try {
            for (int step = 0; step < steps; ++step) {
                const graphcast::GraphCastModel::PreparedStep prepared = model_.prepareStep(state);
                network_->forward(prepared.networkInputs, outputs_);
                model_.finishStep(state, prepared, outputs_);
            }
        } catch (const ModelBlowUp& blowUp) {
            blowUps.push_back({static_cast<int>(k), blowUp.step(), blowUp.what()});
        }
    }
    return blowUps;
}

std::vector<GridFields> GraphCastBatchedModel::fields(std::span<MemberState* const> members)
{
    std::vector<GridFields> result;
    result.reserve(members.size());
    for (const MemberState* member : members) {
        result.push_back(model_.fields(*member, *workspace_));
    }
    return result;
}

std::uint64_t GraphCastBatchedModel::hashState(const MemberState& member) const
{
    const auto& state = dynamic_cast<const graphcast::GraphCastState&>(member);
    XXH3_state_t* hasher = XXH3_createState();
    XXH3_64bits_reset(hasher);
    XXH3_64bits_update(hasher, &state.step, sizeof state.step);
    XXH3_64bits_update(hasher, &state.validTime, sizeof state.validTime);
    for (const auto& [name, values] : state.latest.variables) {
        XXH3_64bits_update(hasher, name.data(), name.size());
        XXH3_64bits_update(hasher, values.data(), values.size() * sizeof(float));
    }
    const std::uint64_t hash = XXH3_64bits_digest(hasher);
    XXH3_freeState(hasher);
    return hash;
}

}  // namespace spreadcast::gpu
