#pragma once

// `spreadcast-cli bench --backend gpu`: the GPU model's speed, a table row per truncation and
// batch, and the time of a large ensemble.

#include <ostream>
#include <string>
#include <vector>

namespace spreadcast::gpu {

struct GpuBenchOptions {
    int gpu = -1;  // CUDA device index; -1: the first usable one
    std::vector<int> truncations{85, 170};
    std::vector<int> batches{1, 64};
    double seconds = 1.0;   // timed per row, after a warm-up
    int stepsPerGraph = 0;  // steps per CUDA graph launch; 0: the model's default (defaultStepsPerGraph)
    // The large ensemble: members, truncation and lead; 0 members leaves it out.
    int ensembleMembers = 1000;
    int ensembleTruncation = 85;
    double ensembleLeadSeconds = 6 * 86400.0;
    double ensembleOutputSeconds = 6 * 3600.0;
    int ensembleWorkers = 2;  // workers sharing the GPU
};

// Writes the table (Markdown) to `out`; returns false, having said why, when there is no GPU to
// time. Throws GpuError for a CUDA failure.
bool runGpuBench(const GpuBenchOptions& options, std::ostream& out);

}  // namespace spreadcast::gpu
