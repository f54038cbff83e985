#include "ForecastFixture.h"
#include "ui/ProductPanel.h"
#include "viz/ForecastProducts.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

using namespace spreadcast;

class TestProbabilityProduct : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<ForecastProducts> products_;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        const QString path = folder_.filePath("forecast.nc");
        fixture::write(path.toStdString());
        products_ = std::make_unique<ForecastProducts>(std::make_shared<const ForecastFile>(path.toStdString()));
    }

    // Issue 14, defect 15: the default threshold was the field's median, a map of noise.
    void defaultThresholdsMeanSomething()
    {
        QCOMPARE(products_->typicalThreshold("wind_speed"), 10.0);
        // Height: the upper tail of the first time's mean, on a round step, not its middle.
        const double threshold = products_->typicalThreshold("height");
        const double median = products_->typicalValue("height");
        const std::vector<float> mean = products_->meanValues("height", 0);
        const double highest = *std::max_element(mean.begin(), mean.end());
        QVERIFY2(threshold > median + 0.5 * (highest - median) && threshold < highest,
                 qPrintable(QString("threshold %1, median %2, highest %3").arg(threshold).arg(median).arg(highest)));
        QCOMPARE(std::fmod(threshold, 10.0), 0.0);
    }

    void thresholdsParseWithEitherComparison()
    {
        const auto below = ProductPanel::parseThreshold("<5");
        QVERIFY(below && below->below && below->value == 5.0);
        const auto above = ProductPanel::parseThreshold(" > 10.5 ");
        QVERIFY(above && !above->below && above->value == 10.5);
        const auto plain = ProductPanel::parseThreshold("12");
        QVERIFY(plain && !plain->below && plain->value == 12.0);
        const auto atMost = ProductPanel::parseThreshold("≤ -3");
        QVERIFY(atMost && atMost->below && atMost->value == -3.0);
        QVERIFY(!ProductPanel::parseThreshold("<"));
        QVERIFY(!ProductPanel::parseThreshold("five"));
        QVERIFY(!ProductPanel::parseThreshold("< 5 m/s"));
    }

    // In the panel: the wind-speed probability starts at 10 m s⁻¹, "<5" gives the probability
    // below 5, titled as people write it, and counted from the members.
    void panelShowsProbabilityAboveAndBelow()
    {
        ProductPanel panel;
        panel.setProducts(products_.get());
        panel.fieldBox()->setCurrentIndex(panel.fieldBox()->findData("wind_speed"));
        panel.productBox()->setCurrentIndex(panel.productBox()->findData("probability"));
        QCOMPARE(panel.valueEdit()->text(), QString("10"));
        std::optional<ProductRequest> request = panel.request();
        QVERIFY(request && !request->below && request->threshold == 10.0);
        GlobeContent content = products_->content(*request);
        QVERIFY2(content.title.starts_with("P(wind speed > 10 m s⁻¹) — T+0 h"), content.title.c_str());

        panel.valueEdit()->setText("<5");
        emit panel.valueEdit()->editingFinished();
        request = panel.request();
        QVERIFY(request && request->below && request->threshold == 5.0);
        for (QLabel* label : panel.findChildren<QLabel*>()) {
            QVERIFY2(!label->isVisibleTo(&panel) || !label->text().contains("not"), qPrintable(label->text()));
        }
        request->timeIndex = 2;
        content = products_->content(*request);
        QVERIFY2(content.title.starts_with("P(wind speed < 5 m s⁻¹) — T+24 h"), content.title.c_str());
        const std::vector<float> below = content.values;
        for (std::size_t k = 0; k < below.size(); k += 97) {
            int count = 0;
            for (int m = 0; m < fixture::members; ++m) {
                count += products_->memberValues("wind_speed", 2, m)[k] < 5.0f ? 1 : 0;
            }
            QCOMPARE(below[k], static_cast<float>(count) / fixture::members);
        }

        // The spaghetti contour keeps its own value.
        panel.productBox()->setCurrentIndex(panel.productBox()->findData("spaghetti"));
        QVERIFY(panel.valueEdit()->text() != "<5");
        panel.productBox()->setCurrentIndex(panel.productBox()->findData("probability"));
        QCOMPARE(panel.valueEdit()->text(), QString("<5"));
    }
};

QTEST_MAIN(TestProbabilityProduct)
#include "TestProbabilityProduct.moc"
