// The initial-condition sources (core/ic): one analysis written three ways — GRIB2 in ECMWF's
// open-data layout (ecCodes' own sample and API), NetCDF as the Copernicus Climate Data Store
// delivers it (netCDF-C), and DeepMind's GraphCast example layout — must read as the same
// Dataset, bit for bit, after the documented conversions (gh × 9.80665 → geopotential; CDS
// latitudes north to south and GRIB rows in any scanning order → ascending; packing undone).
// Then every kind of bad input is refused with an InputError that names what is wrong.
//
// GRIB's simple packing is lossy, so the values are decoded from the written GRIB file once and
// those decoded values are what the NetCDF files hold (tests/common/AnalysisFiles.h): every path
// then starts from the same doubles and the comparison can be exact.

#include "../common/AnalysisFiles.h"
#include "ic/InitialConditionSource.h"
#include "run/InputError.h"

#include <eccodes.h>
#include <netcdf.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>

using namespace spreadcast;
using spreadcast::graphcast::Dataset;
using namespace spreadcast::testing;

namespace {

// A 30° grid: 7 latitudes from 90°N to 90°S (GRIB's and the CDS's order), 12 longitudes from 0°.
constexpr int rows = 7;
constexpr int columns = 12;
constexpr int points = rows * columns;
constexpr long analysisDate = 20240101;
constexpr std::int64_t firstValidTime = 1704067200;  // 2024-01-01 00:00 UTC
const std::vector<long> steps = {0, 6};              // hours: valid at 00 and 06 UTC
const std::vector<long> levels = {500, 850};         // hPa
constexpr int missingRow = 3;                        // 2t is missing at one point (a bitmap)
constexpr int missingColumn = 4;
constexpr double gribMissingValue = 9999.0;
constexpr double gravity = standardGravity;

// Values at (row from the north, column from 0°), plausible for each parameter, different per
// level and step so that misplacing any field shows.
double valueOf(const std::string& shortName, long level, long step, int row, int column)
{
    const double r = row;
    const double c = column;
    const double s = static_cast<double>(step);
    const double l = level == 500 ? 0.0 : 1.0;
    if (shortName == "gh")
        return (l == 0 ? 5500.0 : 1500.0) + 10.0 * r + c + s;
    if (shortName == "t")
        return 250.0 + 20.0 * l + r + 0.25 * c + s;
    if (shortName == "u")
        return -20.0 + 3.0 * r + c + l + s;
    if (shortName == "v")
        return 10.0 - c + 2.0 * l - s;
    if (shortName == "w")
        return 0.01 * (r - c) + 0.1 * l;
    if (shortName == "q")
        return 0.001 * (1.0 + r) + 1e-5 * c + 0.002 * l;
    if (shortName == "2t")
        return row == missingRow && column == missingColumn ? gribMissingValue : 280.0 + r + c + s;
    if (shortName == "msl")
        return 100000.0 + 100.0 * r + 10.0 * c + s;
    if (shortName == "10u")
        return 5.0 - r + 0.5 * c;
    if (shortName == "10v")
        return -3.0 + r - s;
    if (shortName == "lsm")
        return (row + column) % 2;
    return 100.0 * r * c;  // z at the surface
}

// The analysis on the 30° grid, at 00 and 06 UTC.
SyntheticAnalysis analysis()
{
    SyntheticAnalysis analysis;
    analysis.rows = rows;
    analysis.columns = columns;
    analysis.levels = levels;
    analysis.steps = steps;
    analysis.analysisDate = analysisDate;
    analysis.analysisTime = firstValidTime;
    analysis.value = valueOf;
    analysis.missingValue = gribMissingValue;
    return analysis;
}

// Equal bit for bit, except that any NaN equals any NaN (a missing value has no one pattern).
bool identical(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (!(std::isnan(a[k]) && std::isnan(b[k])) && std::memcmp(&a[k], &b[k], sizeof(float)) != 0) {
            return false;
        }
    }
    return true;
}

