#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace spreadcast {

// What the globe shows of a field: one member, the ensemble mean or spread, the probability of
// exceeding a threshold, one contour of every member (spaghetti), or every member on a small
// globe of its own (postage stamps); the members' median, 10 % and 90 % quantiles
// (ensemble/EnsembleQuantiles.h), the probability of staying below a threshold, one member's
// difference from the mean, and the mean's contours over the spread (the "mean and spread" chart).
enum class Product {
    Member,
    Mean,
    Spread,
    Probability,
    Spaghetti,
    Stamps,
    Median,
    Percentile10,
    Percentile90,
    ProbabilityBelow,
    MemberMinusMean,
    MeanAndSpread
};

// What a product needs besides a field and a time.
enum class ProductInput { None, Member, Threshold, ContourLevel };

// One row of the product table: everything the command line, the GUI and the product panel
// say about a product comes from here.
struct ProductInfo {
    Product product;
    std::string_view name;         // as the command line, settings and the panel's data spell it
    std::string_view label;        // for people, in menus
    std::string_view description;  // one line, for help texts and tooltips
    ProductInput input;
    // Shown only from stored members; the others can also come from a file's stored statistics.
    bool needsMembers;
};

inline constexpr std::array<ProductInfo, 12> productTable{{
    {Product::Member, "member", "single member", "one member's field", ProductInput::Member, true},
    {Product::Mean, "mean", "ensemble mean", "the mean of the members", ProductInput::None, false},
    {Product::Spread, "spread", "ensemble spread", "the members' sample standard deviation", ProductInput::None, false},
    {Product::Probability, "probability", "probability", "the fraction of members above a threshold",
     ProductInput::Threshold, false},
    {Product::Spaghetti, "spaghetti", "spaghetti", "one contour of every member", ProductInput::ContourLevel, true},
    {Product::Stamps, "stamps", "postage stamps", "every member on a small globe of its own", ProductInput::None, true},
    {Product::Median, "median", "median", "the members' median (50 % quantile)", ProductInput::None, true},
    {Product::Percentile10, "p10", "10 % quantile", "the members' 10 % quantile (numpy's linear definition)",
     ProductInput::None, true},
    {Product::Percentile90, "p90", "90 % quantile", "the members' 90 % quantile (numpy's linear definition)",
     ProductInput::None, true},
    {Product::ProbabilityBelow, "probability-below", "probability below", "the fraction of members below a threshold",
     ProductInput::Threshold, true},
    {Product::MemberMinusMean, "member-minus-mean", "member − mean", "one member's difference from the ensemble mean",
     ProductInput::Member, true},
    {Product::MeanAndSpread, "mean-and-spread", "mean and spread",
     "contours of the ensemble mean over the spread shaded", ProductInput::None, false},
}};

const ProductInfo& productInfo(Product product);
std::string_view productName(Product product);  // "member", "mean", …
std::optional<Product> parseProduct(std::string_view name);
// The names for help texts and messages: "member, mean, spread, …, member-minus-mean or mean-and-spread".
std::string productNameList();

}  // namespace spreadcast
