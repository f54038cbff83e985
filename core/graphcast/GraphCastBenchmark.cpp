#include "graphcast/GraphCastBenchmark.h"

#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphCastParameters.h"
#include "graphcast/GraphCastPredictor.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>

namespace spreadcast::graphcast {

namespace {

double secondsSince(std::chrono::steady_clock::time_point start)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ModelConfig graphcastSmallModelConfig()
{
    ModelConfig config;
    config.resolution = 1.0;
    config.meshSize = 5;
    config.latentSize = 512;
    config.gnnMsgSteps = 16;
    config.hiddenLayers = 1;
    config.radiusQueryFractionEdgeLength = 0.6;
    return config;
}

TaskConfig graphcastTask13()
{
    TaskConfig task;
    task.targetVariables = {"2m_temperature",
                            "mean_sea_level_pressure",
                            "10m_v_component_of_wind",
                            "10m_u_component_of_wind",
                            "total_precipitation_6hr",
                            "temperature",
                            "geopotential",
                            "u_component_of_wind",
                            "v_component_of_wind",
                            "vertical_velocity",
                            "specific_humidity"};
    task.forcingVariables = {"toa_incident_solar_radiation", "year_progress_sin", "year_progress_cos",
                             "day_progress_sin", "day_progress_cos"};
    task.inputVariables = task.targetVariables;
    task.inputVariables.insert(task.inputVariables.end(), task.forcingVariables.begin(), task.forcingVariables.end());
    task.inputVariables.insert(task.inputVariables.end(), {"geopotential_at_surface", "land_sea_mask"});
    task.pressureLevels = {50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000};
    task.inputDuration = "12h";
    return task;
}

Checkpoint randomCheckpoint(const ModelConfig& model, const TaskConfig& task, const Graphs& graphs, std::uint64_t seed)
{
    const ChannelLayout layout(task, inputTimesOfTask(task));
    NetworkShape shape;
    shape.inputChannels = layout.inputChannels();
    shape.outputChannels = layout.outputChannels();
    shape.nodeFeatureSize = graphs.nodeFeatureSize;
    shape.grid2meshEdgeFeatureSize = graphs.grid2mesh.featureSize;
    shape.meshEdgeFeatureSize = graphs.mesh.featureSize;
    shape.mesh2gridEdgeFeatureSize = graphs.mesh2grid.featureSize;
    Checkpoint checkpoint;
    checkpoint.modelConfig = model;
    checkpoint.taskConfig = task;
    checkpoint.params = randomParameters(model, shape, seed);
    checkpoint.description = "random parameters for benchmarks and tests";
    checkpoint.path = "(random checkpoint)";
    return checkpoint;
}

SgemmPeak measureSgemmPeak(int threads, int size)
{
    std::vector<float> a(static_cast<std::size_t>(size) * size, 0.5f);
    std::vector<float> b(a.size(), 0.25f);
    std::vector<float> c(a.size(), 0.0f);
    const double flops = 2.0 * size * static_cast<double>(size) * size;
    openblas_set_num_threads(std::max(1, threads));
    SgemmPeak peak;
    for (int repeat = 0; repeat < 3; ++repeat) {
        const auto start = std::chrono::steady_clock::now();
        const std::clock_t cpuStart = std::clock();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1.0f, a.data(), size, b.data(), size,
                    0.0f, c.data(), size);
        const double cpuSeconds = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC;
        peak.gflops = std::max(peak.gflops, flops / secondsSince(start) / 1e9);
        peak.gflopsPerCpuSecond = std::max(peak.gflopsPerCpuSecond, flops / cpuSeconds / 1e9);
    }
    openblas_set_num_threads(1);
    return peak;
}

GraphCastCpuBenchmark benchmarkGraphCastCpu(const Checkpoint& checkpoint, const Graphs& graphs, const LatLonGrid& grid,
                                            int threads, int steps)
{
    GraphCastCpuBenchmark result;
    result.threads = std::max(1, threads);
    result.steps = std::max(1, steps);
    const SgemmPeak peak = measureSgemmPeak(result.threads);
    result.sgemmPeakGflops = peak.gflops;
    result.sgemmPeakGflopsPerCpuSecond = peak.gflopsPerCpuSecond;

    auto start = std::chrono::steady_clock::now();
    const GraphCastPredictor predictor(checkpoint, graphs, NormalizationStats{}, grid, result.threads);
    result.setupSeconds = secondsSince(start);

    std::mt19937_64 random(1);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const std::size_t points = grid.points();
    auto randomField = [&](std::size_t size) {
        std::vector<float> values(size);
        for (float& value : values) {
            value = normal(random);
        }
        return values;
    };
    const auto levels = static_cast<std::size_t>(predictor.task().pressureLevels.size());
    std::vector<Fields> inputs(static_cast<std::size_t>(predictor.inputTimes()));
    for (Fields& fields : inputs) {
        for (const std::string& name : predictor.timeDependentInputs()) {
            fields.variables[name] = randomField(points * (isAtmosphericVariable(name) ? levels : 1));
        }
    }
    Fields statics;
    for (const std::string& name : predictor.staticInputs()) {
        statics.variables[name] = randomField(points);
    }
    start = std::chrono::steady_clock::now();
    const std::clock_t cpuStart = std::clock();
    predictor.rollout(inputs, statics, 1640995200, result.steps, [](int, std::int64_t, const Fields&) { return true; });
    result.millisecondsPerStep = secondsSince(start) * 1e3 / result.steps;
    result.cpuSecondsPerStep = static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC / result.steps;
    result.gemmGflopPerStep = predictor.network().gemmFlopsPerForward() / 1e9;
    result.achievedGflops = result.gemmGflopPerStep / (result.millisecondsPerStep / 1e3);
    result.achievedGflopsPerCpuSecond = result.gemmGflopPerStep / result.cpuSecondsPerStep;
    return result;
}

}  // namespace spreadcast::graphcast
