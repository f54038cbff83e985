#pragma once

#include "ensemble/Threefry.h"
#include "spectral/SpectralTransform.h"

#include <vector>

namespace spreadcast {

// Stochastic kinetic-energy backscatter in the style of ECMWF's SKEB (Berner et al. 2009; ECMWF
// TM 598): a spectral AR(1) pattern r_lm(t + Δt) = φ r_lm(t) + σ_l η_lm, φ = exp(−Δt/τ),
// σ_l ∝ exp(−l(l+1)/(2k(k+1))), used as a streamfunction forcing, i.e. the vorticity tendency
// −l(l+1)/a² Ψ r_lm. The increment of step n is drawn from fold_in(member key, n), so a member's
// forcing is a function of its key alone.
struct StochasticForcingSettings {
    double vorticityTendency = 0.0;      // grid-point standard deviation of the forcing, s⁻²; 0: off
    double decorrelationTime = 21600.0;  // τ, s
    int wavenumber = 12;                 // k: the pattern's scale in total wavenumber
    bool active() const { return vorticityTendency > 0.0; }
};

// The random-number stream of the pattern's increments and of its initial draw.
inline constexpr std::uint32_t forcingIncrementStream = 3;
inline constexpr std::uint32_t forcingInitialStream = 4;

class StochasticForcing {
public:
    StochasticForcing(const SpectralTransform& transform, const StochasticForcingSettings& settings, double timeStep);

    // A pattern drawn from the process's stationary distribution, from the member's key.
    SpectralCoefficients initialPattern(RandomKey memberKey) const;
    // The pattern one step later: r ← φ r + σ_l η with η from fold_in(memberKey, step).
    void advance(SpectralCoefficients& pattern, RandomKey memberKey, std::int64_t step) const;
    // The vorticity tendency (spectral) of coefficient k for the pattern value there.
    Complex vorticityTendency(std::size_t k, Complex pattern) const { return tendencyFactor_[k] * pattern; }
    // φ, σ_l per coefficient and the tendency factor per coefficient, for the GPU model.
    double persistence() const { return persistence_; }
    const std::vector<double>& increment() const { return increment_; }
    const std::vector<double>& tendencyFactor() const { return tendencyFactor_; }

private:
    const SpectralTransform& transform_;
    double persistence_;                  // φ
    std::vector<double> increment_;       // σ_l, per coefficient
    std::vector<double> tendencyFactor_;  // −l(l+1)/a² Ψ, per coefficient
};

}  // namespace spreadcast
