#include "spectral/GaussianGrid.h"
#include "viz/GlobeScene.h"
#include "viz/TextFormat.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace spreadcast;

namespace {

GlobeContent fieldWithRange(double low, double high, const std::string& colourBarTitle)
{
    const GaussianGrid grid = GaussianGrid::forTruncation(21);
    GlobeContent content;
    content.latitudes = grid.latitudeDegrees;
    content.longitudes = grid.longitudeDegrees;
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            content.values.push_back(static_cast<float>(low + (high - low) * (0.5 + 0.5 * grid.sinLatitude[j])));
        }
    }
    content.limits = {low, high};
    content.colourBarTitle = colourBarTitle;
    content.title = "wind speed spread — ensemble spread — T+120 h, valid 2000-01-06 00:00";
    return content;
}

int brightness(const RgbImage& image, int x, int y)  // y from the bottom, as VTK's boxes
{
    const std::size_t k = (static_cast<std::size_t>(y) * image.width + x) * 3;
    return (image.rgb[k] + image.rgb[k + 1] + image.rgb[k + 2]) / 3;
}

// Text is drawn in near-white on the dark background: pixels brighter than any of the globe's
// colours at the image's edge mean text cut off there.
int brightPixelsAtTheEdge(const RgbImage& image)
{
    int count = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            const bool edge = x < 2 || y < 2 || x >= image.width - 2 || y >= image.height - 2;
            count += edge && brightness(image, x, y) > 120 ? 1 : 0;
        }
    }
    return count;
}

int brightPixelsIn(const RgbImage& image, const PixelBox& box)
{
    int count = 0;
    for (int y = std::max(0, int(box.bottom)); y < std::min(image.height, int(box.top)); ++y) {
        for (int x = std::max(0, int(box.left)); x < std::min(image.width, int(box.right)); ++x) {
            count += brightness(image, x, y) > 160 ? 1 : 0;
        }
    }
    return count;
}

QString describe(const PixelBox& box)
{
    return QString("[%1, %2] × [%3, %4]").arg(box.left).arg(box.right).arg(box.bottom).arg(box.top);
}

}  // namespace

class TestColourBar : public QObject {
    Q_OBJECT

private slots:
    // Issue 14, defect 10: labels such as 8.19e-05 and 9844 came from splitting the range in four.
    void ticksAreRoundNumbers()
    {
        const std::vector<double> small = niceTicks(0.0, 8.19e-5, 5);
        QCOMPARE(small.size(), std::size_t(5));
        QCOMPARE(small.front(), 0.0);
        QVERIFY(std::abs(small.back() - 8e-5) < 1e-15);
        const std::vector<double> height = niceTicks(9612.0, 10844.0, 5);
        QCOMPARE(height, (std::vector<double>{9750.0, 10000.0, 10250.0, 10500.0, 10750.0}));
        QCOMPARE(niceTicks(-12.3, 12.3, 5), (std::vector<double>{-10.0, -5.0, 0.0, 5.0, 10.0}));
        QCOMPARE(niceTicks(0.0, 1.0, 4), (std::vector<double>{0.0, 0.25, 0.5, 0.75, 1.0}));
        // A narrow range still gets two ticks.
        QVERIFY(niceTicks(10000.0, 10000.4, 4).size() >= 2);

        QCOMPARE(formatTick(0.0, 2e-5), std::string("0"));
        QCOMPARE(formatTick(4e-5, 2e-5), std::string("4e-05"));
        QCOMPARE(formatTick(2.5e-5, 2.5e-5), std::string("2.5e-05"));
        QCOMPARE(formatTick(10200.0, 200.0), std::string("10200"));
        QCOMPARE(formatTick(0.75, 0.25), std::string("0.75"));
        QCOMPARE(formatTick(-5.0, 5.0), std::string("-5"));
        QCOMPARE(formatTick(1.5, 0.5), std::string("1.5"));
    }

    void unitsAndPlacesAreWrittenForPeople()
    {
        QCOMPARE(displayUnits("m s-1"), std::string("m s⁻¹"));
        QCOMPARE(displayUnits("m2 s-2"), std::string("m² s⁻²"));
        QCOMPARE(displayUnits("s-1"), std::string("s⁻¹"));
        QCOMPARE(displayUnits("m"), std::string("m"));
        QCOMPARE(displayUnits("K"), std::string("K"));
        QCOMPARE(formatLongitude(353.0), std::string("7.0° W"));
        QCOMPARE(formatLongitude(7.0), std::string("7.0° E"));
        QCOMPARE(formatLongitude(180.0), std::string("180.0°"));
        QCOMPARE(formatLongitude(0.0), std::string("0.0°"));
        QCOMPARE(formatLatitude(-33.25), std::string("33.2° S"));
    }

    // The colour bar shows the round ticks, and its title with units lies inside the image, clear
    // of the tick labels, at export sizes from small to large.
    void titleStaysInsideAndClearOfTheTicks()
    {
        const GlobeContent content = fieldWithRange(0.0, 8.19e-5, "relative vorticity spread (s⁻¹)");
        for (const auto& [width, height] : {std::pair{480, 360}, std::pair{800, 600}, std::pair{1600, 900}}) {
            OffscreenGlobeRenderer renderer;
            renderer.scene().show(content);
            const RgbImage withTitle = renderer.render(width, height);
            const GlobeLayout layout = renderer.scene().currentLayout();
            const std::vector<std::string>& labels = renderer.scene().colourBarLabels();
            QVERIFY(labels.size() >= 3);
            QCOMPARE(labels.front(), std::string("0"));
            for (const std::string& label : labels) {
                QVERIFY2(label.size() <= 5, label.c_str());  // "2e-05", never "8.19e-05"
            }
            const ColourBarGeometry& bar = layout.colourBar;
            QVERIFY2(bar.title.inside(width, height), qPrintable(describe(bar.title)));
            QVERIFY2(bar.labels.inside(width, height), qPrintable(describe(bar.labels)));
            QVERIFY2(!bar.title.intersects(bar.labels), qPrintable(describe(bar.title) + describe(bar.labels)));
            QVERIFY2(!bar.title.intersects(layout.title), qPrintable(describe(layout.title)));
            QVERIFY2(layout.title.inside(width, height), qPrintable(describe(layout.title)));

            // What is drawn agrees: text where the layout puts the title, none cut at the edges.
            QVERIFY2(brightPixelsIn(withTitle, bar.title) > 20, qPrintable(describe(bar.title)));
            QCOMPARE(brightPixelsAtTheEdge(withTitle), 0);
        }
    }

    void largeValuesGetPlainRoundLabels()
    {
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(fieldWithRange(9612.0, 10844.0, "height (m)"));
        renderer.render(800, 600);
        for (const std::string& label : renderer.scene().colourBarLabels()) {
            const double value = std::stod(label);
            QVERIFY2(std::fmod(value, 50.0) == 0.0, label.c_str());
        }
    }
};

QTEST_MAIN(TestColourBar)
#include "TestColourBar.moc"
