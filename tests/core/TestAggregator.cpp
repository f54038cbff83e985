#include "ensemble/EnsembleStatistics.h"
#include "ensemble/MemberChecksum.h"
#include "run/Aggregator.h"
#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <filesystem>

using namespace spreadcast;

class TestAggregator : public QObject {
    Q_OBJECT

    RunSpec spec_;
    PreparedModel prepared_;
    std::vector<double> times_;
    std::vector<std::vector<GridFields>> fields_;  // [member][time]

    struct Published {
        int time;
        double lead;
        int members;
        double meanHeight;
    };

    std::vector<OutputTimeObserver> recordInto(std::vector<Published>& published)
    {
        return {[&published](const CompletedOutputTime& time) {
            published.push_back(
                {time.timeIndex, time.leadSeconds, time.members, time.statistics ? time.statistics->mean[0][0] : 0.0});
        }};
    }

private slots:
    void initTestCase()
    {
        spec_.truncation = 21;
        spec_.members = 3;
        spec_.leadSeconds = 2 * 3600.0;
        spec_.outputIntervalSeconds = 3600.0;
        prepared_ = prepareModel(spec_);
        times_ = {0.0, 3600.0, 7200.0};
        const ForecastModel& model = *prepared_.model;
        const auto workspace = model.makeWorkspace();
        const int steps = static_cast<int>(std::lround(3600.0 / model.timeStep()));
        for (int m = 0; m < spec_.members; ++m) {
            auto state = model.initialState(m);
            MemberState* members[] = {state.get()};
            fields_.emplace_back();
            for (std::size_t t = 0; t < times_.size(); ++t) {
                if (t > 0) {
                    model.advance(members, steps, *workspace);
                }
                fields_.back().push_back(model.fields(*state, *workspace));
            }
        }
    }

    void eachOutputTimeIsPublishedOnceWhenItsLastMemberArrives()
    {
        QTemporaryDir directory;
        RunSpec spec = spec_;
        spec.outputPath = directory.filePath("run.nc").toStdString();
        std::vector<std::string> events;
        Aggregator aggregator(spec, prepared_, times_, std::nullopt, "test",
                              [&](std::string e) { events.push_back(e); });
        std::vector<Published> published;
        aggregator.addObserver(recordInto(published).front());
        QCOMPARE(aggregator.membersToRun(), (std::vector<int>{0, 1, 2}));
        aggregator.write(0, 2, fields_[2][0]);
        aggregator.write(0, 0, fields_[0][0]);
        QVERIFY(published.empty());
        aggregator.write(0, 1, fields_[1][0]);
        QCOMPARE(published.size(), std::size_t{1});
        QCOMPARE(published[0].time, 0);
        QCOMPARE(published[0].members, 3);
        double mean = 0.0;
        for (int m = 0; m < 3; ++m) {
            mean += fields_[static_cast<std::size_t>(m)][0].variables[0][0] / 3.0;
        }
        QVERIFY(std::abs(published[0].meanHeight - mean) <= 1e-12 * std::abs(mean));
        aggregator.write(0, 1, fields_[1][0]);  // an identical second copy is dropped
        QCOMPARE(published.size(), std::size_t{1});
        QVERIFY_EXCEPTION_THROWN(aggregator.write(0, 1, fields_[1][1]), DeterminismViolation);
        // Member 1 fails after time 1: times 1 and 2 complete without it.
        for (int m : {0, 2}) {
            aggregator.write(1, m, fields_[static_cast<std::size_t>(m)][1]);
            aggregator.write(2, m, fields_[static_cast<std::size_t>(m)][2]);
        }
        QCOMPARE(published.size(), std::size_t{1});
        aggregator.memberFailed(1, "blow-up");
        QCOMPARE(published.size(), std::size_t{3});
        QCOMPARE(published[2].time, 2);
        QCOMPARE(published[2].lead, 7200.0);
        QCOMPARE(published[2].members, 2);
        aggregator.memberFinished(0);
        aggregator.memberFinished(2);
        QVERIFY(events.empty());
        aggregator.finish("failed: 2 of 3 members complete", false);
    }

    void theManifestRecordsWhatFinishedAndFailedAndAResumedRunStartsFromIt()
    {
        QTemporaryDir directory;
        RunSpec spec = spec_;
        spec.outputPath = directory.filePath("resume.nc").toStdString();
        {
            Aggregator aggregator(spec, prepared_, times_, std::nullopt, "first", [](std::string) {});
            aggregator.saveManifest(true);
            for (std::size_t t = 0; t < times_.size(); ++t) {
                aggregator.write(static_cast<int>(t), 1, fields_[1][t]);
            }
            aggregator.memberFinished(1);
            aggregator.memberFailed(2, "blow-up at step 3");
            aggregator.finish("cancelled: 1 of 3 members complete", false);
        }
        const RunManifest manifest = readRunManifest(spec.outputPath);
        QCOMPARE(manifest.finishedMembers, std::vector<int>{1});
        QCOMPARE(manifest.failures.size(), std::size_t{1});
        QCOMPARE(manifest.failures[0].first, 2);
        QCOMPARE(manifest.history, std::string("first"));

        Aggregator resumed(spec, prepared_, times_, manifest, "second", [](std::string) {});
        QCOMPARE(resumed.membersToRun(), std::vector<int>{0});
        QCOMPARE(resumed.finishedMembers(), std::vector<int>{1});
        QCOMPARE(resumed.failures().size(), std::size_t{1});
        std::vector<Published> published;
        resumed.addObserver(recordInto(published).front());
        for (std::size_t t = 0; t < times_.size(); ++t) {
            resumed.write(static_cast<int>(t), 0, fields_[0][t]);
        }
        QCOMPARE(published.size(), std::size_t{3});  // member 0 completes every time
        resumed.memberFinished(0);
        resumed.finish("complete", false);
        QVERIFY(!std::filesystem::exists(resumeFolder(spec.outputPath)));  // a complete run drops it
    }

    void aSingleMemberPublishesEveryTimeItWrites()
    {
        QTemporaryDir directory;
        RunSpec spec = spec_;
        spec.members = 1;
        spec.outputPath = directory.filePath("one.nc").toStdString();
        Aggregator aggregator(spec, prepared_, times_, std::nullopt, "", [](std::string) {});
        std::vector<Published> published;
        aggregator.addObserver(recordInto(published).front());
        aggregator.write(0, 0, fields_[0][0]);
        aggregator.write(0, 0, fields_[0][0]);
        aggregator.write(1, 0, fields_[0][1]);
        QCOMPARE(published.size(), std::size_t{2});
        QCOMPARE(published[1].members, 1);
        aggregator.finish("cancelled: 0 of 1 members complete", false);
    }
};

QTEST_GUILESS_MAIN(TestAggregator)
#include "TestAggregator.moc"
