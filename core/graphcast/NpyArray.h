#pragma once

// One array in numpy's .npy format (numpy/lib/format.py, versions 1.0, 2.0 and 3.0): a magic
// string, a version, a header that is a Python dict literal {'descr', 'fortran_order', 'shape'}
// and the items. Only what checkpoints and their configs hold is accepted: little-endian
// numbers, booleans and fixed-size strings; object arrays (pickles), structured, complex and
// big-endian dtypes are refused with an InputError, never interpreted.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

enum class NpyKind { Float, SignedInteger, UnsignedInteger, Bool, Unicode, Bytes };

struct NpyDtype {
    NpyKind kind = NpyKind::Float;
    std::size_t itemSize = 0;  // bytes per item; a Unicode item holds itemSize / 4 UTF-32 code units
    std::string descr;         // as the header spells it, e.g. "<f4", for messages
};

// The items are little-endian and in C order: an array written with fortran_order True is
// transposed while it is parsed.
struct NpyArray {
    NpyDtype dtype;
    std::vector<std::int64_t> shape;  // empty for a 0-d array (one item)
    std::vector<std::byte> data;      // elementCount() · dtype.itemSize bytes
    std::int64_t elementCount() const;
};

// Parses a whole .npy file. `where` names the file and entry for messages ("checkpoint 'a.npz',
// entry 'x.npy'"). Throws InputError for anything malformed or unsupported, including a data
// size that disagrees with the header's shape.
NpyArray parseNpy(std::vector<std::byte> bytes, const std::string& where);

// The items as float32 (floats, integers and booleans; float64 and integers are rounded).
std::vector<float> npyToFloat32(const NpyArray& array, const std::string& where);
// The items as float64 (floats, integers and booleans).
std::vector<double> npyToFloat64(const NpyArray& array, const std::string& where);
// The items as integers (integer and boolean dtypes only; an integer above INT64_MAX is refused).
std::vector<std::int64_t> npyToIntegers(const NpyArray& array, const std::string& where);
// The items as UTF-8 strings (Unicode and Bytes dtypes), numpy's trailing NUL padding removed.
std::vector<std::string> npyToStrings(const NpyArray& array, const std::string& where);

}  // namespace spreadcast::graphcast
