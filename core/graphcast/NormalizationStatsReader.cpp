#include "graphcast/NormalizationStatsReader.h"

#include "io/CfReader.h"
#include "run/InputError.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>

namespace spreadcast::graphcast {

namespace {

constexpr const char* meanFile = "mean_by_level.nc";
constexpr const char* stddevFile = "stddev_by_level.nc";
constexpr const char* diffsStddevFile = "diffs_stddev_by_level.nc";
constexpr const char* levelName = "level";

struct StatsFile {
    std::map<std::string, std::vector<double>> values;
    std::optional<std::vector<int>> levels;  // the level coordinate, when the file has one
};

const CfFileKind statsKind{"normalisation file",
                           "use the statistics published with the checkpoint (dm_graphcast/stats/)"};

std::string describe(const CfReader& file)
{
    return "normalisation file '" + file.path() + "'";
}

bool isCoordinate(const CfReader& file, const CfVariable& variable)
{
    return variable.dimensions.size() == 1 && file.dimension(variable, 0).name == variable.name;
}

std::vector<int> readLevels(const CfReader& file, const CfVariable& coordinate)
{
    std::vector<int> levels;
    for (double level : file.values(coordinate)) {
        if (!(level >= 1.0 && level <= 2000.0) || level != std::round(level)) {
            throw InputError("the level coordinate of " + describe(file) +
                             " holds a value that is not a whole pressure in hPa (1…2000); the file is damaged");
        }
        levels.push_back(static_cast<int>(level));
    }
    return levels;
}

void checkValues(const CfReader& file, const CfVariable& variable, const std::vector<double>& values,
                 bool mustBePositive)
{
    for (double value : values) {
        if (!std::isfinite(value) || (mustBePositive && value <= 0.0)) {
            throw InputError("variable '" + variable.name + "' in " + describe(file) + " holds " +
                             std::to_string(value) + "; every value must be finite" +
                             (mustBePositive ? " and positive (it is a standard deviation)" : "") +
                             " — the file is damaged");
        }
    }
}

StatsFile readStatsFile(const std::string& path, bool isStandardDeviation)
{
    const CfReader file(path, statsKind);
    StatsFile stats;
    if (const CfVariable* coordinate = file.variable(levelName)) {
        stats.levels = readLevels(file, *coordinate);
    }
    for (const CfVariable& variable : file.variables()) {
        if (isCoordinate(file, variable) || !variable.isNumeric()) {
            continue;
        }
        const bool perLevel = variable.dimensions.size() == 1 && file.dimension(variable, 0).name == levelName;
        if (!variable.dimensions.empty() && !perLevel) {
            throw InputError("variable '" + variable.name + "' in " + describe(file) +
                             " has dimensions other than (level) or none; normalisation statistics hold one value "
                             "per pressure level or one value — use DeepMind's files from dm_graphcast/stats/");
        }
        if (perLevel && !stats.levels) {
            throw InputError("variable '" + variable.name + "' in " + describe(file) +
                             " is given per level but the file has no 'level' coordinate; the file is damaged");
        }
        std::vector<double> values = file.values(variable);
        checkValues(file, variable, values, isStandardDeviation);
        stats.values.emplace(variable.name, std::move(values));
    }
    return stats;
}

std::string statsPath(const std::string& directory, const char* fileName)
{
    return (std::filesystem::path(directory) / fileName).string();
}

void mergeLevels(NormalizationStats& stats, const StatsFile& file, const std::string& path)
{
    if (!file.levels) {
        return;
    }
    if (stats.levels.empty()) {
        stats.levels = *file.levels;
    } else if (stats.levels != *file.levels) {
        throw InputError("normalisation file '" + path + "' has other pressure levels than " + meanFile +
                         " in the same directory; the three files must come from one set (dm_graphcast/stats/)");
    }
}

bool isPerLevel(const NormalizationStats& stats, const std::vector<double>& values)
{
    return !stats.levels.empty() && values.size() == stats.levels.size() && values.size() != 1;
}

void requireVariable(const std::map<std::string, std::vector<double>>& values, const std::string& variable,
                     const std::string& directory, const char* fileName, const char* why)
{
    if (!values.contains(variable)) {
        throw InputError("normalisation file '" + statsPath(directory, fileName) + "' has no variable '" + variable +
                         "', which the checkpoint needs " + why +
                         "; use the statistics published with the checkpoint (dm_graphcast/stats/)");
    }
}

void requireTaskLevels(const NormalizationStats& stats, const std::vector<double>& values, const std::string& variable,
                       const TaskConfig& task, const std::string& directory)
{
    if (!isPerLevel(stats, values)) {
        return;
    }
    for (int level : task.pressureLevels) {
        if (std::find(stats.levels.begin(), stats.levels.end(), level) == stats.levels.end()) {
            throw InputError("the normalisation statistics in '" + directory + "' have no level " +
                             std::to_string(level) + " hPa for '" + variable +
                             "', which the checkpoint's task needs; use the statistics published with it");
        }
    }
}

}  // namespace

NormalizationStats readNormalizationStats(const std::string& directory)
{
    NormalizationStats stats;
    StatsFile mean = readStatsFile(statsPath(directory, meanFile), false);
    StatsFile stddev = readStatsFile(statsPath(directory, stddevFile), true);
    StatsFile diffsStddev = readStatsFile(statsPath(directory, diffsStddevFile), true);
    mergeLevels(stats, mean, statsPath(directory, meanFile));
    mergeLevels(stats, stddev, statsPath(directory, stddevFile));
    mergeLevels(stats, diffsStddev, statsPath(directory, diffsStddevFile));
    stats.mean = std::move(mean.values);
    stats.stddev = std::move(stddev.values);
    stats.diffsStddev = std::move(diffsStddev.values);
    return stats;
}

void checkNormalizationCoversTask(const NormalizationStats& stats, const TaskConfig& task, const std::string& directory)
{
    const auto isInput = [&task](const std::string& variable) {
        return std::find(task.inputVariables.begin(), task.inputVariables.end(), variable) != task.inputVariables.end();
    };
    std::vector<std::string> normalised = task.inputVariables;
    normalised.insert(normalised.end(), task.forcingVariables.begin(), task.forcingVariables.end());
    for (const std::string& target : task.targetVariables) {
        if (!isInput(target)) {
            normalised.push_back(target);  // predicted directly, un-normalised with mean and stddev
        }
    }
    for (const std::string& variable : normalised) {
        requireVariable(stats.mean, variable, directory, meanFile, "to normalise it");
        requireVariable(stats.stddev, variable, directory, stddevFile, "to normalise it");
        requireTaskLevels(stats, stats.mean.at(variable), variable, task, directory);
        requireTaskLevels(stats, stats.stddev.at(variable), variable, task, directory);
    }
    for (const std::string& target : task.targetVariables) {
        if (isInput(target)) {
            requireVariable(stats.diffsStddev, target, directory, diffsStddevFile, "to scale its residual");
            requireTaskLevels(stats, stats.diffsStddev.at(target), target, task, directory);
        }
    }
}

}  // namespace spreadcast::graphcast
