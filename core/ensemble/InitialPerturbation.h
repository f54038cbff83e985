#pragma once

#include "ensemble/RandomField.h"

#include <cstdint>

namespace spreadcast {

// How each member's initial state departs from the control: random fields drawn from the
// member's key, fold_in(PRNGKey(seed), member), so member m's start is the same whatever else runs.
// Member 0 is the control and is not perturbed.
struct InitialPerturbation {
    std::uint64_t seed = 0;
    RandomFieldSpectrum vorticity;  // s⁻¹, drawn as a Laplacian; the height follows in nonlinear balance
    RandomFieldSpectrum height;     // m; added as it is (excites gravity waves)

    bool active() const { return vorticity.standardDeviation > 0.0 || height.standardDeviation > 0.0; }
};

// The random-number streams of a member's initial perturbation (counter word 0 of the draws).
inline constexpr std::uint32_t vorticityPerturbationStream = 1;
inline constexpr std::uint32_t heightPerturbationStream = 2;

}  // namespace spreadcast
