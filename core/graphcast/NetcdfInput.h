#pragma once

// A netCDF file opened for reading by the GraphCast readers (normalisation statistics, example
// datasets): its variables with their dimensions, attributes and values unpacked as CF says
// (_FillValue and missing_value become NaN, then value · scale_factor + add_offset). Failures are
// InputErrors that name the file, and what it is (`role`, e.g. "normalisation file").
// netCDF-C is not thread-safe: the caller holds netcdfLibraryMutex() (io/NetcdfWriter.h) for as
// long as a NetcdfInput lives.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

struct NetcdfDimension {
    std::string name;
    std::size_t length = 0;
};

struct NetcdfVariable {
    std::string name;
    int id = -1;
    int type = 0;  // nc_type
    std::vector<NetcdfDimension> dimensions;
    std::vector<std::string> dimensionNames() const;
    std::size_t size() const;  // product of the dimension lengths
    bool holdsIntegers() const;
};

class NetcdfInput {
public:
    NetcdfInput(std::string path, std::string role);
    ~NetcdfInput();
    NetcdfInput(const NetcdfInput&) = delete;
    NetcdfInput& operator=(const NetcdfInput&) = delete;

    const std::string& path() const { return path_; }
    // "normalisation file 'DIR/mean_by_level.nc'", for messages.
    std::string describe() const;
    const std::vector<NetcdfVariable>& variables() const { return variables_; }
    const NetcdfVariable* findVariable(const std::string& name) const;
    std::optional<NetcdfDimension> findDimension(const std::string& name) const;
    // A variable that is a coordinate: 1-d over the dimension of its own name.
    bool isCoordinate(const NetcdfVariable& variable) const;

    std::optional<std::string> textAttribute(const NetcdfVariable& variable, const std::string& name) const;
    // Values of a hyperslab (start, count per dimension; empty for all), unpacked.
    std::vector<double> readValues(const NetcdfVariable& variable, const std::vector<std::size_t>& start = {},
                                   const std::vector<std::size_t>& count = {}) const;
    // Raw integer values, for time coordinates that need all 64 bits.
    std::vector<long long> readIntegers(const NetcdfVariable& variable) const;

private:
    void check(int status, const std::string& operation) const;
    void listVariables();
    std::optional<double> numberAttribute(const NetcdfVariable& variable, const char* name) const;

    std::string path_;
    std::string role_;
    int ncid_ = -1;
    std::vector<NetcdfVariable> variables_;
};

}  // namespace spreadcast::graphcast
