#include "ic/DatasetAssembler.h"

#include "ic/SourceVariables.h"
#include "run/InputError.h"

#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <set>
#include <sstream>

namespace spreadcast::ic {

namespace {

std::string degrees(double value)
{
    std::ostringstream text;
    text << value;
    return text.str();
}

std::string gridText(const graphcast::LatLonGrid& grid)
{
    return std::to_string(grid.latitudes.size()) + "×" + std::to_string(grid.longitudes.size()) +
           " points, latitudes " + degrees(grid.latitudes.front()) + "…" + degrees(grid.latitudes.back()) +
           ", longitudes " + degrees(grid.longitudes.front()) + "…" + degrees(grid.longitudes.back());
}

// Bit for bit, so that two NaNs (missing values) in the same places compare equal.
bool sameValues(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

}  // namespace

std::string utcText(std::int64_t secondsSinceEpoch)
{
    using namespace std::chrono;
    const sys_seconds time{seconds{secondsSinceEpoch}};
    const sys_days day = floor<days>(time);
    const year_month_day date{day};
    const hh_mm_ss clock{time - day};
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02lld:%02lld UTC", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<long long>(clock.hours().count()), static_cast<long long>(clock.minutes().count()));
    return text;
}

std::optional<std::int64_t> utcSeconds(int year, int month, int day, int hour, int minute, int second)
{
    using namespace std::chrono;
    const year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok() || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
        return std::nullopt;
    }
    return sys_days{date}.time_since_epoch().count() * std::int64_t{86400} + hour * 3600 + minute * 60 + second;
}

DatasetAssembler::DatasetAssembler(std::string sources) : sources_(std::move(sources)) {}

void DatasetAssembler::useGrid(const graphcast::LatLonGrid& grid, const std::string& where)
{
    if (grid.latitudes.empty() || grid.longitudes.empty()) {
        throw InputError(where + " has no grid points");
    }
    if (!hasGrid_) {
        grid_ = grid;
        gridWhere_ = where;
        hasGrid_ = true;
        return;
    }
    if (grid.latitudes != grid_.latitudes || grid.longitudes != grid_.longitudes) {
        throw InputError(where + " is on a grid of " + gridText(grid) + ", but " + gridWhere_ + " is on one of " +
                         gridText(grid_) +
                         ": initial conditions come on one grid (Spreadcast regrids that grid to the model's "
                         "after reading); download every file on the same grid");
    }
}

void DatasetAssembler::add(std::int64_t validTime, const std::string& variable, int level, std::vector<float> values,
                           const std::string& where)
{
    if (values.size() != grid_.points()) {
        throw InputError(where + " holds " + std::to_string(values.size()) + " values for " + variable + ", not the " +
                         std::to_string(grid_.points()) + " points of its grid");
    }
    const auto [place, added] = fields_.try_emplace({validTime, variable, level}, Piece{std::move(values), where});
    if (!added) {
        const std::string what = variable + (level == singleLevel ? "" : " at " + std::to_string(level) + " hPa") +
                                 " valid at " + utcText(validTime);
        throw InputError(what + " is given twice, by " + place->second.where + " and by " + where +
                         ": give each field once (an ensemble file holds a field per member; pick the control "
                         "or one member)");
    }
}

void DatasetAssembler::addLevelField(const graphcast::LatLonGrid& grid, std::int64_t validTime,
                                     const std::string& variable, int levelHpa, std::vector<float> values,
                                     const std::string& where)
{
    if (levelHpa < 1) {
        throw InputError(where + " is at " + std::to_string(levelHpa) +
                         " hPa; pressure levels are whole hectopascals from 1 hPa");
    }
    useGrid(grid, where);
    add(validTime, variable, levelHpa, std::move(values), where);
}

void DatasetAssembler::addSingleLevelField(const graphcast::LatLonGrid& grid, std::int64_t validTime,
                                           const std::string& variable, std::vector<float> values,
                                           const std::string& where)
{
    useGrid(grid, where);
    add(validTime, variable, singleLevel, std::move(values), where);
}

void DatasetAssembler::addStaticField(const graphcast::LatLonGrid& grid, const std::string& variable,
                                      std::vector<float> values, const std::string& where)
{
    useGrid(grid, where);
    if (values.size() != grid_.points()) {
        throw InputError(where + " holds " + std::to_string(values.size()) + " values for " + variable + ", not the " +
                         std::to_string(grid_.points()) + " points of its grid");
    }
    const auto known = statics_.find(variable);
    if (known == statics_.end()) {
        statics_.emplace(variable, Piece{std::move(values), where});
        return;
    }
    // A static field comes with every time of a download (ECMWF open data repeats lsm at every
    // step); copies are one field, but different values cannot both be the truth.
    if (!sameValues(known->second.values, values)) {
        throw InputError(variable + " differs between " + known->second.where + " and " + where +
                         ": a static field must be the same in every file and at every time; give one "
                         "(e.g. with --static)");
    }
}

void DatasetAssembler::addPrecipitation(const graphcast::LatLonGrid& grid, std::int64_t start, std::int64_t end,
                                        std::vector<float> values, const std::string& where)
{
    useGrid(grid, where);
    if (values.size() != grid_.points()) {
        throw InputError(where + " holds " + std::to_string(values.size()) + " values for tp, not the " +
                         std::to_string(grid_.points()) + " points of its grid");
    }
    for (const PrecipitationAccumulation& known : precipitation_) {
        if (known.start == start && known.end == end) {
            throw InputError("tp accumulated from " + utcText(start) + " to " + utcText(end) + " is given twice, by " +
                             known.where + " and by " + where + ": give each field once");
        }
    }
    precipitation_.push_back({start, end, std::move(values), where});
}

void DatasetAssembler::addDataset(const graphcast::Dataset& dataset, const std::string& source)
{
    const std::size_t points = dataset.grid.points();
    if (dataset.validTimes.size() != dataset.times.size()) {
        throw InputError(source + " has " + std::to_string(dataset.validTimes.size()) + " valid times but fields at " +
                         std::to_string(dataset.times.size()));
    }
    for (std::size_t time = 0; time < dataset.times.size(); ++time) {
        for (const auto& [name, values] : dataset.times[time].variables) {
            const std::size_t levels = dataset.levels.size();
            const bool onLevels =
                levels > 0 && values.size() == levels * points && (levels > 1 || isPressureLevelVariable(name));
            const std::string where = name + " in " + source;
            if (!onLevels) {
                addSingleLevelField(dataset.grid, dataset.validTimes[time], name, values, where);
                continue;
            }
            for (std::size_t level = 0; level < levels; ++level) {
                const auto first = values.begin() + static_cast<std::ptrdiff_t>(level * points);
                addLevelField(dataset.grid, dataset.validTimes[time], name, dataset.levels[level],
                              std::vector<float>(first, first + static_cast<std::ptrdiff_t>(points)), where);
            }
        }
    }
    for (const auto& [name, values] : dataset.statics.variables) {
        addStaticField(dataset.grid, name, values, name + " in " + source);
    }
}

graphcast::Dataset DatasetAssembler::finish()
{
    if (fields_.empty() && statics_.empty() && precipitation_.empty()) {
        throw InputError(sources_ +
                         " holds none of the fields the learned models read (GRIB shortNames gh z t u v w q 2t msl "
                         "10u 10v tp lsm on a regular lat–lon grid; CDS NetCDF names z t u v w q t2m msl u10 v10 "
                         "lsm): check that it is the right file");
    }
    graphcast::Dataset dataset;
    dataset.grid = grid_;
    std::set<int> levels;
    std::set<std::int64_t> times;
    std::map<std::string, const Piece*> singleLevelWhere;
    std::map<std::string, const Piece*> levelWhere;
    for (const auto& [key, piece] : fields_) {
        const auto& [time, variable, level] = key;
        times.insert(time);
        if (level != singleLevel) {
            levels.insert(level);
            levelWhere.try_emplace(variable, &piece);
        } else {
            singleLevelWhere.try_emplace(variable, &piece);
        }
    }
    for (const auto& [variable, piece] : levelWhere) {
        if (const auto single = singleLevelWhere.find(variable); single != singleLevelWhere.end()) {
            throw InputError(variable + " comes on pressure levels (" + piece->where + ") and on a single level (" +
                             single->second->where + "): give it one way");
        }
    }
    dataset.levels.assign(levels.begin(), levels.end());
    const std::size_t points = grid_.points();
    for (const std::int64_t time : times) {
        dataset.validTimes.push_back(time);
        graphcast::Fields fields;
        for (const auto& [variable, where] : singleLevelWhere) {
            if (const auto piece = fields_.find({time, variable, singleLevel}); piece != fields_.end()) {
                fields.variables[variable] = std::move(piece->second.values);
            }
        }
        for (const auto& levelVariable : levelWhere) {
            const std::string& variable = levelVariable.first;
            std::vector<Piece*> pieces;
            std::optional<int> missingLevel;
            for (const int level : dataset.levels) {
                const auto piece = fields_.find({time, variable, level});
                if (piece == fields_.end()) {
                    missingLevel = missingLevel.value_or(level);
                } else {
                    pieces.push_back(&piece->second);
                }
            }
            if (pieces.empty()) {
                continue;  // not at this time at all: a later check names the times a model needs
            }
            if (missingLevel) {
                throw InputError(variable + " valid at " + utcText(time) + " has no " + std::to_string(*missingLevel) +
                                 " hPa level in " + sources_ + " (" + pieces.front()->where +
                                 " has another), though other fields have that level: every pressure-level variable "
                                 "needs the same levels; download the missing "
                                 "one or leave that level out everywhere");
            }
            std::vector<float> values;
            values.reserve(dataset.levels.size() * points);
            for (Piece* piece : pieces) {
                values.insert(values.end(), piece->values.begin(), piece->values.end());
                std::vector<float>().swap(piece->values);  // freed as it is copied: one copy at a time
            }
            fields.variables[variable] = std::move(values);
        }
        dataset.times.push_back(std::move(fields));
    }
    for (auto& [variable, piece] : statics_) {
        dataset.statics.variables[variable] = std::move(piece.values);
    }
    return dataset;
}

}  // namespace spreadcast::ic
