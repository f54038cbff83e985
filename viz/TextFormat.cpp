#include "viz/TextFormat.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace spreadcast {

std::vector<double> niceTicks(double low, double high, int count)
{
    if (!std::isfinite(low) || !std::isfinite(high) || !(high > low) || count < 1) {
        return {};
    }
    const double raw = (high - low) / std::max(1, count);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    // The smallest of the round steps that gives no more than about `count` ticks.
    double step = 10.0 * magnitude;
    for (const double factor : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (factor * magnitude >= raw * (1.0 - 1e-9)) {
            step = factor * magnitude;
            break;
        }
    }
    std::vector<double> ticks;
    const double first = std::ceil(low / step - 1e-9) * step;
    for (int k = 0;; ++k) {
        const double value = first + k * step;
        if (value > high + 1e-9 * step || k > 1000) {
            break;
        }
        ticks.push_back(std::abs(value) < 1e-9 * step ? 0.0 : value);
    }
    // A narrow range can hold a single round value: ask for finer steps.
    if (ticks.size() < 2 && count >= 2 && count < 64) {
        return niceTicks(low, high, count * 2);
    }
    return ticks;
}

double tickStep(const std::vector<double>& ticks)
{
    return ticks.size() < 2 ? 0.0 : ticks[1] - ticks[0];
}

std::string formatTick(double value, double step)
{
    if (value == 0.0 || !std::isfinite(value)) {
        return std::isfinite(value) ? "0" : "–";
    }
    step = std::abs(step) > 0.0 ? std::abs(step) : std::abs(value);
    // Digits after the leading one that the step needs: 2.5 × 10ⁿ needs one more than 2 × 10ⁿ.
    const double stepExponent = std::floor(std::log10(step) + 1e-9);
    const double mantissa = step / std::pow(10.0, stepExponent);
    const int extra = std::abs(mantissa - std::round(mantissa)) > 1e-6 ? 1 : 0;
    const double largest = std::max(std::abs(value), step);
    char text[48];
    if (step >= 1e-3 && largest < 1e6) {
        const int places = std::clamp(static_cast<int>(-stepExponent) + extra, 0, 6);
        std::snprintf(text, sizeof text, "%.*f", places, value);
    } else {
        const double valueExponent = std::floor(std::log10(std::abs(value)) + 1e-9);
        const int places = std::clamp(static_cast<int>(valueExponent - stepExponent) + extra, 0, 6);
        std::snprintf(text, sizeof text, "%.*e", places, value);
    }
    std::string result(text);
    if (result == "-0") {
        result = "0";
    }
    return result;
}

std::string displayUnits(const std::string& units)
{
    static const std::array<const char*, 10> superscriptDigits{"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    // Each word of letters followed by an integer exponent: "s-1", "m2".
    std::string result;
    std::size_t k = 0;
    while (k < units.size()) {
        if (!std::isalpha(static_cast<unsigned char>(units[k]))) {
            result += units[k++];
            continue;
        }
        std::size_t end = k;
        while (end < units.size() && std::isalpha(static_cast<unsigned char>(units[end]))) {
            ++end;
        }
        result.append(units, k, end - k);
        std::size_t digits = end + (end < units.size() && units[end] == '-' ? 1 : 0);
        std::size_t last = digits;
        while (last < units.size() && std::isdigit(static_cast<unsigned char>(units[last]))) {
            ++last;
        }
        const bool wordEnds = last == units.size() || units[last] == ' ' || units[last] == '.';
        if (last > digits && wordEnds) {
            if (digits > end) {
                result += "⁻";
            }
            for (std::size_t d = digits; d < last; ++d) {
                result += superscriptDigits[static_cast<std::size_t>(units[d] - '0')];
            }
            k = last;
        } else {
            k = end;
        }
    }
    return result;
}

std::string formatLatitude(double latitude, int decimals)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.*f° %s", decimals, std::abs(latitude), latitude < 0.0 ? "S" : "N");
    return text;
}

std::string formatLongitude(double longitude, int decimals)
{
    double east = std::remainder(longitude, 360.0);  // (-180, 180]
    const double rounding = 0.5 * std::pow(10.0, -decimals);
    if (std::abs(std::abs(east) - 180.0) < rounding) {
        east = 180.0;
    }
    char text[32];
    if (std::abs(east) < rounding || east == 180.0) {
        std::snprintf(text, sizeof text, "%.*f°", decimals, std::abs(east));
    } else {
        std::snprintf(text, sizeof text, "%.*f° %s", decimals, std::abs(east), east < 0.0 ? "W" : "E");
    }
    return text;
}

}  // namespace spreadcast
