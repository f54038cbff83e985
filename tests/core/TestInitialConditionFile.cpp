#include "io/InitialConditionFile.h"
#include "model/PhysicalConstants.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>
#include <stdexcept>

using namespace spreadcast;

namespace {

constexpr double degree = std::numbers::pi / 180.0;

// A NetCDF file put together call by call; data is written when the file is closed.
class TestFile {
public:
    explicit TestFile(const QString& path) : path_(path.toStdString())
    {
        check(nc_create(path_.c_str(), NC_NETCDF4 | NC_CLOBBER, &ncid_));
    }
    ~TestFile()
    {
        if (ncid_ >= 0) {
            nc_close(ncid_);
        }
    }
    TestFile(const TestFile&) = delete;
    TestFile& operator=(const TestFile&) = delete;

    int dimension(const std::string& name, std::size_t length)
    {
        int id = 0;
        check(nc_def_dim(ncid_, name.c_str(), length, &id));
        return id;
    }
    // A dimension with its coordinate variable.
    int coordinate(const std::string& name, const std::vector<double>& values, const std::string& units)
    {
        const int dim = dimension(name, values.size());
        const int var = variable(name, NC_DOUBLE, {dim}, values);
        if (!units.empty()) {
            text(var, "units", units);
        }
        return dim;
    }
    int variable(const std::string& name, nc_type type, const std::vector<int>& dims, std::vector<double> values)
    {
        int id = 0;
        check(nc_def_var(ncid_, name.c_str(), type, static_cast<int>(dims.size()), dims.data(), &id));
        pending_.emplace_back(id, std::move(values));
        return id;
    }
    void text(int varid, const char* name, const std::string& value)
    {
        check(nc_put_att_text(ncid_, varid, name, value.size(), value.data()));
    }
    void number(int varid, const char* name, nc_type type, const std::vector<double>& values)
    {
        check(nc_put_att_double(ncid_, varid, name, type, values.size(), values.data()));
    }
    void close()
    {
        check(nc_enddef(ncid_));
        for (const auto& [varid, values] : pending_) {
            check(nc_put_var_double(ncid_, varid, values.data()));
        }
        check(nc_close(ncid_));
        ncid_ = -1;
    }

private:
    void check(int status) const
    {
        if (status != NC_NOERR) {
            throw std::runtime_error("test file '" + path_ + "': " + nc_strerror(status));
        }
    }

