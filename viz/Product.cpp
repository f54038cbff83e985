#include "viz/Product.h"

namespace spreadcast {

const ProductInfo& productInfo(Product product)
{
    for (const ProductInfo& info : productTable) {
        if (info.product == product) {
            return info;
        }
    }
    return productTable.front();  // every enumerator has its row; a test checks it
}

std::string_view productName(Product product)
{
    return productInfo(product).name;
}

std::optional<Product> parseProduct(std::string_view name)
{
    for (const ProductInfo& info : productTable) {
        if (info.name == name) {
            return info.product;
        }
    }
    return std::nullopt;
}

std::string productNameList()
{
    std::string list;
    for (std::size_t k = 0; k < productTable.size(); ++k) {
        list += std::string(k == 0                         ? ""
                            : k + 1 == productTable.size() ? " or "
                                                           : ", ") +
                std::string(productTable[k].name);
    }
    return list;
}

}  // namespace spreadcast
