#pragma once

#include <algorithm>
#include <cmath>

namespace spreadcast {

// The ensemble's moments at one point, written once for every place that computes them (the
// run's StatisticsAccumulator and the viewer's products computed from stored members), so the
// mean and spread a file stores and the ones computed from its members are the same formulas.

// Folds x in as the count-th value (count = values so far, this one included) into the running
// mean and m2, the sum of squared deviations from the mean: Welford's update (B. P. Welford,
// Technometrics 4(3), 1962), stable where the naive sum of squares cancels catastrophically.
// Folded in member order, it gives the same bits however the members were computed.
inline void addToMoments(double& mean, double& m2, double x, double count)
{
    const double delta = x - mean;
    mean += delta / count;
    m2 += delta * (x - mean);
}

// The spread: the sample standard deviation sqrt(m2 / (count − 1)) of count values; 0 for fewer
// than two (rounding can leave m2 a hair below 0 for equal values: clamped).
inline double sampleStandardDeviation(double m2, double count)
{
    return count > 1.0 ? std::sqrt(std::max(0.0, m2) / (count - 1.0)) : 0.0;
}

// The probability of exceedance: the fraction of count members above the threshold.
inline double exceedanceProbability(double membersAbove, double count)
{
    return membersAbove / count;
}

}  // namespace spreadcast
