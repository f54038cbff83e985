#include "ic/GribSource.h"

#include "ic/DatasetAssembler.h"
#include "ic/SourceVariables.h"
#include "run/InputError.h"

#include <eccodes.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

namespace spreadcast::ic {

namespace {

// The finest grid read: 0.04° global (9000 × 4501); Spreadcast's models run at 0.25° and 1°,
// and a corrupt header claiming billions of points must not be allocated.
constexpr long maximumPoints = 9000L * 4501L;

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};
struct HandleDeleter {
    void operator()(codes_handle* handle) const { codes_handle_delete(handle); }
};
using Handle = std::unique_ptr<codes_handle, HandleDeleter>;

// ecCodes writes its own errors to stderr; the InputError this reader throws says all of it in
// the person's terms, so the library stays quiet.
void silenceEccodes()
{
    static std::once_flag once;
    std::call_once(once, [] {
        codes_context_set_logging_proc(codes_context_get_default(), [](const codes_context*, int, const char*) {});
    });
}

// One message being read: where it is for messages, and typed access to its keys.
class Message {
public:
    Message(codes_handle* handle, std::string where) : handle_(handle), where_(std::move(where)) {}
    const std::string& where() const { return where_; }

    std::optional<long> optionalLong(const char* key) const
    {
        long value = 0;
        if (codes_get_long(handle_, key, &value) != CODES_SUCCESS) {
            return std::nullopt;
        }
        return value;
    }
    long integer(const char* key) const
    {
        long value = 0;
        check(codes_get_long(handle_, key, &value), key);
        return value;
    }
    double real(const char* key) const
    {
        double value = 0;
        check(codes_get_double(handle_, key, &value), key);
        return value;
    }
    std::string text(const char* key) const
    {
        char value[256] = {};
        std::size_t length = sizeof value;
        check(codes_get_string(handle_, key, value, &length), key);
        return std::string(value, strnlen(value, sizeof value));
    }
    std::vector<double> reals(const char* key) const
    {
        std::size_t size = 0;
        check(codes_get_size(handle_, key, &size), key);
        std::vector<double> values(size);
        check(codes_get_double_array(handle_, key, values.data(), &size), key);
        values.resize(size);
        return values;
    }
    std::vector<long> integers(const char* key) const
    {
        std::size_t size = 0;
        check(codes_get_size(handle_, key, &size), key);
        std::vector<long> values(size);
        check(codes_get_long_array(handle_, key, values.data(), &size), key);
        values.resize(size);
        return values;
    }
    void set(const char* key, const char* value) const
    {
        std::size_t length = std::strlen(value);
        check(codes_set_string(handle_, key, value, &length), key);
    }

    [[noreturn]] void fail(const std::string& problem) const { throw InputError(where_ + " " + problem); }

private:
    void check(int status, const char* key) const
    {
        if (status != CODES_SUCCESS) {
            fail("is corrupt: its key '" + std::string(key) + "' cannot be decoded (" +
                 codes_get_error_message(status) + "); download the file again");
        }
    }

