#include "run/RunSpec.h"

#include "device/Device.h"
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
    return {
        {"thresholds", thresholds},
        {"store_members", spec.storeMembers},
        {"initial_condition", spec.initialCondition},
        {"initial_condition_time", spec.initialConditionTime},
        {"initial_condition_level", spec.initialConditionLevel},
        {"rotation_degrees", spec.rotationDegrees},
        {"galewsky_perturbation", spec.galewskyPerturbation},
        {"mean_depth_m", spec.meanDepth},
        {"truncation", spec.truncation},
        {"lead_seconds", spec.leadSeconds},
        {"output_interval_seconds", spec.outputIntervalSeconds},
        {"time_step_seconds", effectiveTimeStep(spec)},
        {"members", spec.members},
        {"seed", spec.seed},
        {"perturb_vorticity", spec.perturbVorticity},
        {"perturb_height_m", spec.perturbHeight},
        {"perturb_length_scale_m", spec.perturbLengthScale},
        {"perturb_smoothness", spec.perturbSmoothness},
        {"skeb_amplitude", spec.skebAmplitude},
        {"skeb_decorrelation_seconds", spec.skebDecorrelation},
        {"skeb_wavenumber", spec.skebWavenumber},
        {"output_precision", spec.precision == OutputPrecision::Double ? "double" : "float"},
    };
}

RunSpec runSpecFromJson(const nlohmann::json& json)
{
    RunSpec spec;
    spec.initialCondition = json.at("initial_condition").get<std::string>();
    spec.initialConditionTime = json.value("initial_condition_time", 0);
    spec.initialConditionLevel = json.value("initial_condition_level", 0);
    spec.rotationDegrees = json.value("rotation_degrees", 0.0);
    spec.galewskyPerturbation = json.value("galewsky_perturbation", true);
    spec.meanDepth = json.value("mean_depth_m", 10000.0);
    spec.truncation = json.at("truncation").get<int>();
    spec.leadSeconds = json.at("lead_seconds").get<double>();
    spec.outputIntervalSeconds = json.at("output_interval_seconds").get<double>();
    spec.timeStepSeconds = json.value("time_step_seconds", 0.0);
    spec.members = json.at("members").get<int>();
    spec.seed = json.value("seed", std::uint64_t{0});
    spec.storeMembers = json.value("store_members", std::string("all"));
    for (const auto& threshold : json.value("thresholds", nlohmann::json::array())) {
        spec.thresholds.push_back({threshold.at("variable").get<std::string>(), threshold.at("value").get<double>()});
    }
    spec.perturbVorticity = json.value("perturb_vorticity", 0.0);
    spec.perturbHeight = json.value("perturb_height_m", 0.0);
    spec.perturbLengthScale = json.value("perturb_length_scale_m", 1e6);
    spec.perturbSmoothness = json.value("perturb_smoothness", 4.0);
    spec.skebAmplitude = json.value("skeb_amplitude", 0.0);
    spec.skebDecorrelation = json.value("skeb_decorrelation_seconds", 21600.0);
    spec.skebWavenumber = json.value("skeb_wavenumber", 12);
    spec.precision = json.value("output_precision", std::string("float")) == "double" ? OutputPrecision::Double
                                                                                      : OutputPrecision::Float;
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
    if (spec.initialCondition.empty()) {
        problems.push_back("no initial condition: give --ic with a built-in case (williamson2, williamson5, "
                           "williamson6, galewsky) or a NetCDF file");
    }
    if (spec.truncation < minTruncation || spec.truncation > maxTruncation) {
        problems.push_back("truncation T" + std::to_string(spec.truncation) + " is out of range: give --truncation " +
                           std::to_string(minTruncation) + " … " + std::to_string(maxTruncation));
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
    if (spec.timeStepSeconds < 0.0) {
        problems.push_back("time step " + formatDuration(spec.timeStepSeconds) + " must be positive (--dt)");
    } else if (spec.timeStepSeconds > 0.0 && spec.truncation >= minTruncation) {
        const double limit = maxStableTimeStep(spec.truncation);
        if (spec.timeStepSeconds > limit) {
            problems.push_back("time step " + formatDuration(spec.timeStepSeconds) + " is too long for T" +
                               std::to_string(spec.truncation) + ": the semi-implicit limit U·Δt·N/a < 1 with U = " +
                               std::to_string(static_cast<int>(referenceWindSpeed)) + " m/s allows at most " +
                               std::to_string(static_cast<int>(limit)) + " s; give a shorter --dt or leave it out");
        } else if (spec.outputIntervalSeconds > 0.0 &&
                   !isWholeMultiple(spec.outputIntervalSeconds, spec.timeStepSeconds)) {
            problems.push_back("time step " + formatDuration(spec.timeStepSeconds) +
                               " does not divide the output interval " + formatDuration(spec.outputIntervalSeconds) +
                               " into whole steps: change --dt or leave it out");
        }
    }
    if (!(spec.meanDepth > 0.0) || spec.meanDepth > 100000.0) {
        problems.push_back("mean depth " + std::to_string(spec.meanDepth) +
                           " m is out of range: give --mean-depth more than 0 and at most 100000 m");
    }
    if (!(spec.perturbVorticity >= 0.0) || spec.perturbVorticity > 1e-4) {
        problems.push_back("vorticity perturbation " + std::to_string(spec.perturbVorticity) +
                           " s-1 is out of range: give --perturb-vorticity 0 (none) … 1e-4");
    }
    if (!(spec.perturbHeight >= 0.0) || spec.perturbHeight > 500.0) {
        problems.push_back("height perturbation " + std::to_string(spec.perturbHeight) +
                           " m is out of range: give --perturb-height 0 (none) … 500");
    }
    if (!(spec.perturbLengthScale >= 1e4) || spec.perturbLengthScale > 2e7) {
        problems.push_back("perturbation length scale " + std::to_string(spec.perturbLengthScale) +
                           " m is out of range: give --perturb-length 10 km … 20000 km");
    }
    if (!(spec.perturbSmoothness >= 0.5) || spec.perturbSmoothness > 10.0) {
        problems.push_back("perturbation smoothness " + std::to_string(spec.perturbSmoothness) +
                           " is out of range: give --perturb-smoothness 0.5 … 10");
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
    if (!(spec.skebAmplitude >= 0.0) || spec.skebAmplitude > 1e-8) {
        problems.push_back("stochastic forcing " + std::to_string(spec.skebAmplitude) +
                           " s-2 is out of range: give --skeb 0 (none) … 1e-8");
    }
    if (!(spec.skebDecorrelation >= 60.0) || spec.skebDecorrelation > 30 * 86400.0) {
        problems.push_back("stochastic forcing decorrelation time " + formatDuration(spec.skebDecorrelation) +
                           " is out of range: give --skeb-time 1m … 30d");
    }
    if (spec.skebWavenumber < 1 || spec.skebWavenumber > maxTruncation) {
        problems.push_back("stochastic forcing wavenumber " + std::to_string(spec.skebWavenumber) +
                           " is out of range: give --skeb-wavenumber 1 … " + std::to_string(maxTruncation));
    }
    for (const auto& threshold : spec.thresholds) {
        if (outputVariableIndex(threshold.variable) < 0) {
            problems.push_back("probability threshold on '" + threshold.variable +
                               "': no such output variable; give --probability with height, u, v or vorticity");
        }
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
    if (spec.initialConditionTime < 0 || spec.initialConditionLevel < 0) {
        problems.push_back("initial-condition time and level indices must be 0 or positive");
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
