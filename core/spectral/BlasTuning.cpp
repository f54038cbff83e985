#include "spectral/BlasTuning.h"

#include <cblas.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string_view>

namespace spreadcast {

std::string blasCoreName()
{
    const char* name = openblas_get_corename();
    return name ? name : "unknown";
}

std::optional<std::string> betterBlasCoreType()
{
    if (std::getenv("OPENBLAS_CORETYPE")) {
        return std::nullopt;
    }
    // OpenBLAS's pre-AVX families: what an unrecognised x86-64 CPU ends up with.
    constexpr std::array<std::string_view, 9> generic{"Prescott", "Core2",   "Penryn",    "Dunnington", "Nehalem",
                                                      "Atom",     "Opteron", "Barcelona", "Bobcat"};
    const std::string current = blasCoreName();
    bool isGeneric = false;
    for (std::string_view name : generic) {
        isGeneric = isGeneric || current == name;
    }
    if (!isGeneric) {
        return std::nullopt;
    }
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw")) {
        return "SkylakeX";
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return "Haswell";
    }
#endif
    return std::nullopt;
}

void reexecWithTunedBlas(char** argv)
{
    const auto core = betterBlasCoreType();
    if (!core) {
        return;
    }
    setenv("OPENBLAS_CORETYPE", core->c_str(), 1);
    execv("/proc/self/exe", argv);
    unsetenv("OPENBLAS_CORETYPE");  // exec failed: carry on with what was loaded
}

}  // namespace spreadcast
