#include "viz/Epsgram.h"
#include "viz/MapScene.h"

#include <QGuiApplication>
#include <QtTest/QtTest>

#include <cmath>
#include <set>

using namespace spreadcast;

namespace {

// A 2° global grid with the field f(latitude, longitude).
template <typename F>
GlobeContent gridContent(F f)
{
    GlobeContent content;
    for (double latitude = 89.0; latitude >= -89.0; latitude -= 2.0) {
        content.latitudes.push_back(latitude);
    }
    for (double longitude = 0.0; longitude < 360.0; longitude += 2.0) {
        content.longitudes.push_back(longitude);
    }
    for (const double latitude : content.latitudes) {
        for (const double longitude : content.longitudes) {
            content.values.push_back(static_cast<float>(f(latitude, longitude)));
        }
    }
    content.limits = {-90.0, 90.0};
    content.title = "test field — ensemble mean — T+0 h";
    content.colourBarTitle = "test field (m)";
    // A moved string, not a literal assigned: GCC 12 warns falsely (-Wrestrict) on the latter.
    content.units = std::string("m");
    return content;
}

int differingPixels(const QImage& a, const QImage& b)
{
    int count = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            count += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
        }
    }
    return count;
}

// Pixels near black (the overlays' and coastlines' colour, antialiased).
int countDark(const QImage& image)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            count += qRed(pixel) + qGreen(pixel) + qBlue(pixel) < 100 ? 1 : 0;
        }
    }
    return count;
}

}  // namespace

// The flat maps: projections that invert exactly, zoom presets, pixels that follow the field,
// the view and the overlays, and a value readout from the grid.
class TestMapScene : public QObject {
    Q_OBJECT

private slots:
    void projectionsInvertTheirForwardMapping()
    {
        for (const MapProjectionInfo& info : mapProjectionTable) {
            const MapProjector projector(info.projection, 20.0);
            for (const auto& [latitude, longitude] : std::vector<std::pair<double, double>>{
                     {51.5, -0.1}, {10.0, 170.0}, {-33.9, 151.2}, {75.0, -100.0}, {-70.0, 30.0}}) {
                const auto xy = projector.forward(latitude, longitude);
                if (!xy) {
                    // Only a polar map's far hemisphere is out of reach.
                    QVERIFY(info.projection != MapProjection::PlateCarree);
                    QVERIFY((info.projection == MapProjection::PolarNorth) == (latitude < 0.0));
                    continue;
                }
                const auto back = projector.inverse(xy->first, xy->second);
                QVERIFY(back);
                QVERIFY(std::abs(back->first - latitude) < 1e-9);
                QVERIFY(std::abs(std::remainder(back->second - longitude, 360.0)) < 1e-9);
            }
        }
        // The north pole is the centre of the north polar map; 60° N lies 2 tan 15° from it.
        const MapProjector north(MapProjection::PolarNorth, 0.0);
        QVERIFY(std::hypot(north.forward(90.0, 0.0)->first, north.forward(90.0, 0.0)->second) < 1e-12);
        const auto sixty = north.forward(60.0, 0.0);
        QVERIFY(std::abs(sixty->second + 2.0 * std::tan(15.0 * M_PI / 180.0)) < 1e-12);
    }

    void regionsAreKnownByName()
    {
        QVERIFY(findMapRegion("europe") != nullptr);
        QVERIFY(findMapRegion("north-america") != nullptr);
        QVERIFY(findMapRegion("mars") == nullptr);
        QCOMPARE(parseMapProjection("polar-south"), std::optional<MapProjection>(MapProjection::PolarSouth));
        QVERIFY(!parseMapProjection("mercator"));
        // Europe on plate carrée: 70° wide, 39° tall around 10° E.
        const MapRegion& europe = *findMapRegion("europe");
        const MapProjector projector = projectorFor(MapProjection::PlateCarree, europe);
        QCOMPARE(projector.centralLongitude(), 10.0);
        const MapExtent extent = extentOf(projector, europe);
        QCOMPARE(extent.xMax - extent.xMin, 70.0);
        QCOMPARE(extent.yMax - extent.yMin, 39.0);
    }

    void pixelsFollowTheFieldTheViewAndTheOverlays()
    {
        MapScene scene;
        scene.show(gridContent([](double latitude, double) { return latitude; }));
        const QSize size(480, 300);
        const QImage latitudes = scene.render(size);
        QCOMPARE(latitudes.size(), size);
        // The field: colours change from south to north (many colours in the map area).
        std::set<QRgb> colours;
        for (int y = 60; y < 280; y += 2) {
            colours.insert(latitudes.pixel(200, y));
        }
        QVERIFY2(colours.size() > 30, qPrintable(QString::number(colours.size())));

        scene.show(gridContent([](double, double longitude) { return std::remainder(longitude, 360.0) / 2.0; }));
        const QImage longitudes = scene.render(size);
        QVERIFY(differingPixels(latitudes, longitudes) > size.width() * size.height() / 4);

        scene.setView(MapProjection::PolarNorth, *findMapRegion("global"));
        const QImage polar = scene.render(size);
        QVERIFY(differingPixels(longitudes, polar) > size.width() * size.height() / 4);
        scene.setView(MapProjection::PolarNorth, *findMapRegion("europe"));
        const QImage europe = scene.render(size);
        QVERIFY(differingPixels(polar, europe) > size.width() * size.height() / 4);

        // Wind arrows and contours are black lines over the shading (viridis's darkest is not that dark).
        GlobeContent content = gridContent([](double latitude, double) { return latitude; });
        scene.setView(MapProjection::PlateCarree, *findMapRegion("global"));
        scene.show(content);
        const int blackBefore = countDark(scene.render(size));
        content.windU.assign(content.values.size(), 10.0f);
        content.windV.assign(content.values.size(), 0.0f);
        content.windUnits = "m s-1";
        scene.show(content);
        const int blackWithWind = countDark(scene.render(size));
        QVERIFY2(blackWithWind > blackBefore + 200, qPrintable(QString("%1 → %2").arg(blackBefore).arg(blackWithWind)));
        content.windU.clear();
        content.windV.clear();
        content.lineField = content.values;
        content.lineLevels = {-60.0, -30.0, 0.0, 30.0, 60.0};
        scene.show(content);
        const int blackWithContours = countDark(scene.render(size));
        QVERIFY(blackWithContours > blackBefore + 200);
    }

