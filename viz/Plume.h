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
    std::vector<std::string> validTimes;  // per lead time, "YYYY-MM-DD HH:MM:SS"; empty where the file has none
    std::string baseTime;                 // the forecast's start (the valid time at lead 0), or empty
    std::string calendar;                 // of the valid times: "standard", "noleap", …
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

// "51.5° N, 7.0° W": where the plume is, for titles and files.
std::string plumePlace(const Plume& plume);

// For a spreadsheet: a header line (field, units, place, base time), then per lead time its
// hours, valid time, mean, spread and each member.
std::string plumeCsv(const Plume& plume);

}  // namespace spreadcast
