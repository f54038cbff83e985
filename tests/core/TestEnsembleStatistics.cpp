#include "ensemble/EnsembleStatistics.h"
#include "run/RunSpec.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cstring>
#include <random>

using namespace spreadcast;

namespace {

constexpr std::size_t points = 500;

// A 20 × 25 grid with two levels: four surface variables and one on levels, so the statistics
// follow a schema rather than a fixed list.
const OutputSchema& schema()
{
    static const OutputSchema grid = [] {
        OutputSchema s;
        s.latitudes.resize(20);
        s.longitudes.resize(25);
        s.levels = {500.0, 850.0};
        s.variables = {{"height", "", "height", "m"},
                       {"u", "", "u", "m s-1"},
                       {"v", "", "v", "m s-1"},
                       {"vorticity", "", "vorticity", "s-1"},
                       {"temperature", "air_temperature", "temperature", "K", true}};
        return s;
    }();
    return grid;
}

GridFields randomFields(std::mt19937_64& engine)
{
    std::normal_distribution<double> normal;
    GridFields fields;
    for (std::size_t k = 0; k < schema().variables.size(); ++k) {
        AlignedVector<double>& field = fields.variables.emplace_back(schema().valueCount(k));
        for (double& value : field) {
            value = 5000.0 + 100.0 * normal(engine);  // a large mean: the case that breaks naive variance
        }
    }
    return fields;
}

bool bitwiseEqual(const AlignedVector<double>& a, const AlignedVector<double>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

EnsembleStatistics accumulate(const std::vector<GridFields>& members, const std::vector<int>& order,
                              const std::vector<ExceedanceThreshold>& thresholds)
{
    StatisticsAccumulator accumulator(1, static_cast<int>(members.size()), schema(), thresholds);
    StatisticsAccumulator::Completed completed;
    for (int member : order) {
        auto done = accumulator.add(0, member, members[member]);
        completed.insert(completed.end(), done.begin(), done.end());
    }
    if (completed.size() != 1) {
        qFatal("expected one completed time, got %zu", completed.size());
    }
    return completed.front().second;
}

}  // namespace

class TestEnsembleStatistics : public QObject {
    Q_OBJECT

private slots:
    void matchesAnIndependentTwoPassComputation()
    {
        std::mt19937_64 engine(1);
        std::vector<GridFields> members;
        std::vector<int> order;
        for (int m = 0; m < 9; ++m) {
            members.push_back(randomFields(engine));
            order.push_back(m);
        }
        const std::vector<ExceedanceThreshold> thresholds{{"height", 5050.0}, {"temperature", 4900.0}};
        const EnsembleStatistics statistics = accumulate(members, order, thresholds);
        QCOMPARE(statistics.members, 9);
        QCOMPARE(statistics.mean[4].size(), 2 * points);
        QCOMPARE(statistics.probability[1].size(), 2 * points);
        for (std::size_t k = 0; k < schema().variables.size(); ++k) {
            for (std::size_t i = 0; i < schema().valueCount(k); ++i) {
                double mean = 0.0;
                double lowest = 1e300;
                double highest = -1e300;
                for (const auto& member : members) {
                    const double x = member.variables[k][i];
                    mean += x / 9.0;
                    lowest = std::min(lowest, x);
                    highest = std::max(highest, x);
                }
                double variance = 0.0;
                for (const auto& member : members) {
                    const double x = member.variables[k][i];
                    variance += (x - mean) * (x - mean) / 8.0;
                }
                // Welford and two-pass agree to a few ulps of the mean (5000 × 2.2e-16 ≈ 1e-12).
                QVERIFY(std::abs(statistics.mean[k][i] - mean) < 1e-11);
                QVERIFY(std::abs(statistics.spread[k][i] - std::sqrt(variance)) < 1e-10);
                QCOMPARE(statistics.minimum[k][i], lowest);
                QCOMPARE(statistics.maximum[k][i], highest);
            }
        }
        for (std::size_t i = 0; i < points; ++i) {
            int above = 0;
            for (const auto& member : members) {
                above += member.variables[0][i] > 5050.0 ? 1 : 0;
            }
            QCOMPARE(statistics.probability[0][i], above / 9.0);
        }
    }

