#include "run/RunSpec.h"

#include "device/Device.h"
#include "model/ModelRegistry.h"
#include "run/InputError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "model/PhysicalConstants.h"

namespace spreadcast {
namespace {

const std::vector<std::string>& caseNames()
{
    static const std::vector<std::string> names{"williamson2", "williamson5", "williamson6", "galewsky"};
    return names;
}

bool isWholeMultiple(double value, double divisor)
{
    const double ratio = value / divisor;
    return std::abs(ratio - std::round(ratio)) < 1e-9 * std::max(1.0, ratio);
}

}  // namespace

nlohmann::json toJson(const RunSpec& spec)
{
    nlohmann::json thresholds = nlohmann::json::array();
    for (const auto& threshold : spec.thresholds) {
        thresholds.push_back({{"variable", threshold.variable}, {"value", threshold.value}});
    }
    nlohmann::json json{
        {"model", spec.model},
        {"thresholds", thresholds},
        {"store_members", spec.storeMembers},
        {"initial_condition", spec.initialCondition},
        {"initial_condition_time", spec.initialConditionTime},
        {"lead_seconds", spec.leadSeconds},
        {"output_interval_seconds", spec.outputIntervalSeconds},
        {"members", spec.members},
        {"seed", spec.seed},
        {"output_precision", spec.precision == OutputPrecision::Double ? "double" : "float"},
    };
    if (const ModelDefinition* model = findModel(spec.model)) {
        json[spec.model] = model->settingsToJson(spec);
    }
    return json;
}

RunSpec runSpecFromJson(const nlohmann::json& json)
{
    RunSpec spec;
    // Files written before the registry name no model and keep the shallow-water settings at the top.
    spec.model = json.value("model", std::string("shallow-water"));
    const ModelDefinition* model = findModel(spec.model);
    if (model == nullptr) {
        throw std::invalid_argument("the run spec names the model '" + spec.model +
                                    "', which this build does not have (it has " + modelNameList() + ")");
    }
    spec.initialCondition = json.at("initial_condition").get<std::string>();
    spec.initialConditionTime = json.value("initial_condition_time", 0);
    spec.leadSeconds = json.at("lead_seconds").get<double>();
    spec.outputIntervalSeconds = json.at("output_interval_seconds").get<double>();
    spec.members = json.at("members").get<int>();
    spec.seed = json.value("seed", std::uint64_t{0});
    spec.storeMembers = json.value("store_members", std::string("all"));
    for (const auto& threshold : json.value("thresholds", nlohmann::json::array())) {
        spec.thresholds.push_back({threshold.at("variable").get<std::string>(), threshold.at("value").get<double>()});
    }
    spec.precision = json.value("output_precision", std::string("float")) == "double" ? OutputPrecision::Double
                                                                                      : OutputPrecision::Float;
    model->settingsFromJson(json.contains(spec.model) ? json.at(spec.model) : json, spec);
    return spec;
}

std::vector<int> storedMembers(const RunSpec& spec)
{
    std::vector<int> members;
    if (spec.storeMembers == "all") {
        for (int m = 0; m < spec.members; ++m) {
            members.push_back(m);
        }
        return members;
    }
    if (spec.storeMembers == "none") {
        return members;
    }
    auto fail = [&](const std::string& why) {
        throw std::invalid_argument("--store-members '" + spec.storeMembers + "': " + why +
                                    "; give all, none, or member numbers and ranges such as 0,5,10-19");
    };
    auto number = [&](std::string_view text) {
        int value = -1;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
            fail("'" + std::string(text) + "' is not a member number");
        }
        if (value < 0 || value >= spec.members) {
            fail("member " + std::to_string(value) + " is not in 0 … " + std::to_string(spec.members - 1));
        }
        return value;
    };
    std::string_view rest = spec.storeMembers;
    while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view item = rest.substr(0, comma);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
        const auto dash = item.find('-');
        const int first = number(item.substr(0, dash));
        const int last = dash == std::string_view::npos ? first : number(item.substr(dash + 1));
        if (last < first) {
            fail("the range '" + std::string(item) + "' runs backwards");
        }
        for (int m = first; m <= last; ++m) {
            members.push_back(m);
        }
    }
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    return members;
}

double maxStableTimeStep(int truncation)
{
    return constants::earthRadius / (referenceWindSpeed * truncation);
}

double effectiveTimeStep(const RunSpec& spec)
{
    if (spec.timeStepSeconds > 0.0) {
        return spec.timeStepSeconds;
    }
    // 0.7 of the stability limit leaves room for winds above the reference speed; among the step
    // counts that respect it, the first that gives a whole number of seconds.
    const double limit = 0.7 * maxStableTimeStep(spec.truncation);
    const double interval = spec.outputIntervalSeconds;
    const double fewest = std::max(1.0, std::ceil(interval / limit - 1e-9));
    for (double steps = fewest; steps < 2.0 * fewest + 10.0; ++steps) {
        if (isWholeMultiple(interval / steps, 1.0)) {
            return interval / steps;
        }
    }
    return interval / fewest;
}

