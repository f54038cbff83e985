#include "ForecastFixture.h"
#include "run/InputError.h"
#include "viz/ForecastProducts.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

using namespace spreadcast;

// The percentile maps, the probability below a threshold, member − mean and the mean-and-spread
// chart, checked against the fixture's members worked out by hand: member m at time t has height
// 10000 + 300 µ + 40 m + 10 t + 20 cos λ, so at every point the three members are a, a + 40, a + 80.
class TestForecasterProducts : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<ForecastProducts> products_;

    // The three members' heights at point k, time t, as the file stores them (float).
    std::array<double, 3> membersAt(int t, std::size_t k) const
    {
        std::array<double, 3> values{};
        for (int m = 0; m < 3; ++m) {
            values[static_cast<std::size_t>(m)] = products_->memberValues("height", t, m)[k];
        }
        return values;
    }

private slots:
    void initTestCase()
    {
        const std::string path = folder_.filePath("members.nc").toStdString();
        fixture::write(path);
        products_ = std::make_unique<ForecastProducts>(std::make_shared<const ForecastFile>(path));
    }

    void percentilesFollowNumpysLinearDefinition()
    {
        // n = 3: h = 2q. Median: the middle member, a + 40. 10 %: h = 0.2 → a + 0.2·40 = a + 8.
        // 90 %: h = 1.8 → (a + 40) + 0.8·40 = a + 72.
        const std::vector<float> median = products_->quantileValues("height", 1, 0.5);
        const std::vector<float> p10 = products_->quantileValues("height", 1, 0.1);
        const std::vector<float> p90 = products_->quantileValues("height", 1, 0.9);
        QCOMPARE(median.size(), products_->file().pointCount());
        for (std::size_t k = 0; k < median.size(); k += 97) {
            const std::array<double, 3> m = membersAt(1, k);
            const double a = std::min({m[0], m[1], m[2]});
            // float storage of values near 10⁴: half an ulp is 5e-4.
            QVERIFY(std::abs(median[k] - (a + 40.0)) < 2e-3);
            QVERIFY(std::abs(p10[k] - (a + 8.0)) < 2e-3);
            QVERIFY(std::abs(p90[k] - (a + 72.0)) < 2e-3);
        }
    }

    void percentileProductsAreMapsWithTheMembersColourScale()
    {
        ProductRequest request;
        request.field = "height";
        request.product = Product::Percentile90;
        request.timeIndex = 2;
        const GlobeContent p90 = products_->content(request);
        request.product = Product::Member;
        const GlobeContent member = products_->content(request);
        QCOMPARE(p90.limits, member.limits);
        QVERIFY2(QString::fromStdString(p90.title).contains("90 % quantile"), p90.title.c_str());
        QCOMPARE(p90.units, std::string("m"));
        request.product = Product::Median;
        const GlobeContent median = products_->content(request);
        QVERIFY(median.values != p90.values);
    }

    void probabilityBelowCountsMembersUnderTheThreshold()
    {
        ProductRequest request;
        request.field = "height";
        request.product = Product::ProbabilityBelow;
        request.timeIndex = 0;
        request.threshold = 10000.0;
        const GlobeContent content = products_->content(request);
        QCOMPARE(content.limits, (ColourLimits{0.0, 1.0}));
        QVERIFY2(content.title.find("P(height < 10000 m)") != std::string::npos, content.title.c_str());
        for (std::size_t k = 0; k < content.values.size(); k += 53) {
            const std::array<double, 3> m = membersAt(0, k);
            const auto below =
                static_cast<double>(std::count_if(m.begin(), m.end(), [](double v) { return v < 10000.0; }));
            QCOMPARE(content.values[k], static_cast<float>(below / 3.0));
        }
        // Below and above add up to one where no member equals the threshold.
        const std::vector<float> above = products_->probabilityValues("height", 0, 10000.0);
        for (std::size_t k = 0; k < above.size(); k += 53) {
            QVERIFY(std::abs(above[k] + content.values[k] - 1.0f) < 1e-6f);
        }
    }

    void memberMinusMeanIsTheMembersOffset()
    {
        // Member 2 − the mean of a, a + 40, a + 80 is +40 everywhere; member 0's is −40.
        ProductRequest request;
        request.field = "height";
        request.product = Product::MemberMinusMean;
        request.memberIndex = 2;
        request.timeIndex = 1;
        const GlobeContent content = products_->content(request);
        for (const float value : content.values) {
            QVERIFY(std::abs(value - 40.0f) < 3e-3f);
        }
        QCOMPARE(content.colourMap, ColourMapKind::Balance);  // differences: balance, centred on zero
        QVERIFY(std::abs(content.limits.high - 40.0) < 3e-3 && content.limits.low == -content.limits.high);
        request.memberIndex = 7;
        QVERIFY_THROWS_EXCEPTION(InputError, products_->content(request));
    }

    void meanAndSpreadChartHasMeanContoursOverSpread()
    {
        ProductRequest request;
        request.field = "height";
        request.product = Product::MeanAndSpread;
        const GlobeContent content = products_->content(request);
        QCOMPARE(content.values, products_->spreadValues("height", 0));
        QCOMPARE(content.lineField, products_->meanValues("height", 0));
        QVERIFY(content.lineLevels.size() >= 5 && content.lineLevels.size() <= 25);
        QCOMPARE(content.limits.low, 0.0);
    }

    void contourLevelsAreRoundAndInsideTheRange()
    {
        const std::vector<double> levels = ForecastProducts::contourLevels({9712.0f, 10290.0f, 10001.0f});
        // Range 578: raw step 57.8 → 100; levels 9800 … 10200.
        QCOMPARE(levels, (std::vector<double>{9800.0, 9900.0, 10000.0, 10100.0, 10200.0}));
        QVERIFY(ForecastProducts::contourLevels({5.0f, 5.0f}).empty());
    }

    void windArrowsComeFromTheShownMemberOrTheMean()
    {
        ProductRequest request;
        request.field = "height";
        request.product = Product::Member;
        request.memberIndex = 1;
        request.windArrows = true;
        GlobeContent content = products_->content(request);
        QCOMPARE(content.windU, products_->memberValues("u", 0, 1));
        request.product = Product::Spread;
        content = products_->content(request);
        QCOMPARE(content.windU, products_->meanValues("u", 0));
        QCOMPARE(content.windV, products_->meanValues("v", 0));
    }
};

QTEST_GUILESS_MAIN(TestForecasterProducts)
#include "TestForecasterProducts.moc"
