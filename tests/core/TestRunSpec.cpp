#include "run/RunSpec.h"

#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

using namespace spreadcast;

class TestRunSpec : public QObject {
    Q_OBJECT

    // Every field that defines the science set away from its default.
    static RunSpec unusualSpec()
    {
        RunSpec spec;
        spec.initialCondition = "williamson2";
        spec.initialConditionTime = 3;
        spec.initialConditionLevel = 2;
        spec.rotationDegrees = 45.0;
        spec.galewskyPerturbation = false;
        spec.meanDepth = 8000.0;
        spec.truncation = 42;
        spec.leadSeconds = 2 * 86400.0;
        spec.outputIntervalSeconds = 3 * 3600.0;
        spec.timeStepSeconds = 900.0;
        spec.members = 12;
        spec.seed = 0xfedcba9876543210ULL;  // above 2^63: JSON must keep it unsigned and exact
        spec.perturbVorticity = 2e-6;
        spec.perturbHeight = 3.5;
        spec.perturbLengthScale = 5e5;
        spec.perturbSmoothness = 3.0;
        spec.skebAmplitude = 1e-10;
        spec.skebDecorrelation = 7200.0;
        spec.skebWavenumber = 8;
        spec.storeMembers = "0,5,10-11";
        spec.thresholds = {{"height", 10000.0}, {"vorticity", 1e-5}};
        spec.precision = OutputPrecision::Double;
        return spec;
    }

private slots:
    void everyScientificFieldSurvivesTheJsonRoundTrip()
    {
        const RunSpec spec = unusualSpec();
        const RunSpec read = runSpecFromJson(nlohmann::json::parse(toJson(spec).dump()));
        QCOMPARE(read.initialCondition, spec.initialCondition);
        QCOMPARE(read.initialConditionTime, spec.initialConditionTime);
        QCOMPARE(read.initialConditionLevel, spec.initialConditionLevel);
        QCOMPARE(read.rotationDegrees, spec.rotationDegrees);
        QCOMPARE(read.galewskyPerturbation, spec.galewskyPerturbation);
        QCOMPARE(read.meanDepth, spec.meanDepth);
        QCOMPARE(read.truncation, spec.truncation);
        QCOMPARE(read.leadSeconds, spec.leadSeconds);
        QCOMPARE(read.outputIntervalSeconds, spec.outputIntervalSeconds);
        QCOMPARE(read.timeStepSeconds, spec.timeStepSeconds);
        QCOMPARE(read.members, spec.members);
        QCOMPARE(read.seed, spec.seed);
        QCOMPARE(read.perturbVorticity, spec.perturbVorticity);
        QCOMPARE(read.perturbHeight, spec.perturbHeight);
        QCOMPARE(read.perturbLengthScale, spec.perturbLengthScale);
        QCOMPARE(read.perturbSmoothness, spec.perturbSmoothness);
        QCOMPARE(read.skebAmplitude, spec.skebAmplitude);
        QCOMPARE(read.skebDecorrelation, spec.skebDecorrelation);
        QCOMPARE(read.skebWavenumber, spec.skebWavenumber);
        QCOMPARE(read.storeMembers, spec.storeMembers);
        QCOMPARE(read.thresholds.size(), spec.thresholds.size());
        for (std::size_t k = 0; k < spec.thresholds.size(); ++k) {
            QCOMPARE(read.thresholds[k].variable, spec.thresholds[k].variable);
            QCOMPARE(read.thresholds[k].value, spec.thresholds[k].value);
        }
        QVERIFY(read.precision == spec.precision);
        QCOMPARE(toJson(read), toJson(spec));
    }

    void theAutomaticTimeStepIsRecordedAsTheStepTheRunTook()
    {
        RunSpec spec;
        spec.truncation = 42;
        const RunSpec read = runSpecFromJson(toJson(spec));
        QVERIFY(read.timeStepSeconds > 0.0);
        QCOMPARE(read.timeStepSeconds, effectiveTimeStep(spec));
    }

