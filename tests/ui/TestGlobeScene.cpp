#include "spectral/GaussianGrid.h"
#include "viz/Coastlines.h"
#include "viz/ColourMap.h"
#include "viz/Contours.h"
#include "viz/GlobeScene.h"

#include <QDir>
#include <QtGui/QImage>
#include <QtTest/QtTest>

#include <cmath>
#include <cstdlib>
#include <numbers>

using namespace spreadcast;

namespace {

// A smooth field on the T21 Gaussian grid: large in the north, small in the south.
GlobeContent zonalField()
{
    const GaussianGrid grid = GaussianGrid::forTruncation(21);
    GlobeContent content;
    content.latitudes = grid.latitudeDegrees;
    content.longitudes = grid.longitudeDegrees;
    for (int j = 0; j < grid.nlat; ++j) {
        for (int i = 0; i < grid.nlon; ++i) {
            content.values.push_back(static_cast<float>(10000.0 + 500.0 * grid.sinLatitude[j]));
        }
    }
    content.limits = limitsOf(content.values, false);
    content.colourBarTitle = "height (m)";
    content.title = "height, test field";
    return content;
}

struct Rgb {
    int r, g, b;
};

Rgb pixel(const RgbImage& image, int x, int y)  // y from the top, as people read images
{
    const std::size_t k = (static_cast<std::size_t>(image.height - 1 - y) * image.width + x) * 3;
    return {image.rgb[k], image.rgb[k + 1], image.rgb[k + 2]};
}

bool near(const Rgb& a, const Rgb& b, int tolerance)
{
    return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance && std::abs(a.b - b.b) <= tolerance;
}

// Pixels within a box (fractions of the image) close to a colour.
int countNear(const RgbImage& image, double x0, double x1, double y0, double y1, Rgb colour, int tolerance)
{
    int count = 0;
    for (int y = static_cast<int>(y0 * image.height); y < static_cast<int>(y1 * image.height); ++y) {
        for (int x = static_cast<int>(x0 * image.width); x < static_cast<int>(x1 * image.width); ++x) {
            count += near(pixel(image, x, y), colour, tolerance) ? 1 : 0;
        }
    }
    return count;
}

const Rgb background{23, 26, 33};
const Rgb viridisLow{68, 1, 84};
const Rgb viridisHigh{253, 231, 37};

}  // namespace

class TestGlobeScene : public QObject {
    Q_OBJECT

private slots:
    // Every offscreen render of a process shares one X connection (a busy Xvfb refuses some new
    // connections, and VTK aborts when its own connection fails): no descriptor per render.
    void rendersManyTimesOnOneConnection()
    {
        qsizetype descriptors = -1;
        for (int i = 0; i < 12; ++i) {
            OffscreenGlobeRenderer renderer;
            renderer.scene().show(zonalField());
            QCOMPARE(renderer.render(64, 48).width, 64);
            const qsizetype open = QDir("/proc/self/fd").count();
            QVERIFY(descriptors < 0 || open <= descriptors);
            descriptors = open;
        }
    }

    void symmetricLimitsForSignedFields()
    {
        const std::vector<float> values{-3.0f, 1.0f, NAN, 2.0f};
        QCOMPARE(limitsOf(values, true), (ColourLimits{-3.0, 3.0}));
        QCOMPARE(limitsOf(values, false), (ColourLimits{-3.0, 2.0}));
        const std::vector<float> constant{5.0f, 5.0f};
        const ColourLimits widened = limitsOf(constant, false);
        QVERIFY(widened.low < 5.0 && widened.high > 5.0);
    }

    void divergingMapIsWhiteInTheMiddleAndViridisEndsAreExact()
    {
        double rgb[3];
        colourAt(ColourMapKind::CoolWarm, 0.5, rgb);
        QVERIFY(rgb[0] > 0.8 && rgb[1] > 0.8 && rgb[2] > 0.8);
        colourAt(ColourMapKind::CoolWarm, 0.0, rgb);
        QVERIFY(rgb[2] > rgb[0]);
        colourAt(ColourMapKind::Viridis, 1.0, rgb);
        QCOMPARE(static_cast<int>(std::lround(rgb[0] * 255)), 253);
    }

    void contoursFollowTheLevel()
    {
        // The field is the latitude itself: its 30 contour is the 30° N parallel, once round.
        const GaussianGrid grid = GaussianGrid::forTruncation(21);
        std::vector<float> latitude;
        for (int j = 0; j < grid.nlat; ++j) {
            for (int i = 0; i < grid.nlon; ++i) {
                latitude.push_back(static_cast<float>(grid.latitudeDegrees[j]));
            }
        }
        const auto segments = contourSegments(latitude, grid.latitudeDegrees, grid.longitudeDegrees, 30.0);
        QCOMPARE(segments.size(), static_cast<std::size_t>(grid.nlon));
        double length = 0.0;
        for (const ContourSegment& segment : segments) {
            QVERIFY(std::abs(segment.lat0 - 30.0) < 1e-4 && std::abs(segment.lat1 - 30.0) < 1e-4);
            length += std::abs(segment.lon1 - segment.lon0);
        }
        QVERIFY(std::abs(length - 360.0) < 1e-9);
        // A bump in one cell's corner: a closed ring of four pieces round it.
        std::vector<float> bump(grid.pointCount(), 0.0f);
        bump[10 * static_cast<std::size_t>(grid.nlon) + 20] = 1.0f;
        QCOMPARE(contourSegments(bump, grid.latitudeDegrees, grid.longitudeDegrees, 0.5).size(), std::size_t(4));
        bump[10 * static_cast<std::size_t>(grid.nlon) + 21] = NAN;
        QCOMPARE(contourSegments(bump, grid.latitudeDegrees, grid.longitudeDegrees, 0.5).size(), std::size_t(2));
    }

