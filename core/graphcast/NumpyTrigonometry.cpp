#include "graphcast/NumpyTrigonometry.h"

#include <cmath>

namespace spreadcast::graphcast {
namespace {

enum class Function { Sine, Cosine };

float simdSinCos(float x, Function function)
{
    // Beyond these magnitudes numpy calls the C library instead (never the case for angles of
    // a latitude–longitude grid).
    const float codyWaiteLimit = function == Function::Cosine ? 71476.0625f : 117435.992f;
    if (!(std::abs(x) <= codyWaiteLimit)) {
        return function == Function::Cosine ? std::cos(x) : std::sin(x);
    }
    // Quadrant: x · 2/π rounded to an integer with the 1.5 · 2²³ trick.
    float quadrant = x * 0x1.45f306p-1f;
    quadrant = (quadrant + 0x1.8p+23f) - 0x1.8p+23f;
    // x − quadrant · π/2 with π/2 in three float parts.
    float reduced = std::fma(quadrant, -0x1.921fb0p+00f, x);
    reduced = std::fma(quadrant, -0x1.5110b4p-22f, reduced);
    reduced = std::fma(quadrant, -0x1.846988p-48f, reduced);
    const float reduced2 = reduced * reduced;

    float cosine = std::fma(0x1.98e616p-16f, reduced2, -0x1.6c06dcp-10f);
    cosine = std::fma(cosine, reduced2, 0x1.55553cp-05f);
    cosine = std::fma(cosine, reduced2, -0x1.000000p-01f);
    cosine = std::fma(cosine, reduced2, 0x1.000000p+00f);
    float sine = std::fma(0x1.7d3bbcp-19f, reduced2, -0x1.a06bbap-13f);
    sine = std::fma(sine, reduced2, 0x1.11119ap-07f);
    sine = std::fma(sine, reduced2, -0x1.555556p-03f);
    sine = std::fma(sine, reduced2, 0.0f);
    sine = std::fma(sine, reduced, reduced);

    const long index = std::lrint(quadrant) + (function == Function::Cosine ? 1 : 0);
    const float value = (index & 1) == 0 ? sine : cosine;
    return (index & 2) == 2 ? 0.0f - value : value;
}

}  // namespace

float numpySin(float x)
{
    return simdSinCos(x, Function::Sine);
}

float numpyCos(float x)
{
    return simdSinCos(x, Function::Cosine);
}

}  // namespace spreadcast::graphcast
