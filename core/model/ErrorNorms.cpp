#include "model/ErrorNorms.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace spreadcast {

ErrorNorms normalizedErrors(const GaussianGrid& grid, const AlignedVector<double>& value,
                            const AlignedVector<double>& truth)
{
    if (value.size() != grid.pointCount() || truth.size() != grid.pointCount()) {
        throw std::invalid_argument("error norms need two fields on the same grid");
    }
    double absoluteError = 0.0, absoluteTruth = 0.0, squaredError = 0.0, squaredTruth = 0.0;
    double maxError = 0.0, maxTruth = 0.0;
    for (int j = 0; j < grid.nlat; ++j) {
        const double w = grid.weights[j];
        for (int i = 0; i < grid.nlon; ++i) {
            const std::size_t at = static_cast<std::size_t>(j) * grid.nlon + i;
            const double error = value[at] - truth[at];
            absoluteError += w * std::abs(error);
            absoluteTruth += w * std::abs(truth[at]);
            squaredError += w * error * error;
            squaredTruth += w * truth[at] * truth[at];
            maxError = std::max(maxError, std::abs(error));
            maxTruth = std::max(maxTruth, std::abs(truth[at]));
        }
    }
    return {absoluteError / absoluteTruth, std::sqrt(squaredError / squaredTruth), maxError / maxTruth};
}

double areaMean(const GaussianGrid& grid, const AlignedVector<double>& field)
{
    double sum = 0.0;
    for (int j = 0; j < grid.nlat; ++j) {
        double row = 0.0;
        for (int i = 0; i < grid.nlon; ++i) {
            row += field[static_cast<std::size_t>(j) * grid.nlon + i];
        }
        sum += grid.weights[j] * row;
    }
    return sum / (2.0 * grid.nlon);
}

}  // namespace spreadcast
