#pragma once

// Threefry-2x32 and the Gaussian deviates drawn from it, as host-device functions: the CPU's
// random fields and stochastic forcing (Threefry.cpp, RandomField.cpp, StochasticForcing.cpp) and
// the GPU step's forcing draws (gpu/shallowwater/BatchedShallowWater.h) compute them here, so a
// member's random numbers are the same bits on every device.

#include "model/HostDevice.h"

#include <cmath>
#include <cstdint>

namespace spreadcast {

SPREADCAST_HOST_DEVICE inline std::uint32_t rotateLeft32(std::uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

// Threefry-2x32 with 20 rounds (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2,
// 3"; Random123), exactly as JAX's threefry2x32 primitive computes it for one counter pair.
SPREADCAST_HOST_DEVICE inline void threefry2x32Words(std::uint32_t k0, std::uint32_t k1, std::uint32_t c0,
                                                     std::uint32_t c1, std::uint32_t& out0, std::uint32_t& out1)
{
    const int rotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
    const std::uint32_t schedule[3] = {k0, k1, k0 ^ k1 ^ 0x1BD11BDAu};
    std::uint32_t x0 = c0 + schedule[0];
    std::uint32_t x1 = c1 + schedule[1];
    // Five groups of four rounds; after group g the key schedule is injected with g + 1 added.
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
    for (std::uint32_t group = 0; group < 5; ++group) {
#if defined(__CUDA_ARCH__)
#pragma unroll
#endif
        for (int r = 0; r < 4; ++r) {
            x0 += x1;
            x1 = rotateLeft32(x1, rotations[group % 2][r]);
            x1 ^= x0;
        }
        x0 += schedule[(group + 1) % 3];
        x1 += schedule[(group + 2) % 3] + group + 1;
    }
    out0 = x0;
    out1 = x1;
}

// A standard complex normal deviate from the counter (stream, index) under the key (k0, k1):
// Box–Muller of threefry2x32(key, (stream, index)), uniforms in (0, 1), never 0. E|z|² = 1; with
// `real` (order m = 0) the imaginary part is 0 and the real part N(0, 1).
SPREADCAST_HOST_DEVICE inline Cplx gaussianDeviate(std::uint32_t k0, std::uint32_t k1, std::uint32_t stream,
                                                   std::uint32_t index, bool real)
{
    constexpr double pi = 3.141592653589793238462643383279502884;
    constexpr double sqrt2 = 1.414213562373095048801688724209698079;
    std::uint32_t b0 = 0;
    std::uint32_t b1 = 0;
    threefry2x32Words(k0, k1, stream, index, b0, b1);
    const double u1 = (b0 + 0.5) / 4294967296.0;
    const double u2 = (b1 + 0.5) / 4294967296.0;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    const double re = radius * std::cos(2.0 * pi * u2);
    const double im = radius * std::sin(2.0 * pi * u2);
    return real ? Cplx{re, 0.0} : Cplx{re / sqrt2, im / sqrt2};
}

// The stochastic forcing's AR(1) pattern one step on: φ r + σ_l η (StochasticForcing.h).
SPREADCAST_HOST_DEVICE inline Cplx autoregressiveStep(double persistence, Cplx pattern, double increment, Cplx draw)
{
    return persistence * pattern + increment * draw;
}

}  // namespace spreadcast
