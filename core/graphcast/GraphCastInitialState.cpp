#include "graphcast/GraphCastInitialState.h"

#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphCastForcings.h"
#include "run/InputError.h"

#include <algorithm>
#include <string>

namespace spreadcast::graphcast {

GraphCastPredictor::ForcingSource datasetForcings(const Dataset& dataset, const TaskConfig& task)
{
    return [&dataset, forcingVariables = task.forcingVariables](std::int64_t validTime) {
        Fields forcings = computeForcings(forcingVariables, dataset.grid, validTime);
        const auto time = std::find(dataset.validTimes.begin(), dataset.validTimes.end(), validTime);
        const std::string tisr = "toa_incident_solar_radiation";
        if (time != dataset.validTimes.end() && forcings.variables.contains(tisr)) {
            const Fields& stored = dataset.times[static_cast<std::size_t>(time - dataset.validTimes.begin())];
            const auto found = stored.variables.find(tisr);
            if (found != stored.variables.end()) {
                forcings.variables[tisr] = found->second;
            }
        }
        return forcings;
    };
}

InitialState initialStateFromDataset(const Dataset& dataset, const TaskConfig& task, int inputTimes, int firstTime)
{
    if (firstTime < 0 || static_cast<std::size_t>(firstTime + inputTimes) > dataset.times.size() ||
        dataset.validTimes.size() != dataset.times.size()) {
        throw InputError("the initial condition has " + std::to_string(dataset.times.size()) +
                         " times; GraphCast needs " + std::to_string(inputTimes) + " (6 hours apart) from time " +
                         std::to_string(firstTime + 1));
    }
    const auto forcingsAt = datasetForcings(dataset, task);
    InitialState state;
    for (int time = firstTime; time < firstTime + inputTimes; ++time) {
        const auto index = static_cast<std::size_t>(time);
        if (time > firstTime &&
            dataset.validTimes[index] - dataset.validTimes[index - 1] != GraphCastPredictor::stepSeconds) {
            throw InputError("the initial condition's times " + std::to_string(time) + " and " +
                             std::to_string(time + 1) + " are not 6 hours apart, as GraphCast's inputs must be");
        }
        const Fields onLevels =
            fieldsOnLevels(dataset.times[index], dataset.levels, task.pressureLevels, dataset.grid.points());
        Fields fields;
        for (const std::string& name : task.inputVariables) {
            if (!isStaticVariable(name) && onLevels.variables.contains(name)) {
                fields.variables[name] = onLevels.variables.at(name);
            }
        }
        for (auto& [name, values] : forcingsAt(dataset.validTimes[index]).variables) {
            fields.variables[name] = std::move(values);
        }
        state.inputs.push_back(std::move(fields));
    }
    for (const std::string& name : task.inputVariables) {
        if (isStaticVariable(name) && dataset.statics.variables.contains(name)) {
            state.statics.variables[name] = dataset.statics.variables.at(name);
        }
    }
    state.lastInputTime = dataset.validTimes[static_cast<std::size_t>(firstTime + inputTimes - 1)];
    return state;
}

}  // namespace spreadcast::graphcast
