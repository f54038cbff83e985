#pragma once

// Builds one graphcast::Dataset from fields that arrive one at a time in any order — the
// messages of GRIB files, the variables of NetCDF files, the Datasets of several files — and
// refuses what cannot be one dataset: fields on different grids, the same field twice, a static
// field that differs between its copies, an atmospheric variable missing a level that others have.

#include "graphcast/GraphCastTypes.h"
#include "ic/PrecipitationAccumulation.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace spreadcast::ic {

// "2024-01-01 06:00 UTC" for seconds since 1970-01-01 00:00 UTC, for messages.
std::string utcText(std::int64_t secondsSinceEpoch);
// Seconds since 1970-01-01 00:00 UTC of a date (proleptic Gregorian) and time of day; nullopt
// for a date that does not exist (2023-02-29, month 13).
std::optional<std::int64_t> utcSeconds(int year, int month, int day, int hour, int minute, int second);

class DatasetAssembler {
public:
    // sources: what is assembled, for messages ("'a.grib2'", "'a.nc', 'b.nc'").
    explicit DatasetAssembler(std::string sources);

    // Every field is on grid (latitudes ascending, values latitude-major). where: the field's
    // origin for messages ("message 4 in 'a.grib2'"). Throws InputError for a grid other than the
    // first field's, or a field already given (a static one only when its values differ).
    void addLevelField(const graphcast::LatLonGrid& grid, std::int64_t validTime, const std::string& variable,
                       int levelHpa, std::vector<float> values, const std::string& where);
    void addSingleLevelField(const graphcast::LatLonGrid& grid, std::int64_t validTime, const std::string& variable,
                             std::vector<float> values, const std::string& where);
    void addStaticField(const graphcast::LatLonGrid& grid, const std::string& variable, std::vector<float> values,
                        const std::string& where);
    // tp accumulated over (start, end], whatever the window: GraphCast's 6 hours follow from such
    // windows once the times are known (precipitationOver).
    void addPrecipitation(const graphcast::LatLonGrid& grid, std::int64_t start, std::int64_t end,
                          std::vector<float> values, const std::string& where);
    // Every field of a dataset read from source (a file name, for messages).
    void addDataset(const graphcast::Dataset& dataset, const std::string& source);

    // The dataset: times ascending, levels ascending (hPa), atmospheric variables level-major.
    // Throws InputError when nothing was added or an atmospheric variable lacks a level at a time.
    // The fields move into the dataset (a 0.25° analysis is gigabytes), so call it once, last. A
    // source of precipitation alone gives a dataset with its grid and no times.
    graphcast::Dataset finish();
    // The precipitation added, on the dataset's grid; moved out, so call it once.
    std::vector<PrecipitationAccumulation> takePrecipitation() { return std::move(precipitation_); }

private:
    struct Piece {
        std::vector<float> values;
        std::string where;
    };
    static constexpr int singleLevel = 0;  // the level key of a single-level field
    void useGrid(const graphcast::LatLonGrid& grid, const std::string& where);
    void add(std::int64_t validTime, const std::string& variable, int level, std::vector<float> values,
             const std::string& where);

    std::string sources_;
    bool hasGrid_ = false;
    graphcast::LatLonGrid grid_;
    std::string gridWhere_;
    std::map<std::tuple<std::int64_t, std::string, int>, Piece> fields_;  // (valid time, variable, level)
    std::map<std::string, Piece> statics_;
    std::vector<PrecipitationAccumulation> precipitation_;
};

}  // namespace spreadcast::ic
