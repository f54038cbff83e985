#pragma once

// GraphCast as a batched model of the GPU backend (BatchedWorker.h): the members of a batch pass
// one after another through one network — the CUDA executor (GpuGraphCastNetwork) on a GPU, the
// CPU network on the host — and everything around the network is GraphCastModel's own step
// (prepareStep, finishStep): the same normalisation, forcings, residuals and feedback as the CPU
// backend, so that executors differ only in the network's outputs. A member's bits depend on its
// executor and never on its batch: each member's passes run alone, in the same shapes.

#include "BatchedWorker.h"
#include "graphcast/GraphCastModel.h"

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace spreadcast::gpu {

// The network a batched GraphCast runs its members through.
class GraphCastNetworkPass {
public:
    virtual ~GraphCastNetworkPass() = default;
    // outputs (grid points × output channels) = network(inputs (grid points × input channels)),
    // node-major, the CPU network's contract. Throws BackendError when the device fails.
    virtual void forward(std::span<const float> inputs, std::span<float> outputs) = 0;
    // Device bytes the pass holds (0 on the host).
    virtual long long allocatedBytes() const = 0;
};

// The CPU network of the model's predictor: a batched model that gives the CPU backend's bytes.
std::unique_ptr<GraphCastNetworkPass> makeCpuGraphCastPass(const graphcast::GraphCastModel& model);

class GraphCastBatchedModel : public BatchedModel {
public:
    GraphCastBatchedModel(const graphcast::GraphCastModel& model, std::unique_ptr<GraphCastNetworkPass> network);

    // Step by step, the members in turn, the next one's inputs made on another thread while the
    // network runs; a member whose prediction is not finite stops at that step (its state is the
    // last good one) and is reported, the others go on.
    std::vector<MemberBlowUp> advance(std::span<MemberState* const> members, int steps) override;
    std::vector<GridFields> fields(std::span<MemberState* const> members) override;
    // A member's fields are its newest prediction, copied: one member at a time.
    bool fieldsByBatch() const override { return false; }
    long long allocatedBytes() const override { return network_->allocatedBytes(); }
    // The step, valid time and newest prediction: all that fields() reads (advance() reads the
    // inputs too, but the worker's cache only serves fields()). Hashing the two input times as
    // well would double the cost at 0.25° for nothing.
    std::uint64_t hashState(const MemberState& member) const override;

private:
    const graphcast::GraphCastModel& model_;
    std::unique_ptr<GraphCastNetworkPass> network_;
    std::unique_ptr<ModelWorkspace> workspace_;
    std::vector<float> outputs_;
};

}  // namespace spreadcast::gpu
