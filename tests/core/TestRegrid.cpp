#include "ic/InitialConditionAssembly.h"
#include "ic/Regrid.h"
#include "run/InputError.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstring>
#include <functional>
#include <limits>
#include <numbers>
#include <vector>

// Regridding initial conditions on the sphere (core/ic/Regrid.h) with numbers from the numerics:
// conservation, exactness on linear fields, and an error bound derived for a spherical harmonic.
namespace {

using spreadcast::graphcast::LatLonGrid;
using spreadcast::ic::Regridder;
using spreadcast::ic::RegridMethod;

constexpr double floatEpsilon = std::numeric_limits<float>::epsilon();

double radians(double degrees)
{
    return degrees * std::numbers::pi / 180.0;
}

// A grid of `rows` latitudes from `firstLatitude` and `columns` longitudes from `firstLongitude`.
LatLonGrid makeGrid(double firstLatitude, double latitudeSpacing, std::size_t rows, double firstLongitude,
                    double longitudeSpacing, std::size_t columns)
{
    LatLonGrid grid;
    for (std::size_t k = 0; k < rows; ++k) {
        grid.latitudes.push_back(firstLatitude + static_cast<double>(k) * latitudeSpacing);
    }
    for (std::size_t k = 0; k < columns; ++k) {
        grid.longitudes.push_back(firstLongitude + static_cast<double>(k) * longitudeSpacing);
    }
    return grid;
}

std::vector<float> sample(const LatLonGrid& grid, const std::function<double(double, double)>& field)
{
    std::vector<float> values;
    for (double latitude : grid.latitudes) {
        for (double longitude : grid.longitudes) {
            values.push_back(static_cast<float>(field(latitude, longitude)));
        }
    }
    return values;
}

// Area of every cell on the unit sphere, bounds halfway between the axis values and at the poles.
std::vector<double> cellAreas(const LatLonGrid& grid)
{
    std::vector<double> bounds{-90.0};
    for (std::size_t k = 1; k < grid.latitudes.size(); ++k) {
        bounds.push_back(0.5 * (grid.latitudes[k - 1] + grid.latitudes[k]));
    }
    bounds.push_back(90.0);
    const double width = radians(360.0 / static_cast<double>(grid.longitudes.size()));
    std::vector<double> areas;
    for (std::size_t row = 0; row < grid.latitudes.size(); ++row) {
        const double band = std::sin(radians(bounds[row + 1])) - std::sin(radians(bounds[row]));
        areas.insert(areas.end(), grid.longitudes.size(), band * width);
    }
    return areas;
}

double areaMean(const std::vector<float>& values, const std::vector<double>& areas)
{
    double sum = 0.0;
    double total = 0.0;
    for (std::size_t k = 0; k < values.size(); ++k) {
        sum += areas[k] * static_cast<double>(values[k]);
        total += areas[k];
    }
    return sum / total;
}

// Deterministic values in [−1, 1] (a linear congruential generator; any values do for conservation).
std::vector<float> noise(std::size_t count, double scale, double offset)
{
    std::vector<float> values(count);
    std::uint64_t state = 12345;
    for (float& value : values) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        value = static_cast<float>(offset + scale * (static_cast<double>(state >> 11) * 0x1.0p-53 * 2.0 - 1.0));
    }
    return values;
}

}  // namespace

class TestRegrid : public QObject {
    Q_OBJECT

private slots:
    // The checkpoint's own grid: nothing is interpolated, the bits stay.
    void theSameGridIsCopiedBitForBit()
    {
        spreadcast::graphcast::Dataset dataset;
        dataset.grid = LatLonGrid::regular(10.0);
        dataset.validTimes = {0};
        dataset.times.resize(1);
        dataset.times[0].variables["temperature"] = noise(3 * dataset.grid.points(), 30.0, 250.0);
        dataset.statics.variables["land_sea_mask"] = noise(dataset.grid.points(), 0.5, 0.5);
        const auto original = dataset;
        std::string note = "not cleared";
        const auto regridded =
            spreadcast::ic::regridDataset(dataset, LatLonGrid::regular(10.0), RegridMethod::Automatic, "same.nc", note);
        QVERIFY(note.empty());
        QVERIFY(regridded.times[0].variables.at("temperature") == original.times[0].variables.at("temperature"));
        QVERIFY(regridded.statics.variables.at("land_sea_mask") == original.statics.variables.at("land_sea_mask"));
    }

