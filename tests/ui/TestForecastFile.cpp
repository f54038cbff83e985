#include "ForecastFixture.h"
#include "io/ForecastFile.h"
#include "run/InputError.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <vector>

using namespace spreadcast;

namespace {

// The error message of opening a file, or empty when it opens.
QString openError(const QString& path)
{
    try {
        ForecastFile file(path.toStdString());
    } catch (const InputError& error) {
        return QString::fromStdString(error.what());
    }
    return {};
}

void putText(int ncid, int varid, const char* name, const char* value)
{
    nc_put_att_text(ncid, varid, name, std::strlen(value), value);
}

}  // namespace

class TestForecastFile : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;

private slots:
    void readsTheSpreadcastLayout()
    {
        const QString path = folder_.filePath("forecast.nc");
        fixture::write(path.toStdString());
        const ForecastFile file(path.toStdString());
        const GaussianGrid grid = GaussianGrid::forTruncation(21);
        QVERIFY(file.isSpreadcastFile());
        QCOMPARE(file.runStatus(), std::string("complete"));
        QCOMPARE(file.latitudes(), grid.latitudeDegrees);
        QCOMPARE(file.longitudes(), grid.longitudeDegrees);
        QCOMPARE(file.leadHours(), (std::vector<double>{0.0, 12.0, 24.0}));
        QCOMPARE(file.initialTime(), std::string("2000-01-01 00:00:00"));
        QCOMPARE(file.members(), (std::vector<int>{0, 1, 2}));
        for (const char* name : {"height", "u", "v", "vorticity", "height_mean", "vorticity_spread", "u_min"}) {
            QVERIFY2(file.variable(name) != nullptr, name);
        }
        QVERIFY(file.variable("height")->hasMember && file.variable("height")->hasTime);
        QVERIFY(!file.variable("height_mean")->hasMember);
        QCOMPARE(file.variable("height")->units, std::string("m"));
        QVERIFY(file.variable("checksum") == nullptr);  // not on the grid
        QCOMPARE(file.probabilities().size(), std::size_t(1));
        QCOMPARE(file.probabilities()[0].variable, std::string("height"));
        QCOMPARE(file.probabilities()[0].threshold, 10000.0);

        const GridFields expected = fixture::fields(grid, 1, 2);
        const std::vector<float> height = file.read("height", 1, 2);
        QCOMPARE(height.size(), grid.pointCount());
        for (std::size_t k = 0; k < height.size(); k += 97) {
            QCOMPARE(height[k], static_cast<float>(expected.variables[outputHeight][k]));
        }
        const std::vector<float> mean = file.read("height_mean", 2);
        const std::size_t k = 5 * static_cast<std::size_t>(grid.nlon) + 7;
        double sum = 0.0;
        for (int m = 0; m < fixture::members; ++m) {
            sum += fixture::fields(grid, 2, m).variables[outputHeight][k];
        }
        QVERIFY(std::abs(mean[k] - sum / fixture::members) < 1e-3);
    }

    void readsOnePointAtEveryTimeAndMember()
    {
        const QString path = folder_.filePath("points.nc");
        fixture::write(path.toStdString());
        const ForecastFile file(path.toStdString());
        const std::size_t nlon = file.longitudes().size();
        const ForecastFile::PointSeries series = file.readPoint("vorticity", 7, 11);
        QCOMPARE(series.times, 3);
        QCOMPARE(series.memberCount, 3);
        for (int t = 0; t < 3; ++t) {
            for (int m = 0; m < 3; ++m) {
                QCOMPARE(series.values[static_cast<std::size_t>(t * 3 + m)],
                         file.read("vorticity", t, m)[7 * nlon + 11]);
            }
        }
        const ForecastFile::PointSeries mean = file.readPoint("height_mean", 0, 0);
        QCOMPARE(mean.memberCount, 1);
        QCOMPARE(mean.values[2], file.read("height_mean", 2)[0]);
        QVERIFY_THROWS_EXCEPTION(InputError, file.readPoint("height", 0, static_cast<int>(nlon)));
    }

    void exportsAllOrOnlyTheStatistics()
    {
        const QString path = folder_.filePath("source.nc");
        fixture::write(path.toStdString());
        const ForecastFile file(path.toStdString());

        const QString all = folder_.filePath("all.nc");
        file.exportCopy(all.toStdString(), false);
        const ForecastFile copy(all.toStdString());
        QCOMPARE(copy.members(), file.members());
        QCOMPARE(copy.variables().size(), file.variables().size());
        QCOMPARE(copy.read("vorticity", 2, 1), file.read("vorticity", 2, 1));
        QCOMPARE(copy.runStatus(), std::string("complete"));

        const QString statistics = folder_.filePath("statistics.nc");
        file.exportCopy(statistics.toStdString(), true);
        const ForecastFile reduced(statistics.toStdString());
        QVERIFY(reduced.members().empty());
        QVERIFY(reduced.variable("height") == nullptr);
        QCOMPARE(reduced.read("height_spread", 1), file.read("height_spread", 1));
        QCOMPARE(reduced.probabilities().size(), std::size_t(1));
        QVERIFY(QFileInfo(statistics).size() < QFileInfo(all).size());

        QVERIFY_THROWS_EXCEPTION(InputError, file.exportCopy(folder_.filePath("no/folder.nc").toStdString(), true));
        QVERIFY_THROWS_EXCEPTION(InputError, file.exportCopy(path.toStdString(), true));
    }

    void refusesIndicesAndNamesItDoesNotHave()
    {
        const QString path = folder_.filePath("indices.nc");
        fixture::write(path.toStdString());
        const ForecastFile file(path.toStdString());
        QVERIFY_THROWS_EXCEPTION(InputError, file.read("height", 3, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, file.read("height", 0, 3));
        try {
            file.read("geopotential", 0, 0);
            QFAIL("an unknown variable was read");
        } catch (const InputError& error) {
            QVERIFY(QString(error.what()).contains("no field 'geopotential'"));
        }
    }

    void explainsFilesItCannotRead()
    {
        QVERIFY(openError(folder_.filePath("absent.nc")).contains("no such file"));
        QVERIFY(openError(folder_.path()).contains("folder"));

        const QString text = folder_.filePath("notes.nc");
        std::ofstream(text.toStdString()) << "this is not NetCDF\n";
        QVERIFY(openError(text).contains("not a NetCDF file"));

        // NetCDF, but no latitude–longitude grid.
        const QString series = folder_.filePath("series.nc");
        int ncid = 0;
        int dim = 0;
        int var = 0;
        QCOMPARE(nc_create(series.toUtf8().constData(), NC_CLOBBER | NC_NETCDF4, &ncid), NC_NOERR);
        nc_def_dim(ncid, "station", 4, &dim);
        nc_def_var(ncid, "temperature", NC_FLOAT, 1, &dim, &var);
        QCOMPARE(nc_close(ncid), NC_NOERR);
        QVERIFY(openError(series).contains("no latitude dimension"));

        // A grid, but no field on it.
        const QString empty = folder_.filePath("empty.nc");
        QCOMPARE(nc_create(empty.toUtf8().constData(), NC_CLOBBER | NC_NETCDF4, &ncid), NC_NOERR);
        int latDim = 0;
        int lonDim = 0;
        int latVar = 0;
        int lonVar = 0;
        nc_def_dim(ncid, "lat", 2, &latDim);
        nc_def_dim(ncid, "lon", 3, &lonDim);
        nc_def_var(ncid, "lat", NC_DOUBLE, 1, &latDim, &latVar);
        nc_def_var(ncid, "lon", NC_DOUBLE, 1, &lonDim, &lonVar);
        const double lat[2] = {-45.0, 45.0};
        const double lon[3] = {0.0, 120.0, 240.0};
        nc_put_var_double(ncid, latVar, lat);
        nc_put_var_double(ncid, lonVar, lon);
        QCOMPARE(nc_close(ncid), NC_NOERR);
        QVERIFY(openError(empty).contains("no field"));
    }

    void readsPlainCfFieldsWithPackingAndMissingValues()
    {
        const QString path = folder_.filePath("plain.nc");
        int ncid = 0;
        QCOMPARE(nc_create(path.toUtf8().constData(), NC_CLOBBER | NC_NETCDF4, &ncid), NC_NOERR);
        int dims[3] = {};
        nc_def_dim(ncid, "time", 2, &dims[0]);
        nc_def_dim(ncid, "latitude", 2, &dims[1]);
        nc_def_dim(ncid, "longitude", 3, &dims[2]);
        int timeVar = 0;
        int latVar = 0;
        int lonVar = 0;
        int fieldVar = 0;
        nc_def_var(ncid, "time", NC_DOUBLE, 1, &dims[0], &timeVar);
        putText(ncid, timeVar, "units", "days since 2024-03-01T00:00:00");
        nc_def_var(ncid, "latitude", NC_DOUBLE, 1, &dims[1], &latVar);
        putText(ncid, latVar, "units", "degrees_north");
        nc_def_var(ncid, "longitude", NC_DOUBLE, 1, &dims[2], &lonVar);
        putText(ncid, lonVar, "units", "degrees_east");
        nc_def_var(ncid, "t2m", NC_SHORT, 3, dims, &fieldVar);
        const double scale = 0.5;
        const double offset = 273.15;
        const short fill = -32767;
        nc_put_att_double(ncid, fieldVar, "scale_factor", NC_DOUBLE, 1, &scale);
        nc_put_att_double(ncid, fieldVar, "add_offset", NC_DOUBLE, 1, &offset);
        nc_put_att_short(ncid, fieldVar, "_FillValue", NC_SHORT, 1, &fill);
        putText(ncid, fieldVar, "units", "K");
        const double times[2] = {0.0, 0.25};
        const double lat[2] = {-30.0, 30.0};
        const double lon[3] = {-120.0, 0.0, 120.0};
        const short packed[12] = {0, 2, 4, 6, 8, 10, 1, 3, 5, 7, fill, 11};
        nc_put_var_double(ncid, timeVar, times);
        nc_put_var_double(ncid, latVar, lat);
        nc_put_var_double(ncid, lonVar, lon);
        nc_put_var_short(ncid, fieldVar, packed);
        QCOMPARE(nc_close(ncid), NC_NOERR);

        const ForecastFile file(path.toStdString());
        QVERIFY(!file.isSpreadcastFile());
        QCOMPARE(file.leadHours(), (std::vector<double>{0.0, 6.0}));
        QCOMPARE(file.initialTime(), std::string("2024-03-01 00:00:00"));
        QVERIFY(file.members().empty());
        const std::vector<float> second = file.read("t2m", 1);
        QCOMPARE(second[0], static_cast<float>(273.15 + 0.5));
        QVERIFY(std::isnan(second[4]));
        QCOMPARE(second[5], static_cast<float>(273.15 + 5.5));
    }

    // A learned model's file: fields on pressure levels (time, member, level, lat, lon) beside
    // surface fields, as NetcdfWriter writes them with an output schema that has levels.
    void readsFieldsOnPressureLevels()
    {
        const QString path = folder_.filePath("levels.nc");
        int ncid = 0;
        QCOMPARE(nc_create(path.toUtf8().constData(), NC_CLOBBER | NC_NETCDF4, &ncid), NC_NOERR);
        int dims[5] = {};
        nc_def_dim(ncid, "time", 2, &dims[0]);
        nc_def_dim(ncid, "member", 2, &dims[1]);
        nc_def_dim(ncid, "level", 3, &dims[2]);
        nc_def_dim(ncid, "lat", 2, &dims[3]);
        nc_def_dim(ncid, "lon", 3, &dims[4]);
        int timeVar = 0;
        int memberVar = 0;
        int levelVar = 0;
        int latVar = 0;
        int lonVar = 0;
        int temperatureVar = 0;
        int surfaceVar = 0;
        nc_def_var(ncid, "time", NC_DOUBLE, 1, &dims[0], &timeVar);
        putText(ncid, timeVar, "units", "hours since 2022-01-01 00:00:00");
        nc_def_var(ncid, "member", NC_INT, 1, &dims[1], &memberVar);
        putText(ncid, memberVar, "standard_name", "realization");
        nc_def_var(ncid, "level", NC_INT, 1, &dims[2], &levelVar);
        putText(ncid, levelVar, "units", "hPa");
        putText(ncid, levelVar, "positive", "down");
        putText(ncid, levelVar, "standard_name", "air_pressure");
        nc_def_var(ncid, "lat", NC_DOUBLE, 1, &dims[3], &latVar);
        putText(ncid, latVar, "units", "degrees_north");
        nc_def_var(ncid, "lon", NC_DOUBLE, 1, &dims[4], &lonVar);
        putText(ncid, lonVar, "units", "degrees_east");
        nc_def_var(ncid, "temperature", NC_FLOAT, 5, dims, &temperatureVar);
        putText(ncid, temperatureVar, "units", "K");
        const int surfaceDims[4] = {dims[0], dims[1], dims[3], dims[4]};
        nc_def_var(ncid, "2m_temperature", NC_FLOAT, 4, surfaceDims, &surfaceVar);
        const double times[2] = {0.0, 6.0};
        const int members[2] = {0, 1};
        const int levels[3] = {1000, 850, 500};
        const double lat[2] = {-45.0, 45.0};
        const double lon[3] = {0.0, 120.0, 240.0};
        // temperature = 1000 t + 100 m + 10 level index + point: every value says where it is.
        std::vector<float> temperature(2 * 2 * 3 * 6);
        for (std::size_t i = 0; i < temperature.size(); ++i) {
            const std::size_t point = i % 6;
            const std::size_t level = i / 6 % 3;
            const std::size_t member = i / 18 % 2;
            const std::size_t time = i / 36;
            temperature[i] = static_cast<float>(1000 * time + 100 * member + 10 * level + point);
        }
        std::vector<float> surface(2 * 2 * 6, 288.0f);
        nc_put_var_double(ncid, timeVar, times);
        nc_put_var_int(ncid, memberVar, members);
        nc_put_var_int(ncid, levelVar, levels);
        nc_put_var_double(ncid, latVar, lat);
        nc_put_var_double(ncid, lonVar, lon);
        nc_put_var_float(ncid, temperatureVar, temperature.data());
        nc_put_var_float(ncid, surfaceVar, surface.data());
        QCOMPARE(nc_close(ncid), NC_NOERR);

        const ForecastFile file(path.toStdString());
        QCOMPARE(file.levels(), (std::vector<double>{1000.0, 850.0, 500.0}));
        QCOMPARE(file.levelUnits(), std::string("hPa"));
        QVERIFY(file.variable("temperature") != nullptr && file.variable("temperature")->hasLevel);
        QVERIFY(file.variable("2m_temperature") != nullptr && !file.variable("2m_temperature")->hasLevel);
        const std::vector<float> field = file.read("temperature", 1, 1, 2);  // 500 hPa, member 1, +6 h
        QCOMPARE(field.size(), std::size_t{6});
        QCOMPARE(field[4], 1000.0f + 100.0f + 20.0f + 4.0f);
        QCOMPARE(file.read("2m_temperature", 1, 1, 2)[0], 288.0f);  // no levels: the level is ignored
        const ForecastFile::PointSeries series = file.readPoint("temperature", 1, 2, 1);  // 850 hPa at (45°, 240°)
        QCOMPARE(series.times, 2);
        QCOMPARE(series.memberCount, 2);
        QCOMPARE(series.values, (std::vector<float>{15.0f, 115.0f, 1015.0f, 1115.0f}));
        QVERIFY_THROWS_EXCEPTION(InputError, file.read("temperature", 0, 0, 3));
        QVERIFY_THROWS_EXCEPTION(InputError, file.readPoint("temperature", 0, 0, -1));
    }
};

QTEST_GUILESS_MAIN(TestForecastFile)
#include "TestForecastFile.moc"
