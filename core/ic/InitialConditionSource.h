#pragma once

// Where the learned models' initial conditions come from: a file a forecaster has, recognised by
// its content (not its name), read into one Dataset on the file's own grid (latitudes ascending,
// graphcast's long variable names, SI units). Every reader of a source format (DeepMind's example
// layout, GRIB from ECMWF open data / MARS, NetCDF from the Copernicus Climate Data Store) ends
// here, so the GraphCast model never knows which format a forecast started from.

#include "graphcast/GraphCastTypes.h"

#include <string>

namespace spreadcast::ic {

// The formats this build recognises.
enum class SourceFormat { DeepMindNetcdf, Unknown };

// What the file's first bytes and (for NetCDF) its dimensions say it is. Throws InputError when
// the file cannot be opened.
SourceFormat detectSourceFormat(const std::string& path);

// The file as a Dataset. Throws InputError naming the file and what is wrong (an unrecognised
// format, a variable in units that cannot be converted, a malformed axis).
graphcast::Dataset readInitialConditionSource(const std::string& path);

}  // namespace spreadcast::ic
