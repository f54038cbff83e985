#pragma once

// Initial conditions in NetCDF as the Copernicus Climate Data Store delivers ERA5 since 2024:
// dimensions valid_time, pressure_level (hPa), latitude (north to south), longitude; the
// variables under their short names z t u v w q on pressure levels and t2m msl u10 v10 lsm z
// on a single level (z there is the surface geopotential), packed with scale_factor/add_offset
// or not, with _FillValue. The CF reader (io/CfReader) decodes axes, packing, fill values and
// time units; units are checked and converted as for GRIB (SourceVariables). tp is ERA5's: an
// accumulation over the hour ending at each valid_time (the file does not say so; ERA5's
// documentation does), handed out as such for the assembly to sum the six hours GraphCast needs.

#include "graphcast/GraphCastTypes.h"
#include "ic/PrecipitationAccumulation.h"

#include <string>
#include <vector>

namespace spreadcast::ic {

// Whether a NetCDF file has the CDS's dimensions valid_time, latitude and longitude; false for
// a file netCDF-C cannot open (the reader that is chosen instead says why).
bool hasCdsDimensions(const std::string& path);

// The file as a Dataset on its own grid, latitudes ascending, longitudes in [0, 360). Throws
// InputError naming the file and variable for a missing or malformed coordinate, units that
// cannot be converted, dimensions in another order, or a static field that changes with time.
// precipitation, when given, receives tp's hourly accumulations on the dataset's grid.
graphcast::Dataset readCdsNetcdfSource(const std::string& path,
                                       std::vector<PrecipitationAccumulation>* precipitation = nullptr);

}  // namespace spreadcast::ic
