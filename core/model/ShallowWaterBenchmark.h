#pragma once

// The CPU cost of the shallow-water model, for `spreadcast-cli bench`: one member stepped on one
// core, and an ensemble stepped on all of them, each on the Galewsky jet (a realistic flow that
// stays smooth for the few steps timed).

namespace spreadcast {

struct ShallowWaterBenchRow {
    int truncation = 0;
    int nlat = 0;
    int nlon = 0;
    int members = 1;
    int threads = 1;
    double millisecondsPerMemberStep = 0.0;  // wall time per member-step, all threads busy
    double memberStepsPerSecond = 0.0;
};

// One member on the calling thread, stepped until `seconds` have passed (at least five steps)
// after a warm-up.
ShallowWaterBenchRow benchmarkShallowWaterMember(int truncation, double seconds);

// `members` members on `threads` threads (0: one per core, at most one per member), every member
// taking the same number of steps, sized so that the row lasts about `seconds`.
ShallowWaterBenchRow benchmarkShallowWaterEnsemble(int truncation, int members, int threads, double seconds);

}  // namespace spreadcast
