#pragma once

#include <array>
#include <cstdint>

namespace spreadcast {

// A JAX PRNG key: the two uint32 words that jax.random.key_data shows.
using RandomKey = std::array<std::uint32_t, 2>;

// Threefry-2x32 with 20 rounds (Salmon et al. 2011, "Parallel random numbers: as easy as 1, 2,
// 3"; Random123), exactly as JAX's threefry2x32 primitive computes it for one counter pair.
RandomKey threefry2x32(RandomKey key, RandomKey counter);

// jax.random.PRNGKey(seed) with 64-bit types on: (seed >> 32, seed & 0xffffffff). (With them
// off JAX keeps the low 32 bits only, which is the same key for seeds below 2³².)
RandomKey prngKey(std::uint64_t seed);

// jax.random.fold_in(key, data): threefry2x32(key, (0, data)) for 32-bit data.
RandomKey foldIn(RandomKey key, std::uint32_t data);

// The key of ensemble member m of a run with seed s: fold_in(PRNGKey(s), m).
RandomKey memberKey(std::uint64_t seed, std::uint32_t member);

}  // namespace spreadcast
