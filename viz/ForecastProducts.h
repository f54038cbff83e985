#pragma once

#include "io/ForecastFile.h"
#include "viz/GlobeScene.h"
#include "viz/Product.h"

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spreadcast {

inline constexpr std::string_view windSpeedField = "wind_speed";

struct ProductRequest {
    std::string field = "height";  // a field variable of the file, or wind_speed
    Product product = Product::Mean;
    int timeIndex = 0;
    int memberIndex = 0;                     // a position in the file's members()
    double threshold = 0.0;                  // Probability: in the field's units
    double contourLevel = 0.0;               // Spaghetti: in the field's units
    bool limitsFromThisTime = false;         // otherwise the colour limits hold for every time
    std::optional<ColourMapKind> colourMap;  // otherwise viridis, or cool-warm for signed fields
    bool windArrows = false;                 // overlay arrows of the same product's u and v
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
    std::string units(const std::string& field) const;
    bool isSigned(const std::string& field) const;
    // A threshold and a contour level worth starting from: the median of the first time's mean.
    double typicalValue(const std::string& field);
    // Lead time and valid time for people, e.g. "T+120 h, valid 2000-01-06 00:00".
    std::string timeLabel(int timeIndex) const;

    // Throws InputError when the file cannot give what is asked, saying what it lacks.
    GlobeContent content(const ProductRequest& request);

    std::vector<float> memberValues(const std::string& field, int timeIndex, int memberIndex) const;
    std::vector<float> meanValues(const std::string& field, int timeIndex) const;
    std::vector<float> spreadValues(const std::string& field, int timeIndex) const;
    std::vector<float> probabilityValues(const std::string& field, int timeIndex, double threshold) const;
    // The fraction of stored members strictly below threshold (ensemble/EnsembleQuantiles.h).
    std::vector<float> probabilityBelowValues(const std::string& field, int timeIndex, double threshold) const;
    // The members' q-quantile per point, numpy's linear definition (ensemble/EnsembleQuantiles.h);
    // q one of quantileLevels. The members are sorted once per field and time for all levels.
    std::vector<float> quantileValues(const std::string& field, int timeIndex, double q) const;
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
    Moments memberMoments(const std::string& field, int timeIndex) const;
    bool hasMembers(const std::string& field) const;
    bool has(const std::string& variable) const { return file_->variable(variable) != nullptr; }
    const ProbabilityVariable* storedProbability(const std::string& field, double threshold) const;
    ColourLimits limits(const std::string& field, Product product);
    void requireField(const std::string& field) const;
    // The overlays and products of ForecastQuantiles.cpp, added to content() by the new views.
    void addDerivedProduct(const ProductRequest& request, GlobeContent& content, std::string& productText);
    void addWindArrows(const ProductRequest& request, GlobeContent& content) const;
    ColourLimits differenceLimits(const std::string& field);

    std::shared_ptr<const ForecastFile> file_;
    std::map<std::pair<std::string, Product>, ColourLimits> limitsCache_;
    // quantileLevels' fields per (field, time): computed on first use, then reused by every
    // percentile product and the EPSgram's boxes.
    mutable std::map<std::pair<std::string, int>, std::vector<std::vector<float>>> quantileCache_;
};

}  // namespace spreadcast
