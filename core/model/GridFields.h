#pragma once

#include "spectral/AlignedBuffer.h"

#include <vector>

namespace spreadcast {

// The output variables of one member at one time, one array per variable of the model's
// OutputSchema, in its order; each levels × nlat × nlon (level-major) or nlat × nlon, on the
// schema's latitudes and longitudes.
struct GridFields {
    std::vector<AlignedVector<double>> variables;
};

}  // namespace spreadcast
