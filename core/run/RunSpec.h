#pragma once

#include "ensemble/EnsembleStatistics.h"

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

enum class OutputPrecision { Float, Double };

// The settings of the GraphCast model (core/graphcast): its files and how members are perturbed.
struct GraphCastSettings {
    std::string checkpoint;  // DeepMind's .npz (or a synthetic one in its layout)
    std::string statistics;  // folder with mean_by_level.nc, stddev_by_level.nc, diffs_stddev_by_level.nc
    // Every --ic file, in order (RunSpec::initialCondition is the first); empty: that one alone.
    std::vector<std::string> initialConditions;
    std::string initialTime;  // the initial time, "YYYY-MM-DD HH:MM" (UTC); empty: the files' default
    std::string staticsFile;  // geopotential_at_surface and land_sea_mask; empty: from the IC files
    // Members 1… start from the analysis plus smooth random fields of this many times the
    // checkpoint's diffs_stddev_by_level per variable and level; member 0 is the control.
    double perturbationScale = 0.1;
    double perturbationLengthScale = 5e5;  // m
    // ± pairs: members 2k − 1 and 2k start from the control plus and minus the same perturbation.
    bool perturbationPairs = false;
};

// Everything that defines a forecast run: the GUI edits it, the CLI parses it, the NetCDF
// output records it (as JSON) and a resumed run reads it back. One source of truth.
struct RunSpec {
    std::string model = "shallow-water";        // a model of the registry (core/model/ModelRegistry.h)
    std::string initialCondition = "galewsky";  // a built-in case name or a NetCDF file path
    int initialConditionTime = 0;               // time index in an initial-condition file
    // The shallow-water model's section (its JSON object "shallow-water"): level, case, grid,
    // time step and perturbations.
    int initialConditionLevel = 0;     // level index in an initial-condition file
    double rotationDegrees = 0.0;      // Williamson case 2: angle α of the flow's axis
    bool galewskyPerturbation = true;  // Galewsky: add the height bump that starts the instability
    double meanDepth = 10000.0;        // m; for a file with winds but no height, the balanced layer's mean depth
    int truncation = 85;
    double leadSeconds = 6 * 86400.0;
    double outputIntervalSeconds = 6 * 3600.0;
    double timeStepSeconds = 0.0;  // 0: the longest stable step that divides the output interval
    int members = 1;
    std::uint64_t seed = 0;
    // Initial perturbations, drawn from each member's key (0 switches one off). The vorticity
    // perturbation carries its balanced height; the height perturbation is added as it is.
    double perturbVorticity = 1e-6;   // grid-point standard deviation, s⁻¹
    double perturbHeight = 0.0;       // grid-point standard deviation, m
    double perturbLengthScale = 1e6;  // m
    // Stochastic backscatter (SKEB-style AR(1) streamfunction pattern) during the forecast.
    double skebAmplitude = 0.0;          // grid-point standard deviation of the vorticity forcing, s⁻²; 0: off
    double skebDecorrelation = 21600.0;  // s
    int skebWavenumber = 12;
    double perturbSmoothness = 4.0;  // α of the Matérn-like spectrum (of the streamfunction, for vorticity)
    // The GraphCast model's section (its JSON object "graphcast").
    GraphCastSettings graphcast;
    // Common to every model again.
    // Which members the output file keeps: "all", "none" (statistics only, for very large
    // ensembles) or a list such as "0,5,10-19". Statistics always cover every member.
    std::string storeMembers = "all";
    // Probabilities of exceedance written with the ensemble statistics (runs of 2 or more members).
    std::vector<ExceedanceThreshold> thresholds;
    // Placement: where and how the members run. None of it changes a result, so the run's JSON
    // (and with it the output file's run_spec) leaves it out.
    int threads = 0;                 // CPU workers where `devices` gives no count; 0: one per core
    std::string devices = "auto";    // see parseDeviceSelection: auto, cpu, cpu:N, gpu, gpu:0,2, all
    int batchSize = 0;               // members a device runs at once; 0: its preference, as memory allows
    int segmentOutputs = 0;          // a work unit's lead-time segment in output intervals; 0: the whole lead
    bool speculate = false;          // idle devices re-run copies of stragglers
    double watchdogSeconds = 600.0;  // a device that makes no progress this long is given up
    std::string outputPath = "spreadcast.nc";
    OutputPrecision precision = OutputPrecision::Float;
};

inline constexpr int minTruncation = 21;
inline constexpr int maxTruncation = 341;
inline constexpr int maxMembers = 10000;
inline constexpr double maxLeadSeconds = 60 * 86400.0;
// The fastest wind the automatic time step allows for (STSWM's semi-implicit rule
// U·Δt·N/a < 1; the Galewsky jet peaks at 80 m/s).
inline constexpr double referenceWindSpeed = 80.0;

nlohmann::json toJson(const RunSpec& spec);
RunSpec runSpecFromJson(const nlohmann::json& json);

// Problems with the spec, one complete sentence each (what, the value, what to do); empty when
// the spec can run. File contents are checked later, when the file is read.
std::vector<std::string> validate(const RunSpec& spec);

// The members the output keeps, ascending; throws std::invalid_argument naming what is wrong.
std::vector<int> storedMembers(const RunSpec& spec);

// The longest time step that the stability rule allows at this truncation.
double maxStableTimeStep(int truncation);
// The time step a run uses: the given one, or the longest stable one that divides the output
// interval into whole steps. Call after validate().
double effectiveTimeStep(const RunSpec& spec);
bool isBuiltInCase(std::string_view name);
std::vector<std::string> builtInCaseNames();

// "6d", "36h", "90m", "600s" or a bare number of hours; throws std::invalid_argument with a
// message naming the text when it is not a duration.
double parseDuration(std::string_view text);
std::string formatDuration(double seconds);

}  // namespace spreadcast
