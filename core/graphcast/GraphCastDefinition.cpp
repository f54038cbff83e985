#include "model/BuiltInModels.h"

#include "graphcast/CheckpointReader.h"
#include "graphcast/GraphCache.h"
#include "graphcast/GraphCastModel.h"
#include "graphcast/NormalizationStatsReader.h"
#include "ic/InitialConditionAssembly.h"
#include "run/InputError.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace spreadcast {
namespace {

// Every --ic file: the list, or the spec's one initial condition (runs recorded before there was a list).
std::vector<std::string> initialConditionFiles(const RunSpec& spec)
{
    if (!spec.graphcast.initialConditions.empty()) {
        return spec.graphcast.initialConditions;
    }
    return {spec.initialCondition};
}

std::vector<std::string> validateSettings(const RunSpec& spec)
{
    std::vector<std::string> problems;
    const GraphCastSettings& settings = spec.graphcast;
    if (settings.checkpoint.empty()) {
        problems.push_back("no GraphCast checkpoint: give --checkpoint FILE.npz (DeepMind's "
                           "GraphCast_small … .npz, see docs/MODELS.md)");
    } else if (!std::filesystem::is_regular_file(settings.checkpoint)) {
        problems.push_back("the GraphCast checkpoint '" + settings.checkpoint +
                           "' does not exist or is not a file: give --checkpoint with the path of its .npz");
    }
    if (settings.statistics.empty()) {
        problems.push_back("no normalisation statistics: give --stats FOLDER holding mean_by_level.nc, "
                           "stddev_by_level.nc and diffs_stddev_by_level.nc (DeepMind's stats/ folder)");
    } else if (!std::filesystem::is_directory(settings.statistics)) {
        problems.push_back("the statistics folder '" + settings.statistics +
                           "' does not exist: give --stats with the folder holding mean_by_level.nc, …");
    }
    if (!(settings.perturbationScale >= 0.0) || settings.perturbationScale > 10.0) {
        problems.push_back("GraphCast perturbation scale " + std::to_string(settings.perturbationScale) +
                           " is out of range: give --perturbation-scale 0 (none) … 10 (times diffs_stddev)");
    }
    if (!(settings.perturbationLengthScale >= 1e5) || settings.perturbationLengthScale > 2e7) {
        problems.push_back("GraphCast perturbation length scale " + std::to_string(settings.perturbationLengthScale) +
                           " m is out of range: give --perturb-length 100 km … 20000 km");
    }
    for (const std::string& file : initialConditionFiles(spec)) {
        if (!std::filesystem::is_regular_file(file)) {
            problems.push_back("the initial condition '" + file +
                               "' does not exist or is not a file: give --ic with the path of a GRIB or NetCDF file");
        }
    }
    if (!settings.staticsFile.empty() && !std::filesystem::is_regular_file(settings.staticsFile)) {
        problems.push_back("the statics file '" + settings.staticsFile +
                           "' does not exist or is not a file: give --static with a file holding "
                           "geopotential_at_surface and land_sea_mask");
    }
    if (!settings.initialTime.empty()) {
        try {
            ic::parseUtcTime(settings.initialTime);
        } catch (const std::invalid_argument& error) {
            problems.push_back(std::string("--ic-time: ") + error.what());
        }
    }
    if (spec.outputIntervalSeconds > 0.0 && std::fmod(spec.outputIntervalSeconds, 21600.0) != 0.0) {
        problems.push_back("GraphCast steps 6 hours at a time: give --output-every as a multiple of 6h");
    }
    return problems;
}

PreparedModel prepare(const RunSpec& spec)
{
    using namespace graphcast;
    GraphCastSetup setup;
    setup.checkpoint = readCheckpoint(spec.graphcast.checkpoint);
    setup.statistics = readNormalizationStats(spec.graphcast.statistics);
    checkNormalizationCoversTask(setup.statistics, setup.checkpoint.taskConfig, spec.graphcast.statistics);
    const LatLonGrid grid = LatLonGrid::regular(setup.checkpoint.modelConfig.resolution);
    const int inputTimes = inputTimesOfTask(setup.checkpoint.taskConfig);
    ic::InitialConditionRequest request;
    request.files = initialConditionFiles(spec);
    request.initialTime = spec.graphcast.initialTime;
    request.initialTimeIndex = spec.initialConditionTime;
    request.staticsFile = spec.graphcast.staticsFile;
    ic::AssembledInitialCondition assembled =
        ic::assembleInitialCondition(request, setup.checkpoint.taskConfig, grid, inputTimes);
    setup.dataset = std::move(assembled.dataset);
    setup.lastInputIndex = assembled.lastInputIndex;
    PreparedModel prepared;
    prepared.notes = std::move(assembled.notes);
    const CachedGraphs cached = GraphCache().loadOrBuild(setup.checkpoint.modelConfig, grid);
    if (!cached.note.empty()) {
        prepared.notes.push_back("graph cache: " + cached.note);
    }
    setup.graphs = cached.graphs;
    setup.perturbation = {spec.seed, spec.graphcast.perturbationScale, spec.graphcast.perturbationLengthScale,
                          spec.graphcast.perturbationPairs};
    const std::string description = setup.checkpoint.description;
    const std::string license = setup.checkpoint.license;
    auto model = std::make_unique<GraphCastModel>(std::move(setup));

    prepared.initialTime = formatTime(model->initialTime());
    prepared.initialCondition = assembled.sources + ", inputs at " +
                                formatTime(model->initialTime() - GraphCastPredictor::stepSeconds) + " and " +
                                prepared.initialTime;
    char text[1024];
    if (spec.graphcast.perturbationScale > 0.0) {
        std::snprintf(text, sizeof text,
                      "member 0 is the control; members 1… add smooth random fields (Matern-like spectrum, L = %g "
                      "km, T%d): per level a streamfunction gives the wind and, by linear balance, the geopotential "
                      "(grid-point standard deviation %g times the geopotential's diffs_stddev_by_level); "
                      "temperature, vertical velocity and specific humidity independent, %g times their "
                      "diffs_stddev_by_level, humidity clipped at 0; 2 m temperature, 10 m wind and mean-sea-level "
                      "pressure (density %.3f kg m-3 times geopotential) from the lowest level; the same at both "
                      "input times; member m draws from fold_in(PRNGKey(seed), m), Threefry-2x32 as JAX%s",
                      spec.graphcast.perturbationLengthScale / 1000.0, model->perturbationGenerator()->truncation(),
                      spec.graphcast.perturbationScale, spec.graphcast.perturbationScale,
                      model->perturbationGenerator()->surfaceDensity(),
                      spec.graphcast.perturbationPairs
                          ? "; +/- pairs: members 2k-1 and 2k start from +p and -p of the draw of member 2k-1"
                          : "");
        prepared.perturbations = text;
    } else {
        prepared.perturbations = "none: every member is the control (GraphCast is deterministic)";
    }
    prepared.attributes = {{"graphcast_checkpoint", spec.graphcast.checkpoint},
                           {"graphcast_checkpoint_description", description},
                           {"graphcast_checkpoint_license", license}};
    prepared.notes.push_back("GraphCast checkpoint '" + spec.graphcast.checkpoint + "': " + description);
    prepared.notes.push_back("its licence: " + license);
    for (const std::string& name : model->predictor().variablesWithoutStatistics()) {
        prepared.notes.push_back("the statistics have no '" + name + "': it enters the network unnormalised");
    }
    prepared.model = std::move(model);
    return prepared;
}

nlohmann::json settingsToJson(const RunSpec& spec)
{
    return {
        {"checkpoint", spec.graphcast.checkpoint},
        {"statistics", spec.graphcast.statistics},
        {"initial_conditions", initialConditionFiles(spec)},
        {"initial_time", spec.graphcast.initialTime},
        {"statics", spec.graphcast.staticsFile},
        {"perturbation_scale", spec.graphcast.perturbationScale},
        {"perturbation_length_scale_m", spec.graphcast.perturbationLengthScale},
        {"perturbation_pairs", spec.graphcast.perturbationPairs},
    };
}

void settingsFromJson(const nlohmann::json& json, RunSpec& spec)
{
    spec.graphcast.checkpoint = json.at("checkpoint").get<std::string>();
    spec.graphcast.statistics = json.at("statistics").get<std::string>();
    // Runs recorded before these existed had one initial condition, its default times and its statics.
    spec.graphcast.initialConditions = json.value("initial_conditions", std::vector<std::string>{});
    spec.graphcast.initialTime = json.value("initial_time", std::string());
    spec.graphcast.staticsFile = json.value("statics", std::string());
    spec.graphcast.perturbationScale = json.value("perturbation_scale", 0.0);
    spec.graphcast.perturbationLengthScale = json.value("perturbation_length_scale_m", 5e5);
    spec.graphcast.perturbationPairs = json.value("perturbation_pairs", false);
}

}  // namespace

ModelDefinition graphCastModelDefinition()
{
    return {"graphcast",
            "DeepMind's GraphCast from a published checkpoint (.npz) and its normalisation statistics; 6-hour steps",
            validateSettings,
            prepare,
            settingsToJson,
            settingsFromJson};
}

}  // namespace spreadcast
