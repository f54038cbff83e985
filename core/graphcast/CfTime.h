#pragma once

// CF time coordinates ("<unit> since <date>", CF conventions §4.4) as xarray writes datetime64
// values into NetCDF, converted to seconds since 1970-01-01 00:00 UTC. Only the Gregorian
// calendars (standard, gregorian, proleptic_gregorian) are supported: reanalyses and forecasts
// use them, and dates after 1582 are the same in all three.

#include <cstdint>
#include <string>

namespace spreadcast::graphcast {

struct CfTimeUnits {
    std::int64_t nanosecondsPerUnit = 1'000'000'000;
    std::int64_t referenceSeconds = 0;  // the "since" date, seconds since 1970-01-01 00:00 UTC
};

// Parses "hours since 2022-01-01", "nanoseconds since 2022-01-01 00:00:00",
// "seconds since 1970-01-01T00:00:00Z", … Throws std::invalid_argument saying what is wrong.
CfTimeUnits parseCfTimeUnits(const std::string& units);
// Throws std::invalid_argument for a calendar other than the Gregorian ones (an empty one is standard).
void requireGregorianCalendar(const std::string& calendar);

// Seconds since 1970-01-01 00:00 UTC of a time value in these units, rounded down to whole
// seconds. Throws std::out_of_range when the result does not fit 64 bits.
std::int64_t cfTimeToUnixSeconds(long long value, const CfTimeUnits& units);
std::int64_t cfTimeToUnixSeconds(double value, const CfTimeUnits& units);

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant, "chrono-compatible low-level
// date algorithms", days_from_civil).
std::int64_t daysFromCivil(std::int64_t year, int month, int day);

}  // namespace spreadcast::graphcast
