#include "ic/InitialConditionSource.h"

#include "graphcast/DatasetReader.h"
#include "ic/CdsNetcdfSource.h"
#include "ic/DatasetAssembler.h"
#include "ic/GribSource.h"
#include "run/InputError.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <string_view>

namespace spreadcast::ic {

namespace {

// How far into a file a GRIB message may start: WMO bulletins put an abbreviated heading first.
constexpr std::size_t gribSearchLength = 4096;

bool startsWith(std::string_view head, std::string_view magic)
{
    return head.substr(0, magic.size()) == magic;
}

}  // namespace

SourceFormat detectSourceFormat(const std::string& path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        throw InputError("initial condition '" + path +
                         "' cannot be opened: check the path and that the file is readable");
    }
    std::array<char, gribSearchLength> buffer{};
    file.read(buffer.data(), buffer.size());
    const std::string_view head(buffer.data(), static_cast<std::size_t>(file.gcount()));
    // NetCDF classic (CDF\1, \2, \5) and NetCDF-4 (an HDF5 file). Checked before GRIB: the CDS's
    // NetCDF carries attributes such as GRIB_paramId.
    if (startsWith(head, "CDF") || startsWith(head, "\x89HDF\r\n\x1a\n")) {
        return hasCdsDimensions(path) ? SourceFormat::CdsNetcdf : SourceFormat::DeepMindNetcdf;
    }
    if (head.find("GRIB") != std::string_view::npos) {
        return SourceFormat::Grib;
    }
    return SourceFormat::Unknown;
}

graphcast::Dataset readInitialConditionSource(const std::string& path,
                                              std::vector<PrecipitationAccumulation>* precipitation)
{
    if (precipitation != nullptr) {
        precipitation->clear();
    }
    switch (detectSourceFormat(path)) {
    case SourceFormat::DeepMindNetcdf: return graphcast::readDataset(path);
    case SourceFormat::CdsNetcdf: return readCdsNetcdfSource(path, precipitation);
    case SourceFormat::Grib: return readGribSource(path, precipitation);
    case SourceFormat::Unknown: break;
    }
    throw InputError("initial condition '" + path +
                     "' is not a file Spreadcast can read: give GRIB 1 or 2 (ECMWF open data, MARS), NetCDF from "
                     "the Copernicus Climate Data Store, or NetCDF in DeepMind's GraphCast example layout");
}

graphcast::Dataset readInitialConditionSources(const std::vector<std::string>& paths)
{
    if (paths.empty()) {
        throw InputError("no initial-condition file given: give one or more with --ic FILE");
    }
    if (paths.size() == 1) {
        return readInitialConditionSource(paths.front());
    }
    std::string sources;
    for (const std::string& path : paths) {
        sources += (sources.empty() ? "'" : ", '") + path + "'";
    }
    DatasetAssembler assembler("initial-condition files " + sources);
    for (const std::string& path : paths) {
        if (std::count(paths.begin(), paths.end(), path) > 1) {
            throw InputError("initial-condition file '" + path + "' is given twice: give each file once");
        }
        assembler.addDataset(readInitialConditionSource(path), "'" + path + "'");
    }
    return assembler.finish();
}

}  // namespace spreadcast::ic
