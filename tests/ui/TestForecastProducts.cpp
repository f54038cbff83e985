#include "ForecastFixture.h"
#include "LevelForecastFixture.h"
#include "run/InputError.h"
#include "viz/ForecastProducts.h"
#include "viz/Plume.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <netcdf.h>

using namespace spreadcast;

namespace {

std::shared_ptr<const ForecastFile> open(const QString& path)
{
    return std::make_shared<const ForecastFile>(path.toStdString());
}

float maxDifference(const std::vector<float>& a, const std::vector<float>& b)
{
    float largest = 0.0f;
    for (std::size_t k = 0; k < a.size(); ++k) {
        largest = std::max(largest, std::abs(a[k] - b[k]));
    }
    return largest;
}

}  // namespace

class TestForecastProducts : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString withStatistics_;
    QString withoutStatistics_;
    QString statisticsOnly_;

private slots:
    void initTestCase()
    {
        withStatistics_ = folder_.filePath("statistics.nc");
        withoutStatistics_ = folder_.filePath("members.nc");
        statisticsOnly_ = folder_.filePath("statistics-only.nc");
        fixture::write(withStatistics_.toStdString());
        fixture::write(withoutStatistics_.toStdString(), {.statistics = false});
        fixture::write(statisticsOnly_.toStdString(), {.storeMembers = "none"});
    }

    void listsFieldsAndProducts()
    {
        ForecastProducts products(open(withStatistics_));
        const std::vector<std::string> fields = products.fields();
        QCOMPARE(fields, (std::vector<std::string>{"height", "u", "v", "vorticity", "wind_speed"}));
        QCOMPARE(products.products("height").size(), productTable.size());  // stamps and percentiles too
        QVERIFY(products.isSigned("vorticity") && products.isSigned("u") && !products.isSigned("height"));
        QCOMPARE(products.units("wind_speed"), std::string("m s-1"));
    }

    void computedStatisticsAgreeWithTheWritersOwn()
    {
        ForecastProducts stored(open(withStatistics_));
        ForecastProducts computed(open(withoutStatistics_));
        for (int t = 0; t < 3; ++t) {
            for (const char* field : {"height", "u", "vorticity"}) {
                const auto mean = stored.meanValues(field, t);
                const float scale = std::max(1e-6f, std::abs(*std::max_element(mean.begin(), mean.end())));
                QVERIFY(maxDifference(mean, computed.meanValues(field, t)) <= 1e-5f * scale);
                QVERIFY(maxDifference(stored.spreadValues(field, t), computed.spreadValues(field, t)) <= 1e-4f * scale);
            }
            // The stored probability (over every member) and one counted from the members agree.
            QCOMPARE(maxDifference(stored.probabilityValues("height", t, 10000.0),
                                   computed.probabilityValues("height", t, 10000.0)),
                     0.0f);
        }
    }

    void windSpeedIsTheLengthOfTheWind()
    {
        ForecastProducts products(open(withStatistics_));
        const auto u = products.memberValues("u", 1, 2);
        const auto v = products.memberValues("v", 1, 2);
        const auto speed = products.memberValues("wind_speed", 1, 2);
        for (std::size_t k = 0; k < speed.size(); k += 31) {
            QCOMPARE(speed[k], std::hypot(u[k], v[k]));
        }
    }

    void coloursHoldTheirValuesThroughTime()
    {
        ForecastProducts products(open(withStatistics_));
        ProductRequest request;
        request.field = "height";
        request.product = Product::Member;
        request.memberIndex = 1;
        const GlobeContent first = products.content(request);
        request.timeIndex = 2;
        const GlobeContent last = products.content(request);
        QCOMPARE(first.limits, last.limits);
        // The limits cover every member at every time (the writer's min and max).
        const auto lowest = products.file().read("height_min", 0);
        const auto highest = products.file().read("height_max", 2);
        QVERIFY(first.limits.low <= *std::min_element(lowest.begin(), lowest.end()));
        QVERIFY(first.limits.high >= *std::max_element(highest.begin(), highest.end()));
        request.limitsFromThisTime = true;
        const GlobeContent own = products.content(request);
        QVERIFY(own.limits.low > first.limits.low);  // time 2 is higher than time 0 everywhere

        request.field = "vorticity";
        request.limitsFromThisTime = false;
        request.product = Product::Mean;
        const GlobeContent vorticity = products.content(request);
        QCOMPARE(vorticity.colourMap, ColourMapKind::CoolWarm);
        QCOMPARE(vorticity.limits.low, -vorticity.limits.high);
        request.product = Product::Spread;
        QCOMPARE(products.content(request).colourMap, ColourMapKind::Amp);  // spread's own map
    }

    void titlesNameFieldProductAndValidTime()
    {
        ForecastProducts products(open(withStatistics_));
        ProductRequest request;
        request.product = Product::Probability;
        request.threshold = 10000.0;
        request.timeIndex = 1;
        const GlobeContent content = products.content(request);
        QCOMPARE(content.title, std::string("P(height > 10000 m) — T+12 h, valid 2000-01-01 12:00"));
        QCOMPARE(content.limits, (ColourLimits{0.0, 1.0}));
        request.product = Product::Spaghetti;
        request.contourLevel = 10000.0;
        const GlobeContent spaghetti = products.content(request);
        QCOMPARE(spaghetti.contourFields.size(), std::size_t(3));
        QVERIFY(spaghetti.values.empty());
    }

    void statisticsOnlyFilesSayWhatTheyLack()
    {
        ForecastProducts products(open(statisticsOnly_));
        QCOMPARE(products.products("height"),
                 (std::vector<Product>{Product::Mean, Product::Spread, Product::Probability, Product::MeanAndSpread}));
        ProductRequest request;
        request.product = Product::Member;
        try {
            products.content(request);
            QFAIL("a member was shown from a file without members");
        } catch (const InputError& error) {
            QVERIFY2(QString(error.what()).contains("keeps no members"), error.what());
        }
        request.product = Product::Probability;
        request.threshold = 10100.0;
        try {
            products.content(request);
            QFAIL("a probability was made up");
        } catch (const InputError& error) {
            QVERIFY2(QString(error.what()).contains("it has thresholds 10000"), error.what());
        }
        request.field = "pressure";
        QVERIFY_THROWS_EXCEPTION(InputError, products.content(request));
    }

    // Temperature at 850 hPa in °C, Z500 in dam, MSLP in hPa, wind speeds on levels and at 10 m:
    // the fields of a learned model's forecast as forecasters read them.
    void showsFieldsOnPressureLevelsInChartUnits()
    {
        const QString path = folder_.filePath("levels.nc");
        QVERIFY(fixture::writeLevelFile(path.toStdString()));
        ForecastProducts products(open(path));
        const std::vector<std::string> fields = products.fields();
        for (const char* name : {"temperature", "geopotential", "wind_speed", "10m_wind_speed"}) {
            QVERIFY2(std::find(fields.begin(), fields.end(), name) != fields.end(), name);
        }
        QVERIFY(products.hasLevels("temperature") && products.hasLevels("wind_speed"));
        QVERIFY(!products.hasLevels("10m_wind_speed") && !products.hasLevels("mean_sea_level_pressure"));

        ProductRequest request;
        request.field = "temperature";
        request.product = Product::Mean;
        request.timeIndex = 1;
        request.levelIndex = 1;
        GlobeContent content = products.content(request);
        // Members 272.15, 273.15, 274.15 K: the mean is 0 °C, to float rounding of 273.15.
        QVERIFY2(std::abs(content.values[0]) <= 3e-5f, qPrintable(QString::number(content.values[0])));
        QVERIFY2(QString::fromStdString(content.title).contains("at 850 hPa"), content.title.c_str());
        QVERIFY2(QString::fromStdString(content.colourBarTitle).contains("°C"), content.colourBarTitle.c_str());
        QVERIFY(content.limits.low < 0.0 && content.limits.high > 0.0);  // the limits are in °C too

        request.product = Product::Spread;
        content = products.content(request);
        QVERIFY(std::abs(content.values[0] - 1.0f) <= 1e-5f);  // a spread of 1 K is 1 °C: no offset

        request.product = Product::Probability;
        request.threshold = 0.5;  // °C: only the warmest member, 1 °C, is above it
        content = products.content(request);
        QVERIFY(std::abs(content.values[0] - 1.0f / 3.0f) <= 1e-6f);

        request.field = "geopotential";
        request.product = Product::Mean;
        request.levelIndex = 0;
        content = products.content(request);
        // 5510 gpm is 551 dam; float storage of Φ (≈ 54,000) is good to 0.004 m² s⁻², 4e-5 dam.
        QVERIFY2(std::abs(content.values[0] - 551.0f) <= 1e-3f, qPrintable(QString::number(content.values[0])));
        QVERIFY(QString::fromStdString(content.colourBarTitle).contains("dam"));
        QVERIFY(QString::fromStdString(content.title).contains("geopotential height at 500 hPa"));
        request.levelIndex = 1;
        QVERIFY(std::abs(products.content(request).values[0] - 151.0f) <= 1e-3f);

        request.field = "mean_sea_level_pressure";
        content = products.content(request);
        QVERIFY(std::abs(content.values[0] - 1014.0f) <= 1e-3f);
        QVERIFY(!QString::fromStdString(content.title).contains(" at "));  // a surface field has no level

        request.field = "wind_speed";
        request.product = Product::Member;
        content = products.content(request);
        QCOMPARE(content.values[0], 5.0f);  // |(3, 4)|
        request.field = "10m_wind_speed";
        QCOMPARE(products.content(request).values[0], 10.0f);  // |(6, 8)|

        request.field = "temperature";
        request.levelIndex = 2;
        QVERIFY_THROWS_EXCEPTION(InputError, products.content(request));

        const Plume plume = plumeAt(products, "temperature", 45.0, 120.0, 1);
        QCOMPARE(plume.units, std::string("°C"));
        QVERIFY2(QString::fromStdString(plume.label).contains("850 hPa"), plume.label.c_str());
        QCOMPARE(plume.members.size(), std::size_t{3});
        for (std::size_t m = 0; m < 3; ++m) {
            QVERIFY(std::abs(plume.members[m][1] - (static_cast<float>(m) - 1.0f)) <= 3e-5f);
        }
    }
};

QTEST_GUILESS_MAIN(TestForecastProducts)
#include "TestForecastProducts.moc"