    std::string path_;
    int ncid_ = -1;
    std::vector<std::pair<int, std::vector<double>>> pending_;
};

std::vector<double> regular(double first, double step, int count)
{
    std::vector<double> values;
    for (int k = 0; k < count; ++k) {
        values.push_back(first + step * k);
    }
    return values;
}

// The 2.5° grid of the NCEP/NCAR reanalysis: latitudes 90..−90, longitudes 0..357.5.
const std::vector<double> latitudes = regular(90.0, -2.5, 73);
const std::vector<double> longitudes = regular(0.0, 2.5, 144);

double eastwardWind(double latitude, double)
{
    return 10.0 * std::cos(latitude * degree);
}
double height(double latitude, double longitude)
{
    const double s = std::sin(latitude * degree);
    const double c = std::cos(latitude * degree);
    return 8000.0 - 300.0 * s * s + 100.0 * c * c * std::cos(2.0 * longitude * degree);
}

// Bilinear interpolation errs by at most (Δλ²/8)·max|f_λλ| + (Δφ²/8)·max|f_φφ| with the spacings
// in radians. On 2.5°, Δ²/8 = 2.38e-4. Height: |h_λλ| ≤ 400, |h_φφ| = |600 cos 2φ + 200 cos 2φ cos 2λ|
// ≤ 800, so 0.29 m; u = 10 cos φ: |u_φφ| ≤ 10, so 2.4e-3 m/s. Float storage adds < 1e-3 m.
const double spacingTerm = std::pow(2.5 * degree, 2) / 8.0;
const double heightTolerance = spacingTerm * (400.0 + 800.0) + 1e-3;
const double windTolerance = spacingTerm * 10.0 + 1e-5;

std::vector<double> sample(const std::vector<double>& lat, const std::vector<double>& lon,
                           const std::function<double(double, double)>& f)
{
    std::vector<double> values;
    for (double latitude : lat) {
        for (double longitude : lon) {
            values.push_back(f(latitude, longitude));
        }
    }
    return values;
}

// u, v and geopotential height on (lat, lon), float, with a scalar CF time.
void writeWindsAndHeight(const QString& path, const std::vector<double>& lat, const std::vector<double>& lon,
                         const std::string& windUnits = "m s-1")
{
    TestFile file(path);
    const int latDim = file.coordinate("lat", lat, "degrees_north");
    const int lonDim = file.coordinate("lon", lon, "degrees_east");
    const int u = file.variable("u", NC_FLOAT, {latDim, lonDim}, sample(lat, lon, eastwardWind));
    file.text(u, "units", windUnits);
    file.variable("v", NC_FLOAT, {latDim, lonDim}, sample(lat, lon, [](double, double) { return 0.0; }));
    const int zg = file.variable("zg", NC_FLOAT, {latDim, lonDim}, sample(lat, lon, height));
    file.text(zg, "units", "m");
    file.text(zg, "standard_name", "geopotential_height");
    const int time = file.variable("time", NC_DOUBLE, {}, {6.0});
    file.text(time, "units", "hours since 2021-03-04 00:00:00");
    file.close();
}

const GaussianGrid& modelGrid()
{
    static const GaussianGrid grid = GaussianGrid::forTruncation(21);
    return grid;
}

double maxError(const AlignedVector<double>& field, const std::function<double(double, double)>& f)
{
    const GaussianGrid& grid = modelGrid();
    double worst = 0.0;
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            const double exact = f(grid.latitudeDegrees[j], grid.longitudeDegrees[i]);
            worst = std::max(worst, std::abs(field[static_cast<std::size_t>(j * grid.nlon + i)] - exact));
        }
    }
    return worst;
}

