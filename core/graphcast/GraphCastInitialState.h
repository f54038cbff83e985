#pragma once

// The start of a GraphCast rollout from a dataset in DeepMind's example layout, as graphcast's
// data_utils.extract_inputs_targets_forcings prepares it (commit 08cf736): the task's pressure
// levels selected in the task's order, the last input_duration / 6 h times as inputs, year and
// day progress recomputed from the valid times (add_derived_vars replaces what a dataset
// holds), toa_incident_solar_radiation taken from the dataset where it has the time and computed
// as solar_radiation.py does where it has not (add_tisr_var).

#include "graphcast/GraphCastPredictor.h"
#include "graphcast/GraphCastTypes.h"

#include <cstdint>
#include <vector>

namespace spreadcast::graphcast {

struct InitialState {
    std::vector<Fields> inputs;  // oldest first, each with every time-dependent input of the task
    Fields statics;
    std::int64_t lastInputTime = 0;  // seconds since 1970-01-01 UTC
};

// The forcings of a task at any valid time: computed, with the dataset's TOA radiation at its
// own times. The dataset must outlive the source.
GraphCastPredictor::ForcingSource datasetForcings(const Dataset& dataset, const TaskConfig& task);

// Inputs from the dataset's times firstTime … firstTime + inputTimes − 1. InputError when the
// dataset has too few times, lacks a variable or a level, or its times are not 6 hours apart.
InitialState initialStateFromDataset(const Dataset& dataset, const TaskConfig& task, int inputTimes, int firstTime = 0);

}  // namespace spreadcast::graphcast
