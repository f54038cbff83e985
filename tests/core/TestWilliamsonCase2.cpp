#include "cases/TestCases.h"
#include "model/ErrorNorms.h"
#include "model/ShallowWaterModel.h"

#include <QtTest/QtTest>

#include <numbers>

using namespace spreadcast;

namespace {

// Runs W92 case 2 for `days` and returns the normalised height errors against the exact
// (initial, steady) solution.
ErrorNorms case2Errors(int truncation, double timeStep, double alphaDegrees, double days)
{
    const double alpha = alphaDegrees * std::numbers::pi / 180.0;
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    ShallowWaterParameters parameters;
    parameters.timeStep = timeStep;
    const ShallowWaterModel model(truncation, williamsonCase2(grid, alpha), parameters);
    auto workspace = model.makeWorkspace();
    auto state = model.initialState(0);
    MemberState* batch[] = {state.get()};
    model.advance(batch, static_cast<int>(std::lround(days * 86400.0 / timeStep)), *workspace);
    return normalizedErrors(grid, model.fields(*state, *workspace).variables[outputHeight],
                            williamsonCase2Height(grid, alpha));
}

}  // namespace

class TestWilliamsonCase2 : public QObject {
    Q_OBJECT

private slots:
    void heightErrorStaysAtRoundOffForEveryTimeStep_data()
    {
        QTest::addColumn<int>("truncation");
        QTest::addColumn<double>("alphaDegrees");
        QTest::newRow("T42, α = 0") << 42 << 0.0;
        QTest::newRow("T42, α = 45°") << 42 << 45.0;
        QTest::newRow("T85, α = 0") << 85 << 0.0;
        QTest::newRow("T85, α = 45°") << 85 << 45.0;
    }
    void heightErrorStaysAtRoundOffForEveryTimeStep()
    {
        // Case 2 is a steady state whose fields are spherical harmonics of degree ≤ 2, which the
        // transforms and the semi-implicit leapfrog hold exactly: the error cannot fall with the
        // time step, it must stay at round-off (the time-step convergence is checked on case 6).
        // Bound: double-precision ε ≈ 1.1e-16 grows like √steps (≤ √1920 ≈ 44) with an O(10)
        // constant from the transforms, so ~5e-14; a real time or space error would be ≥ 1e-10.
        QFETCH(int, truncation);
        QFETCH(double, alphaDegrees);
        const double longest = truncation == 42 ? 1800.0 : 900.0;
        for (double timeStep : {longest, longest / 2, longest / 4}) {
            const ErrorNorms errors = case2Errors(truncation, timeStep, alphaDegrees, 5.0);
            qInfo("W92 case 2, T%d, α = %g°, Δt = %g s, day 5: l1 %.3e  l2 %.3e  l∞ %.3e", truncation, alphaDegrees,
                  timeStep, errors.l1, errors.l2, errors.lInfinity);
            QVERIFY(errors.l2 < 5e-14);
            QVERIFY(errors.lInfinity < 5e-14);
        }
    }
};

QTEST_APPLESS_MAIN(TestWilliamsonCase2)
#include "TestWilliamsonCase2.moc"
