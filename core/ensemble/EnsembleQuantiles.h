#pragma once

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

namespace spreadcast {

// Quantiles of an ensemble, written once for every place that needs them (percentile maps,
// EPSgrams), so a median on a map and the median of an EPSgram's box are the same number.
//
// Definition: numpy's default ("linear", Hyndman & Fan's type 7). For n sorted values x[0] ≤ … ≤
// x[n−1] and q ∈ [0, 1], h = (n − 1)·q; the quantile is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
// q = 0 is the minimum, q = 1 the maximum, q = 0.5 the usual median (the mean of the two middle
// values for even n). With few members the 10 % and 90 % quantiles interpolate between the two
// lowest and the two highest members rather than extrapolating beyond them.
inline double quantileOfSorted(std::span<const double> sorted, double q)
{
    if (sorted.empty()) {
        return NAN;
    }
    const double h = static_cast<double>(sorted.size() - 1) * std::clamp(q, 0.0, 1.0);
    const auto below = static_cast<std::size_t>(std::floor(h));
    if (below + 1 >= sorted.size()) {
        return sorted.back();
    }
    const double fraction = h - static_cast<double>(below);
    return sorted[below] + fraction * (sorted[below + 1] - sorted[below]);
}

// The quantiles qs of values, missing (NaN) values left out; NaN for each when none is left.
// Sorts a copy: with ensembles of at most a few hundred members that is cheaper than selection
// once several quantiles are wanted from the same values.
inline std::vector<double> quantiles(std::span<const double> values, std::span<const double> qs)
{
    std::vector<double> finite;
    finite.reserve(values.size());
    for (const double value : values) {
        if (std::isfinite(value)) {
            finite.push_back(value);
        }
    }
    std::sort(finite.begin(), finite.end());
    std::vector<double> result;
    result.reserve(qs.size());
    for (const double q : qs) {
        result.push_back(quantileOfSorted(finite, q));
    }
    return result;
}

// The probability of non-exceedance: the fraction of count members below the threshold
// (strictly, the mirror of exceedanceProbability's "above": a member equal to the threshold is
// neither above nor below it).
inline double nonExceedanceProbability(double membersBelow, double count)
{
    return membersBelow / count;
}

}  // namespace spreadcast
