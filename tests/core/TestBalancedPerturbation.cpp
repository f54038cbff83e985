#include "ensemble/RandomField.h"
#include "ensemble/Threefry.h"
#include "graphcast/BalancedPerturbation.h"
#include "model/PhysicalConstants.h"

#include <QtTest/QtTest>

#include <cmath>
#include <vector>

using namespace spreadcast;
using namespace spreadcast::graphcast;

namespace {

constexpr double degree = 3.141592653589793238462643383279502884 / 180.0;
constexpr double lengthScale = 5e5;  // GraphCast's default, m

// Σ_l (2l + 1) A_l² l^power (l(l+1))^k-style sums over ψ's spectrum, degree T left out as the
// generator leaves it out.
double spectralSum(int truncation, double (*weight)(int))
{
    std::vector<double> amplitude = randomFieldAmplitudes(truncation, {1.0, lengthScale, 4.0, false});
    amplitude[static_cast<std::size_t>(truncation)] = 0.0;
    double sum = 0.0;
    for (int l = 1; l <= truncation; ++l) {
        sum += (2.0 * l + 1.0) * amplitude[static_cast<std::size_t>(l)] * amplitude[static_cast<std::size_t>(l)] *
               weight(l);
    }
    return sum;
}

struct Moments {
    double mean = 0.0;
    double standardError = 0.0;
};

Moments moments(const std::vector<double>& samples)
{
    Moments result;
    for (double value : samples) {
        result.mean += value;
    }
    result.mean /= static_cast<double>(samples.size());
    double squares = 0.0;
    for (double value : samples) {
        squares += (value - result.mean) * (value - result.mean);
    }
    result.standardError =
        std::sqrt(squares / static_cast<double>(samples.size() - 1) / static_cast<double>(samples.size()));
    return result;
}

// The area-weighted (cos φ) mean of the square of one level of a field.
double weightedMeanSquare(const LatLonGrid& grid, const std::vector<float>& values, std::size_t level)
{
    const std::size_t nlon = grid.longitudes.size();
    double sum = 0.0;
    double weights = 0.0;
    for (std::size_t j = 0; j < grid.latitudes.size(); ++j) {
        const double weight = std::cos(grid.latitudes[j] * degree);
        for (std::size_t i = 0; i < nlon; ++i) {
            const double value = values[level * grid.points() + j * nlon + i];
            sum += weight * value * value;
            weights += weight;
        }
    }
    return sum / weights;
}

}  // namespace

