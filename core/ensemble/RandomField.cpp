#include "ensemble/RandomField.h"

#include "ensemble/CounterRandom.h"
#include "model/PhysicalConstants.h"

#include <cmath>
#include <vector>

namespace spreadcast {

double expectedGridVariance(const std::vector<double>& amplitude)
{
    double variance = 0.0;
    for (std::size_t l = 1; l < amplitude.size(); ++l) {
        variance += 0.5 * static_cast<double>(2 * l + 1) * amplitude[l] * amplitude[l];
    }
    return variance;
}

Complex gaussianDraw(RandomKey key, std::uint32_t stream, std::uint32_t index, bool real)
{
    const Cplx deviate = gaussianDeviate(key[0], key[1], stream, index, real);
    return {deviate.re, deviate.im};
}

std::vector<double> randomFieldAmplitudes(int truncation, const RandomFieldSpectrum& spectrum)
{
    const int T = truncation;
    const double tauSquared = std::pow(constants::earthRadius / spectrum.lengthScale, 2);
    std::vector<double> amplitude(T + 1, 0.0);
    for (int l = 1; l <= T; ++l) {
        amplitude[l] = std::pow(l * (l + 1.0) + tauSquared, -0.5 * spectrum.smoothness) *
                       (spectrum.laplacian ? l * (l + 1.0) : 1.0);
    }
    const double variance = expectedGridVariance(amplitude);
    const double scale = variance > 0.0 ? spectrum.standardDeviation / std::sqrt(variance) : 0.0;
    for (double& value : amplitude) {
        value = scale * value;
    }
    return amplitude;
}

SpectralCoefficients drawRandomField(const SpectralTransform& transform, RandomKey key, std::uint32_t stream,
                                     const RandomFieldSpectrum& spectrum)
{
    const int T = transform.truncation();
    const std::vector<double> amplitude = randomFieldAmplitudes(T, spectrum);
    SpectralCoefficients field = transform.makeCoefficients();
    for (int m = 0; m <= T; ++m) {
        for (int l = std::max(m, 1); l <= T; ++l) {
            const std::size_t k = transform.index(l, m);
            field[k] = amplitude[l] * gaussianDraw(key, stream, static_cast<std::uint32_t>(k), m == 0);
        }
    }
    return field;
}

}  // namespace spreadcast
