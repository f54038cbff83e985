// The pointwise physics of the shallow-water step (core/model/ShallowWaterPhysics.h) on its own:
// the properties of the schemes that the CPU model and the GPU functors both rely on.
#include "model/ShallowWaterPhysics.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace spreadcast;
namespace physics = spreadcast::shallowwater;

namespace {

double squared(Cplx z)
{
    return z.re * z.re + z.im * z.im;
}

physics::BlowUpLimits limits()
{
    // T42, Δt = 900 s, a = 6371.22 km: a wind of a/(Δt·T) ≈ 168.6 m/s is the Courant limit 1.
    return {.timeStep = 900.0,
            .truncation = 42,
            .earthRadius = 6.37122e6,
            .courantLimit = 1.0,
            .meanGeopotential = 9.80616 * 8000.0,
            .gravity = 9.80616};
}

}  // namespace

class TestShallowWaterPhysics : public QObject {
    Q_OBJECT

private slots:
    void theSemiImplicitStepConservesGravityWaveEnergy()
    {
        // Without explicit tendencies and diffusion the update is the trapezoidal rule for
        // ∂δ/∂t = (l(l+1)/a²) Φ', ∂Φ'/∂t = −Φ̄ δ, which keeps Φ̄|δ|² + (l(l+1)/a²)|Φ'|² exactly
        // (a linear system's quadratic invariant); only rounding, a few ulps per operation, remains.
        const double meanPhi = 9.80616 * 10000.0;
        const double radius = 6.37122e6;
        for (int l : {1, 10, 42, 170}) {
            const double laplacian = l * (l + 1.0) / (radius * radius);
            const physics::CoefficientOperators operators{3.0, laplacian, 0.0, 0.0, {0.0, 0.0}};
            physics::Prognostic state{{1e-5, -2e-5}, {3e-6, 1e-6}, {120.0, -45.0}};
            auto energy = [&](const physics::Prognostic& s) {
                return meanPhi * squared(s.divergence) + laplacian * squared(s.geopotential);
            };
            const double before = energy(state);
            const physics::Prognostic none{};
            for (int n = 0; n < 100; ++n) {
                state = physics::semiImplicitUpdate(state, none, operators, 1800.0, meanPhi);
            }
            // The vorticity has no gravity-wave term: without tendencies it stays.
            QCOMPARE(state.vorticity.re, 1e-5);
            QVERIFY2(std::abs(energy(state) - before) < 1e-13 * before,
                     qPrintable(QString("l = %1: energy %2 → %3").arg(l).arg(before).arg(energy(state))));
        }
    }

    void hyperdiffusionIsImplicit()
    {
        // ζ_new = (ζ + τ·tendency)/(1 + τν): unconditionally damping, even for τν ≫ 1.
        const physics::CoefficientOperators operators{0.0, 1e-10, 0.5, 2.0, {0.0, 0.0}};
        const physics::Prognostic old{{2.0, -4.0}, {0.0, 0.0}, {0.0, 0.0}};
        const physics::Prognostic next = physics::semiImplicitUpdate(old, physics::Prognostic{}, operators, 10.0, 0.0);
        QCOMPARE(next.vorticity.re, 2.0 / 6.0);
        QCOMPARE(next.vorticity.im, -4.0 / 6.0);
    }

    void theRawFilterWithHalfWeightKeepsTheMeanOfTheLevels()
    {
        // Williams (2009): α = 1/2 moves levels n and n + 1 by opposite amounts, so their sum stays
        // what it was before filtering; α = 1 (Robert–Asselin) moves only level n.
        Cplx older{1.0, 2.0};
        Cplx now{1.5, -0.5};
        const Cplx next{0.25, 3.0};
        const double sumBefore = now.re + next.re;
        physics::robertAsselinWilliams(0.2, 0.5, older, now, next);
        QVERIFY(std::abs(older.re + now.re - sumBefore) < 4 * std::numeric_limits<double>::epsilon());
        // The displacement ν/2 (x₋ − 2x + x₊) = 0.1 × (1 − 3 + 0.25) = −0.175, half of it on each.
        QVERIFY(std::abs(older.re - (1.5 - 0.0875)) < 1e-15);

        Cplx olderRa{1.0, 2.0};
        Cplx nowRa{1.5, -0.5};
        physics::robertAsselinWilliams(0.2, 1.0, olderRa, nowRa, next);
        QCOMPARE(nowRa.re, next.re);
        QCOMPARE(nowRa.im, next.im);
    }

