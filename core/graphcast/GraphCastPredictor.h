#pragma once

// GraphCast as its demo wraps it: graphcast.GraphCast inside normalization.InputsAndResiduals
// inside autoregressive.Predictor (graphcast.py, normalization.py, autoregressive.py, rollout.py
// at commit 08cf736), in float32 on the CPU.
//
// One step: every input (time-dependent inputs at the input times, statics, target-time forcings)
// is normalised as (x − mean) / stddev by variable and level, stacked in ChannelLayout's order
// and run through GraphCastNetwork. A target that is also an input comes out as
// last input + output · diffs_stddev (InputsAndResiduals has no residual location); any other
// target as mean + output · stddev. A variable without statistics passes unnormalised, as
// graphcast's normalize() lets it (with a warning there; variablesWithoutStatistics() here).
//
// A rollout feeds each prediction back as the newest input, with the forcings of its valid time
// (autoregressive.Predictor._update_inputs): the oldest input time drops out.

#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphCastNetwork.h"
#include "graphcast/GraphCastTypes.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

// The atmospheric variables of fields (levels × points, on fieldLevels in that order) on `levels`
// in that order (the task's pressure levels), surface ones as they are: a dataset's fields as
// the predictor takes them. InputError naming the variable and the level missing.
Fields fieldsOnLevels(const Fields& fields, const std::vector<int>& fieldLevels, const std::vector<int>& levels,
                      std::size_t points);

class GraphCastPredictor {
public:
    static constexpr std::int64_t stepSeconds = 6 * 3600;

    // graphs: built for checkpoint.modelConfig on grid (GraphBuilder). InputError when the
    // parameters, the statistics (missing levels, wrong sizes) or the task do not fit together.
    GraphCastPredictor(const Checkpoint& checkpoint, const Graphs& graphs, const NormalizationStats& stats,
                       const LatLonGrid& grid, int threads = 1);

    const TaskConfig& task() const { return task_; }
    const LatLonGrid& grid() const { return grid_; }
    const ChannelLayout& layout() const { return layout_; }
    const GraphCastNetwork& network() const { return network_; }
    GraphCastNetwork& network() { return network_; }
    int inputTimes() const { return layout_.inputTimes(); }
    // Inputs, forcings and targets whose normalisation the statistics lack.
    const std::vector<std::string>& variablesWithoutStatistics() const { return unnormalised_; }

    // The time-dependent input variables (fed back in a rollout) and the static ones.
    std::vector<std::string> timeDependentInputs() const;
    std::vector<std::string> staticInputs() const;

    // The prediction at the time after the last input. inputs: inputTimes() Fields, oldest first,
    // each holding every time-dependent input variable (the forcings of that time included);
    // statics: the static inputs; targetForcings: the forcing variables at the target time.
    // Atmospheric variables on the task's pressure levels, in its order (task().pressureLevels).
    // Returns the target variables. InputError for a missing variable or a field of the wrong size.
    Fields predict(std::span<const Fields> inputs, const Fields& statics, const Fields& targetForcings) const;

    // predict() without the network, for executors that run it elsewhere (the GPU's): the
    // network's inputs (grid points × layout().inputChannels(), node-major), normalised and
    // stacked; and the targets from the network's outputs (grid points × outputChannels()) and the
    // newest input. predict() is these two around network(): one code for every executor.
    void stackInputs(std::span<const Fields> inputs, const Fields& statics, const Fields& targetForcings,
                     std::span<float> stacked) const;
    Fields targetsFromOutputs(std::span<const float> outputs, const Fields& lastInput) const;

    // Forcings at a valid time (seconds since 1970-01-01 UTC); by default computeForcings().
    using ForcingSource = std::function<Fields(std::int64_t validTime)>;
    // Called after each step with its number (1 …), valid time and the predicted targets; returns
    // false to stop the rollout.
    using StepCallback = std::function<bool(int step, std::int64_t validTime, const Fields& prediction)>;

    // steps 6-hour steps from inputs valid at lastInputTime − (inputTimes() − 1) · 6 h … lastInputTime.
    void rollout(std::vector<Fields> inputs, const Fields& statics, std::int64_t lastInputTime, int steps,
                 const StepCallback& onStep, const ForcingSource& forcings = {}) const;

private:
    struct Normalisation {
        float location = 0.0f;
        float scale = 1.0f;
    };
    std::vector<Normalisation> channelNormalisation(const std::vector<ChannelBlock>& blocks,
                                                    const NormalizationStats& stats, bool outputs);
    void stackBlock(const ChannelBlock& block, int time, const std::vector<float>& values,
                    std::span<float> stacked) const;

    TaskConfig task_;
    LatLonGrid grid_;
    ChannelLayout layout_;
    GraphCastNetwork network_;
    std::vector<Normalisation> inputNormalisation_;   // per input channel
    std::vector<Normalisation> outputNormalisation_;  // per output channel
    std::vector<int> residualInputChannel_;           // per output channel: last input's channel, or −1
    std::vector<std::string> unnormalised_;
};

}  // namespace spreadcast::graphcast
