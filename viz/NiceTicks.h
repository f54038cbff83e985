#pragma once

#include <cmath>
#include <vector>

namespace spreadcast {

// Round axis values (1, 2, 2.5 or 5 × 10^k apart), about `count` of them, covering [low, high];
// for the map views' colour bars and the EPSgram's value axis.
inline std::vector<double> niceTicks(double low, double high, int count = 5)
{
    std::vector<double> values;
    if (!(high > low) || !std::isfinite(low) || !std::isfinite(high)) {
        return values;
    }
    const double raw = (high - low) / count;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * magnitude;
    for (const double factor : {1.0, 2.0, 2.5, 5.0}) {
        if (factor * magnitude >= raw) {
            step = factor * magnitude;
            break;
        }
    }
    for (double value = std::ceil(low / step) * step; value <= high + 1e-9 * step; value += step) {
        values.push_back(std::abs(value) < 1e-9 * step ? 0.0 : value);
    }
    return values;
}

}  // namespace spreadcast