class TestBalancedPerturbation : public QObject {
    Q_OBJECT

private slots:
    // Geostrophy, measured with centred differences of Φ' on a 1° grid, in latitude bands away
    // from the equator: the relative rms of v' − v_g over |v'|. Two parts bound it. Linear balance
    // makes Φ' = fψ plus terms a factor 1/n smaller (BalancedPerturbation.h), and fψ's geostrophic
    // wind is ψ's rotational wind plus ψ ∇f/f, of relative size cot φ ψ_rms / (a |∇ψ|_rms) =
    // cot φ √(Σ(2l+1)A_l² / Σ(2l+1)A_l² l(l+1)): twice that at the band's lowest latitude covers
    // both. A centred difference of a degree-l wave is wrong by (lΔ)²/6 at most; weighted by the
    // wind's spectrum, √(Σ(2l+1)A_l² l(l+1) (lΔ)⁴/36 / Σ(2l+1)A_l² l(l+1)). Float32 storage adds
    // 2⁻²⁴ / (lΔ) relatively, below 1e-5 here.
    void windIsGeostrophicAwayFromTheEquator()
    {
        const LatLonGrid grid = LatLonGrid::regular(1.0);
        const BalancedPerturbation generator(grid, {500}, {{300.0}, {}, {}, {}}, lengthScale);
        const int T = generator.truncation();
        QCOMPARE(T, 85);
        const double spacing = 1.0 * degree;
        const double streamfunctionToWind =
            std::sqrt(spectralSum(T, [](int) { return 1.0; }) / spectralSum(T, [](int l) { return l * (l + 1.0); }));
        const double differencing =
            std::sqrt(spectralSum(T, [](int l) { return l * (l + 1.0) * std::pow(l * 1.0 * degree, 4) / 36.0; }) /
                      spectralSum(T, [](int l) { return l * (l + 1.0); }));
        const std::size_t nlon = grid.longitudes.size();
        const double a = constants::earthRadius;
        struct Band {
            double lowest, highest;
        };
        for (const Band band : {Band{30.0, 45.0}, Band{45.0, 70.0}}) {
            const double bound = 2.0 / std::tan(band.lowest * degree) * streamfunctionToWind + differencing;
            double residual = 0.0;
            double wind = 0.0;
            for (std::uint32_t member = 1; member <= 3; ++member) {
                const Fields fields = generator.draw(memberKey(7, member));
                const std::vector<float>& phi = fields.variables.at("geopotential");
                const std::vector<float>& u = fields.variables.at("u_component_of_wind");
                const std::vector<float>& v = fields.variables.at("v_component_of_wind");
                for (std::size_t j = 1; j + 1 < grid.latitudes.size(); ++j) {
                    const double latitude = std::abs(grid.latitudes[j]);
                    if (latitude < band.lowest || latitude > band.highest) {
                        continue;
                    }
                    const double f = 2.0 * constants::earthRotationRate * std::sin(grid.latitudes[j] * degree);
                    const double cosine = std::cos(grid.latitudes[j] * degree);
                    for (std::size_t i = 0; i < nlon; ++i) {
                        const std::size_t at = j * nlon + i;
                        const double dPhiDLatitude = (phi[at + nlon] - phi[at - nlon]) / (2.0 * spacing);
                        const double dPhiDLongitude =
                            (phi[j * nlon + (i + 1) % nlon] - phi[j * nlon + (i + nlon - 1) % nlon]) / (2.0 * spacing);
                        const double ug = -dPhiDLatitude / (f * a);
                        const double vg = dPhiDLongitude / (f * a * cosine);
                        residual += cosine * ((u[at] - ug) * (u[at] - ug) + (v[at] - vg) * (v[at] - vg));
                        wind += cosine * (static_cast<double>(u[at]) * u[at] + static_cast<double>(v[at]) * v[at]);
                    }
                }
            }
            const double relative = std::sqrt(residual / wind);
            qInfo("|φ| %g°–%g°: |v' − v_g| / |v'| = %.4f, bound %.4f (balance %.4f, differences %.4f)", band.lowest,
                  band.highest, relative, bound, bound - differencing, differencing);
            QVERIFY2(relative <= bound, qPrintable(QString("%1 > %2").arg(relative).arg(bound)));
            QVERIFY(bound < 0.5);  // a bound that a wrong wind (sign, factor, axis) would break
        }
    }

