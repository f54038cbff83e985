#pragma once

// Where the learned models' initial conditions come from: files a forecaster has, recognised by
// their content (not their names), read into one Dataset on the files' own grid (latitudes
// ascending, longitudes in [0, 360), graphcast's long variable names, SI units). Every reader of
// a source format (DeepMind's example layout, GRIB from ECMWF open data / MARS, NetCDF from the
// Copernicus Climate Data Store) ends here, so the GraphCast model never knows which format a
// forecast started from.

#include "graphcast/GraphCastTypes.h"
#include "ic/PrecipitationAccumulation.h"

#include <string>
#include <vector>

namespace spreadcast::ic {

// The formats this build recognises.
enum class SourceFormat { DeepMindNetcdf, CdsNetcdf, Grib, Unknown };

// What the file's first bytes and (for NetCDF) its dimensions say it is: GRIB when a GRIB
// message starts within its first 4 KiB (a bulletin header may come first), the CDS's NetCDF
// when it has dimensions valid_time, latitude and longitude, DeepMind's layout for other NetCDF.
// Throws InputError when the file cannot be opened.
SourceFormat detectSourceFormat(const std::string& path);

// The file as a Dataset. Throws InputError naming the file and what is wrong (an unrecognised
// format, a variable in units that cannot be converted, a malformed axis, a corrupt message).
// precipitation, when given, receives the file's tp accumulations as they are (GRIB's windows,
// the CDS's hours; none from DeepMind's layout, which holds total_precipitation_6hr itself).
graphcast::Dataset readInitialConditionSource(const std::string& path,
                                              std::vector<PrecipitationAccumulation>* precipitation = nullptr);

// Several files as one Dataset, as forecasters download them (one file per time, or pressure
// levels and surface fields apart): fields are merged by valid time, variable and level. Throws
// InputError naming the files for grids that differ, a field given twice, a static field whose
// copies differ, or a pressure-level variable whose levels differ between files at one time.
graphcast::Dataset readInitialConditionSources(const std::vector<std::string>& paths);

}  // namespace spreadcast::ic
