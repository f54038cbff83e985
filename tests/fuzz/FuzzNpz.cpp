// libFuzzer target for the .npz/.npy readers (docs/DEVELOPING.md, "Fuzzing"). The first byte
// chooses what the rest is fed to: 0 a bare .npy file, 1 an .npz archive whose arrays are all
// read and converted, 2 an .npz read as a GraphCast checkpoint. An InputError is the expected
// answer to bad input; anything else (a crash, a sanitizer report, another exception, a leak,
// an allocation beyond the RSS limit) is a finding.

#include "graphcast/CheckpointReader.h"
#include "graphcast/NpyArray.h"
#include "graphcast/NpzArchive.h"
#include "run/InputError.h"

#include <cstddef>
#include <cstdint>
#include <vector>

using namespace spreadcast::graphcast;

namespace {

void convertEveryWay(const NpyArray& array)
{
    const std::string where = "fuzz input";
    if (array.dtype.kind == NpyKind::Unicode || array.dtype.kind == NpyKind::Bytes) {
        npyToStrings(array, where);
        return;
    }
    npyToFloat32(array, where);
    npyToFloat64(array, where);
    if (array.dtype.kind != NpyKind::Float) {
        npyToIntegers(array, where);
    }
}

void readEveryArray(const NpzArchive& archive)
{
    for (const std::string& key : archive.keys()) {
        try {
            convertEveryWay(archive.readArray(key));
        } catch (const spreadcast::InputError&) {
            // One damaged entry must not hide what the others do to the reader.
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const int mode = data[0] % 3;
    std::vector<std::byte> bytes(size - 1);
    for (std::size_t i = 1; i < size; ++i) {
        bytes[i - 1] = static_cast<std::byte>(data[i]);
    }
    try {
        switch (mode) {
        case 0: convertEveryWay(parseNpy(std::move(bytes), "fuzz input")); break;
        case 1: readEveryArray(NpzArchive::openBuffer(std::move(bytes), "fuzz input")); break;
        default: readCheckpoint(NpzArchive::openBuffer(std::move(bytes), "fuzz input")); break;
        }
    } catch (const spreadcast::InputError&) {
    }
    return 0;
}
