#include "viz/ForecastProducts.h"

#include "ensemble/EnsembleMoments.h"
#include "io/CfReader.h"
#include "run/InputError.h"
#include "viz/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace spreadcast {
namespace {

constexpr std::array<std::string_view, 4> statisticSuffixes{"_mean", "_spread", "_min", "_max"};

std::string formatValue(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

bool endsWith(const std::string& text, std::string_view suffix)
{
    return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

ForecastProducts::ForecastProducts(std::shared_ptr<const ForecastFile> file) : file_(std::move(file)) {}

std::vector<std::string> ForecastProducts::fields() const
{
    std::vector<std::string> fields;
    auto isDerived = [&](const std::string& name) {
        if (name.rfind("probability_", 0) == 0) {
            return true;
        }
        for (const std::string_view suffix : statisticSuffixes) {
            if (endsWith(name, suffix)) {
                return true;
            }
        }
        return false;
    };
    for (const char* known : {"height", "u", "v", "vorticity"}) {
        if (has(known)) {
            fields.emplace_back(known);
        }
    }
    // A statistics-only file: the fields behind its means.
    for (const ForecastVariable& variable : file_->variables()) {
        if (endsWith(variable.name, "_mean")) {
            const std::string base = variable.name.substr(0, variable.name.size() - 5);
            if (std::find(fields.begin(), fields.end(), base) == fields.end()) {
                fields.push_back(base);
            }
        }
    }
    for (const WindComponents& wind : windComponentTable) {
        const std::string speed(wind.speed);
        if (windComponents(speed) != nullptr && std::find(fields.begin(), fields.end(), speed) == fields.end()) {
            fields.push_back(speed);
        }
    }
    for (const ForecastVariable& variable : file_->variables()) {
        if (!isDerived(variable.name) && std::find(fields.begin(), fields.end(), variable.name) == fields.end()) {
            fields.push_back(variable.name);
        }
    }
    return fields;
}

bool ForecastProducts::hasMembers(const std::string& field) const
{
    if (const WindComponents* wind = windComponents(field)) {
        return hasMembers(std::string(wind->eastward)) && hasMembers(std::string(wind->northward));
    }
    const ForecastVariable* variable = file_->variable(field);
    return variable != nullptr && variable->hasMember && !file_->members().empty();
}

const WindComponents* ForecastProducts::windComponents(const std::string& field) const
{
    for (const WindComponents& wind : windComponentTable) {
        if (field == wind.speed && has(std::string(wind.eastward)) && has(std::string(wind.northward))) {
            return &wind;
        }
    }
    return nullptr;
}

bool ForecastProducts::hasLevels(const std::string& field) const
{
    if (const WindComponents* wind = windComponents(field)) {
        return hasLevels(std::string(wind->eastward));
    }
    for (const std::string& name : {field, field + "_mean"}) {
        if (const ForecastVariable* variable = file_->variable(name)) {
            return variable->hasLevel && !file_->levels().empty();
        }
    }
    return false;
}

FieldConvention ForecastProducts::convention(const std::string& field) const
{
    if (windComponents(field) != nullptr) {
        FieldConvention speed;
        speed.displayUnits = units(field);
        speed.colourMap = ColourMapKind::Speed;
        return speed;
    }
    for (const std::string& name : {field, field + "_mean"}) {
        if (const ForecastVariable* variable = file_->variable(name)) {
            FieldConvention convention = fieldConvention(variable->standardName, variable->units);
            convention.isSigned = convention.isSigned || field == "u" || field == "v" || field == "vorticity";
            if (convention.isSigned) {
                convention.colourMap = ColourMapKind::CoolWarm;
            }
            return convention;
        }
    }
    return {};
}

std::vector<Product> ForecastProducts::products(const std::string& field) const
{
    const bool members = hasMembers(field);
    const auto stored = [&](Product product) {
        switch (product) {
        case Product::Mean: return has(field + "_mean");
        case Product::Spread: return has(field + "_spread");
        case Product::MeanAndSpread: return has(field + "_mean") && has(field + "_spread");
        case Product::Probability:
            return std::any_of(file_->probabilities().begin(), file_->probabilities().end(),
                               [&](const ProbabilityVariable& probability) { return probability.variable == field; });
        default: return false;
        }
    };
    std::vector<Product> products;
    for (const ProductInfo& info : productTable) {
        if (members || (!info.needsMembers && stored(info.product))) {
            products.push_back(info.product);
        }
    }
    if (products.empty() && has(field)) {
        products.push_back(Product::Member);  // a plain field: shown as it is
    }
    return products;
}

std::string ForecastProducts::label(const std::string& field) const
{
    if (const WindComponents* wind = windComponents(field)) {
        return wind->speed == windSpeedField ? "wind speed" : "10 m wind speed";
    }
    if (field == "height" || field == "u" || field == "v" || field == "vorticity") {
        return field == "u" ? "eastward wind u" : field == "v" ? "northward wind v" : field;
    }
    if (const FieldConvention shown = convention(field); !shown.label.empty()) {
        return shown.label;
    }
    const ForecastVariable* variable = file_->variable(field);
    return variable == nullptr || variable->longName.empty() ? field : variable->longName;
}

std::string ForecastProducts::units(const std::string& field) const
{
    if (const WindComponents* wind = windComponents(field)) {
        return units(std::string(wind->eastward));
    }
    for (const std::string& name : {field, field + "_mean"}) {
        if (const ForecastVariable* variable = file_->variable(name)) {
            return variable->units;
        }
    }
    return {};
}

bool ForecastProducts::isSigned(const std::string& field) const
{
    return convention(field).isSigned;
}

void ForecastProducts::requireField(const std::string& field) const
{
    const std::vector<std::string> names = fields();
    if (std::find(names.begin(), names.end(), field) == names.end()) {
        std::string list;
        for (const std::string& name : names) {
            list += (list.empty() ? "" : ", ") + name;
        }
        throw InputError("'" + file_->path() + "' has no field '" + field + "'; it has " + list);
    }
}

std::vector<float> ForecastProducts::memberValues(const std::string& field, int timeIndex, int memberIndex,
                                                  int levelIndex) const
{
    const WindComponents* wind = windComponents(field);
    if (wind == nullptr) {
        return file_->read(field, timeIndex, memberIndex, levelIndex);
    }
    std::vector<float> speed = file_->read(std::string(wind->eastward), timeIndex, memberIndex, levelIndex);
    const std::vector<float> v = file_->read(std::string(wind->northward), timeIndex, memberIndex, levelIndex);
    for (std::size_t k = 0; k < speed.size(); ++k) {
        speed[k] = std::hypot(speed[k], v[k]);
    }
    return speed;
}

ForecastFile::PointSeries ForecastProducts::pointSeries(const std::string& field, int latitudeIndex, int longitudeIndex,
                                                        int levelIndex) const
{
    const WindComponents* wind = windComponents(field);
    if (wind == nullptr) {
        return file_->readPoint(field, latitudeIndex, longitudeIndex, levelIndex);
    }
    ForecastFile::PointSeries speed =
        file_->readPoint(std::string(wind->eastward), latitudeIndex, longitudeIndex, levelIndex);
    const ForecastFile::PointSeries v =
        file_->readPoint(std::string(wind->northward), latitudeIndex, longitudeIndex, levelIndex);
    for (std::size_t k = 0; k < speed.values.size(); ++k) {
        speed.values[k] = std::hypot(speed.values[k], v.values[k]);
    }
    return speed;
}

std::vector<float> ForecastProducts::meanValues(const std::string& field, int timeIndex, int levelIndex) const
{
    if (windComponents(field) == nullptr && has(field + "_mean")) {
        return file_->read(field + "_mean", timeIndex, 0, levelIndex);
    }
    if (!hasMembers(field)) {
        throw InputError("'" + file_->path() + "' has neither the members of '" + field + "' nor its ensemble mean");
    }
    const Moments moments = memberMoments(field, timeIndex, levelIndex);
    return std::vector<float>(moments.mean.begin(), moments.mean.end());
}

std::vector<float> ForecastProducts::spreadValues(const std::string& field, int timeIndex, int levelIndex) const
{
    if (windComponents(field) == nullptr && has(field + "_spread")) {
        return file_->read(field + "_spread", timeIndex, 0, levelIndex);
    }
    if (!hasMembers(field)) {
        throw InputError("'" + file_->path() + "' has neither the members of '" + field + "' nor its ensemble spread");
    }
    const Moments moments = memberMoments(field, timeIndex, levelIndex);
    std::vector<float> spread(moments.m2.size());
    for (std::size_t k = 0; k < spread.size(); ++k) {
        spread[k] = static_cast<float>(sampleStandardDeviation(moments.m2[k], moments.members));
    }
    return spread;
}

ForecastProducts::Moments ForecastProducts::memberMoments(const std::string& field, int timeIndex, int levelIndex) const
{
    Moments moments;
    moments.mean.assign(file_->pointCount(), 0.0);
    moments.m2.assign(file_->pointCount(), 0.0);
    moments.members = static_cast<int>(file_->members().size());
    for (int m = 0; m < moments.members; ++m) {
        const std::vector<float> values = memberValues(field, timeIndex, m, levelIndex);
        for (std::size_t k = 0; k < values.size(); ++k) {
            addToMoments(moments.mean[k], moments.m2[k], values[k], m + 1);
        }
    }
    return moments;
}

const ProbabilityVariable* ForecastProducts::storedProbability(const std::string& field, double threshold) const
{
    for (const ProbabilityVariable& probability : file_->probabilities()) {
        if (probability.variable == field &&
            std::abs(probability.threshold - threshold) <= 1e-9 * std::max(1.0, std::abs(threshold))) {
            return &probability;
        }
    }
    return nullptr;
}

std::vector<float> ForecastProducts::probabilityValues(const std::string& field, int timeIndex, double threshold,
                                                       int levelIndex, bool below) const
{
    // The file's own probability covers every member, stored or not: prefer it. Below is its
    // complement (a member exactly at the threshold has probability zero for a continuous field).
    if (const ProbabilityVariable* stored = storedProbability(field, threshold)) {
        std::vector<float> values = file_->read(stored->name, timeIndex, 0, levelIndex);
        if (below) {
            for (float& value : values) {
                value = 1.0f - value;
            }
        }
        return values;
    }
    if (!hasMembers(field)) {
        std::string stored;
        for (const ProbabilityVariable& probability : file_->probabilities()) {
            if (probability.variable == field) {
                stored += (stored.empty() ? "" : ", ") + formatValue(probability.threshold);
            }
        }
        throw InputError("'" + file_->path() + "' keeps no members of '" + field +
                         "' to count, and no probability above " + formatValue(threshold) +
                         (stored.empty() ? std::string() : "; it has thresholds " + stored));
    }
    const int members = static_cast<int>(file_->members().size());
    std::vector<int> above(file_->pointCount(), 0);
    std::vector<int> counted(file_->pointCount(), 0);
    for (int m = 0; m < members; ++m) {
        const std::vector<float> values = memberValues(field, timeIndex, m, levelIndex);
        for (std::size_t k = 0; k < values.size(); ++k) {
            if (std::isfinite(values[k])) {
                ++counted[k];
                above[k] += (below ? values[k] < threshold : values[k] > threshold) ? 1 : 0;
            }
        }
    }
    std::vector<float> probability(above.size());
    for (std::size_t k = 0; k < above.size(); ++k) {
        probability[k] = counted[k] > 0 ? static_cast<float>(exceedanceProbability(above[k], counted[k])) : NAN;
    }
    return probability;
}

std::vector<float> ForecastProducts::firstTimeValues(const std::string& field, int levelIndex)
{
    std::vector<float> values;
    const std::vector<Product> available = products(field);
    // A file whose first time is not written yet (a run that has just started) has no typical
    // value: none then, rather than an error the person did not ask for.
    try {
        if (std::find(available.begin(), available.end(), Product::Mean) != available.end()) {
            values = meanValues(field, 0, levelIndex);
        } else if (std::find(available.begin(), available.end(), Product::Member) != available.end()) {
            values = memberValues(field, 0, 0, levelIndex);
        }
    } catch (const InputError&) {
        values.clear();
    }
    std::erase_if(values, [](float value) { return !std::isfinite(value); });
    const FieldConvention shown = convention(field);
    for (float& value : values) {
        value = static_cast<float>(shown.display(value));
    }
    return values;
}

double ForecastProducts::typicalValue(const std::string& field, int levelIndex)
{
    std::vector<float> values = firstTimeValues(field, levelIndex);
    if (values.empty()) {
        return 0.0;
    }
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2), values.end());
    const double median = values[values.size() / 2];
    if (median == 0.0) {
        return 0.0;
    }
    // Two significant digits: a value a person would type.
    const double scale = std::pow(10.0, std::floor(std::log10(std::abs(median))) - 1.0);
    return std::round(median / scale) * scale;
}

double ForecastProducts::typicalThreshold(const std::string& field, int levelIndex)
{
    if (windComponents(field) != nullptr && normalizedUnits(units(field)) == "ms-1") {
        return 10.0;  // a fresh breeze, Beaufort 5: where wind starts to matter for forecasts
    }
    std::vector<float> values = firstTimeValues(field, levelIndex);
    if (values.empty()) {
        return 0.0;
    }
    const auto [lowest, highest] = std::minmax_element(values.begin(), values.end());
    const double low = *lowest;
    const double high = *highest;
    const auto at = values.begin() + static_cast<std::ptrdiff_t>(values.size() * 9 / 10);
    std::nth_element(values.begin(), at, values.end());
    const double percentile = *at;
    // Rounded to a tenth of a round step across the field's range: 10250 m, not 10000 m.
    const double step = tickStep(niceTicks(low, high, 10));
    return step > 0.0 ? std::round(percentile / step) * step : percentile;
}

std::string ForecastProducts::timeLabel(int timeIndex) const
{
    const std::vector<double>& leads = file_->leadHours();
    if (timeIndex < 0 || timeIndex >= static_cast<int>(leads.size())) {
        return {};
    }
    const double lead = leads[static_cast<std::size_t>(timeIndex)];
    if (!std::isfinite(lead)) {
        return "time " + std::to_string(timeIndex) + " (not written yet)";
    }
    std::string text = "T+" + formatValue(lead) + " h";
    // The valid time as the file's units and calendar give it (a 360_day file has 30 February).
    const std::string& valid = file_->validTimes()[static_cast<std::size_t>(timeIndex)];
    if (valid.size() >= 16) {
        const std::string& calendar = file_->calendar();
        const bool gregorian = calendar == "standard" || calendar == "proleptic_gregorian";
        text += ", valid " + valid.substr(0, 16) + (gregorian ? "" : " (" + calendar + " calendar)");
    }
    return text;
}

ColourLimits ForecastProducts::limits(const std::string& field, Product product, int levelIndex)
{
    const auto key = std::make_tuple(field, product, levelIndex);
    if (const auto cached = limitsCache_.find(key); cached != limitsCache_.end()) {
        return cached->second;
    }
    const bool symmetric = isSigned(field) && product != Product::Spread;
    const int times = static_cast<int>(file_->leadHours().size());
    const WindComponents* wind = windComponents(field);
    const std::string eastward = wind != nullptr ? std::string(wind->eastward) : std::string();
    const std::string northward = wind != nullptr ? std::string(wind->northward) : std::string();
    std::optional<ColourLimits> result;
    auto include = [&](const std::vector<float>& values, bool symmetricHere) {
        const ColourLimits here = limitsOf(values, symmetricHere);
        const bool empty = std::none_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
        if (!empty) {
            result = result ? unite(*result, here) : here;
        }
    };
    if (product == Product::Probability) {
        result = ColourLimits{0.0, 1.0};
    } else if (wind != nullptr && has(eastward + "_min") && has(eastward + "_max") && has(northward + "_min") &&
               has(northward + "_max") && product != Product::Spread) {
        // No member is faster than the fastest u and v together, and neither is the mean. A time
        // whose statistics are not written (a running or cancelled forecast) counts with the
        // speeds of the members written there, so the limits come from written data only.
        double fastest = 0.0;
        bool written = false;
        for (int t = 0; t < times; ++t) {
            bool statisticsWritten = false;
            for (const std::string& name :
                 {eastward + "_min", eastward + "_max", northward + "_min", northward + "_max"}) {
                for (const float value : file_->read(name, t, 0, levelIndex)) {
                    if (std::isfinite(value)) {
                        statisticsWritten = true;
                        fastest = std::max(fastest, std::abs(value) * std::sqrt(2.0));
                    }
                }
            }
            written = written || statisticsWritten;
            for (int m = 0; !statisticsWritten && hasMembers(field) && m < static_cast<int>(file_->members().size());
                 ++m) {
                for (const float value : memberValues(field, t, m, levelIndex)) {
                    if (std::isfinite(value)) {
                        written = true;
                        fastest = std::max(fastest, static_cast<double>(value));
                    }
                }
            }
        }
        if (written) {
            result = ColourLimits{0.0, std::max(fastest, 1e-6)};
        }
    } else if (wind != nullptr && product == Product::Spread && has(eastward + "_spread") &&
               has(northward + "_spread")) {
        // The spread of the speeds is at most that of the vectors: √(σu² + σv²).
        std::vector<float> bound;
        for (int t = 0; t < times; ++t) {
            const std::vector<float> su = file_->read(eastward + "_spread", t, 0, levelIndex);
            const std::vector<float> sv = file_->read(northward + "_spread", t, 0, levelIndex);
            bound.resize(su.size());
            for (std::size_t k = 0; k < su.size(); ++k) {
                bound[k] = std::hypot(su[k], sv[k]);
            }
            include(bound, false);
        }
    } else if (product == Product::Member && wind == nullptr && has(field + "_min") && has(field + "_max")) {
        // A time whose statistics are not written (a running or cancelled forecast) counts with
        // the members written there, so the limits come from written data only.
        const auto anyWritten = [](const std::vector<float>& values) {
            return std::any_of(values.begin(), values.end(), [](float v) { return std::isfinite(v); });
        };
        for (int t = 0; t < times; ++t) {
            const std::vector<float> lowest = file_->read(field + "_min", t, 0, levelIndex);
            const std::vector<float> highest = file_->read(field + "_max", t, 0, levelIndex);
            if (anyWritten(lowest) || anyWritten(highest)) {
                include(lowest, symmetric);
                include(highest, symmetric);
                continue;
            }
            for (int m = 0; hasMembers(field) && m < static_cast<int>(file_->members().size()); ++m) {
                include(memberValues(field, t, m, levelIndex), symmetric);
            }
        }
    } else {
        for (int t = 0; t < times; ++t) {
            if (product == Product::Mean) {
                include(meanValues(field, t, levelIndex), symmetric);
            } else if (product == Product::Spread) {
                include(spreadValues(field, t, levelIndex), false);
            } else if (hasMembers(field)) {
                for (int m = 0; m < static_cast<int>(file_->members().size()); ++m) {
                    include(memberValues(field, t, m, levelIndex), symmetric);
                }
            } else {
                include(file_->read(field, t, 0, levelIndex), symmetric);
            }
        }
    }
    ColourLimits limits = result.value_or(symmetric ? ColourLimits{-1.0, 1.0} : ColourLimits{0.0, 1.0});
    if (product == Product::Spread) {
        limits.low = 0.0;
    }
    if (limits.high <= limits.low) {
        limits.high = limits.low + 1.0;
    }
    // In display units: a linear map with a positive scale keeps the order.
    if (product != Product::Probability) {
        const FieldConvention shown = convention(field);
        limits = product == Product::Spread
                     ? ColourLimits{shown.displayDifference(limits.low), shown.displayDifference(limits.high)}
                     : ColourLimits{shown.display(limits.low), shown.display(limits.high)};
    }
    limitsCache_[key] = limits;
    return limits;
}

std::string ForecastProducts::levelText(const std::string& field, int levelIndex) const
{
    if (!hasLevels(field) || levelIndex < 0 || levelIndex >= static_cast<int>(file_->levels().size())) {
        return {};
    }
    return " at " + formatValue(file_->levels()[static_cast<std::size_t>(levelIndex)]) +
           (file_->levelUnits().empty() ? std::string() : " " + file_->levelUnits());
}

GlobeContent ForecastProducts::content(const ProductRequest& request)
{
    if (request.minus) {
        return differenceContent(request);
    }
    requireField(request.field);
    const std::vector<Product> available = products(request.field);
    if (std::find(available.begin(), available.end(), request.product) == available.end()) {
        throw InputError("'" + file_->path() + "' cannot show the " + std::string(productName(request.product)) +
                         " of '" + request.field + "': " +
                         (hasMembers(request.field) ? "it is not available"
                                                    : "the file keeps no members of it, only its statistics"));
    }
    const int times = static_cast<int>(file_->leadHours().size());
    if (request.timeIndex < 0 || request.timeIndex >= times) {
        throw InputError("time index " + std::to_string(request.timeIndex) + " is outside 0 … " +
                         std::to_string(times - 1) + " of '" + file_->path() + "'");
    }
    const bool onLevels = hasLevels(request.field);
    const int level = onLevels ? request.levelIndex : 0;
    if (onLevels && (level < 0 || level >= static_cast<int>(file_->levels().size()))) {
        throw InputError("level index " + std::to_string(level) + " is outside 0 … " +
                         std::to_string(file_->levels().size() - 1) + " of '" + file_->path() + "'");
    }
    const FieldConvention shown = convention(request.field);
    const std::string fieldLabel = label(request.field) + levelText(request.field, level);
    const std::string& fieldUnits = shown.displayUnits;
    const std::string unitsText = fieldUnits.empty() ? std::string() : " (" + displayUnits(fieldUnits) + ")";
    const bool plain = !hasMembers(request.field) && request.product == Product::Member;
    // Stored values to display units: a difference (spread) drops the offset.
    const auto toDisplay = [&shown](std::vector<float> values, bool difference = false) {
        if (shown.converts()) {
            for (float& value : values) {
                value = static_cast<float>(difference ? shown.displayDifference(value) : shown.display(value));
            }
        }
        return values;
    };

    GlobeContent content;
    content.latitudes = file_->latitudes();
    content.longitudes = file_->longitudes();
    std::string productText;
    switch (request.product) {
    case Product::Member: {
        if (plain) {
            content.values = toDisplay(file_->read(request.field, request.timeIndex, 0, level));
            content.colourBarTitle = request.field + levelText(request.field, level) + unitsText;
        } else {
            const int members = static_cast<int>(file_->members().size());
            if (request.memberIndex < 0 || request.memberIndex >= members) {
                throw InputError("member index " + std::to_string(request.memberIndex) + " is outside the " +
                                 std::to_string(members) + " members stored in '" + file_->path() + "'");
            }
            content.values = toDisplay(memberValues(request.field, request.timeIndex, request.memberIndex, level));
            productText = "member " + std::to_string(file_->members()[static_cast<std::size_t>(request.memberIndex)]);
            content.colourBarTitle = fieldLabel + unitsText;
        }
        break;
    }
    case Product::Mean:
        content.values = toDisplay(meanValues(request.field, request.timeIndex, level));
        productText = "ensemble mean";
        content.colourBarTitle = "mean " + fieldLabel + unitsText;
        break;
    case Product::Spread:
        content.values = toDisplay(spreadValues(request.field, request.timeIndex, level), true);
        productText = "ensemble spread";
        content.colourBarTitle = fieldLabel + " spread" + unitsText;
        break;
    case Product::Probability:
        if (!std::isfinite(request.threshold)) {
            throw InputError("the probability threshold must be a finite number");
        }
        content.values =
            probabilityValues(request.field, request.timeIndex, shown.stored(request.threshold), level, request.below);
        productText = "P(" + fieldLabel + (request.below ? " < " : " > ") + formatValue(request.threshold) +
                      (fieldUnits.empty() ? "" : " " + displayUnits(fieldUnits)) + ")";
        content.colourBarTitle = "probability (fraction of members)";
        break;
    case Product::Spaghetti: {
        if (!std::isfinite(request.contourLevel)) {
            throw InputError("the spaghetti contour level must be a finite number");
        }
        const int members = static_cast<int>(file_->members().size());
        for (int m = 0; m < members; ++m) {
            content.contourFields.push_back(toDisplay(memberValues(request.field, request.timeIndex, m, level)));
            content.contourLabels.push_back(std::to_string(file_->members()[static_cast<std::size_t>(m)]));
        }
        content.meanContourField = toDisplay(meanValues(request.field, request.timeIndex, level));
        content.contourLevel = request.contourLevel;
        productText = "spaghetti, " + formatValue(request.contourLevel) +
                      (fieldUnits.empty() ? "" : " " + displayUnits(fieldUnits)) + " contour of " +
                      std::to_string(members) + " members and their mean";
        break;
    }
    case Product::Stamps: {
        const int members = static_cast<int>(file_->members().size());
        for (int m = 0; m < members; ++m) {
            content.stampFields.push_back(toDisplay(memberValues(request.field, request.timeIndex, m, level)));
            content.stampLabels.push_back(std::to_string(file_->members()[static_cast<std::size_t>(m)]));
        }
        productText = "postage stamps of " + std::to_string(members) + " members";
        content.colourBarTitle = fieldLabel + unitsText;
        const bool symmetric = isSigned(request.field);
        content.colourMap = symmetric ? ColourMapKind::CoolWarm : ColourMapKind::Viridis;
        std::vector<float> all;
        if (request.limitsFromThisTime) {
            for (const auto& field : content.stampFields) {
                all.insert(all.end(), field.begin(), field.end());
            }
        }
        content.limits =
            request.limitsFromThisTime ? limitsOf(all, symmetric) : limits(request.field, Product::Member, level);
        break;
    }
    default: addDerivedProduct(request, content, productText); break;
    }
    if (request.windArrows) {
        addWindArrows(request, content);
    }
    const bool fraction = request.product == Product::Probability || request.product == Product::ProbabilityBelow;
    content.units = fraction ? std::string() : fieldUnits;
    // The new views' products choose their own colour map and limits (addDerivedProduct).
    if (!content.values.empty() && request.product <= Product::Stamps) {
        const bool symmetric =
            isSigned(request.field) && request.product != Product::Spread && request.product != Product::Probability;
        content.colourMap = symmetric ? ColourMapKind::CoolWarm : ColourMapKind::Viridis;
        content.limits = request.limitsFromThisTime
                             ? limitsOf(content.values, symmetric)
                             : limits(request.field, plain ? Product::Member : request.product, level);
        if (request.product == Product::Probability) {
            content.limits = {0.0, 1.0};
        }
    }
    // Every product's colour map from one table (FieldConventions.h), unless a person chose one.
    content.colourMap = colourMapFor(shown, request.product);
    if (request.colourMap) {
        content.colourMap = *request.colourMap;
    }
    // Isobars and height contours over the shading of pressure and geopotential, as on the
    // synoptic charts forecasters read.
    const bool ownValues = request.product == Product::Member || request.product == Product::Mean ||
                           request.product == Product::Median || request.product == Product::Percentile10 ||
                           request.product == Product::Percentile90;
    if (shown.contoured && ownValues && content.lineField.empty() && !content.values.empty()) {
        content.lineField = content.values;
        content.lineLevels = contourLevels(content.values);
    }
    // A running forecast has times whose statistics wait for the last member: say so.
    const auto written = [](const std::vector<float>& field) {
        return std::any_of(field.begin(), field.end(), [](float value) { return std::isfinite(value); });
    };
    bool missing = !content.values.empty() && !written(content.values);
    for (const auto& field : content.contourFields) {
        missing = missing || !written(field);
    }
    for (const auto& field : content.stampFields) {
        missing = missing || !written(field);
    }
    if (missing) {
        // A running forecast will write it; a finished one (cancelled, members failed) never will.
        const std::string& status = file_->runStatus();
        const std::string why = status.empty() || status == "running" ? "not written yet"
                                : status == "complete"                ? "missing"
                                                       : "not computed: run " + status.substr(0, status.find(':'));
        productText +=
            productText.empty()
                ? why
                : " (" + std::string(status.empty() || status == "running" ? "not all written yet" : why) + ")";
    }
    // A probability's own text names the field already.
    const std::string subject = request.product == Product::Probability || request.product == Product::ProbabilityBelow
                                    ? productText
                                    : fieldLabel + (productText.empty() ? "" : " — " + productText);
    content.title = subject + " — " + timeLabel(request.timeIndex);
    return content;
}

}  // namespace spreadcast
