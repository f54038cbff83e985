#pragma once

#include "viz/ForecastProducts.h"

#include <string>
#include <vector>

namespace spreadcast {

// An EPS meteogram ("plume"): one grid point's value for every stored member against lead time,
// with the mean and spread of those members.
struct Plume {
    std::string field;
    std::string label;  // "height", "wind speed", "temperature at 850 hPa", …
    std::string units;
    double latitude = 0.0;  // of the grid point used, degrees
    double longitude = 0.0;
    std::vector<double> leadHours;
    std::vector<int> memberNumbers;
    std::vector<std::vector<float>> members;  // [member][time]
    std::vector<float> mean;                  // [time]
    std::vector<float> spread;                // [time], sample standard deviation
};

// The plume at the grid point nearest to (latitude, longitude), on level levelIndex of a field
// with levels, in the field's display units (FieldConventions). Throws InputError when the file
// keeps no members of the field.
Plume plumeAt(const ForecastProducts& products, const std::string& field, double latitude, double longitude,
              int levelIndex = 0);

// For a spreadsheet: a header line, then per lead time its hours, mean, spread and each member.
std::string plumeCsv(const Plume& plume);

}  // namespace spreadcast
