#pragma once

#include "spectral/AlignedBuffer.h"
#include "spectral/GaussianGrid.h"

namespace spreadcast {

// Normalised error norms of Williamson et al. (1992), eqs. (82)–(84), with the area integral
// I taken by Gauss quadrature on the model grid:
//   l1 = I|h − hT| / I|hT|,  l2 = √I[(h − hT)²] / √I[hT²],  l∞ = max|h − hT| / max|hT|.
struct ErrorNorms {
    double l1 = 0.0;
    double l2 = 0.0;
    double lInfinity = 0.0;
};

ErrorNorms normalizedErrors(const GaussianGrid& grid, const AlignedVector<double>& value,
                            const AlignedVector<double>& truth);

// ∫ f dA / 4πa², the global mean.
double areaMean(const GaussianGrid& grid, const AlignedVector<double>& field);

}  // namespace spreadcast
