#pragma once

// Top-of-atmosphere incident solar radiation as graphcast computes the forcing
// toa_incident_solar_radiation (graphcast/solar_radiation.py at commit 08cf736): the
// instantaneous flux TSI · (1 AU / r)² · max(sin altitude, 0) from its low-precision orbital
// formulas, integrated over the hour ending at the valid time (ERA5's tisr, J m⁻²) with the
// trapezoidal rule on 360 bins, the TSI from ERA5's yearly values (era5_tsi_data) interpolated
// in the fractional year. graphcast evaluates this in JAX's default float32; here it runs in
// double, which differs from it by float32 rounding (about 1e-3 of the hour's phase), not by
// formula.

#include "graphcast/GraphCastTypes.h"

#include <cstdint>
#include <vector>

namespace spreadcast::graphcast {

// _OrbitalParameters for a time in days since J2000.0 (2000-01-01 12:00).
struct OrbitalParameters {
    double theta = 0.0;  // Julian years since J2000.0
    double rotationalPhase = 0.0;
    double sinDeclination = 0.0;
    double cosDeclination = 0.0;
    double equationOfTimeSeconds = 0.0;
    double solarDistanceAu = 0.0;
};

// Days since J2000.0 of a time in seconds since 1970-01-01 00:00 UTC (pandas' to_julian_date −
// 2451545).
double j2000Days(double unixSeconds);

OrbitalParameters orbitalParameters(double j2000Days);

// get_tsi with era5_tsi_data: W m⁻², interpolated linearly in the fractional year, held constant
// before mid-1951 and after mid-2034 (np.interp).
double totalSolarIrradiance(std::int64_t unixSeconds);

// _get_radiation_flux: instantaneous W m⁻² at a point (degrees).
double instantaneousSolarFlux(double j2000Days, double latitudeDegrees, double longitudeDegrees, double tsi);

// J m⁻² over the hour ending at unixSeconds, at one point (degrees).
double toaIncidentSolarRadiation(std::int64_t unixSeconds, double latitudeDegrees, double longitudeDegrees);

// The same on every point of grid, latitude-major (the grid's node order), as float32.
std::vector<float> toaIncidentSolarRadiation(std::int64_t unixSeconds, const LatLonGrid& grid);

}  // namespace spreadcast::graphcast
