#include "graphcast/GraphCastPredictor.h"

#include "graphcast/GraphCastForcings.h"
#include "run/InputError.h"

#include <algorithm>
#include <stdexcept>

namespace spreadcast::graphcast {

namespace {

bool contains(const std::vector<std::string>& names, const std::string& name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

const std::vector<float>& fieldOf(const Fields& fields, const std::string& name, std::size_t size,
                                  const std::string& where)
{
    const auto found = fields.variables.find(name);
    if (found == fields.variables.end()) {
        throw InputError("GraphCast needs the variable '" + name + "' " + where + ", which the input lacks");
    }
    if (found->second.size() != size) {
        throw InputError("GraphCast's variable '" + name + "' " + where + " has " +
                         std::to_string(found->second.size()) + " values, expected " + std::to_string(size) +
                         " (levels × grid points of the checkpoint's task and grid)");
    }
    return found->second;
}

}  // namespace

Fields fieldsOnLevels(const Fields& fields, const std::vector<int>& fieldLevels, const std::vector<int>& levels,
                      std::size_t points)
{
    Fields selected;
    for (const auto& [name, values] : fields.variables) {
        if (!isAtmosphericVariable(name)) {
            selected.variables.emplace(name, values);
            continue;
        }
        if (values.size() != fieldLevels.size() * points) {
            throw InputError("variable '" + name + "' has " + std::to_string(values.size()) + " values, expected " +
                             std::to_string(fieldLevels.size()) + " levels × " + std::to_string(points) + " points");
        }
        std::vector<float> onLevels(levels.size() * points);
        for (std::size_t level = 0; level < levels.size(); ++level) {
            const auto found = std::find(fieldLevels.begin(), fieldLevels.end(), levels[level]);
            if (found == fieldLevels.end()) {
                throw InputError("variable '" + name + "' lacks the level " + std::to_string(levels[level]) +
                                 " hPa, which the checkpoint's task needs");
            }
            const auto source = static_cast<std::size_t>(found - fieldLevels.begin());
            std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(source * points), points,
                        onLevels.begin() + static_cast<std::ptrdiff_t>(level * points));
        }
        selected.variables.emplace(name, std::move(onLevels));
    }
    return selected;
}

GraphCastPredictor::GraphCastPredictor(const Checkpoint& checkpoint, const Graphs& graphs,
                                       const NormalizationStats& stats, const LatLonGrid& grid, int threads)
    : task_(checkpoint.taskConfig),
      grid_(grid),
      layout_(task_, inputTimesOfTask(task_)),
      network_(checkpoint, graphs, layout_.inputChannels(), layout_.outputChannels(), threads)
{
    if (static_cast<std::size_t>(graphs.gridNodes) != grid_.points()) {
        throw std::invalid_argument("graphs for " + std::to_string(graphs.gridNodes) + " grid nodes, grid of " +
                                    std::to_string(grid_.points()) + " points");
    }
    for (const std::string& name : task_.inputVariables) {
        if (!isStaticVariable(name) && !contains(task_.targetVariables, name) &&
            !contains(task_.forcingVariables, name)) {
            throw InputError("checkpoint " + checkpoint.path + ": input variable '" + name +
                             "' is neither a target nor a forcing nor static, so a rollout could not feed it back");
        }
    }
    std::vector<ChannelBlock> inputsAndForcings = layout_.inputBlocks();
    inputsAndForcings.insert(inputsAndForcings.end(), layout_.forcingBlocks().begin(), layout_.forcingBlocks().end());
    inputNormalisation_ = channelNormalisation(inputsAndForcings, stats, false);
    outputNormalisation_ = channelNormalisation(layout_.outputBlocks(), stats, true);
    residualInputChannel_.assign(static_cast<std::size_t>(layout_.outputChannels()), -1);
    for (const ChannelBlock& output : layout_.outputBlocks()) {
        for (const ChannelBlock& input : layout_.inputBlocks()) {
            if (input.variable == output.variable) {
                for (int level = 0; level < output.levels; ++level) {
                    residualInputChannel_[static_cast<std::size_t>(output.channel(0, level))] =
                        input.channel(input.times - 1, level);
                }
            }
        }
    }
}

std::vector<GraphCastPredictor::Normalisation>
GraphCastPredictor::channelNormalisation(const std::vector<ChannelBlock>& blocks, const NormalizationStats& stats,
                                         bool outputs)
{
    std::vector<Normalisation> channels;
    for (const ChannelBlock& block : blocks) {
        const bool residual = outputs && contains(task_.inputVariables, block.variable);
        // InputsAndResiduals: residuals scale by diffs_stddev without a location; the rest by
        // stddev around the mean.
        const auto* scales = residual ? &stats.diffsStddev : &stats.stddev;
        const auto scale = scales->find(block.variable);
        const auto location = stats.mean.find(block.variable);
        auto valueAt = [&](const std::vector<double>& values, int level, const char* file) -> float {
            if (block.levels == 1 && values.size() == 1) {
                return static_cast<float>(values.front());
            }
            const int hPa = task_.pressureLevels.at(static_cast<std::size_t>(level));
            const auto index = std::find(stats.levels.begin(), stats.levels.end(), hPa) - stats.levels.begin();
            if (block.levels == 1 || values.size() != stats.levels.size() ||
                index == static_cast<std::ptrdiff_t>(stats.levels.size())) {
                throw InputError(
                    std::string(file) + " has " + std::to_string(values.size()) + " values of '" + block.variable +
                    "' for " + std::to_string(stats.levels.size()) + " levels; the checkpoint needs " +
                    (block.levels == 1 ? std::string("one value") : "level " + std::to_string(hPa) + " hPa"));
            }
            return static_cast<float>(values[static_cast<std::size_t>(index)]);
        };
        const bool known = scale != scales->end() && (residual || location != stats.mean.end());
        if (!known && !contains(unnormalised_, block.variable)) {
            unnormalised_.push_back(block.variable);
        }
        for (int time = 0; time < block.times; ++time) {
            for (int level = 0; level < block.levels; ++level) {
                Normalisation n;
                if (scale != scales->end()) {
                    n.scale = valueAt(scale->second, level, residual ? "diffs_stddev_by_level" : "stddev_by_level");
                }
                if (!residual && location != stats.mean.end()) {
                    n.location = valueAt(location->second, level, "mean_by_level");
                }
                channels.push_back(n);
            }
        }
    }
    return channels;
}

std::vector<std::string> GraphCastPredictor::timeDependentInputs() const
{
    std::vector<std::string> names;
    for (const std::string& name : task_.inputVariables) {
        if (!isStaticVariable(name)) {
            names.push_back(name);
        }
    }
    return names;
}

std::vector<std::string> GraphCastPredictor::staticInputs() const
{
    std::vector<std::string> names;
    for (const std::string& name : task_.inputVariables) {
        if (isStaticVariable(name)) {
            names.push_back(name);
        }
    }
    return names;
}

void GraphCastPredictor::stackBlock(const ChannelBlock& block, int time, const std::vector<float>& values,
                                    std::span<float> stacked) const
{
    const std::size_t points = grid_.points();
    const auto channels = static_cast<std::size_t>(layout_.inputChannels());
    for (int level = 0; level < block.levels; ++level) {
        const auto channel = static_cast<std::size_t>(block.channel(time, level));
        const Normalisation n = inputNormalisation_[channel];
        const float* source = values.data() + static_cast<std::size_t>(level) * points;
        for (std::size_t point = 0; point < points; ++point) {
            stacked[point * channels + channel] = (source[point] - n.location) / n.scale;
        }
    }
}

Fields GraphCastPredictor::predict(std::span<const Fields> inputs, const Fields& statics,
                                   const Fields& targetForcings) const
{
    const std::size_t points = grid_.points();
    std::vector<float> stacked(points * static_cast<std::size_t>(layout_.inputChannels()));
    stackInputs(inputs, statics, targetForcings, stacked);
    std::vector<float> outputs(points * static_cast<std::size_t>(layout_.outputChannels()));
    network_.forward(stacked, outputs);
    return targetsFromOutputs(outputs, inputs.back());
}

void GraphCastPredictor::stackInputs(std::span<const Fields> inputs, const Fields& statics,
                                     const Fields& targetForcings, std::span<float> stacked) const
{
    const int times = layout_.inputTimes();
    if (static_cast<int>(inputs.size()) != times) {
        throw InputError("GraphCast needs " + std::to_string(times) + " input times (task input_duration " +
                         task_.inputDuration + "), got " + std::to_string(inputs.size()));
    }
    const std::size_t points = grid_.points();
    if (stacked.size() != points * static_cast<std::size_t>(layout_.inputChannels())) {
        throw std::invalid_argument("GraphCastPredictor::stackInputs: room for " + std::to_string(stacked.size()) +
                                    " values, the network takes " + std::to_string(points) + " points × " +
                                    std::to_string(layout_.inputChannels()) + " channels");
    }
    for (const ChannelBlock& block : layout_.inputBlocks()) {
        const std::size_t size = points * static_cast<std::size_t>(block.levels);
        if (isStaticVariable(block.variable)) {
            stackBlock(block, 0, fieldOf(statics, block.variable, size, "(static)"), stacked);
            continue;
        }
        for (int time = 0; time < times; ++time) {
            const std::string where = "at input time " + std::to_string(time + 1) + " of " + std::to_string(times);
            stackBlock(block, time, fieldOf(inputs[static_cast<std::size_t>(time)], block.variable, size, where),
                       stacked);
        }
    }
    for (const ChannelBlock& block : layout_.forcingBlocks()) {
        const std::size_t size = points * static_cast<std::size_t>(block.levels);
        stackBlock(block, 0, fieldOf(targetForcings, block.variable, size, "at the target time"), stacked);
    }
}

Fields GraphCastPredictor::targetsFromOutputs(std::span<const float> outputs, const Fields& lastInput) const
{
    const std::size_t points = grid_.points();
    const auto outputChannels = static_cast<std::size_t>(layout_.outputChannels());
    if (outputs.size() != points * outputChannels) {
        throw std::invalid_argument("GraphCastPredictor::targetsFromOutputs: " + std::to_string(outputs.size()) +
                                    " values, the network gives " + std::to_string(points) + " points × " +
                                    std::to_string(outputChannels) + " channels");
    }
    Fields prediction;
    for (const ChannelBlock& block : layout_.outputBlocks()) {
        std::vector<float> values(points * static_cast<std::size_t>(block.levels));
        const std::vector<float>* last = nullptr;
        if (residualInputChannel_[static_cast<std::size_t>(block.firstChannel)] >= 0) {
            last = &lastInput.variables.at(block.variable);
        }
        for (int level = 0; level < block.levels; ++level) {
            const auto channel = static_cast<std::size_t>(block.channel(0, level));
            const Normalisation n = outputNormalisation_[channel];
            float* target = values.data() + static_cast<std::size_t>(level) * points;
            for (std::size_t point = 0; point < points; ++point) {
                const float output = outputs[point * outputChannels + channel];
                target[point] = last ? output * n.scale + (*last)[static_cast<std::size_t>(level) * points + point]
                                     : output * n.scale + n.location;
            }
        }
        prediction.variables.emplace(block.variable, std::move(values));
    }
    return prediction;
}

void GraphCastPredictor::rollout(std::vector<Fields> inputs, const Fields& statics, std::int64_t lastInputTime,
                                 int steps, const StepCallback& onStep, const ForcingSource& forcings) const
{
    const ForcingSource forcingAt = forcings ? forcings : [this](std::int64_t validTime) {
        return computeForcings(task_.forcingVariables, grid_, validTime);
    };
    const std::vector<std::string> fedBack = timeDependentInputs();
    std::int64_t validTime = lastInputTime;
    for (int step = 1; step <= steps; ++step) {
        validTime += stepSeconds;
        const Fields targetForcings = forcingAt(validTime);
        Fields prediction = predict(inputs, statics, targetForcings);
        // _update_inputs: the newest input is the prediction and the forcings of its time.
        Fields next;
        for (const std::string& name : fedBack) {
            const Fields& source = prediction.variables.contains(name) ? prediction : targetForcings;
            const auto found = source.variables.find(name);
            if (found == source.variables.end()) {
                throw InputError("the forcings at a target time lack '" + name + "'");
            }
            next.variables.emplace(name, found->second);
        }
        inputs.erase(inputs.begin());
        inputs.push_back(std::move(next));
        if (onStep && !onStep(step, validTime, prediction)) {
            return;
        }
    }
}

}  // namespace spreadcast::graphcast
