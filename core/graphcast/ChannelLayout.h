#pragma once

// The order of the channels that GraphCast's network sees per grid node, as
// graphcast.GraphCast._inputs_to_grid_node_features builds it (graphcast.py, model_utils.py at
// commit 08cf736): model_utils.dataset_to_stacked of the inputs, then of the forcings at the
// target time, concatenated. dataset_to_stacked takes the variables sorted by name and stacks
// each variable's dimensions other than batch, lat and lon, in the order the dataset holds them
// — (time, level) for atmospheric variables, (time) for surface ones, none for statics — time
// outermost. The outputs are stacked_to_dataset's inverse of the same for the targets (one time):
// targets sorted by name, levels within a variable.
//
// Channel of input variable v at input time t (0 = oldest) and level index l (task order):
//   block(v).firstChannel + t · block(v).levels + l.

#include "graphcast/GraphCastTypes.h"

#include <string>
#include <vector>

namespace spreadcast::graphcast {

// graphcast.ALL_ATMOSPHERIC_VARS: variables with a level dimension.
bool isAtmosphericVariable(const std::string& name);
// graphcast.STATIC_VARS: inputs without a time dimension.
bool isStaticVariable(const std::string& name);

struct ChannelBlock {
    std::string variable;
    int times = 1;   // input times for time-dependent inputs, 1 for statics, forcings and targets
    int levels = 1;  // the task's pressure levels for atmospheric variables, else 1
    int firstChannel = 0;
    int channels() const { return times * levels; }
    int channel(int time, int level) const { return firstChannel + time * levels + level; }
};

class ChannelLayout {
public:
    // inputTimes: graphcast's input_duration over the 6-hour step (2 for "12h").
    ChannelLayout(const TaskConfig& task, int inputTimes);

    int inputTimes() const { return inputTimes_; }
    // The stacked inputs (sorted input variables), then the stacked target-time forcings.
    const std::vector<ChannelBlock>& inputBlocks() const { return inputBlocks_; }
    const std::vector<ChannelBlock>& forcingBlocks() const { return forcingBlocks_; }
    const std::vector<ChannelBlock>& outputBlocks() const { return outputBlocks_; }
    int inputChannels() const { return inputChannels_; }
    int outputChannels() const { return outputChannels_; }

    // One line per channel ("12: temperature t-1 level 500"), for logs and checks by hand.
    std::vector<std::string> describeInputChannels(const std::vector<int>& levels) const;

private:
    int inputTimes_ = 0;
    std::vector<ChannelBlock> inputBlocks_, forcingBlocks_, outputBlocks_;
    int inputChannels_ = 0;
    int outputChannels_ = 0;
};

// The number of input times of a task: input_duration ("12h", "6h", "1d") over 6 hours. Throws
// InputError for a duration that is not a positive multiple of 6 hours.
int inputTimesOfTask(const TaskConfig& task);

}  // namespace spreadcast::graphcast