    void readsTheGshhgCoastlines()
    {
        const Coastlines coastlines = readGshhgCoastlines(defaultCoastlinePath());
        QVERIFY2(coastlines.lines.size() > 500, qPrintable(QString::number(coastlines.lines.size())));
        for (const auto& line : coastlines.lines) {
            for (const auto& [lon, lat] : line) {
                QVERIFY(lon >= 0.0f && lon <= 360.0f && lat >= -90.0f && lat <= 90.0f);
            }
        }
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, readGshhgCoastlines("/nonexistent/coast.nc"));
    }

    void rendersGlobeColourBarAndCoastlines()
    {
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(zonalField());
        renderer.scene().setCamera({10.0, 30.0, 4.6});  // Europe and Africa face the eye
        const RgbImage image = renderer.render(480, 360);
        QCOMPARE(image.width, 480);
        QCOMPARE(image.height, 360);
        QVERIFY(near(pixel(image, 2, 2), background, 2));
        // The globe is drawn where the eye looks, in colours of the map, not the background.
        QVERIFY(!near(pixel(image, 200, 190), background, 10));
        // The colour bar, right of the globe, shows both ends of viridis.
        QVERIFY(countNear(image, 0.85, 1.0, 0.05, 0.95, viridisLow, 12) > 20);
        QVERIFY(countNear(image, 0.85, 1.0, 0.05, 0.95, viridisHigh, 12) > 20);
        // Coastlines are near-black lines on the globe.
        QVERIFY(countNear(image, 0.1, 0.8, 0.1, 0.9, Rgb{13, 13, 13}, 12) > 100);
    }

    void picksThePointUnderAPixel()
    {
        GlobeScene scene;
        scene.setCamera({10.0, 30.0, 4.6});
        QVERIFY(!scene.pick(2, 2, 480, 360).has_value());  // the background
        const auto point = scene.pick(200, 190, 480, 360);
        QVERIFY(point.has_value());
        // On the hemisphere that faces the eye.
        const double toRadians = std::numbers::pi / 180.0;
        const double cosine = std::sin(point->first * toRadians) * std::sin(30.0 * toRadians) +
                              std::cos(point->first * toRadians) * std::cos(30.0 * toRadians) *
                                  std::cos((point->second - 10.0) * toRadians);
        QVERIFY2(cosine > 0.3, qPrintable(QString("%1 %2").arg(point->first).arg(point->second)));
        // Turning the globe moves the picked point with it.
        scene.rotate(-20.0, 0.0);
        const auto turned = scene.pick(200, 190, 480, 360);
        QVERIFY(turned.has_value());
        QVERIFY(std::abs(std::remainder(turned->second - point->second - 20.0, 360.0)) < 1.0);
    }

    void spaghettiDrawsEachMemberInItsColour()
    {
        GlobeContent content = zonalField();
        std::vector<float> shifted = content.values;
        for (float& value : shifted) {
            value -= 150.0f;
        }
        content.contourFields = {content.values, shifted};
        content.contourLevel = 10200.0;
        content.values.clear();
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(content);
        renderer.scene().setCamera({10.0, 30.0, 4.6});
        const RgbImage image = renderer.render(400, 300);
        QVERIFY(countNear(image, 0.0, 1.0, 0.0, 1.0, Rgb{31, 119, 180}, 40) > 20);
        QVERIFY(countNear(image, 0.0, 1.0, 0.0, 1.0, Rgb{255, 127, 14}, 40) > 20);
        // No colour bar: the field is not coloured.
        QCOMPARE(countNear(image, 0.85, 1.0, 0.05, 0.95, viridisHigh, 12), 0);
    }

    void writesPngOfTheRequestedSize()
    {
        QTemporaryDir folder;
        const QString path = folder.filePath("globe.png");
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(zonalField());
        renderer.writePng(320, 200, path.toStdString());
        const QImage image(path);
        QCOMPARE(image.size(), QSize(320, 200));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error,
                                 renderer.writePng(320, 200, folder.filePath("missing/globe.png").toStdString()));
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, renderer.render(0, 200));
    }

    void rejectsValuesThatDoNotFitTheGrid()
    {
        GlobeContent content = zonalField();
        content.values.pop_back();
        GlobeScene scene;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, scene.show(content));
    }

    void saysWhatToDoWithoutADisplay()
    {
        const QByteArray display = qgetenv("DISPLAY");
        qunsetenv("DISPLAY");
        const std::string problem = displayProblem();
        qputenv("DISPLAY", display);
        QVERIFY(problem.find("xvfb-run") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestGlobeScene)
#include "TestGlobeScene.moc"
