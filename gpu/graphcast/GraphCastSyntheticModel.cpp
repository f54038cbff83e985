#include "graphcast/GraphCastSyntheticModel.h"

#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCastBenchmark.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace spreadcast::gpu {

graphcast::GraphCastSetup syntheticGraphCastSetup(int latentSize, double perturbationScale, std::uint64_t seed)
{
    using namespace graphcast;
    ModelConfig config;
    config.resolution = 10.0;
    config.meshSize = 2;
    config.latentSize = latentSize;
    config.gnnMsgSteps = 3;
    config.hiddenLayers = 1;
    TaskConfig task;
    task.inputVariables = {"2m_temperature",      "temperature",
                           "u_component_of_wind", "year_progress_sin",
                           "day_progress_cos",    "toa_incident_solar_radiation",
                           "land_sea_mask",       "geopotential_at_surface"};
    task.targetVariables = {"2m_temperature", "temperature", "u_component_of_wind", "total_precipitation_6hr"};
    task.forcingVariables = {"year_progress_sin", "day_progress_cos", "toa_incident_solar_radiation"};
    task.pressureLevels = {500, 850};
    task.inputDuration = "12h";

    const LatLonGrid grid = LatLonGrid::regular(config.resolution);
    GraphCastSetup setup;
    setup.graphs = buildGraphs(config, grid);
    setup.checkpoint = randomCheckpoint(config, task, setup.graphs, seed);
    setup.checkpoint.path = "(synthetic GraphCast, 10°)";
    setup.checkpoint.license = "none: random parameters";

    // Statistics on three levels, the task's two among them; one value per level.
    NormalizationStats& stats = setup.statistics;
    stats.levels = {250, 500, 850};
    stats.mean["temperature"] = {225.0, 255.0, 275.0};
    stats.stddev["temperature"] = {8.0, 9.0, 12.0};
    stats.diffsStddev["temperature"] = {1.0, 1.2, 1.5};
    stats.mean["u_component_of_wind"] = {12.0, 7.0, 2.0};
    stats.stddev["u_component_of_wind"] = {15.0, 11.0, 7.0};
    stats.diffsStddev["u_component_of_wind"] = {3.0, 2.5, 2.0};
    stats.mean["2m_temperature"] = {280.0};
    stats.stddev["2m_temperature"] = {20.0};
    stats.diffsStddev["2m_temperature"] = {2.0};
    stats.mean["total_precipitation_6hr"] = {5e-4};
    stats.stddev["total_precipitation_6hr"] = {1e-3};
    stats.mean["toa_incident_solar_radiation"] = {1.1e6};
    stats.stddev["toa_incident_solar_radiation"] = {1.3e6};
    stats.mean["year_progress_sin"] = {0.0};
    stats.stddev["year_progress_sin"] = {0.7};
    stats.mean["day_progress_cos"] = {0.0};
    stats.stddev["day_progress_cos"] = {0.7};
    stats.mean["land_sea_mask"] = {0.35};
    stats.stddev["land_sea_mask"] = {0.45};
    stats.mean["geopotential_at_surface"] = {3700.0};
    stats.stddev["geopotential_at_surface"] = {8500.0};

    // Two input times 6 h apart, 2022-01-01 00 and 06 UTC; the radiation is computed.
    Dataset& dataset = setup.dataset;
    dataset.grid = grid;
    dataset.levels = {500, 850};
    const std::size_t points = grid.points();
    std::mt19937_64 random(seed);
    auto field = [&](std::size_t size, float mean, float spread) {
        std::normal_distribution<float> normal(mean, spread);
        std::vector<float> values(size);
        for (float& value : values) {
            value = normal(random);
        }
        return values;
    };
    for (int time = 0; time < 2; ++time) {
        dataset.validTimes.push_back(1640995200 + time * 21600);
        Fields fields;
        fields.variables["2m_temperature"] = field(points, 280.0f, 15.0f);
        std::vector<float> temperature = field(points, 255.0f, 8.0f);
        const std::vector<float> lower = field(points, 275.0f, 10.0f);
        temperature.insert(temperature.end(), lower.begin(), lower.end());
        fields.variables["temperature"] = std::move(temperature);
        fields.variables["u_component_of_wind"] = field(2 * points, 5.0f, 9.0f);
        std::vector<float> precipitation = field(points, 0.0f, 1e-3f);
        for (float& value : precipitation) {
            value = std::abs(value);
        }
        fields.variables["total_precipitation_6hr"] = std::move(precipitation);
        dataset.times.push_back(std::move(fields));
    }
    std::vector<float> mask = field(points, 0.35f, 0.45f);
    for (float& value : mask) {
        value = value > 0.5f ? 1.0f : 0.0f;
    }
    dataset.statics.variables["land_sea_mask"] = std::move(mask);
    std::vector<float> orography = field(points, 3000.0f, 6000.0f);
    for (float& value : orography) {
        value = std::max(0.0f, value);
    }
    dataset.statics.variables["geopotential_at_surface"] = std::move(orography);
    setup.lastInputIndex = 1;
    setup.perturbation = {seed, perturbationScale, 5e5};
    return setup;
}

}  // namespace spreadcast::gpu
