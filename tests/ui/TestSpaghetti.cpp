#include "ForecastFixture.h"
#include "viz/ForecastProducts.h"
#include "viz/GlobeScene.h"

#include <QtTest/QtTest>

#include <array>
#include <cmath>

using namespace spreadcast;

namespace {

int pixelsNear(const RgbImage& image, const PixelBox& box, std::array<int, 3> colour, int tolerance)
{
    int count = 0;
    for (int y = std::max(0, int(box.bottom)); y < std::min(image.height, int(box.top)); ++y) {
        for (int x = std::max(0, int(box.left)); x < std::min(image.width, int(box.right)); ++x) {
            const std::size_t k = (static_cast<std::size_t>(y) * image.width + x) * 3;
            count += std::abs(image.rgb[k] - colour[0]) <= tolerance &&
                             std::abs(image.rgb[k + 1] - colour[1]) <= tolerance &&
                             std::abs(image.rgb[k + 2] - colour[2]) <= tolerance
                         ? 1
                         : 0;
        }
    }
    return count;
}

}  // namespace

// Issue 14, defect 16: spaghetti had neither a legend of its member colours nor the ensemble
// mean's contour.
class TestSpaghetti : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;

private slots:
    void legendAndMeanContourAreDrawn()
    {
        const QString path = folder_.filePath("forecast.nc");
        fixture::write(path.toStdString());
        ForecastProducts products(std::make_shared<const ForecastFile>(path.toStdString()));
        ProductRequest request;
        request.product = Product::Spaghetti;
        request.contourLevel = 10100.0;
        request.timeIndex = 1;
        const GlobeContent content = products.content(request);
        QCOMPARE(content.contourLabels, (std::vector<std::string>{"0", "1", "2"}));
        QCOMPARE(content.meanContourField, products.meanValues("height", 1));

        OffscreenGlobeRenderer renderer;
        renderer.scene().show(content);
        const RgbImage image = renderer.render(900, 600);
        const GlobeLayout& layout = renderer.scene().currentLayout();
        QVERIFY(!layout.legend.empty());
        QVERIFY(layout.legend.inside(900, 600));
        QVERIFY(!layout.legend.intersects(layout.title));
        // Each member's colour (Tableau 10: blue, orange, green) is in the legend.
        for (const std::array<int, 3> colour : {std::array{31, 119, 180}, {255, 127, 14}, {44, 160, 44}}) {
            QVERIFY2(pixelsNear(image, layout.legend, colour, 40) > 10, qPrintable(QString::number(colour[0])));
        }
        // The mean's contour: near-black pixels on the globe that the members alone do not draw.
        GlobeContent membersOnly = content;
        membersOnly.meanContourField.clear();
        renderer.scene().show(membersOnly);
        const RgbImage withoutMean = renderer.render(900, 600);
        const PixelBox globe{0.0, 0.0, layout.legend.left, layout.title.bottom};
        const int black = pixelsNear(image, globe, {0, 0, 0}, 30);
        const int blackWithoutMean = pixelsNear(withoutMean, globe, {0, 0, 0}, 30);
        QVERIFY2(black > blackWithoutMean + 200, qPrintable(QString("%1 vs %2").arg(black).arg(blackWithoutMean)));
    }
};

QTEST_MAIN(TestSpaghetti)
#include "TestSpaghetti.moc"
