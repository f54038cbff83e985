#include "ic/Regrid.h"

#include "run/InputError.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>

namespace spreadcast::ic {

using graphcast::LatLonGrid;

namespace {

// Axis values closer than this (degrees) are the same point: files store coordinates as float32,
// whose rounding of 0.25° multiples is exact and of other values below 1e-5°.
constexpr double sameDegrees = 1e-5;

std::string degrees(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", std::abs(value) < 5e-13 ? 0.0 : value);
    return text;
}

double radians(double value)
{
    return value * std::numbers::pi / 180.0;
}

// The longitudes of a grid, eastwards from the first, each in [0, 360), with the index of its
// column; a last column one turn after the first (0 and 360 both given) is left out.
struct Longitudes {
    std::vector<double> values;  // ascending in [0, 360)
    std::vector<std::size_t> columns;
    double spacing = 0.0;  // mean, degrees
};

Longitudes sortedLongitudes(const std::vector<double>& longitudes, const std::string& file)
{
    const std::string what = "the longitudes of initial condition '" + file + "'";
    if (longitudes.size() < 2) {
        throw InputError(what + " have " + std::to_string(longitudes.size()) +
                         " value(s): a regular latitude-longitude grid covering the globe needs many; give a global "
                         "field");
    }
    for (std::size_t k = 1; k < longitudes.size(); ++k) {
        if (!(longitudes[k] > longitudes[k - 1])) {
            throw InputError(what + " are not strictly increasing (" + degrees(longitudes[k - 1]) + "° then " +
                             degrees(longitudes[k]) +
                             "°): give a file whose longitudes increase eastwards, e.g. "
                             "ds.sortby('longitude') in xarray or cdo invertlon / sellonlatbox,0,360,-90,90");
        }
    }
    std::size_t count = longitudes.size();
    if (longitudes.back() - longitudes.front() >= 360.0 - sameDegrees) {
        if (longitudes.back() - longitudes.front() > 360.0 + sameDegrees || count < 3) {
            throw InputError(what + " span " + degrees(longitudes.back() - longitudes.front()) +
                             "°, more than once around the globe: give longitudes within one turn (0…360 or "
                             "−180…180)");
        }
        --count;  // 0° and 360° are the same meridian
    }
    Longitudes sorted;
    std::vector<std::pair<double, std::size_t>> order;
    for (std::size_t column = 0; column < count; ++column) {
        double value = std::fmod(longitudes[column], 360.0);
        if (value < 0.0) {
            value += 360.0;
        }
        if (value >= 360.0 - 1e-12) {
            value = 0.0;
        }
        order.emplace_back(value, column);
    }
    std::sort(order.begin(), order.end());
    double widestGap = 0.0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        sorted.values.push_back(order[k].first);
        sorted.columns.push_back(order[k].second);
        if (k > 0) {
            widestGap = std::max(widestGap, order[k].first - order[k - 1].first);
        }
    }
    sorted.spacing = 360.0 / static_cast<double>(count);
    widestGap = std::max(widestGap, sorted.values.front() + 360.0 - sorted.values.back());
    // A global axis has no gap much wider than its mean spacing, across the date line included.
    if (widestGap > 1.5 * sorted.spacing + sameDegrees) {
        throw InputError(what + " run from " + degrees(longitudes.front()) + "° to " + degrees(longitudes[count - 1]) +
                         "°: a regional domain cannot start GraphCast, which needs the whole globe. Give a global "
                         "field (ECMWF open data is global; from the Copernicus CDS leave the area sub-selection at "
                         "'Whole available region')");
    }
    return sorted;
}

// Latitudes ascending within −90…90, and whether the field reaches each pole: its outermost row
// lies within one grid spacing of it (a cell-centred grid) or on it.
struct Latitudes {
    std::vector<double> values;
    double spacing = 0.0;  // mean, degrees
};

Latitudes checkedLatitudes(const std::vector<double>& latitudes, const std::string& file)
{
    const std::string what = "the latitudes of initial condition '" + file + "'";
    if (latitudes.size() < 2) {
        throw InputError(what + " have " + std::to_string(latitudes.size()) +
                         " value(s): GraphCast needs a field covering the globe; give a global field");
    }
    for (std::size_t k = 0; k < latitudes.size(); ++k) {
        if (!(latitudes[k] >= -90.0 && latitudes[k] <= 90.0)) {
            throw InputError(what + " hold " + degrees(latitudes[k]) + "°, outside −90…90: give degrees north");
        }
        if (k > 0 && !(latitudes[k] > latitudes[k - 1])) {
            throw InputError(what + " are not monotonic (" + degrees(latitudes[k - 1]) + "° then " +
                             degrees(latitudes[k]) + "°): give a file on a regular latitude-longitude grid");
        }
    }
    Latitudes checked{latitudes, (latitudes.back() - latitudes.front()) / static_cast<double>(latitudes.size() - 1)};
    const double southGap = latitudes.front() + 90.0;
    const double northGap = 90.0 - latitudes.back();
    const double southSpacing = latitudes[1] - latitudes[0];
    const double northSpacing = latitudes.back() - latitudes[latitudes.size() - 2];
    if (southGap > southSpacing + sameDegrees || northGap > northSpacing + sameDegrees) {
        throw InputError(what + " run from " + degrees(latitudes.front()) + "° to " + degrees(latitudes.back()) +
                         "°: a regional domain cannot start GraphCast, which needs the whole globe from pole to pole. "
                         "Give a global field (ECMWF open data is global; from the Copernicus CDS leave the area "
                         "sub-selection at 'Whole available region')");
    }
    return checked;
}

// Cell bounds halfway between the latitudes, the outermost ones at the poles.
std::vector<double> latitudeBounds(const std::vector<double>& latitudes)
{
    std::vector<double> bounds{-90.0};
    for (std::size_t k = 1; k < latitudes.size(); ++k) {
        bounds.push_back(0.5 * (latitudes[k - 1] + latitudes[k]));
    }
    bounds.push_back(90.0);
    return bounds;
}

// A target longitude's position eastwards of `from`, in [from, from + 360).
double eastOf(double longitude, double from)
{
    double offset = std::fmod(longitude - from, 360.0);
    if (offset < 0.0) {
        offset += 360.0;
    }
    return from + offset;
}

std::string gridText(const LatLonGrid& grid, double latitudeSpacing, double longitudeSpacing)
{
    std::string spacing = std::abs(latitudeSpacing - longitudeSpacing) < sameDegrees
                              ? degrees(latitudeSpacing) + "°"
                              : degrees(latitudeSpacing) + "° × " + degrees(longitudeSpacing) + "°";
    return spacing + " (" + std::to_string(grid.latitudes.size()) + " × " + std::to_string(grid.longitudes.size()) +
           ", latitudes " + degrees(grid.latitudes.front()) + "…" + degrees(grid.latitudes.back()) + ", longitudes " +
           degrees(grid.longitudes.front()) + "…" + degrees(grid.longitudes.back()) + ")";
}

bool sameAxis(const std::vector<double>& a, const std::vector<double>& b)
{
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](double x, double y) { return std::abs(x - y) <= sameDegrees; });
}

}  // namespace

