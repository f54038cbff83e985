#pragma once

// The pointwise parts of the shallow-water step, written once for every executor: the CPU model
// (ShallowWaterModel.cpp: loops over points and coefficients) and the batched GPU step
// (gpu/shallowwater/BatchedShallowWater.h: a kernel or a host loop per functor). The transforms
// around them differ between executors; what happens at one grid point or to one spectral
// coefficient does not, and is here, so that a change of the numerics is made once.
//
// Every function does its arithmetic in the order the equations below are written, with
// componentwise complex operations only: the CPU model gets the same bits whichever executor
// computes a member's point, up to the order of the transforms' sums.

#include "model/HostDevice.h"

#include <cmath>

namespace spreadcast::shallowwater {

// The fields of a block of state grids, [field][point], as the synthesis writes them: ζ, Φ', and
// U = u cos φ, V = v cos φ.
namespace stateGrid {
inline constexpr int vorticity = 0, geopotential = 1, uCos = 2, vCos = 3, count = 4;
}

// The fields of a block of nonlinear-product grids, [field][point] (see nonlinearProducts).
namespace productGrid {
inline constexpr int etaU = 0, etaV = 1, phiU = 2, kineticEnergy = 3, phiV = 4, count = 5;
}

// The spectral scratch arrays of a step: the velocity potentials going into the synthesis
// (im·χ, im·ψ, −ψ and χ, all over a), and the products' analyses coming out of it, P(·) with the
// associated Legendre functions and H(·) with (1 − μ²)∂/∂μ of them.
namespace slot {
inline constexpr int imChi = 0, imPsi = 1, minusPsi = 2, chi = 3;
inline constexpr int pEtaU = 4, pEtaV = 5, pPhiU = 6, pKineticEnergy = 7, hEtaU = 8, hEtaV = 9, hPhiV = 10;
inline constexpr int count = 11;
}  // namespace slot

// Which product grid each analysed slot comes from, and whether with H (else P).
struct AnalysedProduct {
    int slot;
    int grid;
    bool useH;
};
inline constexpr int analysedProductCount = 7;
inline constexpr AnalysedProduct analysedProducts[analysedProductCount] = {
    {slot::pEtaU, productGrid::etaU, false}, {slot::pEtaV, productGrid::etaV, false},
    {slot::pPhiU, productGrid::phiU, false}, {slot::pKineticEnergy, productGrid::kineticEnergy, false},
    {slot::hEtaU, productGrid::etaU, true},  {slot::hEtaV, productGrid::etaV, true},
    {slot::hPhiV, productGrid::phiV, true},
};

// The inputs of the state synthesis for one coefficient: ψ = ∇⁻²ζ and χ = ∇⁻²δ turned into what
// U = (1/a)[∂χ/∂λ − (1 − μ²)∂ψ/∂μ] and V = (1/a)[∂ψ/∂λ + (1 − μ²)∂χ/∂μ] need.
struct VelocityPotentialTerms {
    Cplx imChi;
    Cplx imPsi;
    Cplx minusPsi;
    Cplx chi;
};
SPREADCAST_HOST_DEVICE inline VelocityPotentialTerms
velocityPotentialTerms(double order, double inverseLaplacian, double earthRadius, Cplx vorticity, Cplx divergence)
{
    const double toPotential = inverseLaplacian / earthRadius;
    const Cplx psi = toPotential * vorticity;
    const Cplx chi = toPotential * divergence;
    return {timesIm(order, chi), timesIm(order, psi), -1.0 * psi, chi};
}

// The nonlinear products at one grid point, each divided by a(1 − μ²) where it feeds a divergence
// or a curl: ηU, ηV, UΦ', VΦ' (all over a cos²φ, η = ζ + f) and E = (U² + V²)/(2 cos²φ).
struct NonlinearProducts {
    double etaU;
    double etaV;
    double phiU;
    double kineticEnergy;
    double phiV;
};
// The factors of one latitude row: 1/(a cos²φ) and 1/(2 cos²φ).
struct RowFactors {
    double weight;
    double halfSecantSquared;
};
SPREADCAST_HOST_DEVICE inline RowFactors rowFactors(double cosLatitude, double earthRadius)
{
    const double cosSquared = cosLatitude * cosLatitude;
    return {1.0 / (earthRadius * cosSquared), 0.5 / cosSquared};
}
SPREADCAST_HOST_DEVICE inline NonlinearProducts nonlinearProducts(double vorticity, double geopotential, double uCos,
                                                                  double vCos, double coriolis, RowFactors row)
{
    const double eta = vorticity + coriolis;
    return {eta * uCos * row.weight, eta * vCos * row.weight, uCos * geopotential * row.weight,
            (uCos * uCos + vCos * vCos) * row.halfSecantSquared, vCos * geopotential * row.weight};
}

// Why a forecast cannot go on after the checks of a step, in the order they are made.
enum BlowUpReason : int { healthy = 0, nonFinite = 1, courantBreach = 2, negativeDepth = 3 };

struct BlowUpVerdict {
    int reason = healthy;
    long long badPoint = -1;  // nonFinite: field × points + point of the first non-finite state value
    double value = 0.0;       // courantBreach: the largest wind speed, m/s; negativeDepth: the depth, m
};

// What the checks compare with.
struct BlowUpLimits {
    double timeStep;
    int truncation;
    double earthRadius;
    double courantLimit;  // STSWM's semi-implicit rule: max|v|·Δt·T/a must stay below it
    double meanGeopotential;
    double gravity;
};

// max|v|·Δt·T/a.
SPREADCAST_HOST_DEVICE inline double courantNumber(double maxSpeed, const BlowUpLimits& limits)
{
    return maxSpeed * limits.timeStep * limits.truncation / limits.earthRadius;
}

// The checks of a step from the extremes of its state grids: the first non-finite value (−1 when
// there is none), the largest E = |v|²/2 and the smallest Φ'.
SPREADCAST_HOST_DEVICE inline BlowUpVerdict checkBlowUp(long long firstNonFinite, double maxKineticEnergy,
                                                        double minGeopotential, const BlowUpLimits& limits)
{
    BlowUpVerdict verdict;
    const double maxSpeed = std::sqrt(2.0 * maxKineticEnergy);
    const double depth = limits.meanGeopotential + minGeopotential;
    if (firstNonFinite >= 0) {
        verdict.reason = nonFinite;
        verdict.badPoint = firstNonFinite;
    } else if (courantNumber(maxSpeed, limits) > limits.courantLimit) {
        verdict.reason = courantBreach;
        verdict.value = maxSpeed;
    } else if (depth <= 0.0) {
        verdict.reason = negativeDepth;
        verdict.value = depth / limits.gravity;
    }
    return verdict;
}

// ζ, δ and Φ' of one coefficient (a value, a tendency).
struct Prognostic {
    Cplx vorticity;
    Cplx divergence;
    Cplx geopotential;
};

// The analysed products of one coefficient, by slot.
struct AnalysedProducts {
    Cplx pEtaU;
    Cplx pEtaV;
    Cplx pPhiU;
    Cplx pKineticEnergy;
    Cplx hEtaU;
    Cplx hEtaV;
    Cplx hPhiV;
};

// The model's operators at one coefficient: its order m, the eigenvalue l(l+1)/a² of −∇², the
// hyperdiffusion rates of ζ and δ, s⁻¹, and the surface geopotential Φ_s.
struct CoefficientOperators {
    double order;
    double laplacian;
    double vorticityDiffusion;
    double divergenceDiffusion;
    Cplx surfaceGeopotential;
};

// The explicit tendencies, from the products with ∇·(X, Y) ↦ im·P(X) − H(Y) and
// k·∇×(X, Y) ↦ im·P(Y) + H(X):
//   ∂ζ/∂t = −∇·(η v),  ∂δ/∂t = k·∇×(η v) − ∇²(Φ_s + E),  ∂Φ'/∂t = −∇·(Φ' v)
// (the gravity-wave terms −∇²Φ' and −Φ̄δ are left to the semi-implicit update). A stochastic
// forcing adds its own vorticity tendency to these.
SPREADCAST_HOST_DEVICE inline Prognostic explicitTendencies(const AnalysedProducts& p, const CoefficientOperators& op)
{
    return {p.hEtaV - timesIm(op.order, p.pEtaU),
            timesIm(op.order, p.pEtaV) + p.hEtaU + op.laplacian * (p.pKineticEnergy + op.surfaceGeopotential),
            p.hPhiV - timesIm(op.order, p.pPhiU)};
}

// The constants of the time stepping.
struct TimeStepping {
    double timeStep;          // Δt, s
    double meanGeopotential;  // Φ̄, m² s⁻²
    double robertFilter;      // ν of the RAW filter
    double williamsFilter;    // α of the RAW filter
};

// Leapfrog over 2Δt from level n − 1, or a forward step over Δt from the initial state (step 0).
struct LeapfrogInterval {
    bool first;
    double tau;
};
SPREADCAST_HOST_DEVICE inline LeapfrogInterval leapfrogInterval(long long step, double timeStep)
{
    const bool first = step == 0;
    return {first, first ? timeStep : 2.0 * timeStep};
}

// The new level n + 1 from the old level (n − 1, or n on the first step): the gravity-wave terms
// (−∇²Φ' in δ, −Φ̄δ in Φ') averaged between the old and new levels (semi-implicit, STSWM), then
// the implicit hyperdiffusion of ζ and δ.
SPREADCAST_HOST_DEVICE inline Prognostic semiImplicitUpdate(const Prognostic& old, const Prognostic& tendency,
                                                            const CoefficientOperators& op, double tau, double meanPhi)
{
    const double halfTau = 0.5 * tau;
    const double laplacian = op.laplacian;
    const Cplx newZeta = (old.vorticity + tau * tendency.vorticity) / (1.0 + tau * op.vorticityDiffusion);
    const Cplx phiStar = old.geopotential + tau * tendency.geopotential - halfTau * meanPhi * old.divergence;
    const Cplx newDelta =
        (old.divergence + tau * tendency.divergence + halfTau * laplacian * (phiStar + old.geopotential)) /
        (1.0 + halfTau * halfTau * laplacian * meanPhi);
    const Cplx newPhi = phiStar - halfTau * meanPhi * newDelta;
    return {newZeta, newDelta / (1.0 + tau * op.divergenceDiffusion), newPhi};
}

// The Robert–Asselin–Williams filter (Williams 2009, Mon. Wea. Rev. 137, 2538) of one value:
// `older` becomes level n − 1 of the next step, `now` its level n.
SPREADCAST_HOST_DEVICE inline void robertAsselinWilliams(double nu, double alpha, Cplx& older, Cplx& now, Cplx next)
{
    const Cplx displacement = 0.5 * nu * (older - 2.0 * now + next);
    older = now + alpha * displacement;
    now = next + (alpha - 1.0) * displacement;
}

// One coefficient's step: the semi-implicit update of levels n − 1 (`previous`) and n (`current`)
// with the given tendencies, then the RAW filter, or on the first step a shift of the levels.
SPREADCAST_HOST_DEVICE inline void stepCoefficient(const TimeStepping& stepping, long long step,
                                                   const CoefficientOperators& op, const Prognostic& tendency,
                                                   Prognostic& previous, Prognostic& current)
{
    const LeapfrogInterval interval = leapfrogInterval(step, stepping.timeStep);
    const Prognostic& old = interval.first ? current : previous;
    const Prognostic next = semiImplicitUpdate(old, tendency, op, interval.tau, stepping.meanGeopotential);
    if (interval.first) {
        previous = current;
        current = next;
        return;
    }
    const double nu = stepping.robertFilter;
    const double alpha = stepping.williamsFilter;
    robertAsselinWilliams(nu, alpha, previous.vorticity, current.vorticity, next.vorticity);
    robertAsselinWilliams(nu, alpha, previous.divergence, current.divergence, next.divergence);
    robertAsselinWilliams(nu, alpha, previous.geopotential, current.geopotential, next.geopotential);
}

// The output variables at one grid point from the state grids: the free-surface height
// (Φ̄ + Φ')/g + h_s, u = U/cos φ, v = V/cos φ and ζ.
struct OutputValues {
    double height;
    double u;
    double v;
    double vorticity;
};
SPREADCAST_HOST_DEVICE inline OutputValues outputValues(double vorticity, double geopotential, double uCos, double vCos,
                                                        double secant, double meanGeopotential, double gravity,
                                                        double surfaceHeight)
{
    return {(meanGeopotential + geopotential) / gravity + surfaceHeight, uCos * secant, vCos * secant, vorticity};
}

}  // namespace spreadcast::shallowwater
