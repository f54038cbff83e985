// The products and overlays of the forecaster's views (percentile maps, probability below a
// threshold, member − mean, mean and spread, wind arrows): members of ForecastProducts, kept
// apart from ForecastProducts.cpp because they share nothing with the original products but the
// reading of members.
#include "ensemble/EnsembleQuantiles.h"
#include "run/InputError.h"
#include "viz/ForecastProducts.h"
#include "viz/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spreadcast {
namespace {

std::string formatNumber(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::size_t quantileSlot(double q)
{
    const auto& levels = ForecastProducts::quantileLevels;
    for (std::size_t k = 0; k < levels.size(); ++k) {
        if (std::abs(levels[k] - q) < 1e-12) {
            return k;
        }
    }
    throw InputError("the " + formatNumber(100.0 * q) + " % quantile is not one of the ensemble quantiles offered");
}

}  // namespace

std::vector<float> ForecastProducts::quantileValues(const std::string& field, int timeIndex, double q,
                                                    int levelIndex) const
{
    const std::size_t slot = quantileSlot(q);
    const auto key = std::make_tuple(field, timeIndex, levelIndex);
    auto cached = quantileCache_.find(key);
    if (cached == quantileCache_.end()) {
        if (!hasMembers(field)) {
            throw InputError("'" + file_->path() + "' keeps no members of '" + field + "' to take quantiles of");
        }
        const int members = static_cast<int>(file_->members().size());
        const std::size_t points = file_->pointCount();
        // Point-major copy of the members, so each point's values are contiguous to sort.
        std::vector<double> byPoint(points * static_cast<std::size_t>(members));
        for (int m = 0; m < members; ++m) {
            const std::vector<float> values = memberValues(field, timeIndex, m, levelIndex);
            for (std::size_t k = 0; k < points; ++k) {
                byPoint[k * static_cast<std::size_t>(members) + static_cast<std::size_t>(m)] = values[k];
            }
        }
        std::vector<std::vector<float>> fields(quantileLevels.size(), std::vector<float>(points));
        for (std::size_t k = 0; k < points; ++k) {
            const std::span<const double> values(&byPoint[k * static_cast<std::size_t>(members)],
                                                 static_cast<std::size_t>(members));
            const std::vector<double> result = quantiles(values, quantileLevels);
            for (std::size_t level = 0; level < quantileLevels.size(); ++level) {
                fields[level][k] = static_cast<float>(result[level]);
            }
        }
        // A running forecast's later times fill in as members arrive: keep only complete times.
        const bool complete = std::all_of(fields[3].begin(), fields[3].end(), [](float v) { return std::isfinite(v); });
        if (!complete) {
            return std::move(fields[slot]);
        }
        cached = quantileCache_.emplace(key, std::move(fields)).first;
    }
    return cached->second[slot];
}

std::vector<float> ForecastProducts::probabilityBelowValues(const std::string& field, int timeIndex, double threshold,
                                                            int levelIndex) const
{
    if (!hasMembers(field)) {
        throw InputError("'" + file_->path() + "' keeps no members of '" + field +
                         "' to count; the probability below a threshold is counted from stored members");
    }
    return probabilityValues(field, timeIndex, threshold, levelIndex, true);
}

std::vector<double> ForecastProducts::contourLevels(const std::vector<float>& values)
{
    double low = INFINITY;
    double high = -INFINITY;
    for (const float value : values) {
        if (std::isfinite(value)) {
            low = std::min(low, static_cast<double>(value));
            high = std::max(high, static_cast<double>(value));
        }
    }
    if (!(high > low)) {
        return {};
    }
    // A step of 1, 2 or 5 × 10^k giving about ten levels.
    const double raw = (high - low) / 10.0;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10.0 * magnitude;
    for (const double factor : {1.0, 2.0, 5.0}) {
        if (factor * magnitude >= raw) {
            step = factor * magnitude;
            break;
        }
    }
    std::vector<double> levels;
    for (double level = std::ceil(low / step) * step; level < high; level += step) {
        levels.push_back(std::abs(level) < 1e-9 * step ? 0.0 : level);
    }
    return levels;
}

ColourLimits ForecastProducts::differenceLimits(const std::string& field, int levelIndex)
{
    const auto key = std::make_tuple(field, Product::MemberMinusMean, levelIndex);
    if (const auto cached = limitsCache_.find(key); cached != limitsCache_.end()) {
        return cached->second;
    }
    // The largest |member − mean| of any member at any written time, so a colour means the same
    // difference at every time and for every member.
    double largest = 0.0;
    const int times = static_cast<int>(file_->leadHours().size());
    for (int t = 0; t < times; ++t) {
        const std::vector<float> mean = meanValues(field, t, levelIndex);
        for (int m = 0; m < static_cast<int>(file_->members().size()); ++m) {
            const std::vector<float> member = memberValues(field, t, m, levelIndex);
            for (std::size_t k = 0; k < member.size(); ++k) {
                const double difference = std::abs(static_cast<double>(member[k]) - mean[k]);
                if (std::isfinite(difference)) {
                    largest = std::max(largest, difference);
                }
            }
        }
    }
    // In display units (a difference: no offset).
    largest = convention(field).displayDifference(largest);
    const ColourLimits limits = largest > 0.0 ? ColourLimits{-largest, largest} : ColourLimits{-1.0, 1.0};
    limitsCache_[key] = limits;
    return limits;
}

void ForecastProducts::addDerivedProduct(const ProductRequest& request, GlobeContent& content, std::string& productText)
{
    const int level = hasLevels(request.field) ? request.levelIndex : 0;
    const FieldConvention shown = convention(request.field);
    const std::string fieldLabel = label(request.field) + levelText(request.field, level);
    const std::string& fieldUnits = shown.displayUnits;
    const std::string unitsText = fieldUnits.empty() ? std::string() : " (" + displayUnits(fieldUnits) + ")";
    const bool signedField = isSigned(request.field);
    // Stored values to display units: a difference drops the offset.
    const auto toDisplay = [&shown](std::vector<float> values, bool difference = false) {
        if (shown.converts()) {
            for (float& value : values) {
                value = static_cast<float>(difference ? shown.displayDifference(value) : shown.display(value));
            }
        }
        return values;
    };
    const auto setColours = [&](bool symmetric, ColourLimits wholeForecast) {
        content.colourMap = symmetric ? ColourMapKind::CoolWarm : ColourMapKind::Viridis;
        content.limits = request.limitsFromThisTime ? limitsOf(content.values, symmetric) : wholeForecast;
    };
    switch (request.product) {
    case Product::Median:
    case Product::Percentile10:
    case Product::Percentile90: {
        const double q = request.product == Product::Median         ? 0.5
                         : request.product == Product::Percentile10 ? 0.1
                                                                    : 0.9;
        content.values = toDisplay(quantileValues(request.field, request.timeIndex, q, level));
        const std::string name =
            request.product == Product::Median ? "median" : formatNumber(100.0 * q) + " % quantile";
        productText = "members' " + name;
        content.colourBarTitle = fieldLabel + " " + name + unitsText;
        // The members' colour scale: a quantile map and a member map of the same colour agree.
        setColours(signedField, limits(request.field, Product::Member, level));
        break;
    }
    case Product::ProbabilityBelow:
        if (!std::isfinite(request.threshold)) {
            throw InputError("the probability threshold must be a finite number");
        }
        content.values =
            probabilityBelowValues(request.field, request.timeIndex, shown.stored(request.threshold), level);
        productText = "P(" + fieldLabel + " < " + formatNumber(request.threshold) +
                      (fieldUnits.empty() ? "" : " " + displayUnits(fieldUnits)) + ")";
        content.colourBarTitle = "probability (fraction of members)";
        content.colourMap = ColourMapKind::Viridis;
        content.limits = {0.0, 1.0};
        break;
    case Product::MemberMinusMean: {
        const int members = static_cast<int>(file_->members().size());
        if (request.memberIndex < 0 || request.memberIndex >= members) {
            throw InputError("member index " + std::to_string(request.memberIndex) + " is outside the " +
                             std::to_string(members) + " members stored in '" + file_->path() + "'");
        }
        content.values = memberValues(request.field, request.timeIndex, request.memberIndex, level);
        const std::vector<float> mean = meanValues(request.field, request.timeIndex, level);
        for (std::size_t k = 0; k < content.values.size(); ++k) {
            content.values[k] -= mean[k];
        }
        content.values = toDisplay(std::move(content.values), true);
        const int number = file_->members()[static_cast<std::size_t>(request.memberIndex)];
        productText = "member " + std::to_string(number) + " − ensemble mean";
        content.colourBarTitle = fieldLabel + " member " + std::to_string(number) + " − mean" + unitsText;
        setColours(true, request.limitsFromThisTime ? ColourLimits{} : differenceLimits(request.field, level));
        break;
    }
    case Product::MeanAndSpread:
        content.values = toDisplay(spreadValues(request.field, request.timeIndex, level), true);
        content.lineField = toDisplay(meanValues(request.field, request.timeIndex, level));
        content.lineLevels = contourLevels(content.lineField);
        productText = "mean (contours) and spread (shaded)";
        content.colourBarTitle = fieldLabel + " spread" + unitsText;
        setColours(false, limits(request.field, Product::Spread, level));
        content.limits.low = 0.0;
        break;
    default: break;
    }
}

void ForecastProducts::addWindArrows(const ProductRequest& request, GlobeContent& content) const
{
    // The wind that goes with the field: on its level for a field on levels, else the 10 m wind
    // of a learned model, else the shallow-water model's u and v.
    const bool onLevels = hasLevels(request.field);
    const WindComponents* wind = nullptr;
    for (const WindComponents& candidate : windComponentTable) {
        const std::string eastward(candidate.eastward);
        const std::string northward(candidate.northward);
        const bool present = (has(eastward) || has(eastward + "_mean")) && (has(northward) || has(northward + "_mean"));
        if (present && (wind == nullptr || hasLevels(eastward) == onLevels)) {
            wind = &candidate;
        }
    }
    if (wind == nullptr) {
        throw InputError("'" + file_->path() + "' has no eastward and northward wind to draw wind arrows from");
    }
    const std::string eastward(wind->eastward);
    const std::string northward(wind->northward);
    const int level = hasLevels(eastward) ? request.levelIndex : 0;
    // The wind of the member shown, otherwise the ensemble mean wind.
    const bool member = (request.product == Product::Member || request.product == Product::MemberMinusMean) &&
                        hasMembers(eastward) && hasMembers(northward);
    if (member) {
        content.windU = memberValues(eastward, request.timeIndex, request.memberIndex, level);
        content.windV = memberValues(northward, request.timeIndex, request.memberIndex, level);
    } else {
        content.windU = meanValues(eastward, request.timeIndex, level);
        content.windV = meanValues(northward, request.timeIndex, level);
    }
    content.windUnits = units(eastward);
    content.windGlyph = request.windGlyph;
    if (request.windGlyph == WindGlyph::Barbs && !knotsPerUnit(content.windUnits)) {
        throw InputError("wind barbs count knots, but the wind '" + eastward + "' of '" + file_->path() + "' is in '" +
                         content.windUnits + "', not a speed unit (m s-1, knots, km h-1); draw arrows");
    }
}

}  // namespace spreadcast