    // Longitudes −180…179 at the target's spacing are the same points in another order: bilinear
    // weights are then 1 and 0, so the values are moved, not interpolated.
    void longitudesFromMinus180AreRolledExactly()
    {
        const LatLonGrid target = LatLonGrid::regular(2.0);
        const LatLonGrid source = makeGrid(-90.0, 2.0, 91, -180.0, 2.0, 180);
        const std::vector<float> values = noise(source.points(), 10.0, 0.0);
        const Regridder regridder(source, target, RegridMethod::Automatic, "rolled.nc");
        QCOMPARE(regridder.method(), RegridMethod::Bilinear);
        const std::vector<float> rolled = regridder.apply(values);
        for (std::size_t row = 0; row < 91; ++row) {
            for (std::size_t column = 0; column < 180; ++column) {
                const std::size_t from = row * 180 + (column + 90) % 180;  // 0° is the source's column 90
                QCOMPARE(rolled[row * 180 + column], values[from]);
            }
        }
    }

    // First-order conservative regridding keeps Σ area · value (Jones 1999): for any field, the
    // area-weighted global means agree to the float32 rounding of the output, ε/2 · max |f|.
    // Checked where the cells do not nest: 0.72° cell-centred latitudes and longitudes from −180
    // to 1°, and where they do, 0.25° with pole rows (ERA5's grid) to 1°.
    void conservativeKeepsTheGlobalMean_data()
    {
        QTest::addColumn<double>("latitudeSpacing");
        QTest::addColumn<bool>("poleRows");
        QTest::addColumn<double>("firstLongitude");
        QTest::newRow("0.72 cell-centred from -180") << 0.72 << false << -180.0;
        QTest::newRow("0.25 with pole rows from 0") << 0.25 << true << 0.0;
    }

    void conservativeKeepsTheGlobalMean()
    {
        QFETCH(double, latitudeSpacing);
        QFETCH(bool, poleRows);
        QFETCH(double, firstLongitude);
        const auto rows = static_cast<std::size_t>(std::lround(180.0 / latitudeSpacing)) + (poleRows ? 1 : 0);
        const double firstLatitude = poleRows ? -90.0 : -90.0 + 0.5 * latitudeSpacing;
        const auto columns = static_cast<std::size_t>(std::lround(360.0 / latitudeSpacing));
        const LatLonGrid source =
            makeGrid(firstLatitude, latitudeSpacing, rows, firstLongitude, latitudeSpacing, columns);
        const LatLonGrid target = LatLonGrid::regular(1.0);
        const std::vector<float> values = noise(source.points(), 40.0, 280.0);
        const Regridder regridder(source, target, RegridMethod::Automatic, "fine.nc");
        QCOMPARE(regridder.method(), RegridMethod::Conservative);
        const std::vector<float> coarse = regridder.apply(values);
        const double before = areaMean(values, cellAreas(source));
        const double after = areaMean(coarse, cellAreas(target));
        const double largest = std::abs(*std::max_element(coarse.begin(), coarse.end(),
                                                          [](float a, float b) { return std::abs(a) < std::abs(b); }));
        // Output rounding, and the double sums' round-off (a million terms, N · 2⁻⁵³ relative).
        QVERIFY2(std::abs(after - before) <= 0.5 * floatEpsilon * largest + 1e-9 * largest,
                 qPrintable(QString("means %1 and %2").arg(before, 0, 'g', 17).arg(after, 0, 'g', 17)));
    }

