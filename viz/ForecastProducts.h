#pragma once

#include "io/ForecastFile.h"
#include "viz/FieldConventions.h"
#include "viz/GlobeScene.h"
#include "viz/Product.h"

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace spreadcast {

inline constexpr std::string_view windSpeedField = "wind_speed";

// A wind speed the products compute from its two components: the shallow-water model's u and v
// (wind_speed), a learned model's winds on pressure levels (wind_speed too) and at 10 m
// (10m_wind_speed).
struct WindComponents {
    std::string_view speed;
    std::string_view eastward;
    std::string_view northward;
};
inline constexpr std::array<WindComponents, 3> windComponentTable{{
    {windSpeedField, "u", "v"},
    {windSpeedField, "u_component_of_wind", "v_component_of_wind"},
    {"10m_wind_speed", "10m_u_component_of_wind", "10m_v_component_of_wind"},
}};

class ForecastProducts;

struct ProductRequest {
    std::string field = "height";  // a field variable of the file, or wind_speed
    Product product = Product::Mean;
    int timeIndex = 0;
    int memberIndex = 0;                      // a position in the file's members()
    int levelIndex = 0;                       // a position in the file's levels(), for fields on levels
    double threshold = 0.0;                   // Probability: in the field's display units (FieldConventions)
    bool below = false;                       // Probability: of values below the threshold, not above
    double contourLevel = 0.0;                // Spaghetti: in the field's display units
    bool limitsFromThisTime = false;          // otherwise the colour limits hold for every time
    std::optional<ColourMapKind> colourMap;   // otherwise viridis, or cool-warm for signed fields
    bool windArrows = false;                  // overlay the wind of the same product's u and v
    WindGlyph windGlyph = WindGlyph::Arrows;  // … as arrows or barbs
    // Another forecast to subtract (viz/RunDifference.cpp): the product minus the same product of
    // that forecast at the same valid time, level and member number, on a diverging map.
    std::shared_ptr<ForecastProducts> minus;
};

// Turns a forecast file into globe content. Statistics come from the file's <field>_mean,
// _spread, _min, _max and probability variables where it has them, and are computed from the
// stored members otherwise; wind speed is computed from u and v. Colour limits cover every
// output time (so a colour means the same value as the slider moves) and are cached.
class ForecastProducts {
public:
    explicit ForecastProducts(std::shared_ptr<const ForecastFile> file);

    const ForecastFile& file() const { return *file_; }
    // The fields a person picks from: the file's fields less statistics, probabilities and
    // coordinates, plus wind_speed when u and v are there; the Spreadcast variables first.
    std::vector<std::string> fields() const;
    // The products of productTable the file can show for field, in table order.
    std::vector<Product> products(const std::string& field) const;
    std::string label(const std::string& field) const;  // "height", "wind speed", a long name
    std::string units(const std::string& field) const;  // as the file stores the values
    bool isSigned(const std::string& field) const;
    // Whether the file stores members of the field (wind speed: of both components).
    bool hasMembers(const std::string& field) const;
    // Whether the field has one value per level of the file's levels().
    bool hasLevels(const std::string& field) const;
    // How the field is shown (°C, dam, hPa, …): content() shows values, thresholds and contour
    // levels in these units; the *Values functions return what the file stores.
    FieldConvention convention(const std::string& field) const;
    // A contour level worth starting from, in display units: the median of the first time's mean;
    // 0 when the first time is not written yet.
    double typicalValue(const std::string& field, int levelIndex = 0);
    // A probability threshold worth starting from, in display units: 10 m s⁻¹ for wind speed,
    // otherwise the 90th percentile of the first time's mean, rounded to a step a person would type.
    double typicalThreshold(const std::string& field, int levelIndex = 0);
    // Lead time and valid time for people, e.g. "T+120 h, valid 2000-01-06 00:00".
    std::string timeLabel(int timeIndex) const;

    // Throws InputError when the file cannot give what is asked, saying what it lacks.
    GlobeContent content(const ProductRequest& request);
    // The request for other's same product at this request's valid time, level and member number;
    // throws InputError naming what differs (grid, variable, units, level, valid time, member).
    ProductRequest matchingRequest(const ForecastProducts& other, const ProductRequest& request) const;

    // Values as the file stores them; levelIndex is ignored for a field without levels.
    std::vector<float> memberValues(const std::string& field, int timeIndex, int memberIndex, int levelIndex = 0) const;
    std::vector<float> meanValues(const std::string& field, int timeIndex, int levelIndex = 0) const;
    std::vector<float> spreadValues(const std::string& field, int timeIndex, int levelIndex = 0) const;
    // threshold in the file's units; below: the probability of values below it, not above.
    std::vector<float> probabilityValues(const std::string& field, int timeIndex, double threshold, int levelIndex = 0,
                                         bool below = false) const;
    // One grid point at every time and member (ForecastFile::readPoint), wind speeds computed.
    ForecastFile::PointSeries pointSeries(const std::string& field, int latitudeIndex, int longitudeIndex,
                                          int levelIndex = 0) const;
    // The fraction of stored members strictly below threshold (ensemble/EnsembleQuantiles.h), threshold
    // in the file's units.
    std::vector<float> probabilityBelowValues(const std::string& field, int timeIndex, double threshold,
                                              int levelIndex = 0) const;
    // The members' q-quantile per point in the file's units, numpy's linear definition
    // (ensemble/EnsembleQuantiles.h); q one of quantileLevels. The members are sorted once per field,
    // time and level for all quantile levels.
    std::vector<float> quantileValues(const std::string& field, int timeIndex, double q, int levelIndex = 0) const;
    static constexpr std::array<double, 7> quantileLevels{0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0};
    // Round contour levels, about ten, covering a field's finite values (the mean-and-spread chart).
    static std::vector<double> contourLevels(const std::vector<float>& values);

private:
    // The running mean and m2 of the stored members of a field (ensemble/EnsembleMoments.h), folded in
    // member order as the run's statistics are.
    struct Moments {
        std::vector<double> mean;
        std::vector<double> m2;
        int members = 0;
    };
    Moments memberMoments(const std::string& field, int timeIndex, int levelIndex) const;
    const WindComponents* windComponents(const std::string& field) const;
    bool has(const std::string& variable) const { return file_->variable(variable) != nullptr; }
    const ProbabilityVariable* storedProbability(const std::string& field, double threshold) const;
    ColourLimits limits(const std::string& field, Product product, int levelIndex);
    void requireField(const std::string& field) const;
    // The first time's mean (or member 0 without statistics) in display units, finite values only;
    // empty when that time is not written yet.
    std::vector<float> firstTimeValues(const std::string& field, int levelIndex);
    // The overlays and products of ForecastQuantiles.cpp, added to content() by the new views.
    void addDerivedProduct(const ProductRequest& request, GlobeContent& content, std::string& productText);
    void addWindArrows(const ProductRequest& request, GlobeContent& content) const;
    ColourLimits differenceLimits(const std::string& field, int levelIndex);
    GlobeContent differenceContent(const ProductRequest& request);
    // " at 850 hPa" for a field on levels, else empty.
    std::string levelText(const std::string& field, int levelIndex) const;

    std::shared_ptr<const ForecastFile> file_;
    std::map<std::tuple<std::string, Product, int>, ColourLimits> limitsCache_;
    // quantileLevels' fields per (field, time, level): computed on first use, then reused by every
    // percentile product and the EPSgram's boxes.
    mutable std::map<std::tuple<std::string, int, int>, std::vector<std::vector<float>>> quantileCache_;
};

}  // namespace spreadcast
