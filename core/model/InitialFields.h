#pragma once

#include "spectral/AlignedBuffer.h"

#include <optional>
#include <string>

namespace spreadcast {

// An initial condition on the model's Gaussian grid, before it becomes a spectral state.
struct InitialFields {
    AlignedVector<double> u;  // eastward wind, m s⁻¹
    AlignedVector<double> v;  // northward wind, m s⁻¹
    // Free-surface height above sea level, m. Without it the model derives the height that
    // balances the winds (nonlinear balance), with global mean fluid depth meanDepth.
    std::optional<AlignedVector<double>> height;
    double meanDepth = 0.0;
    AlignedVector<double> surfaceHeight;       // bottom topography, m; empty for a flat bottom
    AlignedVector<double> heightPerturbation;  // m, added after balancing; empty for none
    // Williamson et al. (1992) cases 2 and 3 tilt the Coriolis axis with the flow by α:
    // f = 2Ω(−cos λ cos θ sin α + sin θ cos α).
    double coriolisTilt = 0.0;
    std::string description;
};

}  // namespace spreadcast
