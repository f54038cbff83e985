#include "ensemble/StochasticForcing.h"

#include "ensemble/CounterRandom.h"
#include "ensemble/RandomField.h"
#include "model/PhysicalConstants.h"

#include <cmath>
#include <vector>

namespace spreadcast {

StochasticForcing::StochasticForcing(const SpectralTransform& transform, const StochasticForcingSettings& settings,
                                     double timeStep)
    : transform_(transform), persistence_(std::exp(-timeStep / settings.decorrelationTime))
{
    const int T = transform.truncation();
    const double scale = static_cast<double>(settings.wavenumber) * (settings.wavenumber + 1);
    const double a2 = constants::earthRadius * constants::earthRadius;
    // The stationary r_lm has variance σ_l²/(1 − φ²), σ_l = exp(−l(l+1)/(2k(k+1))) before scaling,
    // so the forcing (per unit Ψ) has amplitude l(l+1)/a² · σ_l/√(1 − φ²); Ψ makes its grid
    // standard deviation the requested value.
    std::vector<double> amplitude(T + 1, 0.0);
    for (int l = 1; l <= T; ++l) {
        const double sigma = std::exp(-l * (l + 1.0) / (2.0 * scale));
        amplitude[l] = l * (l + 1.0) / a2 * sigma / std::sqrt(1.0 - persistence_ * persistence_);
    }
    const double variance = expectedGridVariance(amplitude);
    const double psi = variance > 0.0 ? settings.vorticityTendency / std::sqrt(variance) : 0.0;
    increment_.assign(transform.coefficientCount(), 0.0);
    tendencyFactor_.assign(transform.coefficientCount(), 0.0);
    for (int m = 0; m <= T; ++m) {
        for (int l = std::max(m, 1); l <= T; ++l) {
            const std::size_t k = transform.index(l, m);
            increment_[k] = std::exp(-l * (l + 1.0) / (2.0 * scale));
            tendencyFactor_[k] = -l * (l + 1.0) / a2 * psi;
        }
    }
}

SpectralCoefficients StochasticForcing::initialPattern(RandomKey memberKey) const
{
    SpectralCoefficients pattern = transform_.makeCoefficients();
    const double stationary = 1.0 / std::sqrt(1.0 - persistence_ * persistence_);
    for (int m = 0; m <= transform_.truncation(); ++m) {
        for (int l = m; l <= transform_.truncation(); ++l) {
            const std::size_t k = transform_.index(l, m);
            pattern[k] = stationary * increment_[k] *
                         gaussianDraw(memberKey, forcingInitialStream, static_cast<std::uint32_t>(k), m == 0);
        }
    }
    return pattern;
}

void StochasticForcing::advance(SpectralCoefficients& pattern, RandomKey memberKey, std::int64_t step) const
{
    const RandomKey stepKey = foldIn(memberKey, static_cast<std::uint32_t>(step));
    for (int m = 0; m <= transform_.truncation(); ++m) {
        for (int l = m; l <= transform_.truncation(); ++l) {
            const std::size_t k = transform_.index(l, m);
            const Cplx draw =
                gaussianDeviate(stepKey[0], stepKey[1], forcingIncrementStream, static_cast<std::uint32_t>(k), m == 0);
            const Cplx next =
                autoregressiveStep(persistence_, {pattern[k].real(), pattern[k].imag()}, increment_[k], draw);
            pattern[k] = {next.re, next.im};
        }
    }
}

}  // namespace spreadcast
