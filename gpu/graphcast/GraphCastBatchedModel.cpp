#include "graphcast/GraphCastBatchedModel.h"

#include <xxhash.h>

#include <algorithm>
#include <future>

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
    using PreparedStep = graphcast::GraphCastModel::PreparedStep;
    const int count = static_cast<int>(members.size());
    std::vector<graphcast::GraphCastState*> states;
    for (MemberState* member : members) {
        states.push_back(&dynamic_cast<graphcast::GraphCastState&>(*member));
    }
    std::vector<char> active(members.size(), 1);
    std::vector<MemberBlowUp> blowUps;
    // Step by step, the members in turn: (member, step) after the given one among the active
    // members; member −1 when there is none.
    struct Turn {
        int member = -1;
        int step = 0;
    };
    auto after = [&](Turn turn) {
        for (int m = turn.member + 1; m < count; ++m) {
            if (active[static_cast<std::size_t>(m)]) {
                return Turn{m, turn.step};
            }
        }
        for (int m = 0; m < count && turn.step + 1 < steps; ++m) {
            if (active[static_cast<std::size_t>(m)]) {
                return Turn{m, turn.step + 1};
            }
        }
        return Turn{};
    };
    auto prepare = [&](int member) { return model_.prepareStep(*states[static_cast<std::size_t>(member)]); };
    if (steps <= 0) {
        return blowUps;
    }
    Turn turn = after(Turn{-1, 0});
    PreparedStep prepared = turn.member >= 0 ? prepare(turn.member) : PreparedStep{};
    while (turn.member >= 0) {
        // The next turn's inputs (forcings, normalised and stacked: host work that grows with the
        // grid as the pass does) are made on another thread while the network runs this one: they
        // are another member's, whose last step has ended; a member's own next step waits for
        // this one's end.
        Turn next = after(turn);
        std::future<PreparedStep> nextPrepared;
        if (next.member >= 0 && next.member != turn.member) {
            nextPrepared = std::async(std::launch::async, prepare, next.member);
        }
        network_->forward(prepared.networkInputs, outputs_);
        try {
            model_.finishStep(*states[static_cast<std::size_t>(turn.member)], prepared, outputs_);
        } catch (const ModelBlowUp& blowUp) {
            active[static_cast<std::size_t>(turn.member)] = 0;
            blowUps.push_back({turn.member, blowUp.step(), blowUp.what()});
        }
        if (nextPrepared.valid()) {
            prepared = nextPrepared.get();
        } else {
            next = after(turn);  // this member again, unless it stopped
            if (next.member >= 0) {
                prepared = prepare(next.member);
            }
        }
        turn = next;
    }
    // The worker drops stopped members from its batch by index, last first.
    std::sort(blowUps.begin(), blowUps.end(),
              [](const MemberBlowUp& a, const MemberBlowUp& b) { return a.index < b.index; });
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
