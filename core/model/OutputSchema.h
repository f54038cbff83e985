#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

// One output variable of a model, CF-described. A variable on levels has one field per level of
// the schema; the others have one field.
struct OutputVariable {
    std::string name;
    std::string standardName;  // CF standard name; empty where CF has none
    std::string longName;
    std::string units;
    bool onLevels = false;
};

// What a model writes: its grid (latitudes and longitudes in the order of the fields), its
// pressure levels (none for a single-layer model) and its variables. The writer, the statistics,
// the checksums and the MPI wire format follow it, so they never name a model's variables.
struct OutputSchema {
    std::vector<double> latitudes;   // degrees north, in field order
    std::vector<double> longitudes;  // degrees east, in field order
    std::string gridDescription;     // "Gaussian latitudes, north to south", "regular 1°, south to north"
    std::vector<double> levels;      // hPa, in field order; empty: no level dimension
    std::vector<OutputVariable> variables;

    std::size_t points() const { return latitudes.size() * longitudes.size(); }
    std::size_t levelCount(const OutputVariable& variable) const { return variable.onLevels ? levels.size() : 1; }
    // Values of one member's variable at one time: levels × lat × lon, level-major.
    std::size_t valueCount(std::size_t variable) const { return levelCount(variables[variable]) * points(); }
    // The index of a variable by name, or -1.
    int variableIndex(std::string_view name) const
    {
        for (std::size_t k = 0; k < variables.size(); ++k) {
            if (variables[k].name == name) {
                return static_cast<int>(k);
            }
        }
        return -1;
    }
};

}  // namespace spreadcast
