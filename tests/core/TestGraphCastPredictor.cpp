#include "GraphCastTestGraphs.h"
#include "graphcast/ChannelLayout.h"
#include "graphcast/GraphCastBenchmark.h"
#include "graphcast/GraphCastForcings.h"
#include "graphcast/GraphCastInitialState.h"
#include "graphcast/GraphCastPredictor.h"
#include "run/InputError.h"

#include <QtTest/QtTest>

#include <cmath>
#include <random>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

const LatLonGrid grid = testing::regularGrid(30.0);  // 7 × 12 points

// Inputs 2m_temperature, land_sea_mask, temperature (2 levels), year_progress_sin; targets
// 2m_temperature, temperature, total_precipitation_6hr (output only).
TaskConfig smallTask()
{
    TaskConfig task;
    task.inputVariables = {"temperature", "2m_temperature", "year_progress_sin", "land_sea_mask"};
    task.targetVariables = {"temperature", "total_precipitation_6hr", "2m_temperature"};
    task.forcingVariables = {"year_progress_sin"};
    task.pressureLevels = {500, 850};
    task.inputDuration = "12h";
    return task;
}

ModelConfig tinyModel()
{
    ModelConfig model;
    model.latentSize = 8;
    model.gnnMsgSteps = 1;
    return model;
}

// Statistics on more levels than the task, in another order, as the stats files hold them.
NormalizationStats smallStats()
{
    NormalizationStats stats;
    stats.levels = {1000, 850, 700, 500};
    stats.mean["temperature"] = {290.0, 280.0, 270.0, 250.0};
    stats.stddev["temperature"] = {10.0, 8.0, 7.0, 6.0};
    stats.diffsStddev["temperature"] = {2.0, 1.5, 1.25, 1.0};
    stats.mean["2m_temperature"] = {285.0};
    stats.stddev["2m_temperature"] = {12.0};
    stats.diffsStddev["2m_temperature"] = {3.0};
    stats.mean["total_precipitation_6hr"] = {0.001};
    stats.stddev["total_precipitation_6hr"] = {0.002};
    stats.mean["land_sea_mask"] = {0.3};
    stats.stddev["land_sea_mask"] = {0.45};
    return stats;  // no year_progress_sin: it passes unnormalised
}

std::vector<float> randomField(std::size_t size, float mean, float spread, std::mt19937_64& random)
{
    std::normal_distribution<float> normal(mean, spread);
    std::vector<float> values(size);
    for (float& v : values) {
        v = normal(random);
    }
    return values;
}

struct SmallCase {
    std::vector<Fields> inputs;
    Fields statics;
};

SmallCase smallCase()
{
    std::mt19937_64 random(5);
    const std::size_t points = grid.points();
    SmallCase c;
    for (int time = 0; time < 2; ++time) {
        Fields fields;
        fields.variables["temperature"] = randomField(2 * points, 265.0f, 8.0f, random);
        fields.variables["2m_temperature"] = randomField(points, 285.0f, 10.0f, random);
        fields.variables["year_progress_sin"] = std::vector<float>(points, 0.1f * static_cast<float>(time + 1));
        c.inputs.push_back(fields);
    }
    c.statics.variables["land_sea_mask"] = randomField(points, 0.3f, 0.4f, random);
    return c;
}

float normalised(float x, double mean, double stddev)
{
    return (x - static_cast<float>(mean)) / static_cast<float>(stddev);
}

}  // namespace

