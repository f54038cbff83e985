#pragma once

#include "ensemble/Threefry.h"
#include "spectral/SpectralTransform.h"

#include <cstdint>
#include <vector>

namespace spreadcast {

// A Gaussian random field on the sphere with a Matérn-like spectrum (as Earth2Studio's
// SphericalGaussian): coefficient (l, m) has amplitude ∝ (l(l+1) + (a/L)²)^(−α/2), l = 0 zero,
// scaled so that the field's expected grid-point standard deviation is `standardDeviation`.
// L is the length scale in metres, α the smoothness.
struct RandomFieldSpectrum {
    double standardDeviation = 0.0;
    double lengthScale = 1.0e6;
    double smoothness = 4.0;
    // Draw the Laplacian of such a field instead (amplitude × l(l+1)): a vorticity whose
    // streamfunction has the Matérn spectrum, so its energy sits near the length scale and not
    // in the planetary waves that a flat vorticity spectrum would put it in.
    bool laplacian = false;
};

// The expected grid-point variance of a field whose coefficients (l, m) have E|c_lm|² = A_l²
// (amplitude[l], l = 0 … T; l = 0 left out): with ∫P² dμ = 1 and f = Σ c P e^{imλ}, the mean of
// f² over the sphere is ½ Σ_l Σ_m |c_lm|² counting ±m, so ½ Σ_{l≥1} (2l + 1) A_l².
double expectedGridVariance(const std::vector<double>& amplitude);

// The amplitude A_l (l = 0 … T, A_0 = 0) of the coefficients drawRandomField draws: E|c_lm|² = A_l²,
// scaled so that the field's expected grid-point standard deviation is spectrum.standardDeviation.
std::vector<double> randomFieldAmplitudes(int truncation, const RandomFieldSpectrum& spectrum);

// A standard complex normal deviate from the counter (stream, index) under key: Box–Muller of
// threefry2x32(key, (stream, index)). E|z|² = 1; with `real` (order m = 0) the imaginary part is 0
// and the real part N(0, 1).
Complex gaussianDraw(RandomKey key, std::uint32_t stream, std::uint32_t index, bool real);

// Draws the field's spectral coefficients from a counter-based generator: the normal deviates of
// coefficient k are Box–Muller of threefry2x32(key, (stream, k)), so the field is a function of
// (key, stream, truncation, spectrum) alone.
SpectralCoefficients drawRandomField(const SpectralTransform& transform, RandomKey key, std::uint32_t stream,
                                     const RandomFieldSpectrum& spectrum);

}  // namespace spreadcast
