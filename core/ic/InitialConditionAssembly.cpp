#include "ic/InitialConditionAssembly.h"

#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphCastModel.h"
#include "ic/InitialConditionSource.h"
#include "ic/PrecipitationAccumulation.h"
#include "run/InputError.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

namespace spreadcast::ic {

using graphcast::Dataset;
using graphcast::Fields;

namespace {

constexpr std::int64_t stepSeconds = 6 * 3600;
const std::string tisr = "toa_incident_solar_radiation";
const std::string precipitation6h = "total_precipitation_6hr";

// Where a forecaster gets these variables: ECMWF open data's parameters, and ERA5's CDS datasets
// and names.
std::string whereToGet(const std::vector<std::string>& names)
{
    struct Source {
        const char* openData;
        const char* era5Dataset;
        const char* era5Name;
    };
    static const std::map<std::string, Source> sources{
        {"temperature", {"t", "reanalysis-era5-pressure-levels", "temperature"}},
        {"geopotential", {"gh (converted with g = 9.80665)", "reanalysis-era5-pressure-levels", "geopotential"}},
        {"u_component_of_wind", {"u", "reanalysis-era5-pressure-levels", "u_component_of_wind"}},
        {"v_component_of_wind", {"v", "reanalysis-era5-pressure-levels", "v_component_of_wind"}},
        {"vertical_velocity", {"w", "reanalysis-era5-pressure-levels", "vertical_velocity"}},
        {"specific_humidity", {"q", "reanalysis-era5-pressure-levels", "specific_humidity"}},
        {"2m_temperature", {"2t", "reanalysis-era5-single-levels", "2m_temperature"}},
        {"mean_sea_level_pressure", {"msl", "reanalysis-era5-single-levels", "mean_sea_level_pressure"}},
        {"10m_u_component_of_wind", {"10u", "reanalysis-era5-single-levels", "10m_u_component_of_wind"}},
        {"10m_v_component_of_wind", {"10v", "reanalysis-era5-single-levels", "10m_v_component_of_wind"}},
        {"total_precipitation_6hr", {"tp", "reanalysis-era5-single-levels", "total_precipitation (summed over 6 h)"}},
        {"geopotential_at_surface", {"z at the surface", "reanalysis-era5-single-levels", "geopotential"}},
        {"land_sea_mask", {"lsm", "reanalysis-era5-single-levels", "land_sea_mask"}},
    };
    std::string openData;
    std::map<std::string, std::string> era5;  // dataset → names
    for (const std::string& name : names) {
        const auto found = sources.find(name);
        if (found == sources.end()) {
            continue;
        }
        openData += (openData.empty() ? "" : ", ") + std::string(found->second.openData);
        std::string& list = era5[found->second.era5Dataset];
        list += (list.empty() ? "'" : ", '") + std::string(found->second.era5Name) + "'";
    }
    if (era5.empty()) {
        return "ECMWF open data: https://data.ecmwf.int/forecasts/ ; ERA5: Copernicus CDS "
               "reanalysis-era5-pressure-levels / -single-levels";
    }
    std::string text = "ECMWF open data: https://data.ecmwf.int/forecasts/ (" + openData + "); ERA5: Copernicus CDS ";
    bool first = true;
    for (const auto& [dataset, list] : era5) {
        text += (first ? "" : " and ") + dataset + " (" + list + ")";
        first = false;
    }
    return text;
}

std::string whereToGet(const std::string& name)
{
    return whereToGet(std::vector<std::string>{name});
}

std::string shortTime(std::int64_t seconds)
{
    const std::string text = graphcast::formatTime(seconds);  // "YYYY-MM-DD HH:MM:SS"
    return text.ends_with(":00") ? text.substr(0, text.size() - 3) : text;
}

std::string quotedList(const std::vector<std::string>& names)
{
    std::string text;
    for (std::size_t k = 0; k < names.size(); ++k) {
        text += (k == 0 ? "" : k + 1 == names.size() ? " and " : ", ") + ("'" + names[k] + "'");
    }
    return text;
}

std::string levelList(const std::vector<int>& levels)
{
    std::string text;
    for (int level : levels) {
        text += (text.empty() ? "" : ", ") + std::to_string(level);
    }
    return text + " hPa";
}

// What a variable lacks at a time: all of it (no missingLevels) in the files that hold the time,
// or some levels in the file that has the others.
struct Shortfall {
    std::string file;  // quoted, "'a.nc'" or "'a.nc' and 'b.nc'"
    std::vector<int> missingLevels;
    bool atmospheric = false;
    auto operator<=>(const Shortfall&) const = default;
};

// One time of the merged files, on the task's levels.
struct MergedTime {
    Fields fields;
    std::vector<std::string> files;  // that hold this time
    // A variable a file has at this time without all of the task's levels: the levels it lacks.
    std::map<std::string, std::pair<std::vector<int>, std::string>> incomplete;
};

// Moves one file's times into the merge: each variable at each time from the first file that has it
// complete, atmospheric ones cut to the task's levels in the task's order.
void mergeFile(Dataset& dataset, const std::string& file, const std::vector<int>& taskLevels,
               std::map<std::int64_t, MergedTime>& merged)
{
    const std::size_t points = dataset.grid.points();
    for (std::size_t time = 0; time < dataset.times.size(); ++time) {
        MergedTime& entry = merged[dataset.validTimes[time]];
        entry.files.push_back(file);
        for (auto& [name, values] : dataset.times[time].variables) {
            if (entry.fields.variables.contains(name)) {
                continue;
            }
            if (!graphcast::isAtmosphericVariable(name) || values.size() == points) {
                entry.fields.variables.emplace(name, std::move(values));
                continue;
            }
            std::vector<int> missing;
            std::vector<float> selected;
            for (int level : taskLevels) {
                const auto found = std::find(dataset.levels.begin(), dataset.levels.end(), level);
                if (found == dataset.levels.end()) {
                    missing.push_back(level);
                    continue;
                }
                const auto offset = static_cast<std::size_t>(found - dataset.levels.begin()) * points;
                selected.insert(selected.end(), values.begin() + static_cast<std::ptrdiff_t>(offset),
                                values.begin() + static_cast<std::ptrdiff_t>(offset + points));
            }
            if (missing.empty()) {
                entry.fields.variables.emplace(name, std::move(selected));
                entry.incomplete.erase(name);
            } else if (!entry.incomplete.contains(name)) {
                entry.incomplete.emplace(name, std::make_pair(missing, file));
            }
        }
    }
}

// A static variable of a file: among its statics, or at its first time (a GRIB file's lsm).
const std::vector<float>* findStatic(const Dataset& dataset, const std::string& name)
{
    if (const auto found = dataset.statics.variables.find(name); found != dataset.statics.variables.end()) {
        return &found->second;
    }
    if (!dataset.times.empty()) {
        if (const auto found = dataset.times.front().variables.find(name);
            found != dataset.times.front().variables.end()) {
            return &found->second;
        }
    }
    return nullptr;
}

// A file's tp accumulations on the checkpoint's grid, regridded as its fields are.
std::vector<PrecipitationAccumulation> regridPrecipitation(std::vector<PrecipitationAccumulation> precipitation,
                                                           const graphcast::LatLonGrid& fileGrid,
                                                           const graphcast::LatLonGrid& grid, RegridMethod method,
                                                           const std::string& file)
{
    if (precipitation.empty()) {
        return precipitation;
    }
    Dataset carrier;
    carrier.grid = fileGrid;
    for (PrecipitationAccumulation& accumulation : precipitation) {
        Fields fields;
        fields.variables.emplace(precipitation6h, std::move(accumulation.values));
        carrier.times.push_back(std::move(fields));
        carrier.validTimes.push_back(accumulation.end);
    }
    std::string note;  // the file's fields already say how it was regridded
    carrier = regridDataset(std::move(carrier), grid, method, file, note);
    for (std::size_t k = 0; k < precipitation.size(); ++k) {
        precipitation[k].values = std::move(carrier.times[k].variables.at(precipitation6h));
    }
    return precipitation;
}

}  // namespace

std::int64_t parseUtcTime(const std::string& text)
{
    static const std::regex pattern(
        R"(\s*(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2})(?::(\d{2})(?::(\d{2}))?)?)?(?:Z|z|\+00:?00)?\s*)");
    std::smatch match;
    auto number = [&match](std::size_t group) { return match[group].matched ? std::stoi(match[group].str()) : 0; };
    if (std::regex_match(text, match, pattern)) {
        const std::chrono::year_month_day date{std::chrono::year{number(1)},
                                               std::chrono::month{static_cast<unsigned>(number(2))},
                                               std::chrono::day{static_cast<unsigned>(number(3))}};
        const int hour = number(4);
        const int minute = number(5);
        const int second = number(6);
        if (date.ok() && hour <= 23 && minute <= 59 && second <= 59) {
            const std::int64_t days = std::chrono::sys_days{date}.time_since_epoch().count();
            return days * 86400 + hour * 3600 + minute * 60 + second;
        }
    }
    throw std::invalid_argument("'" + text +
                                "' is not a UTC time: give it as \"YYYY-MM-DD HH:MM\" or ISO 8601, e.g. "
                                "\"2022-01-01 06:00\" or 2022-01-01T06:00Z");
}

AssembledInitialCondition assembleInitialCondition(const InitialConditionRequest& request,
                                                   const graphcast::TaskConfig& task, const graphcast::LatLonGrid& grid,
                                                   int inputTimes)
{
    if (request.files.empty()) {
        throw InputError("no initial condition: give --ic FILE (one or more)");
    }
    AssembledInitialCondition assembled;
    assembled.sources = quotedList(request.files);
    std::map<std::int64_t, MergedTime> merged;
    std::vector<Dataset> datasets;
    std::vector<PrecipitationAccumulation> precipitation;  // every file's tp, as the files accumulate it
    for (const std::string& file : request.files) {
        std::string note;
        std::vector<PrecipitationAccumulation> filePrecipitation;
        Dataset read = readInitialConditionSource(file, &filePrecipitation);
        filePrecipitation =
            regridPrecipitation(std::move(filePrecipitation), read.grid, grid, request.regridding, file);
        std::move(filePrecipitation.begin(), filePrecipitation.end(), std::back_inserter(precipitation));
        Dataset dataset = regridDataset(std::move(read), grid, request.regridding, file, note);
        if (!note.empty()) {
            assembled.notes.push_back(note);
        }
        // The statics are looked for once every file is read: keep them apart from the fields.
        Dataset statics;
        statics.statics = std::move(dataset.statics);
        if (!dataset.times.empty()) {
            for (const std::string& name : {std::string("geopotential_at_surface"), std::string("land_sea_mask")}) {
                if (const auto found = dataset.times.front().variables.find(name);
                    found != dataset.times.front().variables.end()) {
                    statics.times.resize(1);
                    statics.times.front().variables.emplace(name, found->second);
                }
            }
        }
        datasets.push_back(std::move(statics));
        mergeFile(dataset, file, task.pressureLevels, merged);
    }

    std::vector<std::int64_t> times;
    for (const auto& [time, entry] : merged) {
        times.push_back(time);
    }
    std::string available;
    for (std::int64_t time : times) {
        available += (available.empty() ? "" : ", ") + shortTime(time);
    }
    const bool oneFile = request.files.size() == 1;
    const std::string filesText = (oneFile ? "the file " : "the files ") + assembled.sources;
    const std::string have = oneFile ? " has" : " have";
    std::vector<std::string> problems;
    const auto inputs = static_cast<std::size_t>(inputTimes);
    if (times.size() < inputs) {
        throw InputError(
            filesText + (oneFile ? " holds " : " hold ") +
            (times.size() == 1 ? "a single time (" + available + ")" : std::to_string(times.size()) + " times") +
            "; GraphCast needs " + std::to_string(inputTimes) +
            " times 6 hours apart, the initial time and the 6 hours before it: add the earlier time (a "
            "file with both, or one --ic per time), e.g. from ECMWF open data "
            "https://data.ecmwf.int/forecasts/ or Copernicus CDS reanalysis-era5-pressure-levels / "
            "-single-levels");
    }
    std::int64_t initialTime = 0;
    std::string choice;
    if (!request.initialTime.empty()) {
        try {
            initialTime = parseUtcTime(request.initialTime);
        } catch (const std::invalid_argument& error) {
            throw InputError(std::string("--ic-time: ") + error.what());
        }
        if (!merged.contains(initialTime)) {
            throw InputError("--ic-time " + request.initialTime + ": " + filesText + have + " no time " +
                             shortTime(initialTime) + " (only " + available + "): give one of those");
        }
        choice = "--ic-time";
    } else if (request.initialTimeIndex > 0) {
        const auto index = static_cast<std::size_t>(request.initialTimeIndex);
        if (index < inputs - 1 || index >= times.size()) {
            throw InputError("--ic-time " + std::to_string(index) + " is not a time index of " + filesText +
                             " that has its earlier inputs: give an index from " + std::to_string(inputs - 1) + " to " +
                             std::to_string(times.size() - 1) + ", or the time itself, e.g. \"" +
                             shortTime(times.back()) + "\"");
        }
        initialTime = times[index];
        choice = "--ic-time (index " + std::to_string(index) + ")";
    } else if (detectSourceFormat(request.files.front()) == SourceFormat::DeepMindNetcdf) {
        // DeepMind's example datasets put the inputs first and the targets after them.
        initialTime = times[inputs - 1];
        choice = "the first " + std::to_string(inputTimes) + " times, as DeepMind's example datasets hold the inputs";
    } else {
        initialTime = times.back();
        choice = "the last " + std::to_string(inputTimes) + " times of the files";
    }

    std::vector<std::int64_t> inputTimesWanted;
    for (int k = inputTimes - 1; k >= 0; --k) {
        inputTimesWanted.push_back(initialTime - k * stepSeconds);
    }
    for (std::int64_t wanted : inputTimesWanted) {
        if (!merged.contains(wanted)) {
            problems.push_back(filesText + have + " no time " + shortTime(wanted) +
                               ", 6 hours before the initial time " + shortTime(initialTime) + " (only " + available +
                               "): GraphCast's inputs are 6 hours apart; add a file with " + shortTime(wanted) +
                               " or give --ic-time with a time whose predecessor is there");
        }
    }
    if (!problems.empty()) {
        std::string text;
        for (const std::string& problem : problems) {
            text += (text.empty() ? "" : "\n") + problem;
        }
        throw InputError(text);
    }

    Dataset& dataset = assembled.dataset;
    dataset.grid = grid;
    dataset.levels = task.pressureLevels;
    std::set<std::string> forcings(task.forcingVariables.begin(), task.forcingVariables.end());
    // The variables missing by what is missing and time, told once for the times with the same.
    std::map<std::pair<Shortfall, std::int64_t>, std::vector<std::string>> shortfalls;
    for (std::int64_t time : inputTimesWanted) {
        MergedTime& entry = merged.at(time);
        std::vector<std::string> needed;
        for (const std::string& name : task.inputVariables) {
            if (!forcings.contains(name) && !graphcast::isStaticVariable(name)) {
                needed.push_back(name);
            }
        }
        // The initial time's targets are the forecast's lead 0 too. A target that is no input
        // (GraphCast_operational's total_precipitation_6hr) is not needed to forecast.
        std::vector<std::string> outputOnly;
        if (time == initialTime) {
            for (const std::string& name : task.targetVariables) {
                if (std::find(needed.begin(), needed.end(), name) == needed.end()) {
                    outputOnly.push_back(name);
                }
            }
        }
        // total_precipitation_6hr from the files' accumulations (ERA5's hours, open data's
        // steps from the forecast's start) where no file has the 6 hours as they are.
        std::string precipitationMissing;
        const bool wantsPrecipitation =
            std::find(needed.begin(), needed.end(), precipitation6h) != needed.end() ||
            std::find(outputOnly.begin(), outputOnly.end(), precipitation6h) != outputOnly.end();
        if (wantsPrecipitation && !entry.fields.variables.contains(precipitation6h) && !precipitation.empty()) {
            DerivedPrecipitation derived = precipitationOver(precipitation, time - stepSeconds, time);
            if (!derived.values.empty()) {
                entry.fields.variables.emplace(precipitation6h, std::move(derived.values));
                assembled.notes.push_back(precipitation6h + " at " + shortTime(time) +
                                          " (the 6 hours before it) from " + derived.how);
            } else {
                precipitationMissing = derived.missing;
            }
        }
        for (const std::string& name : outputOnly) {
            if (!entry.fields.variables.contains(name)) {
                // Lead 0 of a variable the checkpoint only predicts: missing (NaN) in the output.
                entry.fields.variables.emplace(
                    name,
                    std::vector<float>(dataset.grid.points() *
                                           (graphcast::isAtmosphericVariable(name) ? task.pressureLevels.size() : 1),
                                       std::numeric_limits<float>::quiet_NaN()));
                assembled.notes.push_back(
                    "no '" + name + "' at the initial time " + shortTime(time) + " in " + filesText +
                    ": the checkpoint predicts it without taking it as an input, so the forecast does not need it; "
                    "its lead 0 in the output is missing (NaN)");
            }
        }
        for (const std::string& name : needed) {
            if (entry.fields.variables.contains(name)) {
                continue;
            }
            if (name == precipitation6h && !precipitationMissing.empty()) {
                problems.push_back("no '" + precipitation6h + "' at " + shortTime(time) + " in " + filesText +
                                   ", nor the tp accumulations to derive it (the 6 hours from " +
                                   shortTime(time - stepSeconds) + "): missing " + precipitationMissing + "; " +
                                   whereToGet(name));
                continue;
            }
            Shortfall shortfall{quotedList(entry.files), {}, graphcast::isAtmosphericVariable(name)};
            if (const auto partial = entry.incomplete.find(name); partial != entry.incomplete.end()) {
                shortfall.file = "'" + partial->second.second + "'";
                shortfall.missingLevels = partial->second.first;
            }
            shortfalls[{shortfall, time}].push_back(name);
        }
        dataset.validTimes.push_back(time);
        dataset.times.push_back(std::move(entry.fields));
    }
    std::map<std::pair<Shortfall, std::vector<std::string>>, std::vector<std::int64_t>> shortfallTimes;
    for (const auto& [where, variables] : shortfalls) {
        shortfallTimes[{where.first, variables}].push_back(where.second);
    }
    for (const auto& [what, when] : shortfallTimes) {
        const auto& [shortfall, variables] = what;
        std::string timesText;
        for (std::size_t k = 0; k < when.size(); ++k) {
            timesText += (k == 0 ? "" : k + 1 == when.size() ? " and " : ", ") + shortTime(when[k]);
        }
        const std::string needs = levelList(task.pressureLevels);
        if (shortfall.missingLevels.empty()) {
            problems.push_back("no " + quotedList(variables) + " at " + timesText + " in " + shortfall.file +
                               (shortfall.atmospheric ? " (needed on " + needs + ")" : std::string()) + "; " +
                               whereToGet(variables));
        } else {
            problems.push_back(quotedList(variables) + " at " + timesText + " in " + shortfall.file +
                               (variables.size() == 1 ? " lacks the level" : " lack the level") +
                               (shortfall.missingLevels.size() == 1 ? " " : "s ") + levelList(shortfall.missingLevels) +
                               " (the checkpoint needs " + needs + "); " + whereToGet(variables));
        }
    }
    // Later times keep their TOA radiation: the rollout takes the files' where they have it.
    for (auto later = merged.upper_bound(initialTime); later != merged.end(); ++later) {
        Fields fields;
        if (const auto found = later->second.fields.variables.find(tisr);
            found != later->second.fields.variables.end()) {
            fields.variables.emplace(tisr, std::move(found->second));
        }
        dataset.validTimes.push_back(later->first);
        dataset.times.push_back(std::move(fields));
    }
    assembled.lastInputIndex = inputTimes - 1;

    std::vector<std::string> staticNames;
    for (const std::string& name : task.inputVariables) {
        if (graphcast::isStaticVariable(name)) {
            staticNames.push_back(name);
        }
    }
    if (!request.staticsFile.empty()) {
        std::string note;
        const Dataset statics = regridDataset(readInitialConditionSource(request.staticsFile), grid, request.regridding,
                                              request.staticsFile, note);
        if (!note.empty()) {
            assembled.notes.push_back(note);
        }
        for (const std::string& name : staticNames) {
            if (const std::vector<float>* values = findStatic(statics, name); values != nullptr) {
                dataset.statics.variables.emplace(name, *values);
            } else {
                problems.push_back("the statics file '" + request.staticsFile + "' (--static) has no '" + name + "'; " +
                                   whereToGet(name));
            }
        }
    } else {
        for (const std::string& name : staticNames) {
            for (const Dataset& statics : datasets) {
                if (const std::vector<float>* values = findStatic(statics, name); values != nullptr) {
                    dataset.statics.variables.emplace(name, *values);
                    break;
                }
            }
            if (!dataset.statics.variables.contains(name)) {
                problems.push_back("no static '" + name + "' in " + filesText +
                                   ": give --static FILE with geopotential_at_surface and land_sea_mask; " +
                                   whereToGet(name));
            }
        }
    }
    if (!problems.empty()) {
        std::string text;
        for (const std::string& problem : problems) {
            text += (text.empty() ? "" : "\n") + problem;
        }
        throw InputError(text);
    }
    assembled.notes.push_back("GraphCast's inputs at " + shortTime(inputTimesWanted.front()) + " and " +
                              shortTime(initialTime) + " from " + assembled.sources + " (" + choice + ")" +
                              (request.staticsFile.empty() ? "" : ", statics from '" + request.staticsFile + "'"));
    return assembled;
}

}  // namespace spreadcast::ic
