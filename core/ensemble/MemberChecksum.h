#pragma once

#include "model/GridFields.h"

#include <cstdint>
#include <stdexcept>

namespace spreadcast {

// XXH3-64 of a member's output at one time: the double-precision bytes of its variables in the
// model's schema order (shallow water: height, u, v, vorticity). Two runs of the same member must give the same
// checksum (DESIGN.md).
std::uint64_t fieldsChecksum(const GridFields& fields);

// Two copies of one (member, time) that differ: never merged, always reported.
class DeterminismViolation : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace spreadcast
