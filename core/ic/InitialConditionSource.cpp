#include "ic/InitialConditionSource.h"

#include "graphcast/DatasetReader.h"
#include "run/InputError.h"

#include <array>
#include <cstring>
#include <fstream>

namespace spreadcast::ic {

namespace {

bool startsWith(const std::array<char, 8>& head, std::size_t length, const char* magic)
{
    const std::size_t magicLength = std::strlen(magic);
    return length >= magicLength && std::memcmp(head.data(), magic, magicLength) == 0;
}

}  // namespace

SourceFormat detectSourceFormat(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw InputError("initial condition '" + path +
                         "' cannot be opened: check the path and that the file is readable");
    }
    std::array<char, 8> head{};
    file.read(head.data(), head.size());
    const auto length = static_cast<std::size_t>(file.gcount());
    // NetCDF classic (CDF\1, \2, \5) and NetCDF-4 (an HDF5 file).
    if (startsWith(head, length, "CDF") || startsWith(head, length, "\x89HDF\r\n\x1a\n")) {
        return SourceFormat::DeepMindNetcdf;
    }
    return SourceFormat::Unknown;
}

graphcast::Dataset readInitialConditionSource(const std::string& path)
{
    switch (detectSourceFormat(path)) {
    case SourceFormat::DeepMindNetcdf: return graphcast::readDataset(path);
    case SourceFormat::Unknown: break;
    }
    throw InputError("initial condition '" + path +
                     "' is not a file Spreadcast can read: give a NetCDF file in DeepMind's GraphCast example layout");
}

}  // namespace spreadcast::ic
