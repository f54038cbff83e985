// The difference between two forecasts (ProductRequest::minus): this file's product minus the
// same product of another forecast file at the same valid time, level and member — how a
// forecaster sees what a new run changed. A member of ForecastProducts, kept apart from
// ForecastProducts.cpp because it only combines two finished products.
#include "run/InputError.h"
#include "viz/ForecastProducts.h"
#include "viz/TextFormat.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace spreadcast {
namespace {

std::string fileName(const std::string& path)
{
    return std::filesystem::path(path).filename().string();
}

std::string number(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::string gridText(const ForecastFile& file)
{
    const auto& latitudes = file.latitudes();
    const auto& longitudes = file.longitudes();
    std::string text = std::to_string(latitudes.size()) + " × " + std::to_string(longitudes.size()) + " points";
    if (!latitudes.empty() && !longitudes.empty()) {
        text += " (latitudes " + number(latitudes.front()) + " … " + number(latitudes.back()) + ", longitudes " +
                number(longitudes.front()) + " … " + number(longitudes.back()) + ")";
    }
    return text;
}

bool sameCoordinates(const std::vector<double>& a, const std::vector<double>& b)
{
    // Both files' coordinates come from the same grid definitions in double precision; a
    // millionth of a degree is far below any grid step and above rounding in a file.
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](double x, double y) { return std::abs(x - y) <= 1e-6; });
}

}  // namespace

ProductRequest ForecastProducts::matchingRequest(const ForecastProducts& other, const ProductRequest& request) const
{
    const ForecastFile& theirs = other.file();
    const std::string pair =
        "cannot subtract '" + fileName(theirs.path()) + "' from '" + fileName(file_->path()) + "': ";
    if (request.product == Product::Spaghetti || request.product == Product::Stamps) {
        throw InputError(pair + "a difference is drawn for a product with one field (member, mean, spread, …), not " +
                         std::string(productInfo(request.product).label));
    }
    if (!sameCoordinates(file_->latitudes(), theirs.latitudes()) ||
        !sameCoordinates(file_->longitudes(), theirs.longitudes())) {
        throw InputError(pair + "the grids differ: " + fileName(file_->path()) + " has " + gridText(*file_) + ", " +
                         fileName(theirs.path()) + " " + gridText(theirs));
    }
    const std::vector<std::string> theirFields = other.fields();
    if (std::find(theirFields.begin(), theirFields.end(), request.field) == theirFields.end()) {
        std::string list;
        for (const std::string& field : theirFields) {
            list += (list.empty() ? "" : ", ") + field;
        }
        throw InputError(pair + "the variables differ: " + fileName(theirs.path()) + " has no field '" + request.field +
                         "'; it has " + list);
    }
    const std::string ourUnits = convention(request.field).displayUnits;
    const std::string theirUnits = other.convention(request.field).displayUnits;
    if (ourUnits != theirUnits) {
        throw InputError(pair + "the units of '" + request.field + "' differ: " + ourUnits + " and " + theirUnits);
    }
    ProductRequest matched = request;
    matched.minus = nullptr;
    matched.windArrows = false;
    matched.limitsFromThisTime = true;
    if (hasLevels(request.field)) {
        const double level = file_->levels().at(static_cast<std::size_t>(request.levelIndex));
        const std::vector<double>& levels = theirs.levels();
        const auto found = std::find_if(levels.begin(), levels.end(), [level](double candidate) {
            return std::abs(candidate - level) <= 1e-6 * std::max(1.0, std::abs(level));
        });
        if (!other.hasLevels(request.field) || found == levels.end()) {
            std::string list;
            for (const double candidate : levels) {
                list += (list.empty() ? "" : ", ") + number(candidate);
            }
            throw InputError(pair + "the levels differ: " + fileName(theirs.path()) + " has no level " + number(level) +
                             " " + file_->levelUnits() + " of '" + request.field + "'" +
                             (list.empty() ? std::string(" (it has no levels)") : "; it has " + list));
        }
        matched.levelIndex = static_cast<int>(found - levels.begin());
    }
    // The same valid time, whatever the two runs' start times.
    const auto timeIndex = static_cast<std::size_t>(request.timeIndex);
    const std::string& valid = timeIndex < file_->validTimes().size() ? file_->validTimes()[timeIndex] : std::string();
    if (valid.empty()) {
        throw InputError(pair + fileName(file_->path()) + " gives no valid time for its output " +
                         std::to_string(request.timeIndex) + " (not written yet, or a time axis without units)");
    }
    const std::vector<std::string>& theirTimes = theirs.validTimes();
    const auto at = std::find(theirTimes.begin(), theirTimes.end(), valid);
    if (at == theirTimes.end() ||
        !std::isfinite(theirs.leadHours()[static_cast<std::size_t>(at - theirTimes.begin())])) {
        std::string range;
        for (const std::string& time : theirTimes) {
            if (!time.empty()) {
                range = range.empty() ? time : range.substr(0, range.find(" … ")) + " … " + time;
            }
        }
        throw InputError(
            pair + "the valid times differ: " + fileName(theirs.path()) + " has no output valid " + valid +
            (range.empty() ? std::string(" (it has no written times)") : "; its valid times are " + range));
    }
    matched.timeIndex = static_cast<int>(at - theirTimes.begin());
    // The same member number, for a product of one member.
    if (productInfo(request.product).input == ProductInput::Member && !file_->members().empty()) {
        const int member = file_->members().at(static_cast<std::size_t>(request.memberIndex));
        const std::vector<int>& theirMembers = theirs.members();
        const auto found = std::find(theirMembers.begin(), theirMembers.end(), member);
        if (found == theirMembers.end()) {
            throw InputError(pair + "the members differ: " + fileName(theirs.path()) + " stores no member " +
                             std::to_string(member));
        }
        matched.memberIndex = static_cast<int>(found - theirMembers.begin());
    }
    return matched;
}

GlobeContent ForecastProducts::differenceContent(const ProductRequest& request)
{
    ForecastProducts& other = *request.minus;
    const ProductRequest theirs = matchingRequest(other, request);
    ProductRequest ours = request;
    ours.minus = nullptr;
    GlobeContent content = this->content(ours);
    const GlobeContent subtrahend = other.content(theirs);
    if (subtrahend.values.size() != content.values.size()) {
        throw InputError("cannot subtract '" + fileName(other.file().path()) + "' from '" + fileName(file_->path()) +
                         "': its " + std::string(productInfo(request.product).label) + " has no values to subtract");
    }
    // Both are in the field's display units, so the offset of a unit conversion cancels.
    for (std::size_t k = 0; k < content.values.size(); ++k) {
        content.values[k] -= subtrahend.values[k];
    }
    // Diverging around zero; the limits of this time only, as the other run may not reach
    // every time of this one.
    content.colourMap = request.colourMap.value_or(differenceColourMap);
    content.limits = limitsOf(content.values, true);
    content.lineField.clear();  // this run's contours would read as contours of the difference
    content.lineLevels.clear();
    content.colourBarTitle = "Δ " + content.colourBarTitle;
    content.title = fileName(file_->path()) + " − " + fileName(other.file().path()) + ": " + content.title;
    return content;
}

}  // namespace spreadcast
