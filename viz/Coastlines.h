#pragma once

#include <string>
#include <vector>

namespace spreadcast {

// Coastlines as polylines of (longitude, latitude) in degrees.
struct Coastlines {
    std::vector<std::vector<std::pair<float, float>>> lines;
    std::string source;  // for the About box and the log
};

// Where the GSHHG crude-resolution shorelines are looked for: $SPREADCAST_GSHHG, else the file
// of Debian's gmt-gshhg-low package.
std::string defaultCoastlinePath();

// Reads the shorelines (level 1: land/ocean, level 2: lakes; Antarctica's ice front rather than
// its grounding line) of a GMT binned GSHHG file — Wessel & Smith (1996), GSHHG 2.3, LGPL.
// Throws std::runtime_error naming the file and what is wrong.
Coastlines readGshhgCoastlines(const std::string& path);

// The coastlines of defaultCoastlinePath(), read once per process. When they cannot be read the
// lines are empty and error says why (the globe draws without them).
struct CoastlineLoad {
    Coastlines coastlines;
    std::string error;
};
const CoastlineLoad& sharedCoastlines();

}  // namespace spreadcast
