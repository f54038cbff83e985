#pragma once

// A small GraphCast built in memory, for checks of the batched executors that must run where
// there are no files (the GPU machine's selftest) and for their tests: a 10° grid, mesh 2,
// random parameters of the checkpoint's shapes, a reduced task (two levels; surface, level,
// forcing and static variables; one output-only target), statistics and a two-time initial
// condition of plausible values.

#include "graphcast/GraphCastModel.h"

#include <cstdint>

namespace spreadcast::gpu {

// latentSize: 48 is not a multiple of the warp (the LayerNorm's tail); perturbationScale: member
// m > 0 differs from the control by that many diffs_stddev (GraphCastPerturbation).
graphcast::GraphCastSetup syntheticGraphCastSetup(int latentSize = 48, double perturbationScale = 0.5,
                                                  std::uint64_t seed = 20261130);

}  // namespace spreadcast::gpu
