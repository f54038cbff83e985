#pragma once

// GraphCast as a model of the registry (core/model/ModelRegistry.h): a member's state is its two
// input times (and the latest prediction), a step is one 6-hour prediction of GraphCastPredictor,
// and the output is the checkpoint's target variables on its pressure levels. GraphCast is
// deterministic: members differ only by their initial perturbations, drawn from each member's key;
// member 0 is the unperturbed control.

#include "graphcast/BalancedPerturbation.h"
#include "graphcast/GraphCastInitialState.h"
#include "graphcast/GraphCastPredictor.h"
#include "graphcast/GraphCastTypes.h"
#include "model/ForecastModel.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

class GraphCastState : public MemberState {
public:
    std::unique_ptr<MemberState> clone() const override { return std::make_unique<GraphCastState>(*this); }
    void assign(const MemberState& other) override;

    std::vector<Fields> inputs;  // the input times, oldest first (time-dependent inputs and their forcings)
    Fields latest;               // the target variables at the newest input time
    std::int64_t validTime = 0;  // of the newest input, seconds since 1970-01-01 UTC
};

// How members' initial states differ (BalancedPerturbation.h): per level a streamfunction whose
// winds and linearly balanced geopotential (scale × the geopotential's diffs_stddev) are added
// together, independent fields for temperature, vertical velocity and humidity (scale × their
// diffs_stddev; humidity clipped at 0), surface fields from the lowest level; the same at both
// input times. Member 0 is the control. Member m draws from fold_in(PRNGKey(seed), m); with
// pairs, members 2k − 1 and 2k take +p and −p of the draw of key 2k − 1.
struct GraphCastPerturbation {
    std::uint64_t seed = 0;
    double scale = 0.0;        // times diffs_stddev_by_level; 0: members equal the control
    double lengthScale = 5e5;  // m
    bool pairs = false;
};

struct GraphCastSetup {
    Checkpoint checkpoint;
    NormalizationStats statistics;
    Graphs graphs;
    Dataset dataset;
    int lastInputIndex = 1;  // the dataset's time index of the newest input (the initial time)
    GraphCastPerturbation perturbation;
};

class GraphCastModel : public ForecastModel {
public:
    // InputError when the dataset does not fit the checkpoint (grid, levels, variables, times).
    explicit GraphCastModel(GraphCastSetup setup);

    static constexpr const char* registryName = "graphcast";
    std::string name() const override { return registryName; }
    std::string description() const override { return description_; }
    const OutputSchema& outputSchema() const override { return schema_; }
    double timeStep() const override { return static_cast<double>(GraphCastPredictor::stepSeconds); }
    std::unique_ptr<ModelWorkspace> makeWorkspace() const override;
    std::unique_ptr<MemberState> initialState(int member) const override;
    void advance(std::span<MemberState* const> members, int steps, ModelWorkspace& workspace) const override;
    GridFields fields(const MemberState& member, ModelWorkspace& workspace) const override;
    std::size_t stateBytes() const override;
    std::size_t workspaceBytes() const override;
    // The network's GEMM work of one forward pass (the rest of a step is small beside it).
    double flopsPerStep() const override;
    std::vector<std::byte> serialize(const MemberState& member) const override;
    std::unique_ptr<MemberState> deserialize(std::span<const std::byte> bytes) const override;

    const GraphCastPredictor& predictor() const { return *predictor_; }
    // Null when the scale is 0.
    const BalancedPerturbation* perturbationGenerator() const { return generator_.get(); }
    std::int64_t initialTime() const { return control_.validTime; }

    // A step in the two parts around the network, for executors that run the network themselves
    // (gpu/graphcast's batched model): prepareStep gives the member's network inputs for its next
    // step (GraphCastPredictor::stackInputs) with that step's forcings; finishStep takes the
    // network's outputs and makes the step (the targets, the blow-up check, the inputs fed back).
    // advance() is the same two around the CPU network, so that executors differ only in it.
    struct PreparedStep {
        std::vector<float> networkInputs;  // grid points × the layout's input channels
        Fields targetForcings;
    };
    PreparedStep prepareStep(const GraphCastState& state) const;
    // Throws ModelBlowUp (the state left as it was) for a non-finite prediction.
    void finishStep(GraphCastState& state, const PreparedStep& prepared, std::span<const float> networkOutputs) const;

    // The checkpoint and graphs the model was built from, for executors that build a network of
    // their own (the GPU's); the CPU network holds its own copies.
    const Checkpoint& checkpoint() const { return *checkpoint_; }
    const Graphs& graphs() const { return *graphs_; }

private:
    void step(GraphCastState& state) const;
    void perturb(GraphCastState& state, int member) const;
    PerturbationAmplitudes perturbationAmplitudes() const;

    std::unique_ptr<GraphCastPredictor> predictor_;
    std::shared_ptr<const Checkpoint> checkpoint_;
    std::shared_ptr<const Graphs> graphs_;
    // The initial condition, for the TOA radiation of its own later times (graphcast's rollout
    // reads forcings from the dataset where it has them and computes the others).
    std::unique_ptr<const Dataset> dataset_;
    GraphCastPredictor::ForcingSource forcings_;
    NormalizationStats statistics_;
    GraphCastPerturbation perturbation_;
    std::unique_ptr<const BalancedPerturbation> generator_;
    Fields statics_;
    GraphCastState control_;
    OutputSchema schema_;
    std::string description_;
    std::size_t workspaceBytes_ = 0;
};

// "YYYY-MM-DD HH:MM:SS" of a time in seconds since 1970-01-01 UTC.
std::string formatTime(std::int64_t unixSeconds);

// CF names and units of GraphCast's variables (graphcast's long names), for the output.
OutputVariable graphCastOutputVariable(const std::string& name, bool onLevels);

}  // namespace spreadcast::graphcast
