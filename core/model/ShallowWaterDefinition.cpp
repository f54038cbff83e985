#include "model/BuiltInModels.h"

#include "cases/TestCases.h"
#include "io/InitialConditionFile.h"
#include "model/ShallowWaterModel.h"
#include "run/InputError.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>

namespace spreadcast {
namespace {

bool isWholeMultiple(double value, double divisor)
{
    const double ratio = value / divisor;
    return std::abs(ratio - std::round(ratio)) < 1e-9 * std::max(1.0, ratio);
}

std::vector<std::string> validateSettings(const RunSpec& spec)
{
    std::vector<std::string> problems;
    if (spec.truncation < minTruncation || spec.truncation > maxTruncation) {
        problems.push_back("truncation T" + std::to_string(spec.truncation) + " is out of range: give --truncation " +
                           std::to_string(minTruncation) + " … " + std::to_string(maxTruncation));
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
    if (spec.initialConditionLevel < 0) {
        problems.push_back("the initial-condition level index must be 0 or positive");
    }
    return problems;
}

// How the spec perturbs its members, one sentence (the NetCDF "perturbations" attribute).
std::string describePerturbations(const RunSpec& spec)
{
    if (spec.perturbVorticity <= 0.0 && spec.perturbHeight <= 0.0 && spec.skebAmplitude <= 0.0) {
        return "none: every member starts from the same initial state and runs the same deterministic model, so "
               "all members are identical";
    }
    char text[768];
    std::snprintf(text, sizeof text,
                  "initial random fields on the sphere with a Matern-like spectrum (l(l+1) + (a/L)^2)^(-alpha/2), "
                  "L = %g km, alpha = %g: relative vorticity %g s-1 (the Laplacian of such a streamfunction; "
                  "height kept in nonlinear balance) and height %g m (grid-point standard deviations); member 0 "
                  "is the unperturbed control, member m >= 1 draws from fold_in(PRNGKey(seed), m), Threefry-2x32 "
                  "as JAX",
                  spec.perturbLengthScale / 1000.0, spec.perturbSmoothness, spec.perturbVorticity, spec.perturbHeight);
    std::string description = text;
    if (spec.skebAmplitude > 0.0) {
        std::snprintf(text, sizeof text,
                      "; stochastic backscatter on every member, the control too: AR(1) streamfunction pattern, "
                      "decorrelation %g h, wavenumber scale "
                      "%d, vorticity forcing %g s-2, step n drawn from fold_in(member key, n)",
                      spec.skebDecorrelation / 3600.0, spec.skebWavenumber, spec.skebAmplitude);
        description += text;
    }
    return description;
}

PreparedModel prepare(const RunSpec& spec)
{
    const GaussianGrid grid = GaussianGrid::forTruncation(spec.truncation);
    PreparedModel prepared;
    InitialFields initial;
    if (isBuiltInCase(spec.initialCondition)) {
        initial = builtInCase(spec.initialCondition, grid, spec.rotationDegrees, spec.galewskyPerturbation);
        prepared.initialCondition = initial.description;
    } else {
        const std::filesystem::path path(spec.initialCondition);
        if (path.extension() != ".nc" && path.extension() != ".nc4" && !std::filesystem::exists(path)) {
            // Neither a known case nor a file: most likely a misspelt case name.
            builtInCase(spec.initialCondition, grid, 0.0, true);
        }
        InitialConditionFile file = readInitialConditionFile(spec.initialCondition, spec.initialConditionTime,
                                                             spec.initialConditionLevel, grid);
        initial.u = std::move(file.u);
        initial.v = std::move(file.v);
        initial.height = std::move(file.height);
        initial.meanDepth = spec.meanDepth;
        initial.description = file.description;
        prepared.initialCondition = file.description;
        prepared.initialTime = file.initialTime;
        prepared.notes = std::move(file.notes);
        if (!initial.height) {
            prepared.notes.push_back("the file has no height: the height balancing its winds was derived, with a "
                                     "mean depth of " +
                                     std::to_string(static_cast<long>(spec.meanDepth)) + " m (--mean-depth)");
        }
    }
    ShallowWaterParameters parameters;
    parameters.timeStep = effectiveTimeStep(spec);
    InitialPerturbation perturbation;
    perturbation.seed = spec.seed;
    perturbation.vorticity = {spec.perturbVorticity, spec.perturbLengthScale, spec.perturbSmoothness, true};
    perturbation.height = {spec.perturbHeight, spec.perturbLengthScale, spec.perturbSmoothness, false};
    StochasticForcingSettings forcing;
    forcing.vorticityTendency = spec.skebAmplitude;
    forcing.decorrelationTime = spec.skebDecorrelation;
    forcing.wavenumber = spec.skebWavenumber;
    prepared.perturbations = describePerturbations(spec);
    try {
        prepared.model =
            std::make_unique<ShallowWaterModel>(spec.truncation, initial, parameters, perturbation, forcing);
    } catch (const std::invalid_argument& error) {
        throw InputError("the initial condition '" + spec.initialCondition +
                         "' cannot start a forecast: " + error.what());
    }
    return prepared;
}

nlohmann::json settingsToJson(const RunSpec& spec)
{
    return {
        {"initial_condition_level", spec.initialConditionLevel},
        {"rotation_degrees", spec.rotationDegrees},
        {"galewsky_perturbation", spec.galewskyPerturbation},
        {"mean_depth_m", spec.meanDepth},
        {"truncation", spec.truncation},
        {"time_step_seconds", effectiveTimeStep(spec)},
        {"perturb_vorticity", spec.perturbVorticity},
        {"perturb_height_m", spec.perturbHeight},
        {"perturb_length_scale_m", spec.perturbLengthScale},
        {"perturb_smoothness", spec.perturbSmoothness},
        {"skeb_amplitude", spec.skebAmplitude},
        {"skeb_decorrelation_seconds", spec.skebDecorrelation},
        {"skeb_wavenumber", spec.skebWavenumber},
    };
}

void settingsFromJson(const nlohmann::json& json, RunSpec& spec)
{
    spec.initialConditionLevel = json.value("initial_condition_level", 0);
    spec.rotationDegrees = json.value("rotation_degrees", 0.0);
    spec.galewskyPerturbation = json.value("galewsky_perturbation", true);
    spec.meanDepth = json.value("mean_depth_m", 10000.0);
    spec.truncation = json.at("truncation").get<int>();
    spec.timeStepSeconds = json.value("time_step_seconds", 0.0);
    spec.perturbVorticity = json.value("perturb_vorticity", 0.0);
    spec.perturbHeight = json.value("perturb_height_m", 0.0);
    spec.perturbLengthScale = json.value("perturb_length_scale_m", 1e6);
    spec.perturbSmoothness = json.value("perturb_smoothness", 4.0);
    spec.skebAmplitude = json.value("skeb_amplitude", 0.0);
    spec.skebDecorrelation = json.value("skeb_decorrelation_seconds", 21600.0);
    spec.skebWavenumber = json.value("skeb_wavenumber", 12);
}

}  // namespace

ModelDefinition shallowWaterModelDefinition()
{
    return {"shallow-water",
            "spectral shallow-water model on the sphere (T21 … T341): Williamson and Galewsky cases, NetCDF winds",
            validateSettings,
            prepare,
            settingsToJson,
            settingsFromJson};
}

}  // namespace spreadcast