// The first difference between two datasets, or empty.
std::string difference(const Dataset& a, const Dataset& b)
{
    if (a.grid.latitudes != b.grid.latitudes || a.grid.longitudes != b.grid.longitudes)
        return "grids differ";
    if (a.levels != b.levels)
        return "levels differ";
    if (a.validTimes != b.validTimes)
        return "valid times differ";
    if (a.times.size() != b.times.size())
        return "number of times differs";
    const auto compare = [](const graphcast::Fields& x, const graphcast::Fields& y, const std::string& when) {
        if (x.variables.size() != y.variables.size()) {
            return when + ": " + std::to_string(x.variables.size()) + " variables against " +
                   std::to_string(y.variables.size());
        }
        for (const auto& [name, values] : x.variables) {
            const auto other = y.variables.find(name);
            if (other == y.variables.end())
                return when + ": " + name + " missing";
            if (!identical(values, other->second))
                return when + ": " + name + " differs";
        }
        return std::string();
    };
    for (std::size_t time = 0; time < a.times.size(); ++time) {
        if (std::string problem = compare(a.times[time], b.times[time], "time " + std::to_string(time));
            !problem.empty()) {
            return problem;
        }
    }
    return compare(a.statics, b.statics, "statics");
}

}  // namespace

class TestInitialConditionSources : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void recognisesEachFormatByContent();
    void readsTheOpenDataLayout();
    void gribCdsAndDeepMindGiveTheSameDataset();
    void gribInAnyScanningOrderGivesTheSameDataset();
    void mergesOneFilePerTime();
    void convertsHectopascalsToPascals();
    void readsPrecipitationAccumulations();
    void readsGrib1();
    void refusesBadInputs_data();
    void refusesBadInputs();

private:
    std::string path(const char* name) const { return directory_.filePath(name).toStdString(); }
    void writeBytes(const char* name, const std::vector<char>& bytes) const
    {
        std::ofstream(path(name), std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }

    QTemporaryDir directory_;
    WrittenGrib grib_;
    DecodedFields decoded_;
};

void TestInitialConditionSources::initTestCase()
{
    QVERIFY(directory_.isValid());
    grib_ = writeGrib(path("open-data.grib2"), analysis(), GribLayout::NorthToSouthFromGreenwich, steps);
    decoded_ = decodeGrib(path("open-data.grib2"), analysis());
    QCOMPARE(decoded_.size(), std::size_t{2 * (6 * 2 + 6)});
    writeGrib(path("open-data-other-order.grib2"), analysis(), GribLayout::SouthToNorthFromDateLine, steps);
    writeGrib(path("open-data-00.grib2"), analysis(), GribLayout::NorthToSouthFromGreenwich, {0});
    writeGrib(path("open-data-06.grib2"), analysis(), GribLayout::NorthToSouthFromGreenwich, {6});
    writeCdsNetcdf(path("cds-pressure-levels.nc"), analysis(), cdsPressureLevelVariables, true, decoded_);
    writeCdsNetcdf(path("cds-single-levels.nc"), analysis(), cdsSingleLevelVariables, false, decoded_);
    writeDeepMindNetcdf(path("deepmind.nc"), analysis(), decoded_);
}

void TestInitialConditionSources::recognisesEachFormatByContent()
{
    QCOMPARE(ic::detectSourceFormat(path("open-data.grib2")), ic::SourceFormat::Grib);
    QCOMPARE(ic::detectSourceFormat(path("cds-pressure-levels.nc")), ic::SourceFormat::CdsNetcdf);
    QCOMPARE(ic::detectSourceFormat(path("deepmind.nc")), ic::SourceFormat::DeepMindNetcdf);
    // The name says nothing: a GRIB file called .nc is still GRIB.
    writeBytes("grib-named.nc", grib_.bytes);
    QCOMPARE(ic::detectSourceFormat(path("grib-named.nc")), ic::SourceFormat::Grib);
}

void TestInitialConditionSources::readsTheOpenDataLayout()
{
    const Dataset dataset = ic::readInitialConditionSource(path("open-data.grib2"));
    QCOMPARE(dataset.grid.latitudes, (std::vector<double>{-90, -60, -30, 0, 30, 60, 90}));
    QCOMPARE(dataset.grid.longitudes.size(), std::size_t{columns});
    QCOMPARE(dataset.grid.longitudes.back(), 330.0);
    QCOMPARE(dataset.levels, (std::vector<int>{500, 850}));
    QCOMPARE(dataset.validTimes, (std::vector<std::int64_t>{firstValidTime, firstValidTime + 6 * 3600}));
    QCOMPARE(dataset.times[1].variables.size(), std::size_t{10});
    QCOMPARE(dataset.statics.variables.size(), std::size_t{2});
    // gh at 850 hPa, 06 UTC, 60°N (row 1 from the north), 30°E: geopotential = gh × g.
    const std::vector<float>& geopotential = dataset.times[1].variables.at("geopotential");
    const std::size_t point = static_cast<std::size_t>(5 * columns + 1);  // 60°N is row 5 from the south
    const double gh = decoded_.at({"gh", 850, 6})[static_cast<std::size_t>(1 * columns + 1)];
    QCOMPARE(gh, 1500.0 + 10.0 + 1.0 + 6.0);
    QCOMPARE(geopotential[points + point], static_cast<float>(gh * gravity));
    const std::vector<float>& temperature2m = dataset.times[0].variables.at("2m_temperature");
    QVERIFY(std::isnan(temperature2m[static_cast<std::size_t>((rows - 1 - missingRow) * columns + missingColumn)]));
}

