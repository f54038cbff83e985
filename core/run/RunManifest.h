#pragma once

#include "run/RunSpec.h"

#include <string>
#include <utility>
#include <vector>

namespace spreadcast {

// What a run that was interrupted (killed, cancelled, out of devices) leaves for --resume, in a
// folder beside its output, <output>.resume/: manifest.json (the run spec, the finished and the
// failed members) and statistics.bin (the statistics accumulator, exactly). The statistics
// snapshot is replaced before the manifest, each by writing a temporary file and renaming it,
// so after a crash at any moment the manifest's finished members are all in the snapshot.
struct RunManifest {
    RunSpec spec;  // the science part, as the output file's spreadcast_run_spec says
    std::string history;
    std::vector<int> finishedMembers;                   // ascending
    std::vector<std::pair<int, std::string>> failures;  // members that failed for good, and why
};

std::string resumeFolder(const std::string& outputPath);

// Writes statistics.bin from `statistics` (may be empty: no statistics) and then manifest.json.
// Throws std::runtime_error naming the file when it cannot.
void writeRunManifest(const std::string& outputPath, const RunManifest& manifest, const std::string& statistics);

// Reads the manifest of an interrupted run of `outputPath`; throws InputError that says what
// is missing or damaged and what to do.
RunManifest readRunManifest(const std::string& outputPath);
// The statistics snapshot's bytes ("" when the run has no statistics).
std::string readStatisticsSnapshot(const std::string& outputPath);

// Removes the folder once the run is complete.
void removeRunManifest(const std::string& outputPath);

}  // namespace spreadcast
