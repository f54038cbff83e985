#pragma once

#include "io/CfTimeUnits.h"

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

// What a dimension is, from its coordinate variable's standard_name, units, axis and positive
// attributes (CF 1.8 §4.1–4.4), and failing those from common names (lat, lon, time, level,
// member, …). Member is an ensemble dimension (standard_name realization, CF 1.8 §4.5 and
// Appendix A; ECMWF's "number").
enum class CfAxis { Latitude, Longitude, Time, Level, Member, Other };
std::string_view axisName(CfAxis axis);  // "latitude", "longitude", "time", "level", "member", "other"

// Unit spellings differ only in case, separators and exponent marks: "m s**-1", "M.s-1" and
// "m s-1" all become "ms-1", "m^2 s^-2" becomes "m2s-2".
std::string normalizedUnits(std::string_view units);

struct CfDimension {
    std::string name;
    std::size_t length = 0;
    bool unlimited = false;
    int coordinate = -1;  // position in CfReader::variables() of its 1-D coordinate variable; -1 for none
    CfAxis axis = CfAxis::Other;
};

// How a variable's stored numbers become values (CF 1.8 §2.5.1 and §8.1): unpacked as
// stored × scale + offset; missing where the stored number is a fill value (_FillValue, or the
// type's default fill when there is none), one of missing_value, or outside valid_min,
// valid_max or valid_range — bounds of the stored type describe stored numbers, bounds of
// another type (a packed variable's float bounds) unpacked values.
struct CfPacking {
    bool packed = false;
    double scale = 1.0;
    double offset = 0.0;
    std::vector<double> missing;  // stored numbers, exactly as the stored type holds them
    double storedMin = -HUGE_VAL;
    double storedMax = HUGE_VAL;
    double unpackedMin = -HUGE_VAL;
    double unpackedMax = HUGE_VAL;
};

struct CfVariable {
    int id = -1;  // the netCDF variable id
    std::string name;
    int type = 0;                      // the netCDF type (nc_type)
    std::vector<int> dimensions;       // positions in CfReader::dimensions(), in file order
    std::vector<CfAxis> axes;          // the axis of each of those dimensions
    std::string standardName;          // empty when absent
    std::string longName;              // empty when absent
    std::optional<std::string> units;  // nullopt when absent
    CfPacking packing;

    bool isNumeric() const;
    // Where the first dimension along axis sits in dimensions, if the variable has one.
    std::optional<std::size_t> position(CfAxis axis) const;
};

// How a reader names its file in messages: "initial-condition file", "forecast"; and what a
// person should give instead of a file that is not NetCDF.
struct CfFileKind {
    std::string name;
    std::string advice;
};

// A part of a variable to read: per dimension a first index and a count. It starts as the whole
// variable; select() narrows one dimension. E.g. one time of a (batch, time, level, lat, lon)
// variable with every level: CfHyperslab(reader, variable).select(0, 0).select(CfAxis::Time, 1).
class CfHyperslab {
public:
    CfHyperslab(const class CfReader& reader, const CfVariable& variable);

    // One index along the variable's (first) dimension of axis. Throws InputError when the
    // variable has no such dimension or the index is out of range, naming both.
    CfHyperslab& select(CfAxis axis, std::size_t index);
    // count indices from first along the dimension at position (a place in variable.dimensions).
    CfHyperslab& select(std::size_t position, std::size_t first, std::size_t count = 1);

    const std::vector<std::size_t>& start() const { return start_; }
    const std::vector<std::size_t>& count() const { return count_; }
    std::size_t valueCount() const;

private:
    const CfReader& reader_;
    const CfVariable& variable_;
    std::vector<std::size_t> start_;
    std::vector<std::size_t> count_;
};

// The horizontal grid of a variable, sorted for interpolation: latitudes ascending, longitudes
// ascending in [0, 360) with a repeated meridian (0° and 360°) kept once, each with the index
// in the file it came from.
struct CfHorizontalGrid {
    std::vector<double> latitudes;
    std::vector<std::size_t> latitudeIndex;
    std::vector<double> longitudes;
    std::vector<std::size_t> longitudeIndex;
    bool latitudesDescending = false;  // in the file: north to south, as ERA5 stores them
};

// Reads a CF NetCDF file (netCDF-C): its dimensions with their axes, its variables with their
// packing and missing values, time coordinates decoded in their calendar, and hyperslabs of
// values unpacked with missing values as NaN. Every problem is an InputError that names the
// file (and variable) and says what to do. Every netCDF call holds netcdfLibraryMutex(), so a
// caller must not hold it; one reader is used from one thread at a time.
class CfReader {
public:
    CfReader(std::string path, CfFileKind kind);
    ~CfReader();
    CfReader(const CfReader&) = delete;
    CfReader& operator=(const CfReader&) = delete;

    const std::string& path() const { return path_; }
    std::string fileName() const;
    const CfFileKind& kind() const { return kind_; }
    const std::vector<CfDimension>& dimensions() const { return dimensions_; }
    const std::vector<CfVariable>& variables() const { return variables_; }
    const CfVariable* variable(std::string_view name) const;  // nullptr when absent
    // The dimension at position of variable's dimensions.
    const CfDimension& dimension(const CfVariable& variable, std::size_t position) const;
    const CfVariable* coordinate(const CfDimension& dimension) const;  // nullptr when it has none
    // "(time=3, lat=73, lon=144)", for messages.
    std::string shapeText(const CfVariable& variable) const;
    // "variable 'u' in initial-condition file 'path'", for messages.
    std::string where(const CfVariable& variable) const;

    // A text attribute, trimmed; nullopt when absent or not text. variable nullptr: global.
    std::optional<std::string> text(const CfVariable* variable, const char* attribute) const;
    // A numeric attribute's values; nullopt when absent or not numeric.
    std::optional<std::vector<double>> numbers(const CfVariable* variable, const char* attribute) const;

    // Values of a slab in file order (the last dimension varying fastest), unpacked, NaN where
    // missing. T is float or double.
    template <typename T>
    std::vector<T> read(const CfVariable& variable, const CfHyperslab& slab) const;
    // Every value of a variable (a coordinate, a scalar), as read<double> does.
    std::vector<double> values(const CfVariable& variable) const;

    // The time units and calendar of a time variable. Throws InputError naming the variable and
    // file when they are not CF time units or the calendar is unknown.
    CfTimeUnits timeUnits(const CfVariable& variable) const;

    // The variable's latitude and longitude coordinates, checked (two or more finite values,
    // latitudes monotonic within ±90°) and sorted. Throws InputError naming what is wrong.
    CfHorizontalGrid horizontalGrid(const CfVariable& variable) const;

    // The netCDF id, for copying the file as it is (attributes, chunking, compression).
    int ncid() const { return ncid_; }
    // Throws InputError for a netCDF error: "cannot <operation> in <kind> '<path>': …".
    void check(int status, const std::string& operation) const;

private:
    void inspect();
    // A text attribute (varid NC_GLOBAL: global), trimmed; nullopt when absent or not text. The
    // caller holds netcdfLibraryMutex().
    std::optional<std::string> attributeText(int varid, const char* attribute) const;
    CfPacking packingOf(const CfVariable& variable) const;
    CfAxis axisOf(const CfDimension& dimension) const;

    std::string path_;
    CfFileKind kind_;
    int ncid_ = -1;
    std::vector<CfDimension> dimensions_;  // in netCDF dimension id order
    std::vector<CfVariable> variables_;    // in netCDF variable id order
};

}  // namespace spreadcast
