#pragma once

// How far a GraphCast step by one executor is from the same step by another, in the unit the
// network's tolerances are stated in: the spread of the step's increment. A step's prediction is
// last input + output · diffs_stddev (or mean + output · stddev for an output-only target), so
// an error δ of the network's output, relative to the output's spread, is the same fraction of
// the increment's spread; the residual addition adds its own rounding, half an ulp of the value.

#include "graphcast/GraphCastModel.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace spreadcast::gpu {

struct GraphCastStepAgreement {
    double worstRelative = 0.0;  // max |a − b| / spread of the increment, the worst variable and level
    std::string worstField;      // "temperature level 1"
};

// a and b: the same member after the same step by two executors; before: that member before the
// step. The allowance for the residual addition's rounding is taken off each difference.
inline GraphCastStepAgreement graphCastStepAgreement(const graphcast::GraphCastState& a,
                                                     const graphcast::GraphCastState& b,
                                                     const graphcast::GraphCastState& before, std::size_t points)
{
    GraphCastStepAgreement agreement;
    for (const auto& [name, reference] : b.latest.variables) {
        const std::vector<float>& values = a.latest.variables.at(name);
        const auto last = before.inputs.back().variables.find(name);
        const bool residual = last != before.inputs.back().variables.end();
        for (std::size_t level = 0; level * points < reference.size(); ++level) {
            double sum = 0.0;
            double squares = 0.0;
            for (std::size_t i = level * points; i < (level + 1) * points; ++i) {
                const double increment =
                    static_cast<double>(reference[i]) - (residual ? static_cast<double>(last->second[i]) : 0.0);
                sum += increment;
                squares += increment * increment;
            }
            const double mean = sum / static_cast<double>(points);
            const double spread = std::sqrt(std::max(squares / static_cast<double>(points) - mean * mean, 0.0));
            double worst = 0.0;
            for (std::size_t i = level * points; i < (level + 1) * points; ++i) {
                const double rounding =
                    std::numeric_limits<float>::epsilon() * std::fabs(static_cast<double>(reference[i]));
                worst = std::max(worst, std::fabs(static_cast<double>(values[i]) - static_cast<double>(reference[i])) -
                                            rounding);
            }
            const double relative = worst / std::max(spread, std::numeric_limits<double>::min());
            if (relative >= agreement.worstRelative) {
                agreement.worstRelative = relative;
                agreement.worstField = name + " level " + std::to_string(level);
            }
        }
    }
    return agreement;
}

}  // namespace spreadcast::gpu