bool isBuiltInCase(std::string_view name)
{
    const auto& names = caseNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> builtInCaseNames()
{
    return caseNames();
}

std::vector<std::string> validate(const RunSpec& spec)
{
    std::vector<std::string> problems;
    const ModelDefinition* model = findModel(spec.model);
    if (model == nullptr) {
        problems.push_back("there is no model '" + spec.model + "': give --model with one of " + modelNameList());
    } else {
        problems = model->validate(spec);
    }
    if (spec.initialCondition.empty()) {
        problems.push_back("no initial condition: give --ic with a built-in case (williamson2, williamson5, "
                           "williamson6, galewsky) or a NetCDF file");
    }
    if (spec.members < 1 || spec.members > maxMembers) {
        problems.push_back("ensemble size " + std::to_string(spec.members) + " is out of range: give --members 1 … " +
                           std::to_string(maxMembers));
    }
    if (!(spec.leadSeconds > 0.0) || spec.leadSeconds > maxLeadSeconds) {
        problems.push_back("lead time " + formatDuration(spec.leadSeconds) +
                           " is out of range: give --lead more than 0 and at most " + formatDuration(maxLeadSeconds));
    }
    if (!(spec.outputIntervalSeconds > 0.0)) {
        problems.push_back("output interval " + formatDuration(spec.outputIntervalSeconds) +
                           " must be positive (--output-every)");
    } else if (spec.leadSeconds > 0.0 && !isWholeMultiple(spec.leadSeconds, spec.outputIntervalSeconds)) {
        problems.push_back("lead time " + formatDuration(spec.leadSeconds) +
                           " is not a whole number of output intervals (" + formatDuration(spec.outputIntervalSeconds) +
                           "): change --lead or --output-every");
    }
    if (spec.members >= 1 && spec.members <= maxMembers) {
        try {
            if (storedMembers(spec).empty() && spec.members == 1) {
                problems.push_back("--store-members none with a single member leaves nothing to write: store the "
                                   "member or run an ensemble");
            }
        } catch (const std::invalid_argument& error) {
            problems.push_back(error.what());
        }
    }
    for (const auto& threshold : spec.thresholds) {
        if (!std::isfinite(threshold.value)) {
            problems.push_back("probability threshold on '" + threshold.variable + "' is not a finite number");
        }
    }
    if (spec.threads < 0) {
        problems.push_back("thread count " + std::to_string(spec.threads) + " must be 0 (automatic) or positive");
    }
    try {
        parseDeviceSelection(spec.devices);
    } catch (const InputError& error) {
        problems.push_back(error.what());
    }
    if (spec.batchSize < 0) {
        problems.push_back("batch size " + std::to_string(spec.batchSize) +
                           " must be 0 (from each device's memory) or positive: give --batch-size N");
    }
    if (spec.segmentOutputs < 0) {
        problems.push_back("lead-time segment " + std::to_string(spec.segmentOutputs) +
                           " must be 0 (whole forecasts) or a positive number of output intervals");
    }
    if (!(spec.watchdogSeconds > 0.0)) {
        problems.push_back("the watchdog time must be positive: give --watchdog with a duration, e.g. 10m");
    }
    if (spec.initialConditionTime < 0) {
        problems.push_back("the initial-condition time index must be 0 or positive");
    }
    if (spec.outputPath.empty()) {
        problems.push_back("no output file: give --out FILE.nc");
    }
    return problems;
}

double parseDuration(std::string_view text)
{
    std::string_view number = text;
    double unit = 3600.0;
    if (!text.empty()) {
        switch (text.back()) {
        case 'd': unit = 86400.0; break;
        case 'h': unit = 3600.0; break;
        case 'm': unit = 60.0; break;
        case 's': unit = 1.0; break;
        default: unit = 0.0; break;
        }
        if (unit != 0.0) {
            number.remove_suffix(1);
        } else {
            unit = 3600.0;
        }
    }
    double value = 0.0;
    const auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || error != std::errc{} || end != number.data() + number.size() || !std::isfinite(value)) {
        throw std::invalid_argument("'" + std::string(text) +
                                    "' is not a duration: write a number with a unit d, h, m or s, e.g. 6d, 12h, 900s");
    }
    return value * unit;
}

std::string formatDuration(double seconds)
{
    auto format = [](double value, const char* unit) {
        char buffer[64];
        std::snprintf(buffer, sizeof buffer, "%g %s", value, unit);
        return std::string(buffer);
    };
    if (seconds != 0.0 && std::fmod(seconds, 86400.0) == 0.0) {
        return format(seconds / 86400.0, "d");
    }
    if (seconds != 0.0 && std::fmod(seconds, 3600.0) == 0.0) {
        return format(seconds / 3600.0, "h");
    }
    if (std::abs(seconds) >= 3600.0) {
        return format(std::round(seconds / 36.0) / 100.0, "h");
    }
    return format(seconds, "s");
}

}  // namespace spreadcast
