#include "ensemble/StochasticForcing.h"
#include "model/ShallowWaterModel.h"
#include "run/EnsembleRun.h"

#include <QtTest/QtTest>

#include <cstring>

using namespace spreadcast;

namespace {

// Area-mean square of the forcing's vorticity tendency on the grid.
double forcingStandardDeviation(const SpectralTransform& transform, const StochasticForcing& forcing,
                                const SpectralCoefficients& pattern)
{
    SpectralCoefficients tendency = transform.makeCoefficients();
    for (std::size_t k = 0; k < tendency.size(); ++k) {
        tendency[k] = forcing.vorticityTendency(k, pattern[k]);
    }
    TransformWorkspace workspace(transform, 1);
    GridValues grid;
    transform.synthesize(tendency, grid, workspace);
    const GaussianGrid& g = transform.grid();
    double sum = 0.0;
    for (int j = 0; j < g.nlat; ++j) {
        for (int i = 0; i < g.nlon; ++i) {
            const double value = grid[static_cast<std::size_t>(j) * g.nlon + i];
            sum += g.weights[j] * value * value / (2.0 * g.nlon);
        }
    }
    return std::sqrt(sum);
}

RunSpec forcedSpec()
{
    RunSpec spec;
    spec.initialCondition = "galewsky";
    spec.truncation = 42;
    spec.perturbVorticity = 0.0;
    spec.skebAmplitude = 1e-10;
    return spec;
}

}  // namespace

class TestStochasticForcing : public QObject {
    Q_OBJECT

private slots:
    void patternIsStationaryWithTheRequestedAmplitude()
    {
        // The wavenumber-12 pattern has ~(k+1)² ≈ 170 effective degrees of freedom, so one draw's
        // grid standard deviation scatters by about 1/√(2·170) ≈ 5 %; allow 20 %.
        const SpectralTransform transform(85);
        const StochasticForcingSettings settings{2e-10, 21600.0, 12};
        const StochasticForcing forcing(transform, settings, 600.0);
        SpectralCoefficients pattern = forcing.initialPattern(memberKey(7, 0));
        const double initial = forcingStandardDeviation(transform, forcing, pattern);
        for (int step = 0; step < 360; ++step) {  // 60 h: 10 decorrelation times
            forcing.advance(pattern, memberKey(7, 0), step);
        }
        const double later = forcingStandardDeviation(transform, forcing, pattern);
        qInfo("forcing standard deviation: requested 2e-10, initial %.3e, after 60 h %.3e s-2", initial, later);
        QVERIFY(std::abs(initial - 2e-10) < 0.2 * 2e-10);
        QVERIFY(std::abs(later - 2e-10) < 0.2 * 2e-10);
    }

    void identicalStartsDivergeAndEachMemberIsReproducible()
    {
        const PreparedModel prepared = prepareModel(forcedSpec());
        const ForecastModel& model = *prepared.model;
        auto workspace = model.makeWorkspace();
        auto run = [&](int member, int steps) {
            auto state = model.initialState(member);
            MemberState* batch[] = {state.get()};
            model.advance(batch, steps, *workspace);
            return model.fields(*state, *workspace).variables[outputHeight];
        };
        const auto first = run(0, 72);
        const auto again = run(0, 72);
        const auto other = run(1, 72);
        QVERIFY(std::memcmp(first.data(), again.data(), first.size() * sizeof(double)) == 0);
        double difference = 0.0;
        for (std::size_t i = 0; i < first.size(); ++i) {
            difference = std::max(difference, std::abs(first[i] - other[i]));
        }
        qInfo("one day of forcing from identical starts: members 0 and 1 differ by up to %.3f m", difference);
        QVERIFY(difference > 0.1);
    }

    void aStateCarriedOnContinuesExactlyAsTheUninterruptedRun()
    {
        // The step-n increment comes from fold_in(key, n): a copy of the state taken after 30 steps
        // (a checkpoint) and advanced 30 more ends bitwise where 60 steps in one go end.
        const PreparedModel prepared = prepareModel(forcedSpec());
        const ForecastModel& model = *prepared.model;
        auto workspace = model.makeWorkspace();
        auto straight = model.initialState(2);
        MemberState* batch[] = {straight.get()};
        model.advance(batch, 30, *workspace);
        auto checkpoint = straight->clone();
        model.advance(batch, 30, *workspace);
        MemberState* resumed[] = {checkpoint.get()};
        auto otherWorkspace = model.makeWorkspace();
        model.advance(resumed, 30, *otherWorkspace);
        const auto a = model.fields(*straight, *workspace).variables[outputVorticity];
        const auto b = model.fields(*checkpoint, *workspace).variables[outputVorticity];
        QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
    }
};

QTEST_APPLESS_MAIN(TestStochasticForcing)
#include "TestStochasticForcing.moc"