    void arrivalOrderDoesNotChangeABit()
    {
        std::mt19937_64 engine(2);
        std::vector<GridFields> members;
        std::vector<int> order;
        for (int m = 0; m < 12; ++m) {
            members.push_back(randomFields(engine));
            order.push_back(m);
        }
        const std::vector<ExceedanceThreshold> thresholds{{"u", 5000.0}};
        const EnsembleStatistics inOrder = accumulate(members, order, thresholds);
        for (unsigned shuffle = 0; shuffle < 5; ++shuffle) {
            std::shuffle(order.begin(), order.end(), engine);
            const EnsembleStatistics shuffled = accumulate(members, order, thresholds);
            for (std::size_t k = 0; k < schema().variables.size(); ++k) {
                QVERIFY(bitwiseEqual(inOrder.mean[k], shuffled.mean[k]));
                QVERIFY(bitwiseEqual(inOrder.spread[k], shuffled.spread[k]));
                QVERIFY(bitwiseEqual(inOrder.minimum[k], shuffled.minimum[k]));
                QVERIFY(bitwiseEqual(inOrder.maximum[k], shuffled.maximum[k]));
            }
            QVERIFY(bitwiseEqual(inOrder.probability[0], shuffled.probability[0]));
        }
    }

    void aFailedMemberIsLeftOutOfTheTimesItDidNotReach()
    {
        std::mt19937_64 engine(3);
        std::vector<GridFields> members{randomFields(engine), randomFields(engine), randomFields(engine)};
        StatisticsAccumulator accumulator(2, 3, schema(), {});
        QVERIFY(accumulator.add(0, 2, members[2]).empty());
        QVERIFY(accumulator.add(1, 2, members[2]).empty());
        QVERIFY(accumulator.add(0, 1, members[1]).empty());
        // Member 1 fails before time 1; member 0 then completes time 0 (all three) and time 1
        // (members 0 and 2).
        QVERIFY(accumulator.skip(1).empty());
        QVERIFY(accumulator.add(0, 0, members[0]).size() == 1);
        const auto last = accumulator.add(1, 0, members[0]);
        QCOMPARE(last.size(), std::size_t{1});
        QCOMPARE(last.front().first, 1);
        QCOMPARE(last.front().second.members, 2);
        QCOMPARE(last.front().second.mean[0][7],
                 members[0].variables[0][7] + (members[2].variables[0][7] - members[0].variables[0][7]) / 2);
    }

    void aMemberTwiceIsAnError()
    {
        std::mt19937_64 engine(4);
        const GridFields fields = randomFields(engine);
        StatisticsAccumulator accumulator(1, 3, schema(), {});
        accumulator.add(0, 1, fields);
        QVERIFY_THROWS_EXCEPTION(std::logic_error, accumulator.add(0, 1, fields));
    }

    void thresholdsParseAndName()
    {
        QCOMPARE(parseThreshold("height>10000"), (ExceedanceThreshold{"height", 10000.0}));
        QCOMPARE(parseThreshold("vorticity>-1.5e-4"), (ExceedanceThreshold{"vorticity", -1.5e-4}));
        QCOMPARE(probabilityVariableName({"vorticity", -1.5e-4}), std::string("probability_vorticity_above_m0p00015"));
        QCOMPARE(probabilityVariableName({"height", 10000.0}), std::string("probability_height_above_10000"));
        for (const char* bad : {"height", "height>", "height>ten", ">5", "height<5", "he ight>5"}) {
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, parseThreshold(bad));
        }
        // Whether the model has the variable is the schema's to say, before any file is written.
        const auto problems = thresholdProblems({{"pressure", 5.0}, {"temperature", 280.0}}, schema());
        QCOMPARE(problems.size(), std::size_t{1});
        QVERIFY(problems.front().find("'pressure' names no output variable") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, StatisticsAccumulator(1, 2, schema(), {{"pressure", 5.0}}));
    }
};

QTEST_APPLESS_MAIN(TestEnsembleStatistics)
#include "TestEnsembleStatistics.moc"