void TestInitialConditionSources::gribCdsAndDeepMindGiveTheSameDataset()
{
    const Dataset fromGrib = ic::readInitialConditionSource(path("open-data.grib2"));
    const Dataset fromCds =
        ic::readInitialConditionSources({path("cds-pressure-levels.nc"), path("cds-single-levels.nc")});
    const Dataset fromDeepMind = ic::readInitialConditionSource(path("deepmind.nc"));
    QVERIFY2(difference(fromGrib, fromCds).empty(), difference(fromGrib, fromCds).c_str());
    QVERIFY2(difference(fromGrib, fromDeepMind).empty(), difference(fromGrib, fromDeepMind).c_str());
}

void TestInitialConditionSources::gribInAnyScanningOrderGivesTheSameDataset()
{
    const Dataset expected = ic::readInitialConditionSource(path("open-data.grib2"));
    const Dataset reordered = ic::readInitialConditionSource(path("open-data-other-order.grib2"));
    QVERIFY2(difference(expected, reordered).empty(), difference(expected, reordered).c_str());
}

void TestInitialConditionSources::mergesOneFilePerTime()
{
    const Dataset expected = ic::readInitialConditionSource(path("open-data.grib2"));
    const Dataset merged = ic::readInitialConditionSources({path("open-data-06.grib2"), path("open-data-00.grib2")});
    QVERIFY2(difference(expected, merged).empty(), difference(expected, merged).c_str());
}

void TestInitialConditionSources::convertsHectopascalsToPascals()
{
    std::vector<NetcdfVariableSpec> inHectopascals = cdsSingleLevelVariables;
    inHectopascals[1] = {"msl", "hPa", "msl", 0.01};
    writeCdsNetcdf(path("cds-hpa.nc"), analysis(), inHectopascals, false, decoded_);
    const Dataset dataset = ic::readInitialConditionSource(path("cds-hpa.nc"));
    const std::vector<float>& pressure = dataset.times[0].variables.at("mean_sea_level_pressure");
    // Stored as float hPa, so within a float's rounding of the value in Pa (ε = 2⁻²³ relative).
    for (int row = 0; row < rows; ++row) {
        for (int column = 0; column < columns; ++column) {
            const double pascals = decoded_.at({"msl", 0, 0})[static_cast<std::size_t>(row * columns + column)];
            const float read = pressure[static_cast<std::size_t>((rows - 1 - row) * columns + column)];
            QVERIFY(std::abs(read - pascals) <= 2.0 * pascals * std::ldexp(1.0, -23));
        }
    }
}

void TestInitialConditionSources::readsPrecipitationAccumulations()
{
    // tp accumulated over 0-6 h is GraphCast's total_precipitation_6hr (valid at 06 UTC) as it
    // stands; every window with a length (0-6, ERA5's hourly 5-6) is also handed out for the
    // assembly to combine, and open data's 0-0 at step 0, which accumulates nothing, is left out.
    std::vector<char> bytes;
    for (const auto& [start, end] : std::vector<std::pair<long, long>>{{0, 6}, {5, 6}, {0, 0}}) {
        codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, "regular_ll_pl_grib2");
        checkEccodes(codes_set_long(handle, "productDefinitionTemplateNumber", 8), "template 4.8");
        setGribString(handle, "typeOfLevel", "surface");
        setGribString(handle, "shortName", "tp");
        checkEccodes(codes_set_long(handle, "dataDate", analysisDate), "dataDate");
        checkEccodes(codes_set_long(handle, "dataTime", 0), "dataTime");
        checkEccodes(codes_set_long(handle, "startStep", start), "startStep");
        checkEccodes(codes_set_long(handle, "endStep", end), "endStep");
        std::size_t size = 0;
        checkEccodes(codes_get_size(handle, "values", &size), "size");
        const std::vector<double> values(size, static_cast<double>(end - start) * 0.001);
        checkEccodes(codes_set_double_array(handle, "values", values.data(), values.size()), "values");
        const std::vector<char> message = gribBytes(handle);
        bytes.insert(bytes.end(), message.begin(), message.end());
        codes_handle_delete(handle);
    }
    writeBytes("tp.grib2", bytes);
    std::vector<ic::PrecipitationAccumulation> accumulations;
    const Dataset dataset = ic::readInitialConditionSource(path("tp.grib2"), &accumulations);
    QCOMPARE(dataset.validTimes, (std::vector<std::int64_t>{firstValidTime + 6 * 3600}));
    const std::vector<float>& precipitation = dataset.times[0].variables.at("total_precipitation_6hr");
    QCOMPARE(precipitation.front(), 0.006f);
    QCOMPARE(accumulations.size(), std::size_t{2});
    QCOMPARE(accumulations[0].start, firstValidTime);
    QCOMPARE(accumulations[0].end, firstValidTime + 6 * 3600);
    QCOMPARE(accumulations[1].start, firstValidTime + 5 * 3600);
    QCOMPARE(accumulations[1].values.front(), 0.001f);
    QVERIFY(accumulations[1].where.find("message 2") != std::string::npos);
}

