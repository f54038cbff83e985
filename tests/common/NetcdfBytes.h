#pragma once

// Byte-for-byte comparison of NetCDF outputs: core's, under the tests' old names.

#include "io/NetcdfCompare.h"

namespace spreadcast::testing {

using spreadcast::differingVariables;
using spreadcast::variableBytes;

}  // namespace spreadcast::testing
