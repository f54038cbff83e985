#pragma once

// The GraphCast GPU executor's part of `spreadcast-cli selftest` (against the CPU network, and
// bitwise across batches and repeats), its timing for `spreadcast-cli bench --model graphcast
// --backend gpu`, and its memory table.

#include "graphcast/GpuGraphCastNetwork.h"
#include "shallowwater/GpuSelftest.h"

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace spreadcast::gpu {

// A synthetic GraphCast (10° grid, mesh 2, latent 48, 3 message steps, random parameters of the
// checkpoint's shapes) on the CPU network and on GPU `gpu`:
//   float32 GPU against CPU: max |Δ| ≤ 2e-4 × the output channel's spread (standard deviation);
//   bf16 GPU against CPU: rms |Δ| ≤ 5e-2 and max |Δ| ≤ 0.3 × the channel's spread;
//   a member alone, in a batch of three and repeated: the same bits, in both precisions.
// The derivation of the tolerances is in GraphCastGpuChecks.cpp. Never throws: a CUDA or cuBLAS
// error fails the check it hit.
std::vector<SelftestCheck> graphCastSelftestChecks(int gpu, std::ostream& log);

struct GraphCastGpuBenchRow {
    std::string configuration;  // e.g. "1°, mesh 5, latent 512, 16 steps"
    GraphCastPrecision precision = GraphCastPrecision::Float32;
    double millisecondsPerForward = 0.0;
    double gemmGflopPerForward = 0.0;  // 2 per multiply–add, the GEMMs of one pass
    double achievedTflops = 0.0;
    std::size_t allocatedBytes = 0;  // what the executor allocated
    GraphCastGpuMemory estimated;    // graphCastGpuMemory for the same sizes
    // The device's memory in use at its highest (cudaMemGetInfo after the executor's setup and
    // after each precision's passes) less what was in use before: the executor, cuBLAS's
    // workspace and handles, and the context's growth.
    std::size_t peakDeviceBytes = 0;
};

// GraphCast_small's network (graphcastSmallModelConfig, TASK_13, graphs built here, random
// parameters) at `resolutionDegrees` — 1° with mesh 2to5, or 0.25° with mesh 2to6 as
// GraphCast_operational — on GPU `gpu`: ms per forward pass in float32 and bf16, `passes` timed
// passes each after a warm-up. Throws GpuError for a CUDA or cuBLAS failure, InputError for a
// resolution other than 1 and 0.25.
std::vector<GraphCastGpuBenchRow> benchmarkGraphCastGpu(int gpu, int passes, std::ostream& log,
                                                        double resolutionDegrees = 1.0);

// The sizes of graphcast's two published configurations with TASK_13's channels, from the mesh
// and grid counts (multimesh levels 0 … meshSize, both directions; mesh→grid 3 edges per grid
// node; grid→mesh the radius query's count, 1 618 746 at 0.25° (Lam et al. 2023) and scaled by
// grid nodes at 1°: the same radius in mesh edge lengths).
GraphCastSizes publishedGraphCastSizes(double resolutionDegrees, int meshSize);

// Markdown table of graphCastGpuMemory for 1° mesh 5 and 0.25° mesh 6, latent 512: computed.
void writeGraphCastMemoryTable(std::ostream& out);

}  // namespace spreadcast::gpu