void TestInitialConditionSources::readsGrib1()
{
    // ERA5 and older MARS archives are GRIB 1: the same reader, another edition of each key.
    std::vector<char> bytes;
    for (long level : levels) {
        const std::vector<char> message = encodeGrib(analysis(), {"t", "isobaricInhPa", true}, level, 6,
                                                     GribLayout::NorthToSouthFromGreenwich, "regular_ll_pl_grib1");
        bytes.insert(bytes.end(), message.begin(), message.end());
    }
    writeBytes("era5.grib1", bytes);
    const Dataset dataset = ic::readInitialConditionSource(path("era5.grib1"));
    QCOMPARE(dataset.levels, (std::vector<int>{500, 850}));
    QCOMPARE(dataset.validTimes, (std::vector<std::int64_t>{firstValidTime + 6 * 3600}));
    const std::vector<float>& temperature = dataset.times[0].variables.at("temperature");
    QCOMPARE(temperature.size(), std::size_t{2 * points});
    for (std::size_t level = 0; level < levels.size(); ++level) {
        // 16-bit simple packing rounds to half a step of at most range / 2¹⁵, i.e. within range / 2¹⁶,
        // and the float a little more.
        const double range =
            valueOf("t", levels[level], 6, rows - 1, columns - 1) - valueOf("t", levels[level], 6, 0, 0);
        for (int row = 0; row < rows; ++row) {
            for (int column = 0; column < columns; ++column) {
                const double written = valueOf("t", levels[level], 6, row, column);
                const float read =
                    temperature[level * points + static_cast<std::size_t>((rows - 1 - row) * columns + column)];
                QVERIFY2(std::abs(read - written) <= range / 65536.0 + written * std::ldexp(1.0, -24),
                         qPrintable(QString("%1 read as %2").arg(written).arg(read)));
            }
        }
    }
}

