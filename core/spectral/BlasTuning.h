#pragma once

#include <optional>
#include <string>

namespace spreadcast {

// The OpenBLAS kernel family in use, e.g. "Haswell", "SkylakeX".
std::string blasCoreName();

// OpenBLAS picks its kernels for the CPU it finds when it is loaded. A release older than the
// CPU (Debian 12 ships 0.3.21, which predates Sapphire Rapids) falls back to generic SSE3
// ("Prescott") kernels: measured on a 16-core Sapphire Rapids, T85 ran 2× slower per member
// and an ensemble on 16 threads 6× slower. This returns the family to force through
// OPENBLAS_CORETYPE when the one in use is such a fallback and the CPU can do better, and
// nothing when OPENBLAS_CORETYPE is set already or the choice is fine.
std::optional<std::string> betterBlasCoreType();

// Called first thing in main(): when betterBlasCoreType() has an answer, sets
// OPENBLAS_CORETYPE and re-executes the program so that OpenBLAS loads again with it. Returns
// (and the program goes on with the generic kernels) if that is not possible.
void reexecWithTunedBlas(char** argv);

}  // namespace spreadcast