Regridder::Regridder(const LatLonGrid& source, const LatLonGrid& target, RegridMethod method, const std::string& file)
    : source_(source), target_(target)
{
    const Longitudes longitudes = sortedLongitudes(source.longitudes, file);
    const Latitudes latitudes = checkedLatitudes(source.latitudes, file);
    identity_ = sameAxis(source.latitudes, target.latitudes) && sameAxis(source.longitudes, target.longitudes);
    const double targetLatitudeSpacing = (target.latitudes.back() - target.latitudes.front()) /
                                         static_cast<double>(std::max<std::size_t>(target.latitudes.size() - 1, 1));
    const double targetLongitudeSpacing = 360.0 / static_cast<double>(target.longitudes.size());
    if (method == RegridMethod::Automatic) {
        const bool coarsening =
            latitudes.spacing * longitudes.spacing < targetLatitudeSpacing * targetLongitudeSpacing * (1.0 - 1e-9);
        method = coarsening ? RegridMethod::Conservative : RegridMethod::Bilinear;
    }
    method_ = method;
    sourceLatitudeSpacing_ = latitudes.spacing;
    sourceLongitudeSpacing_ = longitudes.spacing;
    if (identity_) {
        return;
    }
    const std::size_t sourceColumns = longitudes.values.size();
    const std::size_t rows = latitudes.values.size();
    longitude_.offsets.push_back(0);
    latitude_.offsets.push_back(0);
    auto addWeight = [](AxisWeights& axis, std::size_t index, double weight) {
        if (weight != 0.0) {
            axis.sources.push_back(index);
            axis.weights.push_back(weight);
        }
    };
    if (method_ == RegridMethod::Bilinear) {
        // Longitude: between the two source meridians around the target one, across 360° too.
        for (double longitude : target.longitudes) {
            const double east = eastOf(longitude, longitudes.values.front());
            auto above = std::upper_bound(longitudes.values.begin(), longitudes.values.end(), east);
            const std::size_t west = static_cast<std::size_t>(above - longitudes.values.begin()) - 1;
            const std::size_t next = (west + 1) % sourceColumns;
            const double westValue = longitudes.values[west];
            const double eastValue = next == 0 ? longitudes.values[0] + 360.0 : longitudes.values[next];
            const double fraction = (east - westValue) / (eastValue - westValue);
            if (east - westValue <= sameDegrees) {
                addWeight(longitude_, longitudes.columns[west], 1.0);
            } else if (eastValue - east <= sameDegrees) {
                addWeight(longitude_, longitudes.columns[next], 1.0);
            } else {
                addWeight(longitude_, longitudes.columns[west], 1.0 - fraction);
                addWeight(longitude_, longitudes.columns[next], fraction);
            }
            longitude_.offsets.push_back(longitude_.sources.size());
        }
        // A pole's value: the zonal mean of the outermost row, each meridian weighted by its width.
        for (std::size_t k = 0; k < sourceColumns; ++k) {
            const double previous = k == 0 ? longitudes.values.back() - 360.0 : longitudes.values[k - 1];
            const double next = k + 1 == sourceColumns ? longitudes.values.front() + 360.0 : longitudes.values[k + 1];
            zonalMean_.sources.push_back(longitudes.columns[k]);
            zonalMean_.weights.push_back((next - previous) / 720.0);
        }
        // Latitude: between the two source rows around the target one; beyond the outermost row,
        // towards the pole's value.
        for (double latitude : target.latitudes) {
            int poleRow = -1;
            double poleWeight = 0.0;
            const auto& values = latitudes.values;
            if (latitude < values.front() - sameDegrees) {
                poleRow = 0;
                poleWeight = (values.front() - latitude) / (values.front() + 90.0);
                addWeight(latitude_, 0, 1.0 - poleWeight);
            } else if (latitude > values.back() + sameDegrees) {
                poleRow = static_cast<int>(rows - 1);
                poleWeight = (latitude - values.back()) / (90.0 - values.back());
                addWeight(latitude_, rows - 1, 1.0 - poleWeight);
            } else {
                auto above = std::upper_bound(values.begin(), values.end(), latitude + sameDegrees);
                const std::size_t south =
                    static_cast<std::size_t>(std::max<std::ptrdiff_t>(above - values.begin(), 1)) - 1;
                if (std::abs(latitude - values[south]) <= sameDegrees || south + 1 == rows) {
                    addWeight(latitude_, south, 1.0);
                } else {
                    const double fraction = (latitude - values[south]) / (values[south + 1] - values[south]);
                    addWeight(latitude_, south, 1.0 - fraction);
                    addWeight(latitude_, south + 1, fraction);
                }
            }
            poleRow_.push_back(poleRow);
            poleWeight_.push_back(poleWeight);
            latitude_.offsets.push_back(latitude_.sources.size());
        }
        return;
    }
    // Conservative. Longitude: overlap in degrees of each target cell with the source cells,
    // whose bounds lie halfway between neighbouring meridians (across 360° too).
    std::vector<double> westBounds(sourceColumns);
    std::vector<double> eastBounds(sourceColumns);
    for (std::size_t k = 0; k < sourceColumns; ++k) {
        const double previous = k == 0 ? longitudes.values.back() - 360.0 : longitudes.values[k - 1];
        const double next = k + 1 == sourceColumns ? longitudes.values.front() + 360.0 : longitudes.values[k + 1];
        westBounds[k] = 0.5 * (previous + longitudes.values[k]);
        eastBounds[k] = 0.5 * (longitudes.values[k] + next);
    }
    for (double longitude : target.longitudes) {
        const double west = longitude - 0.5 * targetLongitudeSpacing;
        const double east = longitude + 0.5 * targetLongitudeSpacing;
        const std::size_t first = longitude_.sources.size();
        double covered = 0.0;
        for (std::size_t k = 0; k < sourceColumns; ++k) {
            double overlap = 0.0;
            for (double turn : {-360.0, 0.0, 360.0}) {
                overlap += std::max(0.0, std::min(east, eastBounds[k] + turn) - std::max(west, westBounds[k] + turn));
            }
            if (overlap > 0.0) {
                addWeight(longitude_, longitudes.columns[k], overlap);
                covered += overlap;
            }
        }
        for (std::size_t k = first; k < longitude_.weights.size(); ++k) {
            longitude_.weights[k] /= covered;
        }
        longitude_.offsets.push_back(longitude_.sources.size());
    }
    // Latitude: overlap in sin φ, which is proportional to the area of a band of the sphere.
    const std::vector<double> sourceBounds = latitudeBounds(latitudes.values);
    const std::vector<double> targetBounds = latitudeBounds(target.latitudes);
    for (std::size_t row = 0; row < target.latitudes.size(); ++row) {
        const double south = targetBounds[row];
        const double north = targetBounds[row + 1];
        const std::size_t first = latitude_.sources.size();
        double covered = 0.0;
        for (std::size_t k = 0; k < rows; ++k) {
            const double low = std::max(south, sourceBounds[k]);
            const double high = std::min(north, sourceBounds[k + 1]);
            if (high > low) {
                const double band = std::sin(radians(high)) - std::sin(radians(low));
                addWeight(latitude_, k, band);
                covered += band;
            }
        }
        for (std::size_t k = first; k < latitude_.weights.size(); ++k) {
            latitude_.weights[k] /= covered;
        }
        latitude_.offsets.push_back(latitude_.sources.size());
        poleRow_.push_back(-1);
        poleWeight_.push_back(0.0);
    }
}