    codes_handle* handle_;
    std::string where_;
};

double roundToMicrodegrees(double degrees)
{
    return std::round(degrees * 1e6) / 1e6;
}

// Where each value of a regular_ll message goes on the Dataset's grid (latitudes ascending,
// longitudes wrapped into [0, 360) ascending, a repeated meridian kept once): a point index, or
// −1 for a value on a repeated meridian.
struct GribGeometry {
    graphcast::LatLonGrid grid;
    std::vector<long> targetOfValue;
};

GribGeometry geometryOf(const Message& message)
{
    const std::string gridType = message.text("gridType");
    if (gridType != "regular_ll") {
        const bool gaussian = gridType.find("gg") != std::string::npos;
        message.fail("is on a '" + gridType + "' grid" +
                     (gaussian ? " (a Gaussian grid, as IFS fields come from MARS unless asked otherwise)" : "") +
                     "; Spreadcast reads GRIB on regular latitude–longitude grids (regular_ll) only: retrieve the "
                     "data on one (MARS or the CDS: grid=0.25/0.25), or interpolate the file first, e.g. "
                     "'cdo -R remapbil,r1440x721 IN OUT'");
    }
    const long ni = message.integer("Ni");
    const long nj = message.integer("Nj");
    if (ni < 2 || nj < 2 || ni > maximumPoints / nj) {
        message.fail("has a regular_ll grid of " + std::to_string(ni) + " × " + std::to_string(nj) +
                     " points; Spreadcast reads grids from 2 × 2 up to " + std::to_string(maximumPoints) +
                     " points (0.04°)");
    }
    if (message.optionalLong("alternativeRowScanning").value_or(0) != 0) {
        message.fail("scans alternate rows in opposite directions (boustrophedonic), which Spreadcast does not "
                     "read: convert it with 'grib_set -s alternativeRowScanning=0' after reordering, or with cdo");
    }
    const bool iNegative = message.integer("iScansNegatively") != 0;
    const bool jPositive = message.integer("jScansPositively") != 0;
    const bool jConsecutive = message.integer("jPointsAreConsecutive") != 0;
    const double latitudeFirst = message.real("latitudeOfFirstGridPointInDegrees");
    const double latitudeLast = message.real("latitudeOfLastGridPointInDegrees");
    const double longitudeFirst = message.real("longitudeOfFirstGridPointInDegrees");
    const double longitudeLast = message.real("longitudeOfLastGridPointInDegrees");

    // Spacing from the first and last points (exact for the decimal grids centres distribute);
    // the increments may be missing in a valid message.
    if (!std::isfinite(latitudeFirst) || !std::isfinite(latitudeLast) || !std::isfinite(longitudeFirst) ||
        !std::isfinite(longitudeLast)) {
        message.fail("has corner points that are not numbers; the file is damaged");
    }
    const double latitudeStep = (latitudeLast - latitudeFirst) / static_cast<double>(nj - 1);
    if ((latitudeStep > 0) != jPositive || latitudeStep == 0) {
        const std::string direction = jPositive ? "northwards" : "southwards";
        message.fail("says its rows run " + direction + " but its first and last latitudes are " +
                     std::to_string(latitudeFirst) + " and " + std::to_string(latitudeLast) + "; the file is damaged");
    }
    double longitudeSpan = iNegative ? longitudeFirst - longitudeLast : longitudeLast - longitudeFirst;
    longitudeSpan -= 360.0 * std::floor(longitudeSpan / 360.0);
    if (longitudeSpan == 0) {
        longitudeSpan = 360.0;  // first and last point on one meridian: the whole circle, repeated
    }
    const double longitudeStep = (iNegative ? -1.0 : 1.0) * longitudeSpan / static_cast<double>(ni - 1);
    std::vector<double> latitudes(static_cast<std::size_t>(nj));
    for (long j = 0; j < nj; ++j) {
        latitudes[static_cast<std::size_t>(j)] =
            roundToMicrodegrees(latitudeFirst + static_cast<double>(j) * latitudeStep);
        if (!(std::abs(latitudes[static_cast<std::size_t>(j)]) <= 90.0)) {
            message.fail("has latitudes beyond ±90° (" + std::to_string(latitudeFirst) + " to " +
                         std::to_string(latitudeLast) + "); the file is damaged");
        }
    }
    std::vector<std::pair<double, long>> wrapped;
    for (long i = 0; i < ni; ++i) {
        const double longitude = roundToMicrodegrees(longitudeFirst + static_cast<double>(i) * longitudeStep);
        wrapped.emplace_back(roundToMicrodegrees(longitude - 360.0 * std::floor(longitude / 360.0)), i);
    }
    std::stable_sort(wrapped.begin(), wrapped.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    GribGeometry geometry;
    std::vector<long> columnOf(static_cast<std::size_t>(ni), -1);
    for (const auto& [longitude, column] : wrapped) {
        // 0° and 360° (or −180° and 180°) are one meridian; keep its first column.
        const bool repeated =
            !geometry.grid.longitudes.empty() && (longitude - geometry.grid.longitudes.back() < 1e-6 ||
                                                  geometry.grid.longitudes.front() + 360.0 - longitude < 1e-6);
        if (!repeated) {
            columnOf[static_cast<std::size_t>(column)] = static_cast<long>(geometry.grid.longitudes.size());
            geometry.grid.longitudes.push_back(longitude);
        }
    }
    std::vector<long> rowOf(static_cast<std::size_t>(nj));
    for (long j = 0; j < nj; ++j) {
        rowOf[static_cast<std::size_t>(j)] = jPositive ? j : nj - 1 - j;
    }
    geometry.grid.latitudes = latitudes;
    if (!jPositive) {
        std::reverse(geometry.grid.latitudes.begin(), geometry.grid.latitudes.end());
    }

    const long columns = static_cast<long>(geometry.grid.longitudes.size());
    geometry.targetOfValue.resize(static_cast<std::size_t>(ni * nj));
    for (long k = 0; k < ni * nj; ++k) {
        const long i = jConsecutive ? k / nj : k % ni;
        const long j = jConsecutive ? k % nj : k / ni;
        const long column = columnOf[static_cast<std::size_t>(i)];
        geometry.targetOfValue[static_cast<std::size_t>(k)] =
            column < 0 ? -1 : rowOf[static_cast<std::size_t>(j)] * columns + column;
    }
    return geometry;
}

// Seconds since 1970-01-01 00:00 UTC of the message's validity date and time.
std::int64_t validTimeOf(const Message& message)
{
    const long date = message.integer("validityDate");  // YYYYMMDD
    const long time = message.integer("validityTime");  // hhmm
    const std::optional<std::int64_t> seconds =
        date >= 0 && date <= 99991231 && time >= 0 && time <= 2359
            ? utcSeconds(static_cast<int>(date / 10000), static_cast<int>(date / 100 % 100),
                         static_cast<int>(date % 100), static_cast<int>(time / 100), static_cast<int>(time % 100), 0)
            : std::nullopt;
    if (!seconds || date / 10000 < 1) {
        message.fail("has validity date " + std::to_string(date) + " time " + std::to_string(time) +
                     ", which is not a date; the file is damaged");
    }
    return *seconds;
}

// The pressure of an isobaric message in whole hPa.
int levelOf(const Message& message, const std::string& typeOfLevel)
{
    const long level = message.integer("level");
    if (typeOfLevel == "isobaricInhPa" && level >= 1 && level <= 2000) {
        return static_cast<int>(level);
    }
    if (typeOfLevel == "isobaricInPa" && level >= 100 && level <= 200000 && level % 100 == 0) {
        return static_cast<int>(level / 100);
    }
    message.fail("is on the pressure level " + std::to_string(level) +
                 (typeOfLevel == "isobaricInPa" ? " Pa" : " hPa") +
                 "; the learned models use whole hectopascals from 1 to 2000 hPa");
}

// The window (start, end] of a tp message, in seconds since 1970, from its validity and its
// stepRange in hours; nothing for a message that is not an accumulation or accumulates over no
// time (open data's step 0-0).
std::optional<std::pair<std::int64_t, std::int64_t>> accumulationWindow(const Message& message)
{
    if (message.text("stepType") != "accum") {
        return std::nullopt;
    }
    message.set("stepUnits", "h");
    const long hours = message.integer("endStep") - message.integer("startStep");
    if (hours <= 0 || hours > 24L * 366L * 100L) {
        return std::nullopt;
    }
    const std::int64_t end = validTimeOf(message);
    return std::make_pair(end - std::int64_t{3600} * hours, end);
}

void readMessage(const Message& message, DatasetAssembler& assembler)
{
    const std::string shortName = message.text("shortName");
    const std::string typeOfLevel = message.text("typeOfLevel");
    const SourceVariable* variable = gribVariable(shortName, typeOfLevel);
    if (variable == nullptr) {
        return;
    }
    std::optional<std::pair<std::int64_t, std::int64_t>> window;
    if (shortName == "tp") {
        window = accumulationWindow(message);
        if (!window) {
            return;
        }
    }
    const double factor =
        unitFactor(*variable, message.text("units"), message.where() + " ('" + shortName + "', " + typeOfLevel + ")");
    const GribGeometry geometry = geometryOf(message);
    const long declaredPoints = message.integer("numberOfDataPoints");
    if (declaredPoints != static_cast<long>(geometry.targetOfValue.size())) {
        message.fail("declares " + std::to_string(declaredPoints) + " data points for a grid of " +
                     std::to_string(geometry.targetOfValue.size()) + "; the file is damaged");
    }
    const std::vector<double> values = message.reals("values");
    if (values.size() != geometry.targetOfValue.size()) {
        message.fail("holds " + std::to_string(values.size()) + " values for a grid of " +
                     std::to_string(geometry.targetOfValue.size()) + " points; the file is damaged");
    }
    std::vector<long> bitmap;
    if (message.integer("bitmapPresent") != 0) {
        bitmap = message.integers("bitmap");
        if (bitmap.size() != values.size()) {
            message.fail("has a bitmap of " + std::to_string(bitmap.size()) + " bits for " +
                         std::to_string(values.size()) + " values; the file is damaged");
        }
    }
    std::vector<float> field(geometry.grid.points(), std::nanf(""));
    for (std::size_t k = 0; k < values.size(); ++k) {
        const long target = geometry.targetOfValue[k];
        if (target >= 0 && (bitmap.empty() || bitmap[k] != 0)) {
            field[static_cast<std::size_t>(target)] = toDatasetFloat(values[k] * factor, message.where());
        }
    }
    const std::string name(variable->graphcastName);
    if (window) {
        // Every window is kept for the assembly to combine; one of 6 hours is also GraphCast's
        // variable as it stands.
        if (window->second - window->first == 6 * 3600) {
            assembler.addSingleLevelField(geometry.grid, window->second, name, field, message.where());
        }
        assembler.addPrecipitation(geometry.grid, window->first, window->second, std::move(field), message.where());
        return;
    }
    switch (variable->shape) {
    case VariableShape::PressureLevels:
        assembler.addLevelField(geometry.grid, validTimeOf(message), name, levelOf(message, typeOfLevel),
                                std::move(field), message.where());
        break;
    case VariableShape::SingleLevel:
        assembler.addSingleLevelField(geometry.grid, validTimeOf(message), name, std::move(field), message.where());
        break;
    case VariableShape::Static: assembler.addStaticField(geometry.grid, name, std::move(field), message.where()); break;
    }
}

// The edition and length the next message (from the file's position on, where ecCodes will look
// for it) declares in its section 0 — exact for GRIB 2 and GRIB 1, a lower bound for GRIB 1's "large"
// messages (over 8 MiB, length in units of 120 bytes) — checked against what the file holds
// before ecCodes allocates that many bytes: a damaged length otherwise becomes an allocation of
// terabytes and a message about memory instead of about the file, or (too short) a buffer
// overflow inside ecCodes.
void checkDeclaredLength(std::FILE* file, std::uintmax_t fileSize, const std::string& where)
{
    const long position = std::ftell(file);
    std::uint32_t window = 0;
    long read = 0;
    for (int c = std::getc(file); c != EOF; c = std::getc(file)) {
        window = window << 8 | static_cast<std::uint32_t>(c);
        ++read;
        if (window == 0x47524942u) {  // "GRIB"
            break;
        }
    }
    std::array<unsigned char, 12> header{};  // after "GRIB": section 0's bytes 4…15
    const bool found = window == 0x47524942u && std::fread(header.data(), 1, header.size(), file) == header.size();
    std::fseek(file, position, SEEK_SET);
    if (!found) {
        return;  // no further message, or one too short to have a length: ecCodes says which
    }
    const std::uintmax_t start = static_cast<std::uintmax_t>(position + read - 4);
    std::uintmax_t length = 0;
    if (header[3] == 2) {
        for (std::size_t k = 4; k < 12; ++k) {
            length = length << 8 | header[k];
        }
    } else if (header[3] == 1) {
        length = std::uintmax_t{header[0]} << 16 | std::uintmax_t{header[1]} << 8 | header[2];
        if ((length & 0x800000u) != 0) {
            length = (length & 0x7fffffu) * 120u;
            length = length > 116u ? length - 116u : 0u;
        }
    } else {
        // ecCodes 2.28 does not refuse every other edition: it read the fuzzer's "edition 3"
        // message and asked for 1.2 EB of memory.
        throw InputError(where + " is corrupt or not GRIB: it declares GRIB edition " + std::to_string(header[3]) +
                         ", and only editions 1 and 2 exist; download the file again");
    }
    // Section 0, the fixed part of section 1 and "7777": 16 + 21 + 4 bytes in GRIB 2, 8 + 28 + 4 in
    // GRIB 1. ecCodes 2.28 copies section 0 into a buffer of the declared length unchecked.
    const std::uintmax_t shortest = header[3] == 2 ? 41u : 40u;
    if (length < shortest) {
        throw InputError(where + " is corrupt: it declares " + std::to_string(length) + " bytes, fewer than a GRIB " +
                         std::to_string(header[3]) + " message's headers take; download the file again");
    }
    if (length > fileSize - std::min(fileSize, start)) {
        throw InputError(where + " is truncated: it declares " + std::to_string(length) + " bytes but the file ends " +
                         std::to_string(fileSize - std::min(fileSize, start)) +
                         " bytes after its start (an interrupted download?); download the file again");
    }
}

}  // namespace

graphcast::Dataset readGribSource(const std::string& path, std::vector<PrecipitationAccumulation>* precipitation)
{
    // This build of ecCodes (Debian's) is not built for concurrent use of its default context
    // from several threads; reading initial conditions is rare, so one file at a time.
    static std::mutex eccodesMutex;
    const std::lock_guard lock(eccodesMutex);
    silenceEccodes();
    const std::string fileName = "'" + path + "'";
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        throw InputError("GRIB file " + fileName + " cannot be opened: check the path and that the file is readable");
    }
    std::error_code error;
    const std::uintmax_t fileSize = std::filesystem::file_size(path, error);
    if (error) {
        throw InputError("GRIB file " + fileName + " cannot be read (" + error.message() +
                         "): check that it is a file and readable");
    }
    DatasetAssembler assembler(fileName);
    for (long number = 1;; ++number) {
        const std::string where = "message " + std::to_string(number) + " in GRIB file " + fileName;
        checkDeclaredLength(file.get(), fileSize, where);
        int status = CODES_SUCCESS;
        Handle handle(codes_handle_new_from_file(nullptr, file.get(), PRODUCT_GRIB, &status));
        if (status == CODES_PREMATURE_END_OF_FILE) {
            throw InputError(where + " is truncated: the file ends inside it (an interrupted download?); download "
                                     "the file again");
        }
        if (status != CODES_SUCCESS) {
            throw InputError(where + " is corrupt (" + codes_get_error_message(status) + "); download the file again");
        }
        if (!handle) {
            if (number == 1) {
                throw InputError("GRIB file " + fileName + " holds no GRIB message; download the file again");
            }
            break;
        }
        readMessage(Message(handle.get(), where), assembler);
    }
    graphcast::Dataset dataset = assembler.finish();
    if (precipitation != nullptr) {
        *precipitation = assembler.takePrecipitation();
    }
    return dataset;
}

}  // namespace spreadcast::ic