    void placementStaysOutOfTheJson()
    {
        RunSpec spec = unusualSpec();
        const nlohmann::json reference = toJson(spec);
        spec.threads = 7;
        spec.devices = "gpu:0,1";
        spec.batchSize = 16;
        spec.segmentOutputs = 2;
        spec.speculate = true;
        spec.watchdogSeconds = 30.0;
        spec.outputPath = "elsewhere.nc";
        QCOMPARE(toJson(spec), reference);
    }

    void aJsonWithoutTheRequiredKeysIsRefused()
    {
        nlohmann::json json = toJson(unusualSpec());
        json["shallow-water"].erase("truncation");  // the model's own section
        QVERIFY_EXCEPTION_THROWN(runSpecFromJson(json), nlohmann::json::exception);
        json = toJson(unusualSpec());
        json.erase("members");
        QVERIFY_EXCEPTION_THROWN(runSpecFromJson(json), nlohmann::json::exception);
    }

    void eachModelKeepsItsOwnSection()
    {
        RunSpec spec;
        spec.model = "graphcast";
        spec.graphcast.checkpoint = "GraphCast_small.npz";
        spec.graphcast.statistics = "stats";
        spec.graphcast.perturbationScale = 0.25;
        spec.graphcast.perturbationLengthScale = 7e5;
        spec.graphcast.perturbationPairs = true;
        const nlohmann::json json = toJson(spec);
        QCOMPARE(json.at("model").get<std::string>(), std::string("graphcast"));
        QVERIFY(json.contains("graphcast") && !json.contains("shallow-water"));
        const RunSpec back = runSpecFromJson(json);
        QCOMPARE(back.model, spec.model);
        QCOMPARE(back.graphcast.checkpoint, spec.graphcast.checkpoint);
        QCOMPARE(back.graphcast.statistics, spec.graphcast.statistics);
        QCOMPARE(back.graphcast.perturbationScale, 0.25);
        QCOMPARE(back.graphcast.perturbationLengthScale, 7e5);
        QCOMPARE(back.graphcast.perturbationPairs, true);
        QCOMPARE(toJson(back), json);
        nlohmann::json unknown = json;
        unknown["model"] = "pangu";
        QVERIFY_EXCEPTION_THROWN(runSpecFromJson(unknown), std::invalid_argument);
        // Files from before the registry: no "model", shallow-water settings at the top.
        nlohmann::json legacy = toJson(RunSpec{});
        for (const auto& [key, value] : legacy.at("shallow-water").items()) {
            legacy[key] = value;
        }
        legacy.erase("shallow-water");
        legacy.erase("model");
        QCOMPARE(toJson(runSpecFromJson(legacy)), toJson(RunSpec{}));
    }

    // GraphCast's initial-condition files, initial time and statics file survive the JSON; a run
    // recorded before they existed reads back with its one initial condition and the defaults.
    void graphCastInitialConditionsRoundTripAndOldRunsStillRead()
    {
        RunSpec spec;
        spec.model = "graphcast";
        spec.initialCondition = "pressure-levels.grib2";
        spec.graphcast.initialConditions = {"pressure-levels.grib2", "surface.grib2"};
        spec.graphcast.initialTime = "2024-05-01 06:00";
        spec.graphcast.staticsFile = "statics.nc";
        const nlohmann::json json = toJson(spec);
        const RunSpec back = runSpecFromJson(json);
        QCOMPARE(back.graphcast.initialConditions, spec.graphcast.initialConditions);
        QCOMPARE(back.graphcast.initialTime, spec.graphcast.initialTime);
        QCOMPARE(back.graphcast.staticsFile, spec.graphcast.staticsFile);
        QCOMPARE(back.initialCondition, spec.initialCondition);
        QCOMPARE(toJson(back), json);
        nlohmann::json old = json;
        for (const char* key : {"initial_conditions", "initial_time", "statics"}) {
            old["graphcast"].erase(key);
        }
        const RunSpec recorded = runSpecFromJson(old);
        QVERIFY(recorded.graphcast.initialConditions.empty());
        QVERIFY(recorded.graphcast.initialTime.empty() && recorded.graphcast.staticsFile.empty());
        QCOMPARE(recorded.initialCondition, spec.initialCondition);
    }
};

QTEST_GUILESS_MAIN(TestRunSpec)
#include "TestRunSpec.moc"
