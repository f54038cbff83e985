#include "io/ForecastFile.h"
#include "viz/ForecastProducts.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <netcdf.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

using namespace spreadcast;

namespace {

// A small CF file whose time axis starts far from zero, as most archives' do (Ferret's
// monthly_navy_winds.cdf counts hours since year 0): two times of a 3 × 4 field.
void writeCfFile(const std::string& path, const std::string& units, const std::string& calendar,
                 const std::vector<double>& times)
{
    int ncid = 0;
    QCOMPARE(nc_create(path.c_str(), NC_CLOBBER | NC_NETCDF4, &ncid), NC_NOERR);
    int timeDim = 0;
    int latDim = 0;
    int lonDim = 0;
    nc_def_dim(ncid, "TIME", times.size(), &timeDim);
    nc_def_dim(ncid, "LAT", 3, &latDim);
    nc_def_dim(ncid, "LON", 4, &lonDim);
    int timeVar = 0;
    int latVar = 0;
    int lonVar = 0;
    int fieldVar = 0;
    nc_def_var(ncid, "TIME", NC_DOUBLE, 1, &timeDim, &timeVar);
    nc_put_att_text(ncid, timeVar, "units", units.size(), units.c_str());
    if (!calendar.empty()) {
        nc_put_att_text(ncid, timeVar, "calendar", calendar.size(), calendar.c_str());
    }
    nc_put_att_text(ncid, timeVar, "axis", 1, "T");
    nc_def_var(ncid, "LAT", NC_DOUBLE, 1, &latDim, &latVar);
    nc_put_att_text(ncid, latVar, "units", 13, "degrees_north");
    nc_def_var(ncid, "LON", NC_DOUBLE, 1, &lonDim, &lonVar);
    nc_put_att_text(ncid, lonVar, "units", 12, "degrees_east");
    const std::array<int, 3> dims{timeDim, latDim, lonDim};
    nc_def_var(ncid, "UWND", NC_FLOAT, 3, dims.data(), &fieldVar);
    nc_put_att_text(ncid, fieldVar, "units", 3, "m/s");
    nc_enddef(ncid);
    const std::array<double, 3> latitudes{-30.0, 0.0, 30.0};
    const std::array<double, 4> longitudes{0.0, 90.0, 180.0, 270.0};
    std::vector<float> values(times.size() * 12);
    for (std::size_t k = 0; k < values.size(); ++k) {
        values[k] = static_cast<float>(k);
    }
    nc_put_var_double(ncid, timeVar, times.data());
    nc_put_var_double(ncid, latVar, latitudes.data());
    nc_put_var_double(ncid, lonVar, longitudes.data());
    nc_put_var_float(ncid, fieldVar, values.data());
    QCOMPARE(nc_close(ncid), NC_NOERR);
}

}  // namespace

// Issue 14, defect 4: valid times come from the time axis's units and calendar, whatever value
// the axis starts at.
class TestValidTimes : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;

    QString label(const std::string& path, int timeIndex)
    {
        auto products = std::make_unique<ForecastProducts>(std::make_shared<const ForecastFile>(path));
        return QString::fromStdString(products->timeLabel(timeIndex));
    }

private slots:
    void anAxisThatDoesNotStartAtZeroShowsItsRealTimes()
    {
        // 1982-01-16 20:00 is 719180 hours after 1900-01-01 00:00 (82 years with 20 leap days,
        // and 15 days and 20 hours); the second time is 31 days later.
        const std::string path = folder_.filePath("winds.cdf").toStdString();
        writeCfFile(path, "hours since 1900-01-01 00:00:00", "", {719180.0, 719180.0 + 31 * 24});
        const ForecastFile file(path);
        QCOMPARE(file.initialTime(), std::string("1982-01-16 20:00:00"));
        QCOMPARE(label(path, 0), QString("T+0 h, valid 1982-01-16 20:00"));
        QCOMPARE(label(path, 1), QString("T+744 h, valid 1982-02-16 20:00"));
    }

    void theCalendarOfTheAxisIsUsed()
    {
        // 360 days a year of twelve 30-day months: 30 February exists.
        const std::string path = folder_.filePath("model-years.nc").toStdString();
        writeCfFile(path, "days since 2000-01-01", "360_day", {59.0, 60.0});
        QCOMPARE(label(path, 0), QString("T+0 h, valid 2000-02-30 00:00 (360_day calendar)"));
        QCOMPARE(label(path, 1), QString("T+24 h, valid 2000-03-01 00:00 (360_day calendar)"));
    }
};

QTEST_GUILESS_MAIN(TestValidTimes)

#include "TestValidTimes.moc"
