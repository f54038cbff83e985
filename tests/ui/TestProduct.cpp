#include "ForecastFixture.h"
#include "viz/ForecastProducts.h"
#include "viz/Product.h"

#include <QtTest/QtTest>

#include <set>
#include <string>

using namespace spreadcast;

// The product table that the render command, the GUI's options and the product panel all read.
class TestProduct : public QObject {
    Q_OBJECT

private slots:
    void everyProductHasOneRowWithAUniqueName()
    {
        std::set<Product> products;
        std::set<std::string_view> names;
        for (const ProductInfo& info : productTable) {
            products.insert(info.product);
            names.insert(info.name);
            QVERIFY(!info.label.empty() && !info.description.empty());
            QCOMPARE(&productInfo(info.product), &info);
            QCOMPARE(parseProduct(info.name), std::optional<Product>(info.product));
            QCOMPARE(productName(info.product), info.name);
        }
        QCOMPARE(products.size(), productTable.size());
        QCOMPARE(names.size(), productTable.size());
        QCOMPARE(static_cast<int>(Product::MeanAndSpread) + 1, static_cast<int>(productTable.size()));
        QVERIFY(!parseProduct("average"));
        QCOMPARE(productNameList(),
                 std::string("member, mean, spread, probability, spaghetti, stamps, median, p10, p90, "
                             "probability-below, member-minus-mean or mean-and-spread"));
    }

    void inputsSayWhatElseAProductNeeds()
    {
        QCOMPARE(productInfo(Product::Member).input, ProductInput::Member);
        QCOMPARE(productInfo(Product::Probability).input, ProductInput::Threshold);
        QCOMPARE(productInfo(Product::Spaghetti).input, ProductInput::ContourLevel);
        QCOMPARE(productInfo(Product::Mean).input, ProductInput::None);
    }

    // A file without members offers only the products its stored statistics can show, in table order.
    void filesOfferProductsInTableOrder()
    {
        QTemporaryDir folder;
        const std::string members = folder.filePath("members.nc").toStdString();
        const std::string statistics = folder.filePath("statistics.nc").toStdString();
        fixture::write(members);
        fixture::write(statistics, {.storeMembers = "none"});
        std::vector<Product> all;
        for (const ProductInfo& info : productTable) {
            all.push_back(info.product);
        }
        QCOMPARE(ForecastProducts(std::make_shared<const ForecastFile>(members)).products("height"), all);
        QCOMPARE(ForecastProducts(std::make_shared<const ForecastFile>(statistics)).products("height"),
                 (std::vector<Product>{Product::Mean, Product::Spread, Product::Probability, Product::MeanAndSpread}));
        QCOMPARE(ForecastProducts(std::make_shared<const ForecastFile>(statistics)).products("u"),
                 (std::vector<Product>{Product::Mean, Product::Spread, Product::MeanAndSpread}));
    }
};

QTEST_GUILESS_MAIN(TestProduct)
#include "TestProduct.moc"