    // Per variable and level the area-weighted grid-point variance averaged over N members is
    // the amplitude squared within sampling error: the expected weighted mean of x² is σ² exactly
    // at every point for the isotropic fields (T', ω', q'), and to the quadrature error of a
    // smooth function of latitude on a 2° grid (below 1e-3 relatively) for Φ'. The sampling error
    // is the members' own standard error; 4 of them and the quadrature allowance bound it.
    void amplitudeIsScaleTimesDiffsStddevPerVariableAndLevel()
    {
        const LatLonGrid grid = LatLonGrid::regular(2.0);
        const PerturbationAmplitudes amplitudes{{200.0, 120.0}, {1.2, 0.7}, {0.05, 0.0}, {2e-4, 1e-4}};
        const BalancedPerturbation generator(grid, {500, 850}, amplitudes, lengthScale);
        constexpr int members = 16;
        struct Check {
            const char* name;
            const std::vector<double>* amplitude;
        };
        const Check checks[] = {{"geopotential", &amplitudes.geopotential},
                                {"temperature", &amplitudes.temperature},
                                {"vertical_velocity", &amplitudes.verticalVelocity},
                                {"specific_humidity", &amplitudes.specificHumidity}};
        std::vector<Fields> draws;
        for (std::uint32_t member = 1; member <= members; ++member) {
            draws.push_back(generator.draw(memberKey(3, member)));
        }
        for (const Check& check : checks) {
            for (std::size_t level = 0; level < 2; ++level) {
                const double target = (*check.amplitude)[level] * (*check.amplitude)[level];
                std::vector<double> samples;
                for (const Fields& fields : draws) {
                    samples.push_back(weightedMeanSquare(grid, fields.variables.at(check.name), level));
                }
                const Moments measured = moments(samples);
                qInfo("%s level %zu: mean square %.4g, target %.4g, standard error %.2g", check.name, level,
                      measured.mean, target, measured.standardError);
                if (target == 0.0) {
                    QCOMPARE(measured.mean, 0.0);  // not perturbed at that level
                    continue;
                }
                QVERIFY2(
                    std::abs(measured.mean - target) <= 4.0 * measured.standardError + 1e-3 * target,
                    qPrintable(
                        QString("%1 level %2: %3 vs %4").arg(check.name).arg(level).arg(measured.mean).arg(target)));
            }
        }
    }

    // The surface fields are the lowest level's (850 hPa here), mean-sea-level pressure its Φ'
    // times p / (R_d · 288.15 K), bit for bit as the generator rounds them.
    void surfaceFieldsFollowTheLowestLevel()
    {
        const LatLonGrid grid = LatLonGrid::regular(10.0);
        const BalancedPerturbation generator(grid, {850, 500}, {{100.0, 200.0}, {1.0, 2.0}, {}, {}}, lengthScale);
        QCOMPARE(generator.truncation(), 17);  // 36 longitudes carry waves up to 17
        QVERIFY(std::abs(generator.surfaceDensity() - 85000.0 / (287.05 * 288.15)) < 1e-12);
        const Fields fields = generator.draw(memberKey(0, 1));
        const std::size_t points = grid.points();
        auto lowest = [&](const char* name) {
            const std::vector<float>& values = fields.variables.at(name);
            return std::vector<float>(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(points));
        };
        QCOMPARE(fields.variables.at("2m_temperature"), lowest("temperature"));
        QCOMPARE(fields.variables.at("10m_u_component_of_wind"), lowest("u_component_of_wind"));
        QCOMPARE(fields.variables.at("10m_v_component_of_wind"), lowest("v_component_of_wind"));
        const std::vector<float> geopotential = lowest("geopotential");
        const std::vector<float>& pressure = fields.variables.at("mean_sea_level_pressure");
        for (std::size_t i = 0; i < points; ++i) {
            QCOMPARE(pressure[i], static_cast<float>(generator.surfaceDensity() * geopotential[i]));
        }
        QVERIFY(!fields.variables.contains("vertical_velocity"));  // no amplitude, not drawn
    }

    // A draw is a function of the key alone: two generators, the same bits; another key, others.
    void drawDependsOnlyOnTheKey()
    {
        const LatLonGrid grid = LatLonGrid::regular(10.0);
        const PerturbationAmplitudes amplitudes{{100.0}, {1.0}, {0.1}, {1e-4}};
        const BalancedPerturbation one(grid, {500}, amplitudes, lengthScale);
        const BalancedPerturbation two(grid, {500}, amplitudes, lengthScale);
        QCOMPARE(one.draw(memberKey(5, 2)).variables, two.draw(memberKey(5, 2)).variables);
        QVERIFY(one.draw(memberKey(5, 2)).variables != one.draw(memberKey(5, 3)).variables);
    }
};

QTEST_APPLESS_MAIN(TestBalancedPerturbation)
#include "TestBalancedPerturbation.moc"
