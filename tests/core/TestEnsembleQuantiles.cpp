#include "ensemble/EnsembleQuantiles.h"

#include <QtTest/QtTest>

#include <array>
#include <cmath>
#include <limits>

using namespace spreadcast;

// The quantile definition behind percentile maps and EPSgrams: numpy's default (linear), checked
// against values worked out by hand from h = (n − 1)·q.
class TestEnsembleQuantiles : public QObject {
    Q_OBJECT

private slots:
    void oddCountMatchesHandComputedLinearInterpolation()
    {
        // Sorted: 1, 1.5, 3, 4, 9; h = 4q.
        const std::array<double, 5> values{3.0, 1.0, 4.0, 1.5, 9.0};
        const std::array<double, 7> qs{0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0};
        const std::vector<double> result = quantiles(values, qs);
        // h = 0.4 → 1 + 0.4·0.5; h = 3.6 → 4 + 0.6·5. Exact in binary to a few ulps.
        const std::array<double, 7> expected{1.0, 1.2, 1.5, 3.0, 4.0, 7.0, 9.0};
        for (std::size_t k = 0; k < expected.size(); ++k) {
            QVERIFY2(std::abs(result[k] - expected[k]) <= 4 * std::numeric_limits<double>::epsilon() * 9.0,
                     qPrintable(QString("q = %1: %2, expected %3").arg(qs[k]).arg(result[k]).arg(expected[k])));
        }
    }

    void evenCountMedianIsTheMeanOfTheMiddleTwo()
    {
        // Sorted: 2, 4, 6, 8; h = 3q: 0.3 → 2.6, 1.5 → 5, 2.7 → 7.4.
        const std::array<double, 4> values{2.0, 8.0, 4.0, 6.0};
        const std::array<double, 3> qs{0.1, 0.5, 0.9};
        const std::vector<double> result = quantiles(values, qs);
        QVERIFY(std::abs(result[0] - 2.6) < 1e-14);
        QCOMPARE(result[1], 5.0);
        QVERIFY(std::abs(result[2] - 7.4) < 1e-14);
    }

    void missingValuesAreLeftOut()
    {
        const std::array<double, 4> values{NAN, 10.0, NAN, 20.0};
        const std::array<double, 2> qs{0.5, 1.0};
        const std::vector<double> result = quantiles(values, qs);
        QCOMPARE(result[0], 15.0);
        QCOMPARE(result[1], 20.0);
        const std::array<double, 2> none{NAN, NAN};
        QVERIFY(std::isnan(quantiles(none, qs)[0]));
    }

    void oneMemberIsEveryQuantile()
    {
        const std::array<double, 1> values{7.5};
        const std::array<double, 3> qs{0.0, 0.1, 0.9};
        for (const double value : quantiles(values, qs)) {
            QCOMPARE(value, 7.5);
        }
    }

    void belowCountsOnlyStrictlyLowerMembers()
    {
        QCOMPARE(nonExceedanceProbability(3.0, 4.0), 0.75);
        QCOMPARE(nonExceedanceProbability(0.0, 4.0), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestEnsembleQuantiles)
#include "TestEnsembleQuantiles.moc"
