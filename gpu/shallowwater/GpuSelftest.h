#pragma once

// `spreadcast-cli selftest`: the GPU model against the CPU model, and the GPU's members and
// statistics across placements, on this machine's GPU.

#include <ostream>
#include <string>
#include <vector>

namespace spreadcast::gpu {

struct SelftestOptions {
    int gpu = -1;                 // CUDA device index; -1: the first usable one
    int accuracyTruncation = 85;  // the GPU-against-CPU comparisons
    int truncation = 42;          // the placement comparisons
    int members = 64;
    std::string scratchFolder;  // where the placement runs write their files; removed afterwards
};

struct SelftestCheck {
    std::string name;
    bool passed = false;
    std::string figure;  // what was measured, in words
};

struct SelftestReport {
    bool skipped = false;
    std::string skipReason;  // no GPU, no cuFFT, …
    std::string device;      // the GPU, in words
    std::vector<SelftestCheck> checks;
    bool passed() const;
};

// Runs every check (they take about a minute on an H100, most of it the CPU's reference runs),
// writing progress to `log`. Never throws for a GPU problem: a CUDA error fails the check it hit.
SelftestReport runGpuSelftest(const SelftestOptions& options, std::ostream& log);

}  // namespace spreadcast::gpu
