#include "viz/RenderCommand.h"

#include "run/InputError.h"
#include "run/RunSpec.h"
#include "viz/ForecastProducts.h"
#include "viz/RenderViews.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ostream>

namespace spreadcast {
namespace {

std::string formatNumber(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

int findTime(const ForecastFile& file, const std::string& text)
{
    const std::vector<double>& leads = file.leadHours();
    if (text == "last") {
        for (int t = static_cast<int>(leads.size()) - 1; t >= 0; --t) {
            if (std::isfinite(leads[static_cast<std::size_t>(t)])) {
                return t;
            }
        }
        throw InputError("'" + file.path() + "' has no output time written yet");
    }
    double hours = 0.0;
    try {
        hours = parseDuration(text) / 3600.0;
    } catch (const std::invalid_argument& error) {
        throw InputError(std::string("--time: ") + error.what());
    }
    std::string available;
    for (std::size_t t = 0; t < leads.size(); ++t) {
        if (std::abs(leads[t] - hours) < 1e-6) {
            return static_cast<int>(t);
        }
        if (std::isfinite(leads[t])) {
            char item[32];
            std::snprintf(item, sizeof item, "%gh", leads[t]);
            available += (available.empty() ? "" : ", ") + std::string(item);
        }
    }
    throw InputError("--time " + text + ": '" + file.path() + "' has no output at that lead time; it has " + available);
}

int findMember(const ForecastFile& file, int member)
{
    const std::vector<int>& members = file.members();
    for (std::size_t m = 0; m < members.size(); ++m) {
        if (members[m] == member) {
            return static_cast<int>(m);
        }
    }
    if (members.empty()) {
        return 0;  // no member dimension: the products say whether that matters
    }
    throw InputError("--member " + std::to_string(member) + ": '" + file.path() + "' stores members " +
                     std::to_string(members.front()) + " … " + std::to_string(members.back()) +
                     (members.size() == static_cast<std::size_t>(members.back() - members.front() + 1)
                          ? std::string()
                          : " (not all of them)"));
}

}  // namespace

// The position of --level among the file's levels; the first level when none is given.
int findLevel(const ForecastFile& file, const ForecastProducts& products, const std::string& field,
              std::optional<double> level)
{
    if (!level) {
        return 0;
    }
    if (!products.hasLevels(field)) {
        throw InputError("--level " + formatNumber(*level) + ": field '" + field + "' of '" + file.path() +
                         "' has no levels — leave --level out");
    }
    const std::vector<double>& levels = file.levels();
    std::string list;
    for (std::size_t k = 0; k < levels.size(); ++k) {
        if (std::abs(levels[k] - *level) <= 1e-6 * std::max(1.0, std::abs(*level))) {
            return static_cast<int>(k);
        }
        list += (list.empty() ? "" : ", ") + formatNumber(levels[k]);
    }
    throw InputError("--level " + formatNumber(*level) + " is not a level of '" + file.path() + "'; it has " + list +
                     (file.levelUnits().empty() ? std::string() : " " + file.levelUnits()));
}

int runRenderCommand(const RenderOptions& givenOptions, std::ostream& out, std::ostream& error)
{
    const auto started = std::chrono::steady_clock::now();
    RenderOptions options = givenOptions;
    try {
        applyViewOptions(options);
        if (options.product == epsgramProductName) {
            return renderEpsgram(options, out, error);
        }
    } catch (const InputError& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 2;
    }
    GlobeContent content;
    try {
        if (options.out.empty()) {
            throw InputError("no output image: give --out FILE.png");
        }
        if (options.width < 16 || options.height < 16 || options.width > maxImageSide ||
            options.height > maxImageSide) {
            throw InputError("image size " + std::to_string(options.width) + " × " + std::to_string(options.height) +
                             " is out of range: give --width and --height 16 … " + std::to_string(maxImageSide));
        }
        const std::optional<Product> product = parseProduct(options.product);
        if (!product) {
            throw InputError("--product '" + options.product + "' is not one of " + productNameList());
        }
        auto file = std::make_shared<const ForecastFile>(options.file);
        ForecastProducts products(file);
        ProductRequest request;
        request.field = options.field;
        request.product = *product;
        request.timeIndex = findTime(*file, options.time);
        request.memberIndex = findMember(*file, options.member);
        request.limitsFromThisTime = options.limitsFromThisTime;
        request.levelIndex = findLevel(*file, products, options.field, options.level);
        request.windArrows = options.windArrows;
        const std::optional<WindGlyph> glyph = parseWindGlyph(options.windGlyph);
        if (!glyph) {
            throw InputError("--wind '" + options.windGlyph + "' is not arrows or barbs");
        }
        request.windGlyph = *glyph;
        if (!options.minus.empty()) {
            request.minus = std::make_shared<ForecastProducts>(std::make_shared<const ForecastFile>(options.minus));
        }
        const ProductInput input = productInfo(*product).input;
        if (input == ProductInput::Threshold) {
            request.threshold =
                options.threshold ? *options.threshold : products.typicalThreshold(options.field, request.levelIndex);
        }
        if (input == ProductInput::ContourLevel) {
            request.contourLevel =
                options.contour ? *options.contour : products.typicalValue(options.field, request.levelIndex);
        }
        content = products.content(request);
        if (options.animate) {
            return renderAnimation(options, products, request, out, error);
        }
    } catch (const InputError& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 2;
    }
    if (options.projection != "globe") {
        return renderMap(options, content, started, out, error);
    }
    try {
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(content);
        renderer.scene().setCamera({options.longitude, options.latitude, GlobeCamera{}.distance});
        renderer.writePng(options.width, options.height, options.out);
    } catch (const std::exception& problem) {
        error << "spreadcast-cli render: " << problem.what() << "\n";
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    char timing[64];
    std::snprintf(timing, sizeof timing, " (%d × %d, %.2f s)", options.width, options.height, seconds);
    out << "wrote " << options.out << ": " << content.title << timing << "\n";
    return 0;
}

}  // namespace spreadcast
