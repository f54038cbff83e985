#pragma once

#include "spectral/AlignedBuffer.h"
#include "spectral/GaussianGrid.h"

#include <optional>
#include <string>
#include <vector>

namespace spreadcast {

// Winds and height at one time and level of a CF NetCDF file, regridded onto the model grid
// (nlat × nlon, latitude north to south, longitude from 0° eastwards).
struct InitialConditionFile {
    AlignedVector<double> u;  // eastward wind, m s⁻¹
    AlignedVector<double> v;  // northward wind, m s⁻¹
    // Free-surface (geopotential) height, m; empty when the file has none, and the model then
    // derives the height that balances the winds.
    std::optional<AlignedVector<double>> height;
    std::string description;  // which file, variables, time and level, for people
    // "YYYY-MM-DD HH:MM:SS" decoded from the CF time coordinate; empty when there is none or
    // its calendar or units cannot be decoded.
    std::string initialTime;
    // What the reader assumed or repaired (missing units, filled missing values, …), one
    // sentence each, for the log and the GUI.
    std::vector<std::string> notes;
};

// Reads eastward and northward wind and, where present, geopotential height or geopotential
// from a CF NetCDF file on a regular global latitude–longitude grid, at time index timeIndex
// and level index levelIndex (ignored for variables without such a dimension), and
// interpolates them bilinearly onto grid. Every problem with the file throws InputError with
// what is wrong, the file and variable, and what to do.
InitialConditionFile readInitialConditionFile(const std::string& path, int timeIndex, int levelIndex,
                                              const GaussianGrid& grid);

// The times that the wind variables of the file hold, "YYYY-MM-DD HH:MM:SS" where the CF time
// coordinate can be decoded, else "index N"; one entry for a file without a time dimension.
// Throws InputError like readInitialConditionFile.
std::vector<std::string> listInitialConditionTimes(const std::string& path);

}  // namespace spreadcast
