#pragma once

#include "spectral/AlignedBuffer.h"

#include <array>
#include <string_view>

namespace spreadcast {

// The output variables of one member at one time on the model's Gaussian grid, each
// nlat × nlon, latitude north to south, longitude from 0° eastwards.
struct GridFields {
    AlignedVector<double> height;     // free-surface height above sea level, m
    AlignedVector<double> u;          // eastward wind, m s⁻¹
    AlignedVector<double> v;          // northward wind, m s⁻¹
    AlignedVector<double> vorticity;  // relative vorticity, s⁻¹
};

// Names, units and CF standard names of the output variables, in GridFields order.
struct OutputVariable {
    std::string_view name;
    std::string_view standardName;
    std::string_view longName;
    std::string_view units;
    AlignedVector<double> GridFields::*field;
};

inline constexpr std::array<OutputVariable, 4> outputVariables{{
    {"height", "geopotential_height", "height of the free surface above sea level", "m", &GridFields::height},
    {"u", "eastward_wind", "eastward wind", "m s-1", &GridFields::u},
    {"v", "northward_wind", "northward wind", "m s-1", &GridFields::v},
    {"vorticity", "atmosphere_relative_vorticity", "relative vorticity", "s-1", &GridFields::vorticity},
}};

// The index of an output variable by name in outputVariables, or -1.
inline int outputVariableIndex(std::string_view name)
{
    for (std::size_t k = 0; k < outputVariables.size(); ++k) {
        if (outputVariables[k].name == name) {
            return static_cast<int>(k);
        }
    }
    return -1;
}

}  // namespace spreadcast
