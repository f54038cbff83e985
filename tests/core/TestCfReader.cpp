#include "io/CfReader.h"
#include "io/ForecastFile.h"
#include "io/InitialConditionFile.h"
#include "run/InputError.h"
#include "spectral/GaussianGrid.h"

#include <netcdf.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace spreadcast;

namespace {

// A NetCDF file put together call by call: define, then write, then close.
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
    int variable(const std::string& name, nc_type type, const std::vector<int>& dims)
    {
        int id = 0;
        check(nc_def_var(ncid_, name.c_str(), type, static_cast<int>(dims.size()), dims.data(), &id));
        return id;
    }
    // A dimension with its coordinate variable (double), values written at close().
    int coordinate(const std::string& name, const std::vector<double>& values, const std::string& units,
                   std::size_t length = 0)
    {
        const int dim = dimension(name, length == 0 ? values.size() : length);
        const int var = variable(name, NC_DOUBLE, {dim});
        if (!units.empty()) {
            text(var, "units", units);
        }
        data(var, values);
        return dim;
    }
    void text(int varid, const char* name, const std::string& value)
    {
        check(nc_put_att_text(ncid_, varid, name, value.size(), value.data()));
    }
    void number(int varid, const char* name, nc_type type, const std::vector<double>& values)
    {
        check(nc_put_att_double(ncid_, varid, name, type, values.size(), values.data()));
    }
    void data(int varid, std::vector<double> values) { pending_.emplace_back(varid, std::move(values)); }
    void close()
    {
        check(nc_enddef(ncid_));
        for (const auto& [varid, values] : pending_) {
            int ndims = 0;
            check(nc_inq_varndims(ncid_, varid, &ndims));
            std::vector<int> dims(static_cast<std::size_t>(ndims));
            check(nc_inq_vardimid(ncid_, varid, dims.data()));
            std::vector<std::size_t> start(dims.size(), 0);
            std::vector<std::size_t> count;
            for (int dim : dims) {
                std::size_t length = 0;
                check(nc_inq_dimlen(ncid_, dim, &length));
                count.push_back(length);
            }
            // An unlimited dimension has no length yet: the values say how many records there are.
            std::size_t perRecord = 1;
            for (std::size_t k = 1; k < count.size(); ++k) {
                perRecord *= count[k];
            }
            if (!count.empty() && count[0] == 0) {
                count[0] = values.size() / perRecord;
            }
            check(nc_put_vara_double(ncid_, varid, start.data(), count.data(), values.data()));
        }
        check(nc_close(ncid_));
        ncid_ = -1;
    }
    int id() const { return ncid_; }

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

const CfFileKind testKind{"test file", "give another"};

std::vector<double> regular(double first, double step, int count)
{
    std::vector<double> values;
    for (int k = 0; k < count; ++k) {
        values.push_back(first + step * k);
    }
    return values;
}

std::vector<std::string> decoded(const CfReader& reader, const CfVariable& variable)
{
    const CfTimeUnits units = reader.timeUnits(variable);
    std::vector<std::string> texts;
    for (double value : reader.values(variable)) {
        texts.push_back(units.text(value).value_or("none"));
    }
    return texts;
}

QString joined(const std::vector<std::string>& texts)
{
    QStringList list;
    for (const std::string& text : texts) {
        list << QString::fromStdString(text);
    }
    return list.join(", ");
}

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

#define VERIFY_MESSAGE_HAS(message, text)                                                                              \
    QVERIFY2((message).find(text) != std::string::npos,                                                                \
             (std::string("expected '") + (text) + "' in: " + (message)).c_str())

}  // namespace

class TestCfReader : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString path(const char* name) const { return folder_.filePath(name); }

