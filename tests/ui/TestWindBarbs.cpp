#include "viz/MapScene.h"
#include "viz/WindBarbs.h"

#include <QGuiApplication>
#include <QtTest/QtTest>

#include <cmath>

using namespace spreadcast;

namespace {

constexpr double knotsPerMetrePerSecond = 3600.0 / 1852.0;

// Where the barbs of a glyph point: the mean of their far ends relative to their feet, as a
// component across the staff (positive: clockwise from the staff).
double barbSide(const WindBarbGlyph& glyph)
{
    const auto& staff = glyph.lines.front();
    const double sx = staff[2];
    const double sy = staff[3];
    double side = 0.0;
    for (std::size_t k = 1; k < glyph.lines.size(); ++k) {
        const auto& barb = glyph.lines[k];
        const double dx = barb[2] - barb[0];
        const double dy = barb[3] - barb[1];
        side += dx * sy - dy * sx;  // cross product: > 0 when the barb is clockwise from the staff
    }
    return side;
}

// Pixels near black: the barbs over a light shading.
int darkPixels(const QImage& image, const QRect& area)
{
    int count = 0;
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            count += qRed(pixel) + qGreen(pixel) + qBlue(pixel) < 150 ? 1 : 0;
        }
    }
    return count;
}

}  // namespace

// Wind barbs (viz/WindBarbs.h): speed to pennants and barbs in knots, the staff into the wind,
// the barbs on the low-pressure side of each hemisphere, and barbs drawn where the wind is.
class TestWindBarbs : public QObject {
    Q_OBJECT

private slots:
    void speedsCountPennantsBarbsAndHalfBarbs_data()
    {
        QTest::addColumn<double>("knots");
        QTest::addColumn<bool>("calm");
        QTest::addColumn<int>("pennants");
        QTest::addColumn<int>("full");
        QTest::addColumn<int>("half");
        QTest::newRow("calm") << 0.0 << true << 0 << 0 << 0;
        QTest::newRow("2.4 kt is calm") << 2.4 << true << 0 << 0 << 0;
        QTest::newRow("2.5 kt rounds to 5") << 2.5 << false << 0 << 0 << 1;
        QTest::newRow("7.4 kt rounds to 5") << 7.4 << false << 0 << 0 << 1;
        QTest::newRow("7.5 kt rounds to 10") << 7.5 << false << 0 << 1 << 0;
        QTest::newRow("15 kt") << 15.0 << false << 0 << 1 << 1;
        QTest::newRow("47.6 kt rounds to 50") << 47.6 << false << 1 << 0 << 0;
        QTest::newRow("65 kt") << 65.0 << false << 1 << 1 << 1;
        QTest::newRow("105 kt") << 105.0 << false << 2 << 0 << 1;
        QTest::newRow("NaN is no wind") << std::nan("") << true << 0 << 0 << 0;
    }

    void speedsCountPennantsBarbsAndHalfBarbs()
    {
        QFETCH(double, knots);
        QFETCH(bool, calm);
        QFETCH(int, pennants);
        QFETCH(int, full);
        QFETCH(int, half);
        const WindBarbCount count = windBarbCount(knots);
        QCOMPARE(count.calm, calm);
        QCOMPARE(count.pennants, pennants);
        QCOMPARE(count.fullBarbs, full);
        QCOMPARE(count.halfBarbs, half);
    }

    void unitsConvertToKnots()
    {
        // 1 kt = 1852 m per hour.
        QCOMPARE(*knotsPerUnit("m s-1"), knotsPerMetrePerSecond);
        QCOMPARE(*knotsPerUnit("m/s"), knotsPerMetrePerSecond);
        QCOMPARE(*knotsPerUnit("knots"), 1.0);
        QCOMPARE(*knotsPerUnit("km h-1"), 1.0 / 1.852);
        QVERIFY(!knotsPerUnit("K"));
        // 25 m s-1 is 48.6 kt: one pennant.
        QCOMPARE(windBarbCount(25.0 * *knotsPerUnit("m s-1")), (WindBarbCount{false, 1, 0, 0}));
    }

    void glyphsHaveOneLinePerBarbAndATrianglePerPennant()
    {
        // 65 kt from the west: staff, one full barb, one half barb, one pennant.
        const WindBarbGlyph glyph = windBarbGlyph(65.0, 0.0, 1.0, false);
        QCOMPARE(glyph.lines.size(), std::size_t(3));
        QCOMPARE(glyph.pennants.size(), std::size_t(1));
        QVERIFY(!glyph.calm);
        // Calm: a circle and nothing else.
        const WindBarbGlyph calm = windBarbGlyph(0.5, 0.5, 1.0, false);
        QVERIFY(calm.calm);
        QVERIFY(calm.lines.empty() && calm.pennants.empty());
        // A lone half barb sits in from the end of the staff, a lone full barb at it.
        const WindBarbGlyph five = windBarbGlyph(5.0, 0.0, 1.0, false);
        const WindBarbGlyph ten = windBarbGlyph(10.0, 0.0, 1.0, false);
        QCOMPARE(five.lines.size(), std::size_t(2));
        QCOMPARE(ten.lines.size(), std::size_t(2));
        QVERIFY(five.lines[1][0] > -0.9);  // the staff runs west to x = −1
        QCOMPARE(ten.lines[1][0], -1.0);   // the full barb starts at the staff's end
        const double halfLength = std::hypot(five.lines[1][2] - five.lines[1][0], five.lines[1][3] - five.lines[1][1]);
        const double fullLength = std::hypot(ten.lines[1][2] - ten.lines[1][0], ten.lines[1][3] - ten.lines[1][1]);
        QCOMPARE(halfLength, fullLength / 2.0);
    }

