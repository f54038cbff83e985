#include "../common/PythonGenerator.h"
#include "graphcast/DatasetReader.h"
#include "run/InputError.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <string>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

// Datasets in the layout of DeepMind's example files, written by xarray as theirs were: a 10°
// grid, three levels, three times 6 h apart from 2022-01-01 00 UTC. Every value is a formula of
// its indices, so the reader's placement of each one can be checked exactly.
const char* const generator = R"(
import sys
import numpy as np
import xarray as xr

out = sys.argv[1]
lat = np.linspace(-90, 90, 19).astype(np.float32)
lon = np.arange(0, 360, 10).astype(np.float32)
level = np.array([500, 850, 1000], dtype=np.int32)
time = np.array([0, 6, 12], dtype="timedelta64[h]").astype("timedelta64[ns]")
datetime = np.array([["2022-01-01T00", "2022-01-01T06", "2022-01-01T12"]], dtype="datetime64[ns]")

def values(variable, shape):
    # value = 10000 v + 1000 t + 100 k + i + 0.01 j for variable v, time t, level k, lat i, lon j
    t, k, i, j = np.meshgrid(np.arange(shape[0]), np.arange(shape[1]), np.arange(shape[2]), np.arange(shape[3]),
                             indexing="ij")
    return (variable * 10000.0 + t * 1000.0 + k * 100.0 + i + j * 0.01).astype(np.float32)

ds = xr.Dataset(coords={"lat": lat, "lon": lon, "level": level, "time": time,
                        "datetime": (("batch", "time"), datetime)})
ds["temperature"] = (("batch", "time", "level", "lat", "lon"), values(1, (3, 3, 19, 36))[None])
ds["2m_temperature"] = (("batch", "time", "lat", "lon"), values(2, (3, 1, 19, 36))[None, :, 0])
ds["toa_incident_solar_radiation"] = (("batch", "time", "lat", "lon"), values(3, (3, 1, 19, 36))[None, :, 0])
ds["geopotential_at_surface"] = (("lat", "lon"), values(4, (1, 1, 19, 36))[0, 0])
ds["land_sea_mask"] = (("lat", "lon"), values(5, (1, 1, 19, 36))[0, 0])
ds.to_netcdf(f"{out}/good.nc")
ds.isel(lat=slice(None, None, -1)).to_netcdf(f"{out}/descending.nc")
ds.isel(batch=0).to_netcdf(f"{out}/no-batch.nc")
packed = ds.copy()
packed["2m_temperature"] = packed["2m_temperature"].where(packed["lon"] != 100)
packed.to_netcdf(f"{out}/packed.nc", encoding={"2m_temperature": {
    "dtype": "int16", "scale_factor": 0.1, "add_offset": 21000.0, "_FillValue": -32767}})
transposed = ds.copy()
transposed["2m_temperature"] = transposed["2m_temperature"].transpose("batch", "time", "lon", "lat")
transposed.to_netcdf(f"{out}/transposed.nc")
ds.drop_vars("datetime").to_netcdf(f"{out}/no-datetime.nc")
ds.assign_coords(lon=ds.lon - 180).to_netcdf(f"{out}/west-negative.nc")
open(f"{out}/not-netcdf.nc", "w").write("not a NetCDF file\n")
print("generated")
)";

float expected(int variable, int time, int level, int latitude, int longitude)
{
    return static_cast<float>(variable * 10000.0 + time * 1000.0 + level * 100.0 + latitude + longitude * 0.01);
}

constexpr std::int64_t firstValidTime = 1640995200;  // 2022-01-01 00:00 UTC
constexpr int latitudes = 19;
constexpr int longitudes = 36;

}  // namespace

class TestDatasetReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void readsGridLevelsAndTimes();
    void placesEveryValueOfEveryKindOfVariable();
    void flipsDescendingLatitudes();
    void readsFilesWithoutBatch();
    void unpacksPackedVariablesAndMasksFillValues();
    void refusesBadDatasets_data();
    void refusesBadDatasets();

private:
    std::string path(const char* name) const { return directory_.filePath(name).toStdString(); }
    void compareWithGood(const Dataset& dataset);

    QTemporaryDir directory_;
};

void TestDatasetReader::initTestCase()
{
    QVERIFY(directory_.isValid());
    const spreadcast::testing::GeneratorRun python =
        spreadcast::testing::runPythonGenerator(generator, directory_.path());
    if (python.missingModule) {
        QSKIP("/usr/bin/python3 with numpy and xarray is not installed (apt install python3-xarray python3-netcdf4)");
    }
    QVERIFY2(python.succeeded, qPrintable(python.output));
}

void TestDatasetReader::readsGridLevelsAndTimes()
{
    const Dataset dataset = readDataset(path("good.nc"));
    QCOMPARE(dataset.grid.latitudes.size(), std::size_t{latitudes});
    QCOMPARE(dataset.grid.latitudes.front(), -90.0);
    QCOMPARE(dataset.grid.latitudes.back(), 90.0);
    QCOMPARE(dataset.grid.longitudes.size(), std::size_t{longitudes});
    QCOMPARE(dataset.grid.longitudes[1], 10.0);
    QCOMPARE(dataset.levels, (std::vector<int>{500, 850, 1000}));
    QCOMPARE(dataset.validTimes,
             (std::vector<std::int64_t>{firstValidTime, firstValidTime + 21600, firstValidTime + 43200}));
    QCOMPARE(dataset.times.size(), std::size_t{3});
    QCOMPARE(dataset.statics.variables.size(), std::size_t{2});
}