bool anyNoteContains(const InitialConditionFile& ic, const std::string& text)
{
    return std::any_of(ic.notes.begin(), ic.notes.end(),
                       [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

std::string joinedNotes(const InitialConditionFile& ic)
{
    std::string all;
    for (const std::string& note : ic.notes) {
        all += note + "\n";
    }
    return all;
}

// The InputError message of reading path, or "" when reading succeeded.
std::string readError(const QString& path, int timeIndex = 0, int levelIndex = 0)
{
    try {
        readInitialConditionFile(path.toStdString(), timeIndex, levelIndex, modelGrid());
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

#define VERIFY_MESSAGE_HAS(message, text)                                                                              \
    QVERIFY2((message).find(text) != std::string::npos,                                                                \
             qPrintable(QString::fromStdString("no '" + std::string(text) + "' in: " + (message))))

}  // namespace

class TestInitialConditionFile : public QObject {
    Q_OBJECT

private slots:
    void regridsAnalyticFieldsWithinInterpolationError();
    void longitudeConventionDoesNotChangeResult();
    void latitudeOrderDoesNotChangeResult();
    void packedShortsMatchWithinPackingQuantum();
    void geopotentialGivesSameHeight();
    void missingValuesAreFilledAndNoted();
    void selectsTimeAndLevel();
    void missingFileSaysNoSuchFile();
    void textFileIsNotNetcdf();
    void missingNorthwardWindNamesWhatWasSought();
    void wrongShapeIsRejected_data();
    void wrongShapeIsRejected();
    void regionalGridIsRejected();
    void badWindUnitsAreRejected();
    void indexOutOfRangeNamesDimensionAndOption();
    void allMissingFieldIsRejected();

private:
    QString path(const char* name) const { return directory_.filePath(name); }

    QTemporaryDir directory_;
};

void TestInitialConditionFile::regridsAnalyticFieldsWithinInterpolationError()
{
    const QString file = path("analytic.nc");
    writeWindsAndHeight(file, latitudes, longitudes);
    const InitialConditionFile ic = readInitialConditionFile(file.toStdString(), 0, 0, modelGrid());
    QCOMPARE(ic.u.size(), modelGrid().pointCount());
    QVERIFY2(maxError(ic.u, eastwardWind) <= windTolerance, qPrintable(QString::number(maxError(ic.u, eastwardWind))));
    QCOMPARE(maxError(ic.v, [](double, double) { return 0.0; }), 0.0);
    QVERIFY(ic.height.has_value());
    QVERIFY2(maxError(*ic.height, height) <= heightTolerance,
             qPrintable(QString::number(maxError(*ic.height, height))));
    QCOMPARE(ic.initialTime, std::string("2021-03-04 06:00:00"));
    VERIFY_MESSAGE_HAS(ic.description, "analytic.nc");
    VERIFY_MESSAGE_HAS(ic.description, "'zg'");
    // v has no units attribute: assumed and said so.
    QVERIFY2(anyNoteContains(ic, "'v'") && anyNoteContains(ic, "assumed m s-1"), joinedNotes(ic).c_str());
    QCOMPARE(listInitialConditionTimes(file.toStdString()), std::vector<std::string>{"2021-03-04 06:00:00"});
}

void TestInitialConditionFile::longitudeConventionDoesNotChangeResult()
{
    writeWindsAndHeight(path("east.nc"), latitudes, longitudes);
    writeWindsAndHeight(path("centred.nc"), latitudes, regular(-180.0, 2.5, 144));
    writeWindsAndHeight(path("from90.nc"), latitudes, regular(90.0, 2.5, 144));  // 90..447.5
    const InitialConditionFile reference = readInitialConditionFile(path("east.nc").toStdString(), 0, 0, modelGrid());
    for (const char* name : {"centred.nc", "from90.nc"}) {
        const InitialConditionFile other = readInitialConditionFile(path(name).toStdString(), 0, 0, modelGrid());
        QVERIFY2(other.u == reference.u, name);
        QVERIFY2(*other.height == *reference.height, name);
    }
}

void TestInitialConditionFile::latitudeOrderDoesNotChangeResult()
{
    std::vector<double> ascending = latitudes;
    std::reverse(ascending.begin(), ascending.end());
    writeWindsAndHeight(path("north-first.nc"), latitudes, longitudes);
    writeWindsAndHeight(path("south-first.nc"), ascending, longitudes);
    const InitialConditionFile north =
        readInitialConditionFile(path("north-first.nc").toStdString(), 0, 0, modelGrid());
    const InitialConditionFile south =
        readInitialConditionFile(path("south-first.nc").toStdString(), 0, 0, modelGrid());
    QVERIFY(north.u == south.u);
    QVERIFY(*north.height == *south.height);
}

void TestInitialConditionFile::packedShortsMatchWithinPackingQuantum()
{
    constexpr double heightScale = 0.05;
    constexpr double heightOffset = 8000.0;
    constexpr double windScale = 0.001;
    const auto pack = [](std::vector<double> values, double scale, double offset) {
        for (double& value : values) {
            value = std::round((value - offset) / scale);
        }
        return values;
    };
    TestFile packed(path("packed.nc"));
    const int latDim = packed.coordinate("latitude", latitudes, "degrees_north");
    const int lonDim = packed.coordinate("longitude", longitudes, "degrees_east");
    const int u = packed.variable("u", NC_SHORT, {latDim, lonDim},
                                  pack(sample(latitudes, longitudes, eastwardWind), windScale, 0.0));
    packed.number(u, "scale_factor", NC_DOUBLE, {windScale});
    packed.number(u, "add_offset", NC_DOUBLE, {0.0});
    packed.number(u, "_FillValue", NC_SHORT, {-32767});
    packed.text(u, "units", "m s**-1");
    const int v = packed.variable("v", NC_SHORT, {latDim, lonDim},
                                  std::vector<double>(latitudes.size() * longitudes.size(), 0.0));
    packed.number(v, "scale_factor", NC_DOUBLE, {windScale});
    packed.text(v, "units", "m/s");
    const int z = packed.variable("z", NC_SHORT, {latDim, lonDim},
                                  pack(sample(latitudes, longitudes, height), heightScale, heightOffset));
    packed.number(z, "scale_factor", NC_DOUBLE, {heightScale});
    packed.number(z, "add_offset", NC_DOUBLE, {heightOffset});
    packed.number(z, "missing_value", NC_SHORT, {-32767});
    packed.text(z, "units", "gpm");
    packed.close();
    writeWindsAndHeight(path("unpacked.nc"), latitudes, longitudes);

    const InitialConditionFile fromPacked =
        readInitialConditionFile(path("packed.nc").toStdString(), 0, 0, modelGrid());
    const InitialConditionFile fromFloats =
        readInitialConditionFile(path("unpacked.nc").toStdString(), 0, 0, modelGrid());
    // Rounding to the packing quantum errs by half a quantum; interpolation weights are convex.
    for (std::size_t k = 0; k < fromPacked.u.size(); ++k) {
        QVERIFY(std::abs(fromPacked.u[k] - fromFloats.u[k]) <= windScale / 2 + 1e-6);
        QVERIFY(std::abs((*fromPacked.height)[k] - (*fromFloats.height)[k]) <= heightScale / 2 + 1e-3);
    }
    QVERIFY(fromPacked.notes.size() <= 2);  // no filling, no unit assumptions
}

void TestInitialConditionFile::geopotentialGivesSameHeight()
{
    for (const bool geopotential : {false, true}) {
        TestFile file(path(geopotential ? "geopotential.nc" : "height.nc"));
        const int latDim = file.coordinate("lat", latitudes, "degrees_north");
        const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
        const int time = file.coordinate("time", {0.0}, "days since 1979-01-01");
        for (const char* name : {"ua", "va"}) {
            const int wind =
                file.variable(name, NC_DOUBLE, {time, latDim, lonDim}, sample(latitudes, longitudes, eastwardWind));
            file.text(wind, "standard_name", name[0] == 'u' ? "eastward_wind" : "northward_wind");
            file.text(wind, "units", "m s-1");
        }
        std::vector<double> values = sample(latitudes, longitudes, height);
        if (geopotential) {
            for (double& value : values) {
                value *= constants::gravity;
            }
        }
        const int z = file.variable(geopotential ? "z" : "hgt", NC_DOUBLE, {time, latDim, lonDim}, values);
        file.text(z, "units", geopotential ? "m**2 s**-2" : "m");
        file.text(z, "standard_name", geopotential ? "geopotential" : "geopotential_height");
        file.close();
    }
    const InitialConditionFile fromHeight =
        readInitialConditionFile(path("height.nc").toStdString(), 0, 0, modelGrid());
    const InitialConditionFile fromGeopotential =
        readInitialConditionFile(path("geopotential.nc").toStdString(), 0, 0, modelGrid());
    for (std::size_t k = 0; k < fromHeight.u.size(); ++k) {
        QVERIFY(std::abs((*fromGeopotential.height)[k] - (*fromHeight.height)[k]) <= 1e-11 * (*fromHeight.height)[k]);
    }
    QCOMPARE(fromGeopotential.initialTime, std::string("1979-01-01 00:00:00"));
    VERIFY_MESSAGE_HAS(fromGeopotential.description, "geopotential / g");
}

void TestInitialConditionFile::missingValuesAreFilledAndNoted()
{
    constexpr double fill = 1e20;
    std::vector<double> u = sample(latitudes, longitudes, eastwardWind);
    const std::size_t columns = longitudes.size();
    for (std::size_t i : {3, 50, 100}) {
        u[20 * columns + i] = fill;  // three points at 40°N
    }
    std::fill(u.begin() + 40 * columns, u.begin() + 41 * columns, fill);  // all of 10°S
    std::vector<double> h = sample(latitudes, longitudes, height);
    h[10 * columns + 7] = -9999.0;  // below valid_min
    h[60 * columns + 8] = -9999.0;

    TestFile file(path("gappy.nc"));
    const int latDim = file.coordinate("lat", latitudes, "degrees_north");
    const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
    const int uVar = file.variable("u", NC_FLOAT, {latDim, lonDim}, u);
    file.number(uVar, "_FillValue", NC_FLOAT, {fill});
    file.text(uVar, "units", "m s-1");
    const int vVar = file.variable("v", NC_FLOAT, {latDim, lonDim}, std::vector<double>(u.size(), 0.0));
    file.text(vVar, "units", "m s-1");
    const int hVar = file.variable("h", NC_FLOAT, {latDim, lonDim}, h);
    file.text(hVar, "units", "m");
    file.number(hVar, "valid_min", NC_FLOAT, {0.0});
    file.close();

    const InitialConditionFile ic = readInitialConditionFile(path("gappy.nc").toStdString(), 0, 0, modelGrid());
    QVERIFY2(anyNoteContains(ic, "filled 147 missing values of 'u'"), joinedNotes(ic).c_str());
    QVERIFY2(anyNoteContains(ic, "1 latitude rows"), joinedNotes(ic).c_str());
    QVERIFY2(anyNoteContains(ic, "filled 2 missing values of 'h'"), joinedNotes(ic).c_str());
    // u is zonally uniform, so a row mean is exact; the empty row takes the mean of its two
    // neighbours, 10 cos φ cos 2.5°, off by 10·(1 − cos 2.5°) ≈ 0.01.
    QVERIFY(maxError(ic.u, eastwardWind) <= windTolerance + 0.01);
    // The two filled heights take their row means, off by at most the zonal wave's 100 m.
    QVERIFY(maxError(*ic.height, height) <= 100.0 + heightTolerance);
}

void TestInitialConditionFile::selectsTimeAndLevel()
{
    TestFile file(path("levels.nc"));
    const int time = file.coordinate("time", {0.0, 6.0, 12.0}, "hours since 2021-03-04 00:00:00");
    const int level = file.coordinate("plev", {85000.0, 50000.0}, "Pa");
    const int latDim = file.coordinate("lat", latitudes, "degrees_north");
    const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
    std::vector<double> u;
    for (int t = 0; t < 3; ++t) {
        for (int l = 0; l < 2; ++l) {
            const std::vector<double> slab = sample(latitudes, longitudes, [&](double lat, double) {
                return (10.0 + t + 100.0 * l) * std::cos(lat * degree);
            });
            u.insert(u.end(), slab.begin(), slab.end());
        }
    }
    file.text(file.variable("u", NC_DOUBLE, {time, level, latDim, lonDim}, u), "units", "m s-1");
    file.text(file.variable("v", NC_DOUBLE, {time, level, latDim, lonDim}, std::vector<double>(u.size(), 0.0)), "units",
              "m s-1");
    file.close();

    const InitialConditionFile ic = readInitialConditionFile(path("levels.nc").toStdString(), 2, 1, modelGrid());
    QVERIFY(maxError(ic.u, [](double lat, double) { return 112.0 * std::cos(lat * degree); }) <= 11.2 * windTolerance);
    QCOMPARE(ic.initialTime, std::string("2021-03-04 12:00:00"));
    QVERIFY(!ic.height.has_value());
    QVERIFY2(anyNoteContains(ic, "balances the winds"), joinedNotes(ic).c_str());
    VERIFY_MESSAGE_HAS(ic.description, "level 50000 Pa");
    QCOMPARE(listInitialConditionTimes(path("levels.nc").toStdString()),
             (std::vector<std::string>{"2021-03-04 00:00:00", "2021-03-04 06:00:00", "2021-03-04 12:00:00"}));
}

void TestInitialConditionFile::missingFileSaysNoSuchFile()
{
    const std::string message = readError(path("nowhere.nc"));
    VERIFY_MESSAGE_HAS(message, "nowhere.nc");
    VERIFY_MESSAGE_HAS(message, "no such file");
}

void TestInitialConditionFile::textFileIsNotNetcdf()
{
    QFile text(path("notes.nc"));
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("lat,lon,u\n0,0,10\n");
    text.close();
    const std::string message = readError(path("notes.nc"));
    VERIFY_MESSAGE_HAS(message, "notes.nc");
    VERIFY_MESSAGE_HAS(message, "not a NetCDF file");
}

void TestInitialConditionFile::missingNorthwardWindNamesWhatWasSought()
{
    TestFile file(path("no-v.nc"));
    const int latDim = file.coordinate("lat", latitudes, "degrees_north");
    const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
    file.text(file.variable("u", NC_FLOAT, {latDim, lonDim}, sample(latitudes, longitudes, eastwardWind)), "units",
              "m s-1");
    file.close();
    const std::string message = readError(path("no-v.nc"));
    VERIFY_MESSAGE_HAS(message, "no-v.nc");
    VERIFY_MESSAGE_HAS(message, "no northward wind");
    VERIFY_MESSAGE_HAS(message, "northward_wind");
    VERIFY_MESSAGE_HAS(message, "vwnd");
    VERIFY_MESSAGE_HAS(message, "the file has: lat, lon, u");
}

void TestInitialConditionFile::wrongShapeIsRejected_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expectedName");
    QTest::newRow("no longitude") << "no longitude"
                                  << "'u'";
    QTest::newRow("two extra dimensions") << "two extra dimensions"
                                          << "'u'";
    QTest::newRow("winds on different grids") << "different grids"
                                              << "'v'";
}

void TestInitialConditionFile::wrongShapeIsRejected()
{
    QFETCH(QString, kind);
    QFETCH(QString, expectedName);
    const QString name = path("shape.nc");
    {
        TestFile file(name);
        const int latDim = file.coordinate("lat", latitudes, "degrees_north");
        const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
        const std::size_t points = latitudes.size() * longitudes.size();
        if (kind == "no longitude") {
            const int station = file.dimension("station", 5);
            file.variable("u", NC_FLOAT, {latDim, station}, std::vector<double>(latitudes.size() * 5, 1.0));
            file.variable("v", NC_FLOAT, {latDim, station}, std::vector<double>(latitudes.size() * 5, 1.0));
        } else if (kind == "two extra dimensions") {
            const int ensemble = file.dimension("ensemble", 2);
            const int level = file.dimension("lev", 3);
            file.variable("u", NC_FLOAT, {ensemble, level, latDim, lonDim}, std::vector<double>(6 * points, 1.0));
            file.variable("v", NC_FLOAT, {ensemble, level, latDim, lonDim}, std::vector<double>(6 * points, 1.0));
        } else {
            const std::vector<double> coarseLat = regular(90.0, -5.0, 37);
            const std::vector<double> coarseLon = regular(0.0, 5.0, 72);
            const int coarseLatDim = file.coordinate("lat5", coarseLat, "degrees_north");
            const int coarseLonDim = file.coordinate("lon5", coarseLon, "degrees_east");
            file.variable("u", NC_FLOAT, {latDim, lonDim}, std::vector<double>(points, 1.0));
            file.variable("v", NC_FLOAT, {coarseLatDim, coarseLonDim}, std::vector<double>(37 * 72, 1.0));
        }
        file.close();
    }
    const std::string message = readError(name);
    VERIFY_MESSAGE_HAS(message, "shape.nc");
    VERIFY_MESSAGE_HAS(message, "wrong shape");
    VERIFY_MESSAGE_HAS(message, expectedName.toStdString());
}

void TestInitialConditionFile::regionalGridIsRejected()
{
    writeWindsAndHeight(path("europe.nc"), regular(60.0, -2.5, 17), regular(-10.0, 2.5, 21));
    const std::string message = readError(path("europe.nc"));
    VERIFY_MESSAGE_HAS(message, "europe.nc");
    VERIFY_MESSAGE_HAS(message, "covers latitudes 20°..60° and longitudes -10°..40°");
    VERIFY_MESSAGE_HAS(message, "whole globe");

    // Global in longitude but stopping at ±60°: still not global.
    writeWindsAndHeight(path("tropics.nc"), regular(60.0, -2.5, 49), longitudes);
    VERIFY_MESSAGE_HAS(readError(path("tropics.nc")), "whole globe");
}

void TestInitialConditionFile::badWindUnitsAreRejected()
{
    writeWindsAndHeight(path("knots.nc"), latitudes, longitudes, "knots");
    const std::string message = readError(path("knots.nc"));
    VERIFY_MESSAGE_HAS(message, "knots.nc");
    VERIFY_MESSAGE_HAS(message, "'u'");
    VERIFY_MESSAGE_HAS(message, "units 'knots'");
    VERIFY_MESSAGE_HAS(message, "m s-1");
}

void TestInitialConditionFile::indexOutOfRangeNamesDimensionAndOption()
{
    TestFile file(path("three-times.nc"));
    const int time = file.coordinate("time", {0.0, 6.0, 12.0}, "hours since 2021-03-04 00:00:00");
    const int latDim = file.coordinate("lat", latitudes, "degrees_north");
    const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
    const std::vector<double> wind(3 * latitudes.size() * longitudes.size(), 5.0);
    file.text(file.variable("u", NC_FLOAT, {time, latDim, lonDim}, wind), "units", "m s-1");
    file.text(file.variable("v", NC_FLOAT, {time, latDim, lonDim}, wind), "units", "m s-1");
    file.close();

    const std::string timeMessage = readError(path("three-times.nc"), 5, 0);
    VERIFY_MESSAGE_HAS(timeMessage, "three-times.nc");
    VERIFY_MESSAGE_HAS(timeMessage, "time dimension 'time'");
    VERIFY_MESSAGE_HAS(timeMessage, "has 3 entries");
    VERIFY_MESSAGE_HAS(timeMessage, "--ic-time 5");
    const std::string levelMessage = readError(path("three-times.nc"), 0, 2);
    VERIFY_MESSAGE_HAS(levelMessage, "no level dimension");
    VERIFY_MESSAGE_HAS(levelMessage, "--ic-level 2");
    QCOMPARE(readError(path("three-times.nc"), 2, 0), std::string());
}

void TestInitialConditionFile::allMissingFieldIsRejected()
{
    TestFile file(path("empty.nc"));
    const int latDim = file.coordinate("lat", latitudes, "degrees_north");
    const int lonDim = file.coordinate("lon", longitudes, "degrees_east");
    const std::size_t points = latitudes.size() * longitudes.size();
    const int u = file.variable("u", NC_FLOAT, {latDim, lonDim}, std::vector<double>(points, -999.0));
    file.number(u, "missing_value", NC_FLOAT, {-999.0});
    file.text(u, "units", "m s-1");
    file.text(file.variable("v", NC_FLOAT, {latDim, lonDim}, std::vector<double>(points, 0.0)), "units", "m s-1");
    file.close();
    const std::string message = readError(path("empty.nc"));
    VERIFY_MESSAGE_HAS(message, "empty.nc");
    VERIFY_MESSAGE_HAS(message, "'u'");
    VERIFY_MESSAGE_HAS(message, "no valid values");
}

QTEST_APPLESS_MAIN(TestInitialConditionFile)
#include "TestInitialConditionFile.moc"
