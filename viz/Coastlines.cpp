#include "viz/Coastlines.h"

#include "io/NetcdfWriter.h"

#include <netcdf.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace spreadcast {
namespace {

class GshhgFile {
public:
    explicit GshhgFile(std::string path) : path_(std::move(path))
    {
        if (!std::filesystem::exists(path_)) {
            throw std::runtime_error("coastline file '" + path_ +
                                     "' does not exist — install Debian's gmt-gshhg-low (scripts/setup.sh) "
                                     "or point SPREADCAST_GSHHG at a binned_GSHHS_c.nc");
        }
        check(nc_open(path_.c_str(), NC_NOWRITE, &ncid_), "open the file");
    }
    ~GshhgFile() { nc_close(ncid_); }
    GshhgFile(const GshhgFile&) = delete;
    GshhgFile& operator=(const GshhgFile&) = delete;

    int scalar(const char* name) const
    {
        int value = 0;
        check(nc_get_var_int(ncid_, varid(name), &value), std::string("read '") + name + "'");
        return value;
    }

    template <typename T>
    std::vector<T> array(const char* name) const
    {
        const int id = varid(name);
        int dimid = 0;
        std::size_t length = 0;
        check(nc_inq_vardimid(ncid_, id, &dimid), std::string("read the dimension of '") + name + "'");
        check(nc_inq_dimlen(ncid_, dimid, &length), std::string("read the length of '") + name + "'");
        std::vector<T> values(length);
        if constexpr (std::is_same_v<T, int>) {
            check(nc_get_var_int(ncid_, id, values.data()), std::string("read '") + name + "'");
        } else if constexpr (std::is_same_v<T, short>) {
            check(nc_get_var_short(ncid_, id, values.data()), std::string("read '") + name + "'");
        } else {
            check(nc_get_var_schar(ncid_, id, values.data()), std::string("read '") + name + "'");
        }
        return values;
    }

    bool has(const char* name) const
    {
        int id = 0;
        return nc_inq_varid(ncid_, name, &id) == NC_NOERR;
    }

private:
    int varid(const char* name) const
    {
        int id = 0;
        check(nc_inq_varid(ncid_, name, &id),
              std::string("find variable '") + name + "' (is this a GMT binned GSHHG file?)");
        return id;
    }
    void check(int status, const std::string& what) const
    {
        if (status != NC_NOERR) {
            throw std::runtime_error("cannot " + what + " in coastline file '" + path_ + "': " + nc_strerror(status));
        }
    }

    std::string path_;
    int ncid_ = -1;
};

}  // namespace

std::string defaultCoastlinePath()
{
    if (const char* path = std::getenv("SPREADCAST_GSHHG"); path != nullptr && *path != '\0') {
        return path;
    }
    return "/usr/share/gmt-gshhg/binned_GSHHS_c.nc";
}

Coastlines readGshhgCoastlines(const std::string& path)
{
    std::lock_guard library(netcdfLibraryMutex());
    const GshhgFile file(path);
    const int binMinutes = file.scalar("Bin_size_in_minutes");
    const int binsPerRow = file.scalar("N_bins_in_360_longitude_range");
    const auto firstSegment = file.array<int>("Id_of_first_segment_in_a_bin");
    const auto segmentCount = file.array<short>("N_segments_in_a_bin");
    const auto segmentInfo = file.array<int>("Embedded_npts_levels_exit_entry_for_a_segment");
    const auto firstPoint = file.array<int>("Id_of_first_point_in_a_segment");
    const auto dx = file.array<short>("Relative_longitude_from_SW_corner_of_bin");
    const auto dy = file.array<short>("Relative_latitude_from_SW_corner_of_bin");
    const std::vector<signed char> antarcticIceFront =
        file.has("Embedded_ANT_flag") ? file.array<signed char>("Embedded_ANT_flag") : std::vector<signed char>{};
    if (binMinutes <= 0 || binsPerRow <= 0 || firstSegment.size() != segmentCount.size() ||
        firstPoint.size() != segmentInfo.size() || dx.size() != dy.size()) {
        throw std::runtime_error("coastline file '" + path + "' is inconsistent (bin or segment arrays disagree)");
    }

    // GMT's binned layout: bins row by row from the north, points as unsigned 16-bit offsets
    // from the bin's south-west corner; a segment's info packs points << 9 | level << 6 | exit,
    // entry. Level 6 is Antarctica's grounding line, an alternative to the ice front.
    const double binDegrees = binMinutes / 60.0;
    Coastlines coastlines;
    coastlines.source = "GSHHG 2.3 crude shorelines (Wessel & Smith), " + path;
    for (std::size_t bin = 0; bin < firstSegment.size(); ++bin) {
        const double west = static_cast<double>(static_cast<int>(bin) % binsPerRow) * binDegrees;
        const double south = 90.0 - static_cast<double>(static_cast<int>(bin) / binsPerRow + 1) * binDegrees;
        for (int k = 0; k < segmentCount[bin]; ++k) {
            const std::size_t segment = static_cast<std::size_t>(firstSegment[bin] + k);
            if (segment >= segmentInfo.size()) {
                throw std::runtime_error("coastline file '" + path + "' has a segment index out of range");
            }
            const int info = segmentInfo[segment];
            const int level = (info >> 6) & 7;
            const bool iceFront = segment < antarcticIceFront.size() && antarcticIceFront[segment] != 0;
            if (!iceFront && (level < 1 || level > 2)) {
                continue;
            }
            const std::size_t points = static_cast<std::size_t>(info >> 9);
            const std::size_t first = static_cast<std::size_t>(firstPoint[segment]);
            if (points < 2 || first + points > dx.size()) {
                continue;
            }
            std::vector<std::pair<float, float>> line;
            line.reserve(points);
            for (std::size_t p = first; p < first + points; ++p) {
                const double lon = west + static_cast<unsigned short>(dx[p]) * binDegrees / 65535.0;
                const double lat = south + static_cast<unsigned short>(dy[p]) * binDegrees / 65535.0;
                line.emplace_back(static_cast<float>(lon), static_cast<float>(lat));
            }
            coastlines.lines.push_back(std::move(line));
        }
    }
    return coastlines;
}

const CoastlineLoad& sharedCoastlines()
{
    static const CoastlineLoad load = [] {
        CoastlineLoad result;
        try {
            result.coastlines = readGshhgCoastlines(defaultCoastlinePath());
        } catch (const std::exception& error) {
            result.error = error.what();
        }
        return result;
    }();
    return load;
}

}  // namespace spreadcast