class TestGraphCastPredictor : public QObject {
    Q_OBJECT

private slots:
    void channelLayoutOfTask13IsDatasetToStacked()
    {
        const ChannelLayout layout(graphcastTask13(), 2);
        // Inputs sorted by name, (time, level) stacked time-major, then the target-time forcings.
        const std::vector<std::pair<std::string, int>> expected{{"10m_u_component_of_wind", 0},
                                                                {"10m_v_component_of_wind", 2},
                                                                {"2m_temperature", 4},
                                                                {"day_progress_cos", 6},
                                                                {"day_progress_sin", 8},
                                                                {"geopotential", 10},
                                                                {"geopotential_at_surface", 36},
                                                                {"land_sea_mask", 37},
                                                                {"mean_sea_level_pressure", 38},
                                                                {"specific_humidity", 40},
                                                                {"temperature", 66},
                                                                {"toa_incident_solar_radiation", 92},
                                                                {"total_precipitation_6hr", 94},
                                                                {"u_component_of_wind", 96},
                                                                {"v_component_of_wind", 122},
                                                                {"vertical_velocity", 148},
                                                                {"year_progress_cos", 174},
                                                                {"year_progress_sin", 176}};
        QCOMPARE(layout.inputBlocks().size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(layout.inputBlocks()[i].variable, expected[i].first);
            QCOMPARE(layout.inputBlocks()[i].firstChannel, expected[i].second);
        }
        const ChannelBlock& temperature = layout.inputBlocks()[10];
        QCOMPARE(temperature.channel(0, 12), 78);  // t−6 h, 1000 hPa
        QCOMPARE(temperature.channel(1, 0), 79);   // t0, 50 hPa
        QCOMPARE(layout.forcingBlocks().front().variable, std::string("day_progress_cos"));
        QCOMPARE(layout.forcingBlocks().front().firstChannel, 178);
        QCOMPARE(layout.forcingBlocks().back().firstChannel, 182);
        QCOMPARE(layout.inputChannels(), 183);  // GraphCast_small's grid embedder: 183 + 3 = 186 rows
        QCOMPARE(layout.outputChannels(), 83);
        QCOMPARE(layout.outputBlocks()[3].variable, std::string("geopotential"));
        QCOMPARE(layout.outputBlocks()[3].firstChannel, 3);
        QCOMPARE(layout.outputBlocks().back().variable, std::string("vertical_velocity"));
        QCOMPARE(layout.outputBlocks().back().firstChannel, 70);
        QCOMPARE(layout.describeInputChannels(graphcastTask13().pressureLevels)[79],
                 std::string("79: temperature t0 level 50"));
        QCOMPARE(inputTimesOfTask(graphcastTask13()), 2);
        TaskConfig odd = graphcastTask13();
        odd.inputDuration = "9h";
        QVERIFY_THROWS_EXCEPTION(InputError, inputTimesOfTask(odd));
    }

    void predictionIsNormalisedNetworkOutputPlusResidual()
    {
        const Graphs graphs = testing::randomGraphs(static_cast<int>(grid.points()), 10, 3);
        const Checkpoint checkpoint = randomCheckpoint(tinyModel(), smallTask(), graphs, 9);
        const NormalizationStats stats = smallStats();
        const GraphCastPredictor predictor(checkpoint, graphs, stats, grid);
        QCOMPARE(predictor.layout().inputChannels(), 10);
        QCOMPARE(predictor.variablesWithoutStatistics(), std::vector<std::string>{"year_progress_sin"});

        const SmallCase c = smallCase();
        Fields forcings;
        forcings.variables["year_progress_sin"] = std::vector<float>(grid.points(), 0.5f);
        const Fields prediction = predictor.predict(c.inputs, c.statics, forcings);

        // The same by hand: channels 2m_temperature 0–1, land_sea_mask 2, temperature 3–6
        // (t−6 h 500, 850 hPa, t0 500, 850 hPa), year_progress_sin 7–8, forcing 9.
        const std::size_t points = grid.points();
        std::vector<float> stacked(points * 10);
        for (std::size_t p = 0; p < points; ++p) {
            float* x = stacked.data() + p * 10;
            for (int t = 0; t < 2; ++t) {
                const auto& in = c.inputs[static_cast<std::size_t>(t)].variables;
                x[0 + t] = normalised(in.at("2m_temperature")[p], 285.0, 12.0);
                x[3 + 2 * t] = normalised(in.at("temperature")[p], 250.0, 6.0);
                x[4 + 2 * t] = normalised(in.at("temperature")[points + p], 280.0, 8.0);
                x[7 + t] = in.at("year_progress_sin")[p];
            }
            x[2] = normalised(c.statics.variables.at("land_sea_mask")[p], 0.3, 0.45);
            x[9] = 0.5f;
        }
        std::vector<float> out(points * 4);
        predictor.network().forward(stacked, out);
        const auto& last = c.inputs[1].variables;
        for (std::size_t p = 0; p < points; ++p) {
            const float* y = out.data() + p * 4;
            QCOMPARE(prediction.variables.at("2m_temperature")[p], y[0] * 3.0f + last.at("2m_temperature")[p]);
            QCOMPARE(prediction.variables.at("temperature")[p], y[1] * 1.0f + last.at("temperature")[p]);
            QCOMPARE(prediction.variables.at("temperature")[points + p],
                     y[2] * 1.5f + last.at("temperature")[points + p]);
            QCOMPARE(prediction.variables.at("total_precipitation_6hr")[p], y[3] * 0.002f + 0.001f);
        }
    }