    void theFirstStepIsForwardAndShiftsTheLevels()
    {
        const physics::TimeStepping stepping{600.0, 0.0, 0.05, 0.53};
        const physics::CoefficientOperators operators{0.0, 0.0, 0.0, 0.0, {0.0, 0.0}};
        const physics::Prognostic tendency{{1e-9, 0.0}, {0.0, 0.0}, {0.0, 0.0}};
        physics::Prognostic previous{{7.0, 7.0}, {7.0, 7.0}, {7.0, 7.0}};  // not read on the first step
        physics::Prognostic current{{1e-5, 0.0}, {0.0, 0.0}, {10.0, 0.0}};
        physics::stepCoefficient(stepping, 0, operators, tendency, previous, current);
        QCOMPARE(previous.vorticity.re, 1e-5);
        QCOMPARE(previous.geopotential.re, 10.0);
        QCOMPARE(current.vorticity.re, 1e-5 + 600.0 * 1e-9);  // over Δt, not 2Δt
        QCOMPARE(physics::leapfrogInterval(1, 600.0).tau, 1200.0);
    }

    void blowUpChecksComeInTheirOrder()
    {
        const physics::BlowUpLimits bounds = limits();
        const double limitSpeed = bounds.earthRadius / (bounds.timeStep * bounds.truncation);
        const double calmEnergy = 0.5 * 50.0 * 50.0;
        QCOMPARE(physics::checkBlowUp(-1, calmEnergy, 0.0, bounds).reason, int{physics::healthy});
        // A non-finite value is named first, whatever else is wrong.
        const physics::BlowUpVerdict nonFinite = physics::checkBlowUp(12, 1e9, -1e9, bounds);
        QCOMPARE(nonFinite.reason, int{physics::nonFinite});
        QCOMPARE(nonFinite.badPoint, 12LL);
        // U·Δt·T/a > 1 by 1 %, with a negative depth too: the Courant check comes first.
        const double fast = 1.01 * limitSpeed;
        const physics::BlowUpVerdict courant = physics::checkBlowUp(-1, 0.5 * fast * fast, -1e9, bounds);
        QCOMPARE(courant.reason, int{physics::courantBreach});
        QVERIFY(std::abs(courant.value - fast) < 1e-12 * fast);
        QVERIFY(physics::courantNumber(courant.value, bounds) > 1.0);
        // Φ̄ + min Φ' ≤ 0: the depth (Φ̄ + Φ')/g in metres, here −1 m.
        const physics::BlowUpVerdict depth =
            physics::checkBlowUp(-1, calmEnergy, -bounds.meanGeopotential - bounds.gravity, bounds);
        QCOMPARE(depth.reason, int{physics::negativeDepth});
        QVERIFY(std::abs(depth.value + 1.0) < 1e-9);
    }

    void productsAndOutputsAreTheEquations()
    {
        // At the equator (cos φ = 1): ηU/a, ηV/a, UΦ'/a, (U² + V²)/2 and VΦ'/a, η = ζ + f.
        const double a = 6.37122e6;
        const physics::NonlinearProducts p =
            physics::nonlinearProducts(1e-5, 500.0, 10.0, -4.0, 2e-5, physics::rowFactors(1.0, a));
        QCOMPARE(p.etaU, 3e-5 * 10.0 / a);
        QCOMPARE(p.etaV, 3e-5 * -4.0 / a);
        QCOMPARE(p.phiU, 10.0 * 500.0 / a);
        QCOMPARE(p.kineticEnergy, 58.0);
        QCOMPARE(p.phiV, -4.0 * 500.0 / a);
        // Height (Φ̄ + Φ')/g + h_s, winds U/cos φ and V/cos φ.
        const physics::OutputValues out = physics::outputValues(1e-5, 98.0, 5.0, 2.5, 2.0, 9800.0, 9.8, 100.0);
        QCOMPARE(out.height, 1110.0);
        QCOMPARE(out.u, 10.0);
        QCOMPARE(out.v, 5.0);
        QCOMPARE(out.vorticity, 1e-5);
    }
};

QTEST_APPLESS_MAIN(TestShallowWaterPhysics)
#include "TestShallowWaterPhysics.moc"
