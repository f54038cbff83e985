#include "ensemble/Threefry.h"

#include "ensemble/CounterRandom.h"

namespace spreadcast {

RandomKey threefry2x32(RandomKey key, RandomKey counter)
{
    RandomKey out{};
    threefry2x32Words(key[0], key[1], counter[0], counter[1], out[0], out[1]);
    return out;
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
