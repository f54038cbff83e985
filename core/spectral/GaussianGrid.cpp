#include "spectral/GaussianGrid.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace spreadcast {
namespace {

bool hasOnlySmallPrimeFactors(int n)
{
    for (int p : {2, 3, 5}) {
        while (n % p == 0) {
            n /= p;
        }
    }
    return n == 1;
}

// Value and derivative of the Legendre polynomial P_n at x by the three-term recurrence.
void legendrePolynomial(int n, double x, double& value, double& derivative)
{
    double previous = 1.0;
    double current = x;
    for (int k = 2; k <= n; ++k) {
        const double next = ((2.0 * k - 1.0) * x * current - (k - 1.0) * previous) / k;
        previous = current;
        current = next;
    }
    value = current;
    derivative = n * (x * current - previous) / (x * x - 1.0);
}

}  // namespace

GaussianGrid GaussianGrid::withSize(int nlat, int nlon)
{
    if (nlat < 2 || nlat % 2 != 0 || nlon < 4) {
        throw std::invalid_argument("Gaussian grid needs an even number of latitudes ≥ 2 and ≥ 4 longitudes, got " +
                                    std::to_string(nlat) + " × " + std::to_string(nlon));
    }
    GaussianGrid grid;
    grid.nlat = nlat;
    grid.nlon = nlon;
    grid.sinLatitude.resize(nlat);
    grid.cosLatitude.resize(nlat);
    grid.weights.resize(nlat);
    grid.latitudeDegrees.resize(nlat);
    grid.longitudeDegrees.resize(nlon);

    // Newton iteration on P_nlat from the asymptotic guess (Abramowitz & Stegun 22.16.6).
    for (int j = 0; j < nlat / 2; ++j) {
        double x = std::cos(std::numbers::pi * (j + 0.75) / (nlat + 0.5));
        double value = 0.0;
        double derivative = 1.0;
        for (int iteration = 0; iteration < 100; ++iteration) {
            legendrePolynomial(nlat, x, value, derivative);
            const double step = value / derivative;
            x -= step;
            if (std::abs(step) < 1e-16) {
                break;
            }
        }
        legendrePolynomial(nlat, x, value, derivative);
        const double weight = 2.0 / ((1.0 - x * x) * derivative * derivative);
        const int south = nlat - 1 - j;
        grid.sinLatitude[j] = x;
        grid.sinLatitude[south] = -x;
        grid.weights[j] = weight;
        grid.weights[south] = weight;
    }
    for (int j = 0; j < nlat; ++j) {
        const double mu = grid.sinLatitude[j];
        grid.cosLatitude[j] = std::sqrt((1.0 - mu) * (1.0 + mu));
        grid.latitudeDegrees[j] = std::asin(mu) * 180.0 / std::numbers::pi;
    }
    for (int i = 0; i < nlon; ++i) {
        grid.longitudeDegrees[i] = 360.0 * i / nlon;
    }
    return grid;
}

GaussianGrid GaussianGrid::forTruncation(int truncation)
{
    int nlon = 3 * truncation + 1;
    while (nlon % 4 != 0 || !hasOnlySmallPrimeFactors(nlon)) {
        ++nlon;
    }
    return withSize(nlon / 2, nlon);
}

double GaussianGrid::longitudeRadians(int i) const
{
    return 2.0 * std::numbers::pi * i / nlon;
}

}  // namespace spreadcast
