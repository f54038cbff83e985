#include "ensemble/RandomField.h"

#include "model/PhysicalConstants.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace spreadcast {

Complex gaussianDraw(RandomKey key, std::uint32_t stream, std::uint32_t index, bool real)
{
    const RandomKey bits = threefry2x32(key, {stream, index});
    // Uniforms in (0, 1), never 0, then Box–Muller: two independent N(0, 1).
    const double u1 = (bits[0] + 0.5) / 4294967296.0;
    const double u2 = (bits[1] + 0.5) / 4294967296.0;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double re = radius * std::cos(2.0 * std::numbers::pi * u2);
    const double im = radius * std::sin(2.0 * std::numbers::pi * u2);
    return real ? Complex{re, 0.0} : Complex{re, im} / std::numbers::sqrt2;
}

SpectralCoefficients drawRandomField(const SpectralTransform& transform, RandomKey key, std::uint32_t stream,
                                     const RandomFieldSpectrum& spectrum)
{
    const int T = transform.truncation();
    const double tauSquared = std::pow(constants::earthRadius / spectrum.lengthScale, 2);
    std::vector<double> amplitude(T + 1, 0.0);
    // With ∫P² dμ = 1 and f = Σ c P e^{imλ}, the mean of f² over the sphere is
    // ½ Σ_l Σ_m |c_lm|² counting ±m, so E[f²] = ½ Σ_l (2l + 1) A_l² for E|c_lm|² = A_l².
    double variance = 0.0;
    for (int l = 1; l <= T; ++l) {
        amplitude[l] = std::pow(l * (l + 1.0) + tauSquared, -0.5 * spectrum.smoothness) *
                       (spectrum.laplacian ? l * (l + 1.0) : 1.0);
        variance += 0.5 * (2 * l + 1) * amplitude[l] * amplitude[l];
    }
    const double scale = variance > 0.0 ? spectrum.standardDeviation / std::sqrt(variance) : 0.0;

    SpectralCoefficients field = transform.makeCoefficients();
    for (int m = 0; m <= T; ++m) {
        for (int l = std::max(m, 1); l <= T; ++l) {
            const std::size_t k = transform.index(l, m);
            field[k] = scale * amplitude[l] * gaussianDraw(key, stream, static_cast<std::uint32_t>(k), m == 0);
        }
    }
    return field;
}

}  // namespace spreadcast