    void anyExportSizeKeepsTheMapWhole()
    {
        MapScene scene;
        scene.show(gridContent([](double latitude, double) { return latitude; }));
        for (const QSize size : {QSize(64, 48), QSize(2000, 600), QSize(500, 1500)}) {
            const QImage image = scene.render(size);
            QCOMPARE(image.size(), size);
            // The map's centre (0° N, 0° E on the global plate carrée) is where pick says.
            bool found = false;
            for (int x = 0; x < size.width() && !found; x += 1) {
                const auto point = scene.pick(x, size.height() / 2.0 + 0.0, size);
                found = point.has_value();
            }
            QVERIFY(found);
        }
    }

    // A long colour-bar title (field, level, product, units) stays whole: along the bar, right of
    // the map, inside the picture (it once wrapped above the bar and lost its units off the top).
    void aLongColourBarTitleStaysInsideThePicture()
    {
        const QSize size(1200, 700);
        GlobeContent content = gridContent([](double latitude, double) { return latitude; });
        content.colourBarTitle = "";
        MapScene scene;
        scene.show(content);
        const QImage without = scene.render(size);
        content.colourBarTitle = "geopotential height at 500 hPa spread (dam)";
        scene.show(content);
        const QImage with = scene.render(size);
        int left = size.width(), right = -1, top = size.height(), bottom = -1;
        for (int y = 0; y < size.height(); ++y) {
            for (int x = 0; x < size.width(); ++x) {
                if (with.pixel(x, y) != without.pixel(x, y)) {
                    left = std::min(left, x);
                    right = std::max(right, x);
                    top = std::min(top, y);
                    bottom = std::max(bottom, y);
                }
            }
        }
        QVERIFY2(right >= 0, "the title was not drawn");
        // Right of the map and inside the picture, with a margin: nothing cut at an edge.
        const QRectF map = scene.mapRect(QRectF(QPointF(0, 0), QSizeF(size)));
        QVERIFY2(left > map.right(),
                 qPrintable(QString("title starts at x %1, map ends at %2").arg(left).arg(map.right())));
        QVERIFY(right < size.width() - 1);
        QVERIFY(top > map.top() && bottom < size.height() - 1);
        // Along the bar: taller than wide, as a word-wrapped block beside the bar would not be.
        QVERIFY2(bottom - top > 4 * (right - left),
                 qPrintable(QString("title box %1 × %2 px").arg(right - left).arg(bottom - top)));
    }

    void pickAndReadoutNameThePointAndItsValue()
    {
        MapScene scene;
        scene.show(gridContent([](double latitude, double) { return latitude; }));
        const QSize size(800, 500);
        // Find the map's pixels by picking along the middle row.
        std::optional<std::pair<double, double>> left;
        std::optional<std::pair<double, double>> right;
        for (int x = 0; x < size.width(); ++x) {
            if (const auto point = scene.pick(x + 0.5, 290.0, size)) {
                if (!left) {
                    left = point;
                }
                right = point;
            }
        }
        QVERIFY(left && right);
        QVERIFY(std::abs(left->second + 180.0) < 1.0 && std::abs(right->second - 180.0) < 1.0);
        const std::string text = valueReadout(scene.content(), 51.0, -1.0);
        QVERIFY2(text.find("test field — ensemble mean") == 0, text.c_str());
        QVERIFY2(text.find("51.0° N, 1.0° W") != std::string::npos, text.c_str());
        QVERIFY2(text.find("51 m") != std::string::npos, text.c_str());  // the grid point at 51° N
    }

    void stampsAreSmallMapsSideBySide()
    {
        MapScene scene;
        GlobeContent content = gridContent([](double latitude, double) { return latitude; });
        content.stampFields = {content.values, content.values};
        for (float& value : content.stampFields[1]) {
            value = -value;
        }
        content.values.clear();
        content.stampLabels = {"0", "1"};
        scene.show(content);
        const QSize size(600, 400);
        const QImage mirrored = scene.render(size);
        content.stampFields[1] = content.stampFields[0];
        scene.show(content);
        const QImage same = scene.render(size);
        // Only the second stamp changed: a good part of the image, not all of it.
        const int changed = differingPixels(mirrored, same);
        QVERIFY2(changed > size.width() * size.height() / 10 && changed < size.width() * size.height() / 2,
                 qPrintable(QString::number(changed)));
        QVERIFY(!scene.pick(300, 200, size));
    }
};

QTEST_MAIN(TestMapScene)
#include "TestMapScene.moc"
