#pragma once

// Initial conditions in GRIB 1 or 2, decoded by ecCodes: ECMWF's open data (gh t u v w q on
// pressure levels, 2t msl 10u 10v, lsm, z at the surface), IFS/HRES and ERA5 from MARS (z on
// pressure levels). Messages come in any order and a file may hold several valid times.
//
// Conversions, all from the message's own `units` key: geopotential height (gpm) × 9.80665 →
// geopotential; hPa → Pa; mm → m; anything else unexpected is refused. tp becomes
// total_precipitation_6hr where a message accumulates over exactly 6 h (stepRange a-(a+6)); every
// accumulation (ERA5's hourly tp, open data's 0-6, 0-12 from the forecast's start) is also handed
// out as it is, for the assembly to derive the 6 hours ending at the times it needs
// (PrecipitationAccumulation). Open data's 0-0 at step 0 accumulates nothing and is left out. Parameters and level
// types the learned models do not use are skipped. Grids: regular latitude–longitude (regular_ll) in any scanning
// order, longitudes 0…360 or −180…180; the Dataset keeps the file's points, latitudes ascending and longitudes wrapped
// into [0, 360) ascending. Missing points (a bitmap) become NaN.

#include "graphcast/GraphCastTypes.h"
#include "ic/PrecipitationAccumulation.h"

#include <string>
#include <vector>

namespace spreadcast::ic {

// Throws InputError naming the file and the message number (counted from 1) for a corrupt or
// truncated message, a grid other than regular_ll, units that cannot be converted, a field
// given twice, or fields on different grids. precipitation, when given, receives every tp
// accumulation on the dataset's grid.
graphcast::Dataset readGribSource(const std::string& path,
                                  std::vector<PrecipitationAccumulation>* precipitation = nullptr);

}  // namespace spreadcast::ic
