#include "cases/TestCases.h"

#include "model/PhysicalConstants.h"
#include "run/InputError.h"
#include "run/RunSpec.h"

#include <cmath>
#include <numbers>

namespace spreadcast {

using constants::earthRadius;
using constants::earthRotationRate;
using constants::gravity;
using std::numbers::pi;

namespace {

InitialFields emptyFields(const GaussianGrid& grid)
{
    InitialFields fields;
    fields.u.assign(grid.pointCount(), 0.0);
    fields.v.assign(grid.pointCount(), 0.0);
    return fields;
}

std::size_t pointIndex(const GaussianGrid& grid, int j, int i)
{
    return static_cast<std::size_t>(j) * grid.nlon + i;
}

// W92 eq. (95): the free-surface height in balance with the tilted solid-body rotation u0.
double case2Height(double lambda, double theta, double alpha, double u0, double gh0)
{
    const double tilt = -std::cos(lambda) * std::cos(theta) * std::sin(alpha) + std::sin(theta) * std::cos(alpha);
    return (gh0 - (earthRadius * earthRotationRate * u0 + 0.5 * u0 * u0) * tilt * tilt) / gravity;
}

constexpr double case2Speed = 2.0 * pi * earthRadius / (12.0 * 86400.0);  // u0, W92 eq. (90)
constexpr double case2MeanGeopotential = 2.94e4;                          // g·h0, m² s⁻²

}  // namespace

AlignedVector<double> williamsonCase2Height(const GaussianGrid& grid, double alpha)
{
    AlignedVector<double> height(grid.pointCount());
    for (int j = 0; j < grid.nlat; ++j) {
        const double theta = std::asin(grid.sinLatitude[j]);
        for (int i = 0; i < grid.nlon; ++i) {
            height[pointIndex(grid, j, i)] =
                case2Height(grid.longitudeRadians(i), theta, alpha, case2Speed, case2MeanGeopotential);
        }
    }
    return height;
}

InitialFields williamsonCase2(const GaussianGrid& grid, double alpha)
{
    InitialFields fields = emptyFields(grid);
    for (int j = 0; j < grid.nlat; ++j) {
        const double sinTheta = grid.sinLatitude[j];
        const double cosTheta = grid.cosLatitude[j];
        for (int i = 0; i < grid.nlon; ++i) {
            const double lambda = grid.longitudeRadians(i);
            const std::size_t at = pointIndex(grid, j, i);
            fields.u[at] = case2Speed * (cosTheta * std::cos(alpha) + std::cos(lambda) * sinTheta * std::sin(alpha));
            fields.v[at] = -case2Speed * std::sin(lambda) * std::sin(alpha);
        }
    }
    fields.height = williamsonCase2Height(grid, alpha);
    fields.coriolisTilt = alpha;
    fields.description = "Williamson case 2 (steady geostrophic flow, α = " +
                         std::to_string(static_cast<int>(std::lround(alpha * 180.0 / pi))) + "°)";
    return fields;
}

InitialFields williamsonCase5(const GaussianGrid& grid)
{
    constexpr double u0 = 20.0;
    constexpr double h0 = 5960.0;
    constexpr double mountainHeight = 2000.0;
    constexpr double mountainRadius = pi / 9.0;
    constexpr double centreLongitude = 1.5 * pi;
    constexpr double centreLatitude = pi / 6.0;
    InitialFields fields = emptyFields(grid);
    fields.height.emplace(grid.pointCount());
    fields.surfaceHeight.assign(grid.pointCount(), 0.0);
    for (int j = 0; j < grid.nlat; ++j) {
        const double theta = std::asin(grid.sinLatitude[j]);
        for (int i = 0; i < grid.nlon; ++i) {
            const double lambda = grid.longitudeRadians(i);
            const std::size_t at = pointIndex(grid, j, i);
            fields.u[at] = u0 * grid.cosLatitude[j];
            (*fields.height)[at] = case2Height(lambda, theta, 0.0, u0, gravity * h0);
            const double r = std::min(mountainRadius, std::hypot(lambda - centreLongitude, theta - centreLatitude));
            fields.surfaceHeight[at] = mountainHeight * (1.0 - r / mountainRadius);
        }
    }
    fields.description = "Williamson case 5 (zonal flow over an isolated mountain)";
    return fields;
}

InitialFields williamsonCase6(const GaussianGrid& grid)
{
    // W92 eqs. (139)–(145); h0 = 8000 m is a height, so g·h0 is the mean-level geopotential.
    constexpr double omega = 7.848e-6;
    constexpr double K = 7.848e-6;
    constexpr int R = 4;
    constexpr double h0 = 8000.0;
    const double a = earthRadius;
    const double Omega = earthRotationRate;
    InitialFields fields = emptyFields(grid);
    fields.height.emplace(grid.pointCount());
    for (int j = 0; j < grid.nlat; ++j) {
        const double sinTheta = grid.sinLatitude[j];
        const double c = grid.cosLatitude[j];
        const double c2 = c * c;
        const double cR = std::pow(c, R);
        const double cRm1 = std::pow(c, R - 1);
        const double c2R = cR * cR;
        const double A = 0.5 * omega * (2.0 * Omega + omega) * c2 +
                         0.25 * K * K * c2R * ((R + 1) * c2 + (2.0 * R * R - R - 2.0) - 2.0 * R * R / c2);
        const double B = 2.0 * (Omega + omega) * K / ((R + 1.0) * (R + 2.0)) * cR *
                         ((R * R + 2.0 * R + 2.0) - (R + 1.0) * (R + 1.0) * c2);
        const double C = 0.25 * K * K * c2R * ((R + 1.0) * c2 - (R + 2.0));
        for (int i = 0; i < grid.nlon; ++i) {
            const double lambda = grid.longitudeRadians(i);
            const std::size_t at = pointIndex(grid, j, i);
            fields.u[at] = a * omega * c + a * K * cRm1 * (R * sinTheta * sinTheta - c2) * std::cos(R * lambda);
            fields.v[at] = -a * K * R * cRm1 * sinTheta * std::sin(R * lambda);
            (*fields.height)[at] =
                h0 + a * a * (A + B * std::cos(R * lambda) + C * std::cos(2.0 * R * lambda)) / gravity;
        }
    }
    fields.description = "Williamson case 6 (Rossby–Haurwitz wave, R = 4)";
    return fields;
}

InitialFields galewskyJet(const GaussianGrid& grid, bool perturbed)
{
    constexpr double maxSpeed = 80.0;
    constexpr double southEdge = pi / 7.0;              // φ0
    constexpr double northEdge = pi / 2.0 - southEdge;  // φ1
    const double normalisation = std::exp(-4.0 / ((northEdge - southEdge) * (northEdge - southEdge)));
    constexpr double bumpHeight = 120.0;
    constexpr double bumpAlpha = 1.0 / 3.0;
    constexpr double bumpBeta = 1.0 / 15.0;
    constexpr double bumpLatitude = pi / 4.0;  // φ2
    InitialFields fields = emptyFields(grid);
    // Galewsky et al. choose h0 so that the global mean depth is 10 km; the model balances the
    // height to the jet itself (for a zonal flow that is their gradient-wind integral, eq. 3).
    fields.meanDepth = 10000.0;
    if (perturbed) {
        fields.heightPerturbation.assign(grid.pointCount(), 0.0);
    }
    for (int j = 0; j < grid.nlat; ++j) {
        const double phi = std::asin(grid.sinLatitude[j]);
        double speed = 0.0;
        if (phi > southEdge && phi < northEdge) {
            speed = maxSpeed / normalisation * std::exp(1.0 / ((phi - southEdge) * (phi - northEdge)));
        }
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = pointIndex(grid, j, i);
            fields.u[at] = speed;
            if (perturbed) {
                double lambda = grid.longitudeRadians(i);
                if (lambda > pi) {
                    lambda -= 2.0 * pi;
                }
                // exp(−((φ2 − φ)/β)²): β is squared, as in the paper's eq. (4).
                const double meridional = (bumpLatitude - phi) / bumpBeta;
                fields.heightPerturbation[at] = bumpHeight * grid.cosLatitude[j] *
                                                std::exp(-(lambda / bumpAlpha) * (lambda / bumpAlpha)) *
                                                std::exp(-meridional * meridional);
            }
        }
    }
    fields.description =
        perturbed ? "Galewsky barotropic jet with its height perturbation" : "Galewsky barotropic jet, unperturbed";
    return fields;
}

InitialFields builtInCase(const std::string& name, const GaussianGrid& grid, double rotationDegrees,
                          bool galewskyPerturbation)
{
    if (name == "williamson2") {
        return williamsonCase2(grid, rotationDegrees * pi / 180.0);
    }
    if (name == "williamson5") {
        return williamsonCase5(grid);
    }
    if (name == "williamson6") {
        return williamsonCase6(grid);
    }
    if (name == "galewsky") {
        return galewskyJet(grid, galewskyPerturbation);
    }
    std::string known;
    for (const auto& caseName : builtInCaseNames()) {
        known += (known.empty() ? "" : ", ") + caseName;
    }
    throw InputError("unknown initial condition '" + name + "': give --ic one of " + known +
                     ", or the path of a NetCDF file");
}

}  // namespace spreadcast
