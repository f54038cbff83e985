#pragma once

#include <vector>

namespace spreadcast {

// A regular Gaussian grid: latitudes at the roots of the Legendre polynomial P_nlat(sin φ),
// ordered north to south, and nlon equally spaced longitudes starting at 0°.
struct GaussianGrid {
    int nlat = 0;
    int nlon = 0;
    std::vector<double> sinLatitude;  // μ_j, descending from near +1 to near -1
    std::vector<double> cosLatitude;  // √(1 − μ_j²)
    std::vector<double> weights;      // Gauss–Legendre weights, summing to 2
    std::vector<double> latitudeDegrees;
    std::vector<double> longitudeDegrees;

    static GaussianGrid withSize(int nlat, int nlon);
    // The smallest FFT-friendly "quadratic" grid (nlon ≥ 3T + 1, nlat = nlon / 2) that is
    // alias-free for the quadratic terms of a triangular truncation T.
    static GaussianGrid forTruncation(int truncation);

    std::size_t pointCount() const { return static_cast<std::size_t>(nlat) * nlon; }
    double longitudeRadians(int i) const;
};

}  // namespace spreadcast