    void staffPointsIntoTheWindWithBarbsTowardsLowPressure()
    {
        // A westerly (u > 0): the staff runs west from the point; in the north its barbs point
        // north (clockwise from the staff: the low lies poleward of westerlies), in the south
        // they point south.
        const WindBarbGlyph north = windBarbGlyph(20.0, 0.0, knotsPerMetrePerSecond, false);
        const auto& staff = north.lines.front();
        QCOMPARE(staff[0], 0.0);
        QCOMPARE(staff[1], 0.0);
        QCOMPARE(staff[2], -1.0);
        QVERIFY(std::abs(staff[3]) < 1e-12);
        QVERIFY(north.lines[1][3] > north.lines[1][1] + 0.3);  // the barb's end lies north of its foot
        QVERIFY(barbSide(north) > 0.0);
        const WindBarbGlyph south = windBarbGlyph(20.0, 0.0, knotsPerMetrePerSecond, true);
        QVERIFY(south.lines[1][3] < south.lines[1][1] - 0.3);
        QVERIFY(barbSide(south) < 0.0);
        // A southerly (v > 0) in the north: staff to the south, barbs west (low to the west).
        const WindBarbGlyph southerly = windBarbGlyph(0.0, 15.0, 1.0, false);
        QVERIFY(std::abs(southerly.lines.front()[2]) < 1e-12);
        QCOMPARE(southerly.lines.front()[3], -1.0);
        QVERIFY(southerly.lines[1][2] < southerly.lines[1][0] - 0.3);
        // A north-easterly (from 45°): the staff points north-east.
        const WindBarbGlyph northEasterly = windBarbGlyph(-10.0, -10.0, 1.0, false);
        QVERIFY(std::abs(northEasterly.lines.front()[2] - std::sqrt(0.5)) < 1e-12);
        QVERIFY(std::abs(northEasterly.lines.front()[3] - std::sqrt(0.5)) < 1e-12);
        // 14.1 kt: one full barb and one half barb.
        QCOMPARE(northEasterly.count, (WindBarbCount{false, 0, 1, 1}));
    }

    void barbsAreDrawnWhereTheWindBlows()
    {
        // A pale constant field (rain's light end) with a 30 m s-1 westerly over the western
        // half of the map and no wind data over the eastern half: the barbs darken the west only.
        GlobeContent content;
        for (double latitude = 89.0; latitude >= -89.0; latitude -= 2.0) {
            content.latitudes.push_back(latitude);
        }
        for (double longitude = -180.0; longitude < 180.0; longitude += 2.0) {
            content.longitudes.push_back(longitude);
        }
        for (std::size_t row = 0; row < content.latitudes.size(); ++row) {
            for (const double longitude : content.longitudes) {
                content.values.push_back(1.0f);
                const bool west = longitude < -10.0;
                content.windU.push_back(west ? 30.0f : std::nanf(""));
                content.windV.push_back(west ? 0.0f : std::nanf(""));
            }
        }
        content.limits = {0.0, 10.0};
        content.colourMap = ColourMapKind::Rain;
        content.title = "barbs";
        content.windUnits = std::string("m s-1");
        MapScene scene;
        scene.setView(MapProjection::PlateCarree, *findMapRegion("global"));
        const QSize size(1200, 700);
        GlobeContent calm = content;
        calm.windU.clear();
        calm.windV.clear();
        scene.show(calm);
        const QImage without = scene.render(size);
        scene.show(content);
        const QImage arrowsImage = scene.render(size);
        content.windGlyph = WindGlyph::Barbs;
        scene.show(content);
        const QImage barbsImage = scene.render(size);
        // The map's middle band, away from the title, colour bar and key.
        const QRect west(size.width() / 8, size.height() / 4, size.width() / 4, size.height() / 3);
        const QRect east(size.width() * 5 / 8, size.height() / 4, size.width() / 4, size.height() / 3);
        const int addedWest = darkPixels(barbsImage, west) - darkPixels(without, west);
        const int addedEast = darkPixels(barbsImage, east) - darkPixels(without, east);
        // About 7 × 5 barbs in the western box, each tens of dark pixels.
        QVERIFY2(addedWest > 500, qPrintable(QString("west %1").arg(addedWest)));
        QCOMPARE(addedEast, 0);
        // 30 m s-1 is 58 kt: a pennant and a full barb, not an arrow.
        int changed = 0;
        for (int y = west.top(); y <= west.bottom(); ++y) {
            for (int x = west.left(); x <= west.right(); ++x) {
                changed += barbsImage.pixel(x, y) != arrowsImage.pixel(x, y) ? 1 : 0;
            }
        }
        QVERIFY2(changed > 1000, qPrintable(QString("%1 pixels differ from the arrows").arg(changed)));
    }
};

QTEST_MAIN(TestWindBarbs)
#include "TestWindBarbs.moc"
