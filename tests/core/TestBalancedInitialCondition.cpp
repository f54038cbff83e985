#include "cases/TestCases.h"
#include "model/ErrorNorms.h"
#include "model/ShallowWaterModel.h"
#include "run/EnsembleRun.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <numbers>
#include <vector>

using namespace spreadcast;

namespace {

constexpr double u0 = 2.0 * std::numbers::pi * 6.37122e6 / (12.0 * 86400.0);

// W92 case 2 (α = 0) winds on a 1° regular grid, latitudes −90 … 90, with or without a height
// variable; `flatHeight` writes a height that is the global mean everywhere (unbalanced).
void writeWindsFile(const QString& path, bool flatHeight, double meanHeight)
{
    const int nlat = 181;
    const int nlon = 360;
    int ncid = -1;
    QCOMPARE(nc_create(path.toUtf8().constData(), NC_CLOBBER | NC_NETCDF4, &ncid), NC_NOERR);
    int latDim = -1, lonDim = -1, latVar = -1, lonVar = -1, uVar = -1, vVar = -1, zVar = -1;
    nc_def_dim(ncid, "latitude", nlat, &latDim);
    nc_def_dim(ncid, "longitude", nlon, &lonDim);
    nc_def_var(ncid, "latitude", NC_DOUBLE, 1, &latDim, &latVar);
    nc_put_att_text(ncid, latVar, "units", 13, "degrees_north");
    nc_def_var(ncid, "longitude", NC_DOUBLE, 1, &lonDim, &lonVar);
    nc_put_att_text(ncid, lonVar, "units", 12, "degrees_east");
    const int dims[] = {latDim, lonDim};
    nc_def_var(ncid, "u", NC_FLOAT, 2, dims, &uVar);
    nc_put_att_text(ncid, uVar, "standard_name", 13, "eastward_wind");
    nc_put_att_text(ncid, uVar, "units", 5, "m s-1");
    nc_def_var(ncid, "v", NC_FLOAT, 2, dims, &vVar);
    nc_put_att_text(ncid, vVar, "standard_name", 14, "northward_wind");
    nc_put_att_text(ncid, vVar, "units", 5, "m s-1");
    if (flatHeight) {
        nc_def_var(ncid, "z", NC_FLOAT, 2, dims, &zVar);
        nc_put_att_text(ncid, zVar, "standard_name", 19, "geopotential_height");
        nc_put_att_text(ncid, zVar, "units", 1, "m");
    }
    nc_enddef(ncid);
    std::vector<double> latitudes(nlat), longitudes(nlon), u(nlat * nlon), v(nlat * nlon, 0.0),
        z(nlat * nlon, meanHeight);
    for (int j = 0; j < nlat; ++j) {
        latitudes[j] = -90.0 + j;
        for (int i = 0; i < nlon; ++i) {
            u[j * nlon + i] = u0 * std::cos(latitudes[j] * std::numbers::pi / 180.0);
        }
    }
    for (int i = 0; i < nlon; ++i) {
        longitudes[i] = i;
    }
    nc_put_var_double(ncid, latVar, latitudes.data());
    nc_put_var_double(ncid, lonVar, longitudes.data());
    nc_put_var_double(ncid, uVar, u.data());
    nc_put_var_double(ncid, vVar, v.data());
    if (flatHeight) {
        nc_put_var_double(ncid, zVar, z.data());
    }
    QCOMPARE(nc_close(ncid), NC_NOERR);
}

struct Outcome {
    double initialError = 0.0;  // l2 of the initial height against W92 case 2
    double dayOneChange = 0.0;  // l2 height change over one day
};

Outcome forecastFromFile(const QString& path, double meanDepth)
{
    RunSpec spec;
    spec.initialCondition = path.toStdString();
    spec.truncation = 42;
    spec.meanDepth = meanDepth;
    spec.perturbVorticity = 0.0;  // the control forecast: balance is what is tested
    spec.leadSeconds = 86400.0;
    const PreparedModel prepared = prepareModel(spec);
    const auto& model = dynamic_cast<const ShallowWaterModel&>(*prepared.model);
    auto workspace = model.makeWorkspace();
    auto state = model.initialState(0);
    const auto initial = model.fields(*state, *workspace).variables[outputHeight];
    MemberState* batch[] = {state.get()};
    model.advance(batch, static_cast<int>(std::lround(86400.0 / model.timeStep())), *workspace);
    const auto final = model.fields(*state, *workspace).variables[outputHeight];
    return {normalizedErrors(model.grid(), initial, williamsonCase2Height(model.grid(), 0.0)).l2,
            normalizedErrors(model.grid(), final, initial).l2};
}

}  // namespace

class TestBalancedInitialCondition : public QObject {
    Q_OBJECT

private slots:
    void windsWithoutHeightGetTheBalancedHeight()
    {
        const GaussianGrid grid = GaussianGrid::forTruncation(42);
        const double meanDepth = areaMean(grid, williamsonCase2Height(grid, 0.0));
        QTemporaryDir directory;
        const QString balancedPath = directory.filePath("winds.nc");
        const QString flatPath = directory.filePath("flat.nc");
        writeWindsFile(balancedPath, false, meanDepth);
        writeWindsFile(flatPath, true, meanDepth);

        const Outcome balanced = forecastFromFile(balancedPath, meanDepth);
        const Outcome flat = forecastFromFile(flatPath, meanDepth);
        qInfo("winds only: derived height vs W92 case 2 l2 %.3e, one-day change %.3e", balanced.initialError,
              balanced.dayOneChange);
        qInfo("winds with a flat height: initial l2 %.3e, one-day change %.3e", flat.initialError, flat.dayOneChange);
        // Bilinear interpolation of u0 cos φ on a 1° grid errs by ≈ u0 (Δφ)²/8 ≈ 1.5e-3 m/s; the
        // balance turns that into ≈ aΩ/g · 1.5e-3 ≈ 0.07 m of a ≈ 2.4 km layer: ~3e-5 relative.
        QVERIFY(balanced.initialError < 1e-4);
        // Balanced, the flow stays put; unbalanced, gravity waves move the height by percent.
        QVERIFY(balanced.dayOneChange < 1e-4);
        QVERIFY(flat.dayOneChange > 100.0 * balanced.dayOneChange);
    }
};

QTEST_APPLESS_MAIN(TestBalancedInitialCondition)
#include "TestBalancedInitialCondition.moc"