    // Bilinear interpolation is exact for f = a + b·φ + c·λ wherever the four source points around
    // a target point carry the same linear function: every latitude between the outermost rows,
    // every longitude but those between 177° and 180° (where λ jumps from 177 to −180 in the
    // source's own longitudes). What is left is float32 rounding: the input's, ε/2 · max |f|, and
    // the output's, as much again. Beyond the outermost rows each pole takes one value, the zonal
    // mean of that row.
    void bilinearReproducesALinearFieldAwayFromThePoles()
    {
        const LatLonGrid source = makeGrid(-88.5, 3.0, 60, -180.0, 3.0, 120);
        const LatLonGrid target = LatLonGrid::regular(1.0);
        auto linear = [](double latitude, double longitude) { return 3.0 + 0.5 * latitude + 0.02 * longitude; };
        const std::vector<float> values = sample(source, linear);
        const Regridder regridder(source, target, RegridMethod::Automatic, "coarse.nc");
        QCOMPARE(regridder.method(), RegridMethod::Bilinear);
        const std::vector<float> fine = regridder.apply(values);
        const double largest = 3.0 + 0.5 * 90.0 + 0.02 * 180.0;
        const double bound = 2.0 * floatEpsilon * largest;
        int checked = 0;
        for (std::size_t row = 0; row < target.latitudes.size(); ++row) {
            const double latitude = target.latitudes[row];
            for (std::size_t column = 0; column < target.longitudes.size(); ++column) {
                const double longitude =
                    target.longitudes[column] >= 180.0 ? target.longitudes[column] - 360.0 : target.longitudes[column];
                if (std::abs(latitude) > 88.5 || longitude > 177.0) {
                    continue;
                }
                const double error = std::abs(fine[row * 360 + column] - linear(latitude, longitude));
                QVERIFY2(
                    error <= bound,
                    qPrintable(QString("at %1, %2: error %3 > %4").arg(latitude).arg(longitude).arg(error).arg(bound)));
                ++checked;
            }
        }
        QCOMPARE(checked, 177 * 358);
        for (std::size_t pole : {std::size_t{0}, std::size_t{180}}) {
            const std::size_t outermost = pole == 0 ? 0 : 59;
            double zonalMean = 0.0;
            for (std::size_t column = 0; column < 120; ++column) {
                zonalMean += values[outermost * 120 + column] / 120.0;
            }
            for (std::size_t column = 0; column < 360; ++column) {
                QCOMPARE(fine[pole * 360 + column], fine[pole * 360]);
            }
            QVERIFY(std::abs(fine[pole * 360] - zonalMean) <= bound);
        }
    }

    // A smooth spherical harmonic from 0.25° (with pole rows) to 1°, conservatively. Derivation of
    // the bound: F = Re((q_x + i q_y)^m) with q = R p a rotation of the point p on the unit sphere
    // is a harmonic polynomial of degree m. A regridded value is Σ w_i F(p_i) with w_i ≥ 0, Σ w_i = 1,
    // so by Taylor in R³ about the target point c:
    //   Σ w_i F(p_i) − F(c) = ∇F(c)·(Σ w_i p_i − c) + ½ Σ w_i (p_i − c)ᵀ H(ξ_i) (p_i − c),
    // where the Hessian's eigenvalues are ±m(m−1)|q_x + i q_y|^(m−2), at most m(m−1) in the unit ball.
    // Σ w_i p_i is the regridded coordinate fields (the regridder is linear), and |p_i − c| is at
    // most the path along a meridian and a parallel, |Δφ| + |Δλ| ≤ 0.625° + 0.625° (a 1° cell and
    // the half 0.25° cells straddling its edges). Bound: |∇F(c)·(R[p] − c)| + ½ m(m−1)(1.25°)², plus
    // float32 rounding: F's and the output's (2ε, |F| ≤ 1) and the coordinates' times |∇F| ≤ m (3·2ε·m).
    void aSphericalHarmonicStaysWithinItsDerivedBound()
    {
        constexpr int m = 6;
        const double tilt = radians(35.0);
        const LatLonGrid source = makeGrid(-90.0, 0.25, 721, 0.0, 0.25, 1440);
        const LatLonGrid target = LatLonGrid::regular(1.0);
        auto point = [](double latitude, double longitude) {
            const double phi = radians(latitude);
            const double lambda = radians(longitude);
            return std::array<double, 3>{std::cos(phi) * std::cos(lambda), std::cos(phi) * std::sin(lambda),
                                         std::sin(phi)};
        };
        auto rotate = [tilt](const std::array<double, 3>& p) {
            return std::array<double, 3>{std::cos(tilt) * p[0] + std::sin(tilt) * p[2], p[1],
                                         -std::sin(tilt) * p[0] + std::cos(tilt) * p[2]};
        };
        auto harmonic = [&](double latitude, double longitude) {
            const auto q = rotate(point(latitude, longitude));
            return std::pow(std::complex<double>(q[0], q[1]), m).real();
        };
        auto gradient = [&](const std::array<double, 3>& p) {
            const auto q = rotate(p);
            const std::complex<double> power = std::pow(std::complex<double>(q[0], q[1]), m - 1);
            const double gx = m * power.real();
            const double gy = -m * power.imag();
            // Rᵀ g, with g_z = 0.
            return std::array<double, 3>{std::cos(tilt) * gx, gy, std::sin(tilt) * gx};
        };
        const Regridder regridder(source, target, RegridMethod::Automatic, "era5.nc");
        QCOMPARE(regridder.method(), RegridMethod::Conservative);
        const std::vector<float> regridded = regridder.apply(sample(source, harmonic));
        std::array<std::vector<float>, 3> centroid;
        for (int axis = 0; axis < 3; ++axis) {
            centroid[static_cast<std::size_t>(axis)] = regridder.apply(
                sample(source, [&](double latitude, double longitude) { return point(latitude, longitude)[axis]; }));
        }
        const double reach = radians(1.25);
        const double rounding = 2.0 * floatEpsilon + 6.0 * floatEpsilon * m;
        double worst = 0.0;
        double worstRatio = 0.0;
        for (std::size_t row = 0; row < target.latitudes.size(); ++row) {
            for (std::size_t column = 0; column < target.longitudes.size(); ++column) {
                const std::size_t k = row * target.longitudes.size() + column;
                const auto c = point(target.latitudes[row], target.longitudes[column]);
                const auto g = gradient(c);
                double firstOrder = 0.0;
                for (std::size_t axis = 0; axis < 3; ++axis) {
                    firstOrder += g[axis] * (static_cast<double>(centroid[axis][k]) - c[axis]);
                }
                const double bound = std::abs(firstOrder) + 0.5 * m * (m - 1) * reach * reach + rounding;
                const double error =
                    std::abs(regridded[k] - harmonic(target.latitudes[row], target.longitudes[column]));
                QVERIFY2(error <= bound, qPrintable(QString("at %1, %2: error %3 > bound %4")
                                                        .arg(target.latitudes[row])
                                                        .arg(target.longitudes[column])
                                                        .arg(error)
                                                        .arg(bound)));
                worst = std::max(worst, error);
                worstRatio = std::max(worstRatio, error / bound);
            }
        }
        qInfo("largest error %.3g (of |F| ≤ 1), at most %.2f of its bound", worst, worstRatio);
    }

