#pragma once

#include <string>
#include <vector>

namespace spreadcast {

// How numbers, units and places are written for people: on the colour bar, in titles, in the
// plume and its CSV.

// Round tick values inside [low, high]: steps of 1, 2 or 5 × 10ⁿ (2.5 too when it fits the
// count better), about `count` of them, never fewer than two when the range allows.
std::vector<double> niceTicks(double low, double high, int count);
// The step between the values niceTicks gives (0 for fewer than two ticks).
double tickStep(const std::vector<double>& ticks);
// A tick value with as many digits as its step needs: "0", "2000", "0.25", "2e-05", "1.5e+06".
std::string formatTick(double value, double step);

// CF unit strings with exponents for reading: "m s-1" → "m s⁻¹", "m2 s-2" → "m² s⁻²".
std::string displayUnits(const std::string& units);

// "51.5° N", "7.0° W": longitudes east of 180° are written as west.
std::string formatLatitude(double latitude, int decimals = 1);
std::string formatLongitude(double longitude, int decimals = 1);

}  // namespace spreadcast
