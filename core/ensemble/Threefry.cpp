#include "ensemble/Threefry.h"

#include <bit>

namespace spreadcast {

RandomKey threefry2x32(RandomKey key, RandomKey counter)
{
    constexpr int rotations[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
    const std::uint32_t schedule[3] = {key[0], key[1], key[0] ^ key[1] ^ 0x1BD11BDAu};
    std::uint32_t x0 = counter[0] + schedule[0];
    std::uint32_t x1 = counter[1] + schedule[1];
    // Five groups of four rounds; after group g the key schedule is injected with g + 1 added.
    for (std::uint32_t group = 0; group < 5; ++group) {
        for (int rotation : rotations[group % 2]) {
            x0 += x1;
            x1 = std::rotl(x1, rotation);
            x1 ^= x0;
        }
        x0 += schedule[(group + 1) % 3];
        x1 += schedule[(group + 2) % 3] + group + 1;
    }
    return {x0, x1};
}

RandomKey prngKey(std::uint64_t seed)
{
    return {static_cast<std::uint32_t>(seed >> 32), static_cast<std::uint32_t>(seed & 0xffffffffu)};
}

RandomKey foldIn(RandomKey key, std::uint32_t data)
{
    return threefry2x32(key, {0u, data});
}

RandomKey memberKey(std::uint64_t seed, std::uint32_t member)
{
    return foldIn(prngKey(seed), member);
}

}  // namespace spreadcast