    // A domain that is not the globe, or an axis out of order, cannot start GraphCast: an
    // InputError that names the file and what to do.
    void unmappableGridsAreRefusedWithTheFileNamed_data()
    {
        QTest::addColumn<double>("firstLatitude");
        QTest::addColumn<int>("rows");
        QTest::addColumn<double>("firstLongitude");
        QTest::addColumn<int>("columns");
        QTest::addColumn<bool>("shuffled");
        QTest::addColumn<QString>("message");
        QTest::newRow("regional in latitude") << 20.0 << 51 << 0.0 << 360 << false << "regional domain";
        QTest::newRow("regional in longitude") << -90.0 << 181 << -30.0 << 90 << false << "regional domain";
        QTest::newRow("longitudes out of order") << -90.0 << 181 << 0.0 << 360 << true << "not strictly increasing";
    }

    void unmappableGridsAreRefusedWithTheFileNamed()
    {
        QFETCH(double, firstLatitude);
        QFETCH(int, rows);
        QFETCH(double, firstLongitude);
        QFETCH(int, columns);
        QFETCH(bool, shuffled);
        QFETCH(QString, message);
        LatLonGrid source = makeGrid(firstLatitude, 1.0, static_cast<std::size_t>(rows), firstLongitude, 1.0,
                                     static_cast<std::size_t>(columns));
        if (shuffled) {
            std::swap(source.longitudes[10], source.longitudes[11]);
        }
        try {
            Regridder(source, LatLonGrid::regular(1.0), RegridMethod::Automatic, "europe.grib2");
            QFAIL("no InputError");
        } catch (const spreadcast::InputError& error) {
            const QString text = error.what();
            QVERIFY2(text.contains("europe.grib2") && text.contains(message), qPrintable(text));
        }
    }

    void utcTimesAreReadInTheUsualSpellings()
    {
        const std::int64_t expected = 1641016800;  // 2022-01-01 06:00 UTC
        for (const char* text :
             {"2022-01-01 06:00", "2022-01-01T06:00", "2022-01-01T06:00:00Z", "2022-01-01T06", "2022-01-01 06:00:00"}) {
            QCOMPARE(spreadcast::ic::parseUtcTime(text), expected);
        }
        QCOMPARE(spreadcast::ic::parseUtcTime("2022-01-01"), expected - 6 * 3600);
        for (const char* text : {"2022-13-01 06:00", "2022-02-30 00:00", "yesterday", "2022-01-01 06:00 CET", "6"}) {
            QVERIFY_THROWS_EXCEPTION(std::invalid_argument, spreadcast::ic::parseUtcTime(text));
        }
    }
};

QTEST_GUILESS_MAIN(TestRegrid)
#include "TestRegrid.moc"