void TestDatasetReader::compareWithGood(const Dataset& dataset)
{
    QCOMPARE(dataset.times.size(), std::size_t{3});
    for (int time = 0; time < 3; ++time) {
        const auto& fields = dataset.times[static_cast<std::size_t>(time)].variables;
        QCOMPARE(fields.size(), std::size_t{3});
        const std::vector<float>& temperature = fields.at("temperature");
        QCOMPARE(temperature.size(), std::size_t{3 * latitudes * longitudes});
        const std::vector<float>& surface = fields.at("2m_temperature");
        const std::vector<float>& radiation = fields.at("toa_incident_solar_radiation");
        for (int latitude = 0; latitude < latitudes; ++latitude) {
            for (int longitude = 0; longitude < longitudes; ++longitude) {
                const std::size_t point = static_cast<std::size_t>(latitude * longitudes + longitude);
                for (int level = 0; level < 3; ++level) {
                    const std::size_t index = static_cast<std::size_t>(level * latitudes * longitudes) + point;
                    QCOMPARE(temperature[index], expected(1, time, level, latitude, longitude));
                }
                QCOMPARE(surface[point], expected(2, time, 0, latitude, longitude));
                QCOMPARE(radiation[point], expected(3, time, 0, latitude, longitude));
            }
        }
    }
    for (int latitude = 0; latitude < latitudes; ++latitude) {
        for (int longitude = 0; longitude < longitudes; ++longitude) {
            const std::size_t point = static_cast<std::size_t>(latitude * longitudes + longitude);
            QCOMPARE(dataset.statics.variables.at("geopotential_at_surface")[point],
                     expected(4, 0, 0, latitude, longitude));
            QCOMPARE(dataset.statics.variables.at("land_sea_mask")[point], expected(5, 0, 0, latitude, longitude));
        }
    }
}

void TestDatasetReader::placesEveryValueOfEveryKindOfVariable()
{
    compareWithGood(readDataset(path("good.nc")));
}

void TestDatasetReader::flipsDescendingLatitudes()
{
    const Dataset dataset = readDataset(path("descending.nc"));
    QCOMPARE(dataset.grid.latitudes.front(), -90.0);
    compareWithGood(dataset);
}

void TestDatasetReader::readsFilesWithoutBatch()
{
    const Dataset dataset = readDataset(path("no-batch.nc"));
    QCOMPARE(dataset.validTimes.front(), firstValidTime);
    compareWithGood(dataset);
}

void TestDatasetReader::unpacksPackedVariablesAndMasksFillValues()
{
    const Dataset dataset = readDataset(path("packed.nc"));
    const float packingStep = 0.1f;  // scale_factor: rounding to it errs by at most half of it
    for (int time = 0; time < 3; ++time) {
        const std::vector<float>& surface =
            dataset.times[static_cast<std::size_t>(time)].variables.at("2m_temperature");
        for (int latitude = 0; latitude < latitudes; ++latitude) {
            for (int longitude = 0; longitude < longitudes; ++longitude) {
                const float value = surface[static_cast<std::size_t>(latitude * longitudes + longitude)];
                if (longitude == 10) {  // lon 100°: NaN in the dataset, written as the fill value
                    QVERIFY(std::isnan(value));
                    continue;
                }
                // Float32 values near 2·10^4 are 2^-9 apart: their rounding adds up to 2^-10 twice.
                QVERIFY2(std::abs(value - expected(2, time, 0, latitude, longitude)) <= packingStep / 2 + 2e-3f,
                         qPrintable(QString::number(value)));
            }
        }
    }
}

void TestDatasetReader::refusesBadDatasets_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("missing") << "no-such-dataset.nc" << QStringList{"no such file"};
    QTest::newRow("not NetCDF") << "not-netcdf.nc" << QStringList{"is not a NetCDF file"};
    QTest::newRow("transposed") << "transposed.nc"
                                << QStringList{"'2m_temperature'", "(batch, time, lon, lat)",
                                               "expected (batch, time, level, lat, lon)"};
    QTest::newRow("no datetime") << "no-datetime.nc" << QStringList{"'time'", "since", "'datetime' coordinate"};
    QTest::newRow("negative longitudes") << "west-negative.nc" << QStringList{"longitudes 'lon'", "0…360"};
}

void TestDatasetReader::refusesBadDatasets()
{
    QFETCH(QString, file);
    QFETCH(QStringList, expected);
    const std::string filePath = path(file.toUtf8().constData());
    try {
        readDataset(filePath);
        QFAIL("a bad dataset was read");
    } catch (const InputError& error) {
        const QString message = QString::fromUtf8(error.what());
        QVERIFY2(message.contains(QString::fromStdString(filePath)), error.what());
        for (const QString& part : expected) {
            QVERIFY2(message.contains(part), qPrintable("'" + part + "' not in: " + message));
        }
    }
}

QTEST_GUILESS_MAIN(TestDatasetReader)
#include "TestDatasetReader.moc"
