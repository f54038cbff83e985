#pragma once

namespace spreadcast::constants {

// Williamson et al. (1992), J. Comput. Phys. 102, 211–224, section 2.
inline constexpr double earthRadius = 6.37122e6;       // a, m
inline constexpr double earthRotationRate = 7.292e-5;  // Ω, s⁻¹
inline constexpr double gravity = 9.80616;             // g, m s⁻²

}  // namespace spreadcast::constants