private slots:
    // Every calendar of CF 1.8 §4.4.1, each at the days that tell it from the others; the
    // expected dates follow from the calendars' definitions there (and, for the Gregorian rows,
    // agree with Python's datetime).
    void decodesEachCalendar_data()
    {
        QTest::addColumn<QString>("calendar");
        QTest::addColumn<QString>("units");
        QTest::addColumn<std::vector<double>>("values");
        QTest::addColumn<std::vector<std::string>>("expected");
        using Texts = std::vector<std::string>;
        QTest::newRow("standard") << "standard"
                                  << "hours since 2021-03-04 00:00:00" << std::vector<double>{6.0, 30.0}
                                  << Texts{"2021-03-04 06:00:00", "2021-03-05 06:00:00"};
        QTest::newRow("no calendar attribute is standard")
            << ""
            << "days since 1900-02-28" << std::vector<double>{1.0} << Texts{"1900-03-01 00:00:00"};
        QTest::newRow("gregorian jumps the 1582 reform")
            << "gregorian"
            << "days since 1582-10-04" << std::vector<double>{0.0, 1.0, -1.0}
            << Texts{"1582-10-04 00:00:00", "1582-10-15 00:00:00", "1582-10-03 00:00:00"};
        QTest::newRow("standard is Julian before the reform")
            << "standard"
            << "days since 1500-02-28" << std::vector<double>{1.0} << Texts{"1500-02-29 00:00:00"};
        QTest::newRow("proleptic_gregorian has no jump") << "proleptic_gregorian"
                                                         << "days since 1582-10-04" << std::vector<double>{1.0, -1.0}
                                                         << Texts{"1582-10-05 00:00:00", "1582-10-03 00:00:00"};
        QTest::newRow("proleptic_gregorian leap rules")
            << "proleptic_gregorian"
            << "days since 2000-02-28" << std::vector<double>{1.0, 2.0, 366.0}
            << Texts{"2000-02-29 00:00:00", "2000-03-01 00:00:00", "2001-02-28 00:00:00"};
        QTest::newRow("julian: 1900 is a leap year") << "julian"
                                                     << "days since 1900-02-28" << std::vector<double>{1.0, 2.0}
                                                     << Texts{"1900-02-29 00:00:00", "1900-03-01 00:00:00"};
        QTest::newRow("noleap") << "noleap"
                                << "days since 2000-02-28" << std::vector<double>{1.0, 365.0}
                                << Texts{"2000-03-01 00:00:00", "2001-02-28 00:00:00"};
        QTest::newRow("365_day") << "365_day"
                                 << "days since 2000-02-28" << std::vector<double>{1.0} << Texts{"2000-03-01 00:00:00"};
        QTest::newRow("all_leap") << "all_leap"
                                  << "days since 2001-02-28" << std::vector<double>{1.0, 366.0}
                                  << Texts{"2001-02-29 00:00:00", "2002-02-28 00:00:00"};
        QTest::newRow("366_day") << "366_day"
                                 << "days since 2001-02-28" << std::vector<double>{1.0} << Texts{"2001-02-29 00:00:00"};
        QTest::newRow("360_day") << "360_day"
                                 << "days since 2000-01-01" << std::vector<double>{59.0, 360.0, -1.0}
                                 << Texts{"2000-02-30 00:00:00", "2001-01-01 00:00:00", "1999-12-30 00:00:00"};
        // ERA5 as the old CDS wrote it (hours since 1900, "gregorian") and as the new one does
        // (seconds since 1970, int64): both 2023-01-01 00 UTC.
        QTest::newRow("ERA5, hours since 1900")
            << "gregorian"
            << "hours since 1900-01-01 00:00:00.0" << std::vector<double>{1078200.0} << Texts{"2023-01-01 00:00:00"};
        QTest::newRow("ERA5, seconds since 1970")
            << "proleptic_gregorian"
            << "seconds since 1970-01-01" << std::vector<double>{1672531200.0} << Texts{"2023-01-01 00:00:00"};
        QTest::newRow("ISO reference with Z")
            << "standard"
            << "minutes since 2000-01-01T12:00:00Z" << std::vector<double>{90.0} << Texts{"2000-01-01 13:30:00"};
        QTest::newRow("reference in a time zone east of UTC")
            << "standard"
            << "hours since 2000-01-01 00:00:00 +06:00" << std::vector<double>{0.0} << Texts{"1999-12-31 18:00:00"};
    }

    void decodesEachCalendar()
    {
        QFETCH(QString, calendar);
        QFETCH(QString, units);
        QFETCH(std::vector<double>, values);
        QFETCH(std::vector<std::string>, expected);
        {
            TestFile file(path("calendar.nc"));
            const int time = file.dimension("time", values.size());
            const int var = file.variable("time", NC_DOUBLE, {time});
            file.text(var, "units", units.toStdString());
            if (!calendar.isEmpty()) {
                file.text(var, "calendar", calendar.toStdString());
            }
            file.data(var, values);
            file.close();
        }
        const CfReader reader(path("calendar.nc").toStdString(), testKind);
        QCOMPARE(reader.dimensions()[0].axis, CfAxis::Time);
        QCOMPARE(joined(decoded(reader, *reader.variable("time"))), joined(expected));
    }

    void refusesTimeUnitsItCannotDecode_data()
    {
        QTest::addColumn<QString>("units");
        QTest::addColumn<QString>("calendar");
        QTest::addColumn<QString>("expected");
        QTest::newRow("months") << "months since 2000-01-01"
                                << "standard"
                                << "no fixed length";
        QTest::newRow("unknown calendar") << "days since 2000-01-01"
                                          << "lunar"
                                          << "calendar 'lunar'";
        QTest::newRow("no date") << "hours since yesterday"
                                 << "standard"
                                 << "is not a date";
        QTest::newRow("a date the calendar lacks") << "days since 2001-02-29"
                                                   << "noleap"
                                                   << "does not exist in the noleap calendar";
        QTest::newRow("not time at all") << "m s-1"
                                         << ""
                                         << "are not time units";
    }

    void refusesTimeUnitsItCannotDecode()
    {
        QFETCH(QString, units);
        QFETCH(QString, calendar);
        QFETCH(QString, expected);
        {
            TestFile file(path("bad-time.nc"));
            const int var = file.variable("time", NC_DOUBLE, {file.dimension("time", 1)});
            file.text(var, "units", units.toStdString());
            file.text(var, "calendar", calendar.toStdString());
            file.data(var, {0.0});
            file.close();
        }
        const CfReader reader(path("bad-time.nc").toStdString(), testKind);
        const std::string message = errorOf([&] { reader.timeUnits(*reader.variable("time")); });
        VERIFY_MESSAGE_HAS(message, expected.toStdString());
        VERIFY_MESSAGE_HAS(message, "variable 'time'");
        VERIFY_MESSAGE_HAS(message, "bad-time.nc");
    }

    // Packed shorts unpack as stored × scale_factor + add_offset; _FillValue, missing_value and
    // values outside valid_range (of the stored type) or valid_max (of the unpacked type, a float
    // bound of a packed variable) are missing (CF 1.8 §2.5.1, §8.1).
    void unpacksAndMarksMissingValues()
    {
        const double scale = 0.01;
        const double offset = 273.15;
        {
            TestFile file(path("packed.nc"));
            const int point = file.dimension("point", 6);
            const int packed = file.variable("t2m", NC_SHORT, {point});
            file.number(packed, "scale_factor", NC_DOUBLE, {scale});
            file.number(packed, "add_offset", NC_DOUBLE, {offset});
            file.number(packed, "_FillValue", NC_SHORT, {-32767.0});
            file.number(packed, "missing_value", NC_SHORT, {-32766.0});
            file.number(packed, "valid_range", NC_SHORT, {-5000.0, 5000.0});
            file.number(packed, "valid_max", NC_FLOAT, {300.0});
            file.data(packed, {0.0, 100.0, -32767.0, -32766.0, 6000.0, 4000.0});
            const int plain = file.variable("precipitation", NC_FLOAT, {point});
            file.number(plain, "missing_value", NC_DOUBLE, {1e20});  // double attribute, float data
            file.data(plain, {1.0, 1e20, 2.0, 3.0, 4.0, 5.0});
            file.close();
        }
        const CfReader reader(path("packed.nc").toStdString(), testKind);
        const CfVariable& packed = *reader.variable("t2m");
        QVERIFY(packed.packing.packed);
        const std::vector<double> values = reader.values(packed);
        QCOMPARE(values.size(), std::size_t(6));
        QCOMPARE(values[0], 0.0 * scale + offset);
        QCOMPARE(values[1], 100.0 * scale + offset);
        QVERIFY(std::isnan(values[2]));  // _FillValue
        QVERIFY(std::isnan(values[3]));  // missing_value
        QVERIFY(std::isnan(values[4]));  // beyond valid_range's 5000
        QVERIFY(std::isnan(values[5]));  // 313.15 K, beyond valid_max 300 K
        const std::vector<float> narrow = reader.read<float>(packed, CfHyperslab(reader, packed).select(0, 1, 2));
        QCOMPARE(narrow.size(), std::size_t(2));
        QCOMPARE(narrow[0], static_cast<float>(100.0 * scale + offset));
        QVERIFY(std::isnan(narrow[1]));

        const std::vector<float> precipitation = reader.read<float>(
            *reader.variable("precipitation"), CfHyperslab(reader, *reader.variable("precipitation")));
        QCOMPARE(precipitation[0], 1.0f);
        QVERIFY(std::isnan(precipitation[1]));
        QCOMPARE(precipitation[2], 2.0f);
    }

    // Records never written hold the type's default fill value: missing, without any attribute.
    void unwrittenRecordsAreMissing()
    {
        {
            TestFile file(path("records.nc"));
            const int time = file.dimension("time", NC_UNLIMITED);
            const int x = file.dimension("x", 2);
            const int var = file.variable("height", NC_FLOAT, {time, x});
            QCOMPARE(nc_enddef(file.id()), NC_NOERR);
            const std::size_t start[2] = {2, 0};
            const std::size_t count[2] = {1, 2};
            const float values[2] = {5.0f, 6.0f};
            QCOMPARE(nc_put_vara_float(file.id(), var, start, count, values), NC_NOERR);
            QCOMPARE(nc_redef(file.id()), NC_NOERR);
            file.close();
        }
        const CfReader reader(path("records.nc").toStdString(), testKind);
        QVERIFY(reader.dimensions()[0].unlimited);
        QCOMPARE(reader.dimensions()[0].axis, CfAxis::Time);
        const std::vector<double> values = reader.values(*reader.variable("height"));
        QCOMPARE(values.size(), std::size_t(6));
        QVERIFY(std::isnan(values[0]) && std::isnan(values[3]));
        QCOMPARE(values[4], 5.0);
        QCOMPARE(values[5], 6.0);
    }

    void recognisesAxes()
    {
        {
            TestFile file(path("axes.nc"));
            file.coordinate("valid_time", {0.0}, "seconds since 1970-01-01");
            file.coordinate("pressure_level", {500.0, 850.0}, "hPa");
            file.coordinate("number", {0.0, 1.0}, "");
            file.coordinate("latitude", {10.0, 0.0}, "degrees_north");
            file.coordinate("longitude", {0.0, 1.0}, "degrees_east");
            file.dimension("batch", 1);
            const int y = file.dimension("y", 2);
            const int yVar = file.variable("y", NC_DOUBLE, {y});
            file.text(yVar, "axis", "Y");
            file.data(yVar, {-1.0, 1.0});
            const int rotated = file.dimension("rlat", 2);
            const int rotatedVar = file.variable("rlat", NC_DOUBLE, {rotated});
            file.text(rotatedVar, "axis", "Y");
            file.text(rotatedVar, "standard_name", "grid_latitude");
            file.data(rotatedVar, {-1.0, 1.0});
            const int sigma = file.dimension("sigma", 2);
            const int sigmaVar = file.variable("sigma", NC_DOUBLE, {sigma});
            file.text(sigmaVar, "positive", "down");
            file.data(sigmaVar, {0.5, 1.0});
            const int step = file.dimension("step", 2);
            const int stepVar = file.variable("step", NC_DOUBLE, {step});
            file.text(stepVar, "axis", "T");
            file.data(stepVar, {0.0, 6.0});
            const int realization = file.dimension("ens", 2);
            const int realizationVar = file.variable("ens", NC_INT, {realization});
            file.text(realizationVar, "standard_name", "realization");
            file.data(realizationVar, {0.0, 1.0});
            file.close();
        }
        const CfReader reader(path("axes.nc").toStdString(), testKind);
        const auto axisOf = [&](const char* name) {
            for (const CfDimension& dimension : reader.dimensions()) {
                if (dimension.name == name) {
                    return dimension.axis;
                }
            }
            throw std::runtime_error(std::string("no dimension ") + name);
        };
        QCOMPARE(axisOf("valid_time"), CfAxis::Time);
        QCOMPARE(axisOf("pressure_level"), CfAxis::Level);
        QCOMPARE(axisOf("number"), CfAxis::Member);
        QCOMPARE(axisOf("latitude"), CfAxis::Latitude);
        QCOMPARE(axisOf("longitude"), CfAxis::Longitude);
        QCOMPARE(axisOf("batch"), CfAxis::Other);
        QCOMPARE(axisOf("y"), CfAxis::Latitude);
        QCOMPARE(axisOf("rlat"), CfAxis::Other);  // a rotated pole's latitude is not the globe's
        QCOMPARE(axisOf("sigma"), CfAxis::Level);
        QCOMPARE(axisOf("step"), CfAxis::Time);
        QCOMPARE(axisOf("ens"), CfAxis::Member);
    }

    // ERA5 stores latitudes north to south: the sorted grid runs south to north and remembers
    // where each row lies in the file; longitudes −180 … 135 wrap to 0 … 315.
    void sortsDescendingLatitudesAndWrapsLongitudes()
    {
        const std::vector<double> lat = regular(90.0, -45.0, 5);
        const std::vector<double> lon = regular(-180.0, 45.0, 8);
        const auto f = [](double latitude, double longitude) {
            return 1000.0 * latitude + (longitude - 360.0 * std::floor(longitude / 360.0));
        };
        {
            TestFile file(path("descending.nc"));
            const int latDim = file.coordinate("latitude", lat, "degrees_north");
            const int lonDim = file.coordinate("longitude", lon, "degrees_east");
            const int var = file.variable("z", NC_DOUBLE, {latDim, lonDim});
            std::vector<double> values;
            for (double latitude : lat) {
                for (double longitude : lon) {
                    values.push_back(f(latitude, longitude));
                }
            }
            file.data(var, values);
            file.close();
        }
        const CfReader reader(path("descending.nc").toStdString(), testKind);
        const CfVariable& z = *reader.variable("z");
        const CfHorizontalGrid grid = reader.horizontalGrid(z);
        QVERIFY(grid.latitudesDescending);
        QCOMPARE(grid.latitudes, regular(-90.0, 45.0, 5));
        QCOMPARE(grid.latitudeIndex, (std::vector<std::size_t>{4, 3, 2, 1, 0}));
        QCOMPARE(grid.longitudes, regular(0.0, 45.0, 8));
        QCOMPARE(grid.longitudeIndex, (std::vector<std::size_t>{4, 5, 6, 7, 0, 1, 2, 3}));
        const std::vector<double> values = reader.values(z);
        for (std::size_t j = 0; j < grid.latitudes.size(); ++j) {
            for (std::size_t i = 0; i < grid.longitudes.size(); ++i) {
                QCOMPARE(values[grid.latitudeIndex[j] * lon.size() + grid.longitudeIndex[i]],
                         f(grid.latitudes[j], grid.longitudes[i]));
            }
        }
    }

    // The layout of DeepMind's GraphCast example datasets: (batch, time, level, lat, lon), a
    // time axis of lead times in bare hours, and the dates in a (batch, time) datetime variable.
    void readsOneTimeWithEveryLevel()
    {
        const std::size_t times = 2;
        const std::size_t levels = 3;
        const std::size_t nlat = 4;
        const std::size_t nlon = 5;
        const auto f = [](std::size_t t, std::size_t l, std::size_t j, std::size_t i) {
            return static_cast<double>(1000 * t + 100 * l + 10 * j + i);
        };
        {
            TestFile file(path("graphcast.nc"));
            const int batch = file.dimension("batch", 1);
            const int time = file.coordinate("time", {-6.0, 0.0}, "hours");
            const int level = file.coordinate("level", {500.0, 700.0, 850.0}, "");
            const int lat = file.coordinate("lat", regular(-90.0, 60.0, 4), "degrees_north");
            const int lon = file.coordinate("lon", regular(0.0, 72.0, 5), "degrees_east");
            const int temperature = file.variable("temperature", NC_FLOAT, {batch, time, level, lat, lon});
            std::vector<double> values;
            for (std::size_t t = 0; t < times; ++t) {
                for (std::size_t l = 0; l < levels; ++l) {
                    for (std::size_t j = 0; j < nlat; ++j) {
                        for (std::size_t i = 0; i < nlon; ++i) {
                            values.push_back(f(t, l, j, i));
                        }
                    }
                }
            }
            file.data(temperature, values);
            const int orography = file.variable("geopotential_at_surface", NC_FLOAT, {lat, lon});
            file.data(orography, std::vector<double>(nlat * nlon, 1.0));
            const int datetime = file.variable("datetime", NC_INT64, {batch, time});
            file.text(datetime, "units", "hours since 2022-01-01");
            file.text(datetime, "calendar", "proleptic_gregorian");
            file.data(datetime, {0.0, 6.0});
            file.close();
        }
        const CfReader reader(path("graphcast.nc").toStdString(), testKind);
        const CfVariable& temperature = *reader.variable("temperature");
        QCOMPARE(temperature.axes, (std::vector<CfAxis>{CfAxis::Other, CfAxis::Time, CfAxis::Level, CfAxis::Latitude,
                                                        CfAxis::Longitude}));
        CfHyperslab slab(reader, temperature);
        slab.select(0, 0).select(CfAxis::Time, 1);
        QCOMPARE(slab.valueCount(), levels * nlat * nlon);
        const std::vector<float> second = reader.read<float>(temperature, slab);
        std::size_t k = 0;
        for (std::size_t l = 0; l < levels; ++l) {
            for (std::size_t j = 0; j < nlat; ++j) {
                for (std::size_t i = 0; i < nlon; ++i) {
                    QCOMPARE(second[k++], static_cast<float>(f(1, l, j, i)));
                }
            }
        }

        const CfVariable& time = *reader.variable("time");
        const CfTimeUnits leads = reader.timeUnits(time);
        QVERIFY(!leads.hasReference());
        QCOMPARE(leads.hours(reader.values(time)[0]), -6.0);
        QCOMPARE(decoded(reader, *reader.variable("datetime")),
                 (std::vector<std::string>{"2022-01-01 00:00:00", "2022-01-01 06:00:00"}));

        const CfVariable& orography = *reader.variable("geopotential_at_surface");
        const std::string noTime = errorOf([&] { CfHyperslab(reader, orography).select(CfAxis::Time, 0); });
        VERIFY_MESSAGE_HAS(noTime, "'geopotential_at_surface'");
        VERIFY_MESSAGE_HAS(noTime, "no time dimension");
        const std::string outside = errorOf([&] { CfHyperslab(reader, temperature).select(CfAxis::Time, 2); });
        VERIFY_MESSAGE_HAS(outside, "time dimension 'time'");
        VERIFY_MESSAGE_HAS(outside, "has 2 entries");
    }

    // A time axis that starts 6 h after its reference, across the end of February of a leap year
    // in the standard and the noleap calendar: both readers date it through CfReader.
    void bothReadersDecodeAnAxisThatDoesNotStartAtZero()
    {
        const std::vector<double> lat = regular(90.0, -10.0, 19);
        const std::vector<double> lon = regular(0.0, 10.0, 36);
        for (const char* calendar : {"noleap", "standard"}) {
            const QString name = path(qPrintable(QString("winds-%1.nc").arg(calendar)));
            {
                TestFile file(name);
                const int time = file.dimension("time", 2);
                const int timeVar = file.variable("time", NC_DOUBLE, {time});
                file.text(timeVar, "units", "hours since 2004-02-27 18:00:00");
                file.text(timeVar, "calendar", calendar);
                file.data(timeVar, {6.0, 30.0});
                const int latDim = file.coordinate("lat", lat, "degrees_north");
                const int lonDim = file.coordinate("lon", lon, "degrees_east");
                for (const char* wind : {"u", "v"}) {
                    const int var = file.variable(wind, NC_FLOAT, {time, latDim, lonDim});
                    file.text(var, "units", "m s-1");
                    file.data(var, std::vector<double>(2 * lat.size() * lon.size(), 3.0));
                }
                file.close();
            }
            const std::string second =
                std::string(calendar) == "noleap" ? "2004-03-01 00:00:00" : "2004-02-29 00:00:00";
            const ForecastFile forecast(name.toStdString());
            QCOMPARE(forecast.leadHours(), (std::vector<double>{0.0, 24.0}));
            QCOMPARE(forecast.validTimes(), (std::vector<std::string>{"2004-02-28 00:00:00", second}));
            QCOMPARE(forecast.initialTime(), std::string("2004-02-28 00:00:00"));
            QCOMPARE(forecast.calendar(), std::string(calendar));

            const GaussianGrid grid = GaussianGrid::forTruncation(21);
            const InitialConditionFile start = readInitialConditionFile(name.toStdString(), 1, 0, grid);
            const std::vector<std::string> listed = listInitialConditionTimes(name.toStdString());
            if (std::string(calendar) == "standard") {
                QCOMPARE(start.initialTime, second);
                QCOMPARE(listed, (std::vector<std::string>{"2004-02-28 00:00:00", second}));
            } else {
                // The output's standard calendar cannot carry a noleap date: shown, not used.
                QVERIFY(start.initialTime.empty());
                QCOMPARE(listed, (std::vector<std::string>{"2004-02-28 00:00:00 in the noleap calendar",
                                                           "2004-03-01 00:00:00 in the noleap calendar"}));
                QVERIFY2(start.description.find("2004-03-01 00:00:00 in the noleap calendar") != std::string::npos,
                         start.description.c_str());
            }
        }
    }

    void explainsFilesItCannotRead()
    {
        const std::string missing = errorOf([&] { CfReader(path("absent.nc").toStdString(), testKind); });
        VERIFY_MESSAGE_HAS(missing, "test file '");
        VERIFY_MESSAGE_HAS(missing, "absent.nc");
        VERIFY_MESSAGE_HAS(missing, "no such file");
        VERIFY_MESSAGE_HAS(missing, "give another");
        VERIFY_MESSAGE_HAS(errorOf([&] { CfReader(folder_.path().toStdString(), testKind); }), "is a folder");
        {
            QFile text(path("notes.nc"));
            QVERIFY(text.open(QIODevice::WriteOnly));
            text.write("lat,lon,u\n");
        }
        const std::string notNetcdf = errorOf([&] { CfReader(path("notes.nc").toStdString(), testKind); });
        VERIFY_MESSAGE_HAS(notNetcdf, "notes.nc");
        VERIFY_MESSAGE_HAS(notNetcdf, "not a NetCDF file");
        // A classic header cut short: netCDF-C answers with errno EINVAL, and it is still no NetCDF file.
        {
            QFile truncated(path("truncated.nc"));
            QVERIFY(truncated.open(QIODevice::WriteOnly));
            truncated.write("CDF\x01 and nothing after the magic number");
        }
        VERIFY_MESSAGE_HAS(errorOf([&] { CfReader(path("truncated.nc").toStdString(), testKind); }),
                           "not a NetCDF file");
    }
};

QTEST_APPLESS_MAIN(TestCfReader)
#include "TestCfReader.moc"
