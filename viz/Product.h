#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace spreadcast {

// What the globe shows of a field: one member, the ensemble mean or spread, the probability of
// exceeding a threshold, one contour of every member (spaghetti), or every member on a small
// globe of its own (postage stamps).
enum class Product { Member, Mean, Spread, Probability, Spaghetti, Stamps };

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

inline constexpr std::array<ProductInfo, 6> productTable{{
    {Product::Member, "member", "single member", "one member's field", ProductInput::Member, true},
    {Product::Mean, "mean", "ensemble mean", "the mean of the members", ProductInput::None, false},
    {Product::Spread, "spread", "ensemble spread", "the members' sample standard deviation", ProductInput::None, false},
    {Product::Probability, "probability", "probability", "the fraction of members above a threshold",
     ProductInput::Threshold, false},
    {Product::Spaghetti, "spaghetti", "spaghetti", "one contour of every member", ProductInput::ContourLevel, true},
    {Product::Stamps, "stamps", "postage stamps", "every member on a small globe of its own", ProductInput::None, true},
}};

const ProductInfo& productInfo(Product product);
std::string_view productName(Product product);  // "member", "mean", …
std::optional<Product> parseProduct(std::string_view name);
// The names for help texts and messages: "member, mean, spread, probability, spaghetti or stamps".
std::string productNameList();

}  // namespace spreadcast