std::string Regridder::description() const
{
    const double targetSpacing = (target_.latitudes.back() - target_.latitudes.front()) /
                                 static_cast<double>(std::max<std::size_t>(target_.latitudes.size() - 1, 1));
    std::string how = method_ == RegridMethod::Conservative
                          ? "first-order conservative (area-weighted means of the overlapping cells; keeps the "
                            "global mean)"
                          : "bilinear in latitude and longitude (longitudes wrapping around, towards each pole's "
                            "zonal mean beyond the outermost row)";
    return "from " + gridText(source_, sourceLatitudeSpacing_, sourceLongitudeSpacing_) + " to " +
           gridText(target_, targetSpacing, 360.0 / static_cast<double>(target_.longitudes.size())) + ", " + how;
}

std::vector<float> Regridder::apply(std::span<const float> field) const
{
    const std::size_t sourceColumns = source_.longitudes.size();
    const std::size_t sourceRows = source_.latitudes.size();
    if (field.size() != sourceRows * sourceColumns) {
        throw std::invalid_argument("Regridder::apply: a field of " + std::to_string(field.size()) +
                                    " values is not on the source grid of " +
                                    std::to_string(sourceRows * sourceColumns) + " points");
    }
    if (identity_) {
        return {field.begin(), field.end()};
    }
    const std::size_t columns = target_.longitudes.size();
    const std::size_t rows = target_.latitudes.size();
    // Along longitude, every source row onto the target's meridians.
    std::vector<double> alongLongitude(sourceRows * columns);
    for (std::size_t row = 0; row < sourceRows; ++row) {
        const float* in = field.data() + row * sourceColumns;
        double* out = alongLongitude.data() + row * columns;
        for (std::size_t column = 0; column < columns; ++column) {
            double sum = 0.0;
            for (std::size_t k = longitude_.offsets[column]; k < longitude_.offsets[column + 1]; ++k) {
                sum += longitude_.weights[k] * static_cast<double>(in[longitude_.sources[k]]);
            }
            out[column] = sum;
        }
    }
    std::vector<double> zonalMeans(sourceRows, 0.0);
    for (std::size_t row = 0; row < rows; ++row) {
        if (poleRow_[row] >= 0) {
            const auto poleRow = static_cast<std::size_t>(poleRow_[row]);
            const float* values = field.data() + poleRow * sourceColumns;
            double sum = 0.0;
            for (std::size_t k = 0; k < zonalMean_.sources.size(); ++k) {
                sum += zonalMean_.weights[k] * static_cast<double>(values[zonalMean_.sources[k]]);
            }
            zonalMeans[poleRow] = sum;
        }
    }
    std::vector<float> result(rows * columns);
    for (std::size_t row = 0; row < rows; ++row) {
        float* out = result.data() + row * columns;
        const double pole =
            poleRow_[row] >= 0 ? poleWeight_[row] * zonalMeans[static_cast<std::size_t>(poleRow_[row])] : 0.0;
        for (std::size_t column = 0; column < columns; ++column) {
            double sum = pole;
            for (std::size_t k = latitude_.offsets[row]; k < latitude_.offsets[row + 1]; ++k) {
                sum += latitude_.weights[k] * alongLongitude[latitude_.sources[k] * columns + column];
            }
            out[column] = static_cast<float>(sum);
        }
    }
    return result;
}

