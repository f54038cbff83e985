#pragma once

// The CPU cost of GraphCast's 6-hour step, for `spreadcast-cli bench --model graphcast`: time per
// step of a rollout (forcings, normalisation, network) and the GEMM throughput it reaches, against
// the peak of OpenBLAS's sgemm measured in the same process on a large square product.

#include "graphcast/GraphCastTypes.h"

#include <cstdint>

namespace spreadcast::graphcast {

struct GraphCastCpuBenchmark {
    int threads = 1;
    int steps = 0;
    double setupSeconds = 0.0;         // parameter copies and the static parts of the network
    double millisecondsPerStep = 0.0;  // one 6-hour step of a rollout
    double cpuSecondsPerStep = 0.0;    // process CPU time of a step, all threads: on a shared machine
                                       // gemmGflopPerStep / cpuSecondsPerStep is the rate per busy core
    double gemmGflopPerStep = 0.0;     // GEMM work of one network pass, 10⁹ flops (2 per multiply–add)
    double achievedGflops = 0.0;       // gemmGflopPerStep / time per step
    double sgemmPeakGflops = 0.0;      // OpenBLAS sgemm on `threads` threads, square matrices
    // The same rates per second of process CPU time (all threads together): what a core does
    // while it runs, which a machine shared with other work does not distort.
    double achievedGflopsPerCpuSecond = 0.0;
    double sgemmPeakGflopsPerCpuSecond = 0.0;
    double fractionOfPeak() const { return sgemmPeakGflops > 0.0 ? achievedGflops / sgemmPeakGflops : 0.0; }
    double cpuFractionOfPeak() const
    {
        return sgemmPeakGflopsPerCpuSecond > 0.0 ? achievedGflopsPerCpuSecond / sgemmPeakGflopsPerCpuSecond : 0.0;
    }
};

// graphcast's GraphCast_small configuration: 1°, mesh 2to5, latent 512, 16 message steps, one
// hidden layer, radius fraction 0.6.
ModelConfig graphcastSmallModelConfig();
// graphcast.TASK_13: 13 WeatherBench levels, precipitation as input and target, 12 h of input.
TaskConfig graphcastTask13();

// A checkpoint of `model` and `task` with random parameters of the right scale for graphs
// (Haiku's fan-in scaling), deterministic in seed: what the benchmark runs when no real one is
// at hand; the cost of a step does not depend on the values.
Checkpoint randomCheckpoint(const ModelConfig& model, const TaskConfig& task, const Graphs& graphs, std::uint64_t seed);

// GFLOP/s of a size × size × size sgemm on `threads` OpenBLAS threads (best of three), by the wall
// clock and per second of process CPU time; leaves OpenBLAS single-threaded as the network uses it.
struct SgemmPeak {
    double gflops = 0.0;
    double gflopsPerCpuSecond = 0.0;
};
SgemmPeak measureSgemmPeak(int threads, int size = 3072);

// Builds the predictor for checkpoint on graphs and grid (statistics: none, values pass
// unnormalised, which costs the same) and times a rollout of `steps` steps from random inputs.
GraphCastCpuBenchmark benchmarkGraphCastCpu(const Checkpoint& checkpoint, const Graphs& graphs, const LatLonGrid& grid,
                                            int threads, int steps = 1);

}  // namespace spreadcast::graphcast
