#pragma once

// The forcings GraphCast reads at every input and target time, computed as graphcast's
// data_utils.add_derived_vars and add_tisr_var do (commit 08cf736): year_progress_{sin,cos}
// (the same everywhere), day_progress_{sin,cos} (local: the longitude shifts the day) and
// toa_incident_solar_radiation (SolarRadiation.h).

#include "graphcast/GraphCastTypes.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

// data_utils.get_year_progress: fraction of the mean tropical year (365.24219 days) since
// 1970-01-01, in [0, 1), as float32.
float yearProgress(std::int64_t unixSeconds);

// data_utils.get_day_progress: fraction of the UTC day plus longitude / 360°, in [0, 1), per
// longitude, as float32.
std::vector<float> dayProgress(std::int64_t unixSeconds, const std::vector<double>& longitudesDegrees);

// The named forcings (year_progress_sin/cos, day_progress_sin/cos, toa_incident_solar_radiation)
// at one valid time on every grid point (latitude-major). InputError for any other name.
Fields computeForcings(const std::vector<std::string>& names, const LatLonGrid& grid, std::int64_t unixSeconds);

// Adds to fields those of the named forcings it does not hold yet (as add_derived_vars and
// add_tisr_var leave forcings a dataset already has alone).
void addMissingForcings(Fields& fields, const std::vector<std::string>& names, const LatLonGrid& grid,
                        std::int64_t unixSeconds);

}  // namespace spreadcast::graphcast