graphcast::Dataset regridDataset(graphcast::Dataset dataset, const LatLonGrid& target, RegridMethod method,
                                 const std::string& file, std::string& note)
{
    note.clear();
    const Regridder regridder(dataset.grid, target, method, file);
    if (regridder.isIdentity()) {
        return dataset;
    }
    const std::size_t sourcePoints = dataset.grid.points();
    auto regridFields = [&](graphcast::Fields& fields) {
        for (auto& [name, values] : fields.variables) {
            if (values.empty() || values.size() % sourcePoints != 0) {
                throw InputError("variable '" + name + "' of initial condition '" + file + "' has " +
                                 std::to_string(values.size()) + " values, not a whole number of fields on its " +
                                 std::to_string(sourcePoints) + "-point grid");
            }
            std::vector<float> regridded;
            regridded.reserve(values.size() / sourcePoints * target.points());
            for (std::size_t offset = 0; offset < values.size(); offset += sourcePoints) {
                const std::vector<float> level = regridder.apply(std::span(values).subspan(offset, sourcePoints));
                regridded.insert(regridded.end(), level.begin(), level.end());
            }
            values = std::move(regridded);
        }
    };
    for (graphcast::Fields& fields : dataset.times) {
        regridFields(fields);
    }
    regridFields(dataset.statics);
    dataset.grid = target;
    note = "initial condition '" + file + "' regridded " + regridder.description();
    return dataset;
}

}  // namespace spreadcast::ic