void TestInitialConditionSources::refusesBadInputs_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QStringList>("expected");  // parts of the message

    // A wrong unit: 2 m temperature in °F is not read as kelvin.
    std::vector<NetcdfVariableSpec> fahrenheit = cdsSingleLevelVariables;
    fahrenheit[0] = {"t2m", "degF", "2t"};
    writeCdsNetcdf(path("fahrenheit.nc"), analysis(), fahrenheit, false, decoded_);
    QTest::newRow("wrong unit") << QStringList{"fahrenheit.nc"} << QStringList{"t2m", "degF", "2m_temperature", "K"};

    // A value no float holds (a damaged double-precision file): refused, not converted.
    std::vector<NetcdfVariableSpec> huge = cdsSingleLevelVariables;
    huge[1] = {"msl", "Pa", "msl", 1e295, false, true};
    writeCdsNetcdf(path("huge.nc"), analysis(), huge, false, decoded_);
    QTest::newRow("value beyond float") << QStringList{"huge.nc"} << QStringList{"msl", "beyond", "damaged"};

    // A corrupt message: the third message's length (section 0, bytes 8–15) made shorter than it
    // is, so that it does not end in "7777".
    const auto withLength = [&](std::size_t message, std::uint64_t length) {
        std::vector<char> bytes = grib_.bytes;
        for (std::size_t k = 0; k < 8; ++k) {
            bytes[grib_.messageOffsets[message] + 15 - k] = static_cast<char>(length >> (8 * k) & 0xffu);
        }
        return bytes;
    };
    writeBytes("corrupt.grib2", withLength(2, 100));
    QTest::newRow("corrupt GRIB message")
        << QStringList{"corrupt.grib2"} << QStringList{"message 3", "corrupt.grib2", "is corrupt"};
    // Lengths the fuzzer found: one shorter than section 0 (ecCodes 2.28 then overflows a buffer)
    // and one of 272 TB (ecCodes would try to allocate it).
    writeBytes("too-short.grib2", withLength(1, 15));
    QTest::newRow("GRIB length shorter than its headers")
        << QStringList{"too-short.grib2"} << QStringList{"message 2", "is corrupt", "declares 15 bytes"};
    writeBytes("too-long.grib2", withLength(0, 0xf7ff0000000000b3u));
    QTest::newRow("GRIB length beyond the file")
        << QStringList{"too-long.grib2"} << QStringList{"message 1", "is truncated", "declares"};
    // An edition that does not exist (the fuzzer's: ecCodes 2.28 then asked for 1.2 EB).
    std::vector<char> edition3 = grib_.bytes;
    edition3[grib_.messageOffsets[1] + 7] = 3;
    writeBytes("edition-3.grib2", edition3);
    QTest::newRow("GRIB edition 3") << QStringList{"edition-3.grib2"}
                                    << QStringList{"message 2", "declares GRIB edition 3", "editions 1 and 2"};

    // A truncated file: the download stopped inside the fifth message.
    const std::vector<char> truncated(grib_.bytes.begin(),
                                      grib_.bytes.begin() + static_cast<std::ptrdiff_t>(grib_.messageOffsets[4] + 50));
    writeBytes("truncated.grib2", truncated);
    QTest::newRow("truncated GRIB file") << QStringList{"truncated.grib2"}
                                         << QStringList{"message 5", "truncated.grib2", "is truncated"};

    // IFS's native reduced Gaussian grid, as MARS delivers it unless asked for a lat-lon grid.
    codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, "reduced_gg_pl_32_grib2");
    setGribString(handle, "shortName", "t");
    const void* message = nullptr;
    std::size_t size = 0;
    checkEccodes(codes_get_message(handle, &message, &size), "message");
    writeBytes("reduced-gaussian.grib2",
               std::vector<char>(static_cast<const char*>(message), static_cast<const char*>(message) + size));
    codes_handle_delete(handle);
    QTest::newRow("reduced Gaussian grid")
        << QStringList{"reduced-gaussian.grib2"} << QStringList{"message 1", "reduced_gg", "regular_ll", "remapbil"};

    // A missing coordinate: latitudes without their coordinate variable.
    writeCdsNetcdf(path("no-latitudes.nc"), analysis(), cdsSingleLevelVariables, false, decoded_, false);
    QTest::newRow("missing coordinate") << QStringList{"no-latitudes.nc"}
                                        << QStringList{"latitude", "no-latitudes.nc", "coordinate"};

    // Files that cannot be merged: the same fields twice, and different grids.
    writeBytes("copy.grib2", grib_.bytes);
    QTest::newRow("duplicated fields") << QStringList{"open-data.grib2", "copy.grib2"}
                                       << QStringList{"given twice", "open-data.grib2", "copy.grib2"};
    // ecCodes' sample as it is: t at 850 hPa on a 2° grid over Europe.
    handle = codes_grib_handle_new_from_samples(nullptr, "regular_ll_pl_grib2");
    setGribString(handle, "shortName", "t");
    checkEccodes(codes_get_message(handle, &message, &size), "message");
    writeBytes("other-grid.grib2",
               std::vector<char>(static_cast<const char*>(message), static_cast<const char*>(message) + size));
    codes_handle_delete(handle);
    QTest::newRow("conflicting grids") << QStringList{"open-data.grib2", "other-grid.grib2"}
                                       << QStringList{"grid", "open-data.grib2", "other-grid.grib2"};

    // A file that is none of the formats.
    writeBytes("text.grib2", {'h', 'e', 'l', 'l', 'o', '\n'});
    QTest::newRow("no format") << QStringList{"text.grib2"} << QStringList{"text.grib2"};
}

void TestInitialConditionSources::refusesBadInputs()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, expected);
    std::vector<std::string> paths;
    for (const QString& file : files) {
        paths.push_back(path(qPrintable(file)));
    }
    try {
        ic::readInitialConditionSources(paths);
        QFAIL("no InputError");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        qInfo().noquote() << message;
        for (const QString& part : expected) {
            QVERIFY2(message.contains(part), qPrintable("'" + part + "' not in: " + message));
        }
    }
}

QTEST_GUILESS_MAIN(TestInitialConditionSources)
#include "TestInitialConditionSources.moc"
