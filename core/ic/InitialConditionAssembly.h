#pragma once

// GraphCast's inputs from the files a forecaster has: one or several initial-condition files (one
// per time, or pressure levels and surface apart, in any format readInitialConditionSource
// knows), each regridded to the checkpoint's grid; the initial time and the times before it that
// the task needs, 6 hours apart; the statics from the same files or a file of their own. Whatever
// is missing is named (variable, level, time, file) together with where to get it.

#include "graphcast/GraphCastTypes.h"
#include "ic/Regrid.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spreadcast::ic {

struct InitialConditionRequest {
    std::vector<std::string> files;  // --ic, in the order given; a variable at a time comes from the first that has it
    std::string initialTime;         // --ic-time as a date ("2022-01-01 06:00", ISO 8601); empty: the default
    int initialTimeIndex = 0;        // --ic-time as an index of the files' times (older runs); 0: the default
    std::string staticsFile;         // --static; empty: the statics come from the files
    RegridMethod regridding = RegridMethod::Automatic;
};

struct AssembledInitialCondition {
    // On the checkpoint's grid and levels: the input times, oldest first, then any later times of
    // the files with only their toa_incident_solar_radiation (the rollout's forcings).
    graphcast::Dataset dataset;
    int lastInputIndex = 0;          // the dataset's index of the initial time
    std::string sources;             // "'a.nc' and 'b.nc'", for people
    std::vector<std::string> notes;  // regridding and the choice of times, for the run log
};

// "YYYY-MM-DD HH:MM", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM[:SS][Z]", "YYYY-MM-DDTHH" or
// "YYYY-MM-DD" (UTC) as seconds since 1970-01-01 00:00 UTC. Throws std::invalid_argument naming
// the text when it is not such a time.
std::int64_t parseUtcTime(const std::string& text);

// Throws InputError listing every problem: an unreadable or unmappable file, a missing variable,
// level, time or static, input times that are not 6 hours apart.
AssembledInitialCondition assembleInitialCondition(const InitialConditionRequest& request,
                                                   const graphcast::TaskConfig& task, const graphcast::LatLonGrid& grid,
                                                   int inputTimes);

}  // namespace spreadcast::ic