    void rolloutFeedsPredictionsAndForcingsBack()
    {
        const Graphs graphs = testing::randomGraphs(static_cast<int>(grid.points()), 10, 4);
        const Checkpoint checkpoint = randomCheckpoint(tinyModel(), smallTask(), graphs, 10);
        const GraphCastPredictor predictor(checkpoint, graphs, smallStats(), grid);
        const SmallCase c = smallCase();
        const std::int64_t start = 1640995200;  // 2022-01-01 00:00 UTC
        std::vector<Fields> steps;
        std::vector<std::int64_t> times;
        predictor.rollout(c.inputs, c.statics, start, 2, [&](int, std::int64_t time, const Fields& prediction) {
            steps.push_back(prediction);
            times.push_back(time);
            return true;
        });
        QCOMPARE(times, (std::vector<std::int64_t>{start + 21600, start + 43200}));

        const Fields forcings1 = computeForcings({"year_progress_sin"}, grid, start + 21600);
        const Fields first = predictor.predict(c.inputs, c.statics, forcings1);
        QCOMPARE(first.variables, steps[0].variables);
        Fields fedBack;
        fedBack.variables["temperature"] = first.variables.at("temperature");
        fedBack.variables["2m_temperature"] = first.variables.at("2m_temperature");
        fedBack.variables["year_progress_sin"] = forcings1.variables.at("year_progress_sin");
        const std::vector<Fields> next{c.inputs[1], fedBack};
        const Fields second =
            predictor.predict(next, c.statics, computeForcings({"year_progress_sin"}, grid, start + 43200));
        QCOMPARE(second.variables, steps[1].variables);
    }

    void missingInputsAndStatisticsAreRefused()
    {
        const Graphs graphs = testing::randomGraphs(static_cast<int>(grid.points()), 10, 5);
        const Checkpoint checkpoint = randomCheckpoint(tinyModel(), smallTask(), graphs, 11);
        const GraphCastPredictor predictor(checkpoint, graphs, smallStats(), grid);
        SmallCase c = smallCase();
        Fields forcings;
        forcings.variables["year_progress_sin"] = std::vector<float>(grid.points(), 0.5f);
        c.inputs[0].variables.erase("temperature");
        QVERIFY_THROWS_EXCEPTION(InputError, predictor.predict(c.inputs, c.statics, forcings));
        c = smallCase();
        c.statics.variables["land_sea_mask"].pop_back();
        QVERIFY_THROWS_EXCEPTION(InputError, predictor.predict(c.inputs, c.statics, forcings));

        NormalizationStats stats = smallStats();
        stats.levels = {1000, 700, 500, 250};  // lacks 850 hPa
        QVERIFY_THROWS_EXCEPTION(InputError, GraphCastPredictor(checkpoint, graphs, stats, grid));
    }

    void initialStateTakesTaskLevelsAndRecomputedForcings()
    {
        const SmallCase c = smallCase();
        const std::size_t points = grid.points();
        Dataset dataset;
        dataset.grid = grid;
        dataset.levels = {1000, 850, 500};  // the dataset's order, not the task's
        dataset.validTimes = {1640995200, 1640995200 + 21600};
        for (const Fields& input : c.inputs) {
            Fields fields = input;
            const std::vector<float>& temperature = input.variables.at("temperature");  // 500, 850 hPa
            std::vector<float> onDatasetLevels(3 * points, 0.0f);
            std::copy_n(temperature.begin() + static_cast<std::ptrdiff_t>(points), points,
                        onDatasetLevels.begin() + static_cast<std::ptrdiff_t>(points));
            std::copy_n(temperature.begin(), points, onDatasetLevels.begin() + static_cast<std::ptrdiff_t>(2 * points));
            fields.variables["temperature"] = onDatasetLevels;
            dataset.times.push_back(fields);
        }
        dataset.statics = c.statics;
        const InitialState state = initialStateFromDataset(dataset, smallTask(), 2);
        QCOMPARE(state.lastInputTime, std::int64_t{1640995200 + 21600});
        QCOMPARE(state.inputs.size(), std::size_t{2});
        QCOMPARE(state.inputs[1].variables.at("temperature"), c.inputs[1].variables.at("temperature"));
        // year_progress_sin recomputed from the valid time, not the dataset's value.
        QCOMPARE(state.inputs[0].variables.at("year_progress_sin"),
                 computeForcings({"year_progress_sin"}, grid, 1640995200).variables.at("year_progress_sin"));
        QCOMPARE(state.statics.variables, c.statics.variables);

        QVERIFY_THROWS_EXCEPTION(InputError, initialStateFromDataset(dataset, smallTask(), 2, 1));
        dataset.validTimes[1] = 1640995200 + 10800;
        QVERIFY_THROWS_EXCEPTION(InputError, initialStateFromDataset(dataset, smallTask(), 2));
    }
};

QTEST_APPLESS_MAIN(TestGraphCastPredictor)
#include "TestGraphCastPredictor.moc"
