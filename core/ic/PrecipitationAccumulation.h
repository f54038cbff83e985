#pragma once

// Precipitation as initial-condition files hold it, and GraphCast's total_precipitation_6hr from
// it. Files accumulate tp over windows that are rarely GraphCast's six hours: ERA5 (the CDS's
// NetCDF, MARS's GRIB) over each hour, ECMWF open data and IFS forecasts from the forecast's
// start (steps 0-6, 0-12, …). The accumulation over any window (a, b] follows from those that
// connect a to b, read as differences of one cumulative precipitation P: a window (s, e] adds
// P(e) − P(s) going forward and subtracts it going back, so six hourly windows summed, or 0-12
// minus 0-6, or a 6-hour window itself, all give P(b) − P(a).

#include <cstdint>
#include <string>
#include <vector>

namespace spreadcast::ic {

// tp accumulated over (start, end], in metres, on one grid (a Dataset's points and order).
struct PrecipitationAccumulation {
    std::int64_t start = 0;  // seconds since 1970-01-01 00:00 UTC
    std::int64_t end = 0;
    std::vector<float> values;
    std::string where;  // "message 7 in GRIB file 'a.grib2'", for the run log
};

struct DerivedPrecipitation {
    std::vector<float> values;  // empty when the accumulations do not cover the window
    std::string how;            // for the run log: which accumulations were combined, and how
    std::string missing;        // when values is empty: what is missing ("the hours ending …")
};

// The accumulation over (start, end] from the fewest of the given accumulations that connect
// start to end (one window, six hours summed, two from one start differenced), summed in double
// and rounded to float once; a missing value (NaN) in any of them stays missing. When none
// connect them, `missing` names the hours of the window no accumulation covers, or the
// accumulation from an earlier start that would complete one ending at end.
DerivedPrecipitation precipitationOver(const std::vector<PrecipitationAccumulation>& accumulations, std::int64_t start,
                                       std::int64_t end);

}  // namespace spreadcast::ic
