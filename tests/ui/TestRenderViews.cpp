#include "../common/CliRunner.h"

#include <QImage>
#include <QImageReader>
#include <QtTest/QtTest>

#include <set>

using namespace spreadcast::testing;

namespace {

int differingPixels(const QImage& a, const QImage& b)
{
    int count = 0;
    for (int y = 0; y < std::min(a.height(), b.height()); ++y) {
        for (int x = 0; x < std::min(a.width(), b.width()); ++x) {
            count += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
        }
    }
    return count;
}

}  // namespace

// `spreadcast-cli render` with the forecaster's views: flat maps at any size and zoom, overlays,
// percentile and difference products, and the EPSgram of a point — from a real (tiny) run.
class TestRenderViews : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString forecast_;

    QImage render(const QStringList& arguments, const QString& name)
    {
        const QString out = folder_.filePath(name);
        const CliResult result = runCli(QStringList{"render", forecast_, "--out", out} + arguments);
        if (result.exitCode != 0) {
            qWarning("%s", qPrintable(result.err));
            return {};
        }
        return QImage(out);
    }

private slots:
    void initTestCase()
    {
        forecast_ = folder_.filePath("run.nc");
        const CliResult run = runCli({"run", "-T", "21", "--ic", "galewsky", "--lead", "1d", "--output-every", "12h",
                                      "--members", "4", "--out", forecast_, "-q"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    }

    void mapsComeInEveryProjectionRegionAndSize()
    {
        const QImage plate = render({"--product", "mean", "--projection", "platecarree", "--size", "640x360"}, "p.png");
        QCOMPARE(plate.size(), QSize(640, 360));
        const QImage north = render({"--product", "mean", "--projection", "polar-north", "--size", "640x360"}, "n.png");
        const QImage south = render({"--product", "mean", "--projection", "polar-south", "--size", "640x360"}, "s.png");
        const QImage europe = render(
            {"--product", "mean", "--projection", "polar-north", "--region", "europe", "--size", "640x360"}, "e.png");
        const int quarter = 640 * 360 / 4;
        QVERIFY(differingPixels(plate, north) > quarter);
        QVERIFY(differingPixels(north, south) > quarter);
        QVERIFY(differingPixels(north, europe) > quarter);
        const QImage large =
            render({"--product", "mean", "--projection", "platecarree", "--size", "2400x1200"}, "l.png");
        QCOMPARE(large.size(), QSize(2400, 1200));
    }

    void newProductsAndOverlaysChangeTheMap()
    {
        const QStringList map{"--projection", "platecarree", "--size", "480x270", "--time", "24h", "--field", "height"};
        const QImage median = render(map + QStringList{"--product", "median"}, "median.png");
        const QImage p10 = render(map + QStringList{"--product", "p10"}, "p10.png");
        const QImage p90 = render(map + QStringList{"--product", "p90"}, "p90.png");
        const QImage below =
            render(map + QStringList{"--product", "probability-below", "--threshold", "10000"}, "b.png");
        const QImage difference = render(map + QStringList{"--product", "member-minus-mean", "--member", "1"}, "d.png");
        const QImage chart = render(map + QStringList{"--product", "mean-and-spread"}, "ms.png");
        const QImage spread = render(map + QStringList{"--product", "spread"}, "spread.png");
        const QImage wind = render(map + QStringList{"--product", "spread", "--wind"}, "wind.png");
        for (const QImage* image : {&median, &p10, &p90, &below, &difference, &chart, &spread, &wind}) {
            QCOMPARE(image->size(), QSize(480, 270));
        }
        QVERIFY(differingPixels(median, p10) > 1000);
        QVERIFY(differingPixels(p10, p90) > 1000);
        QVERIFY(differingPixels(median, difference) > 1000);
        QVERIFY(differingPixels(median, below) > 1000);
        // The chart is the spread with the mean's contours over it; the arrows likewise.
        QVERIFY(differingPixels(spread, chart) > 300);
        QVERIFY(differingPixels(spread, wind) > 300);
        // Wind barbs instead of arrows: other pixels again; a glyph that is neither is refused.
        const QImage barbs = render(map + QStringList{"--product", "spread", "--wind", "barbs"}, "barbs.png");
        QCOMPARE(barbs.size(), QSize(480, 270));
        QVERIFY(differingPixels(spread, barbs) > 300);
        QVERIFY(differingPixels(wind, barbs) > 300);
        const CliResult sideways =
            runCli(QStringList{"render", forecast_, "--out", folder_.filePath("x.png"), "--wind", "sideways"} + map);
        QCOMPARE(sideways.exitCode, 2);
        QVERIFY2(sideways.err.contains("not arrows or barbs"), qPrintable(sideways.err));
    }

    void globeDrawsTheOverlaysToo()
    {
        if (qEnvironmentVariableIsEmpty("DISPLAY")) {
            QSKIP("the globe renders through GLX: run under xvfb-run");
        }
        const QStringList globe{"--size", "400x300", "--product", "spread"};
        const QImage plain = render(globe, "globe.png");
        const QImage chart = render({"--size", "400x300", "--product", "mean-and-spread"}, "globe-chart.png");
        const QImage wind = render(globe + QStringList{"--wind"}, "globe-wind.png");
        QVERIFY(!plain.isNull());
        QVERIFY(differingPixels(plain, chart) > 300);
        QVERIFY(differingPixels(plain, wind) > 300);
        const QImage barbs = render(globe + QStringList{"--wind", "barbs"}, "globe-barbs.png");
        QVERIFY(differingPixels(plain, barbs) > 300);
        QVERIFY(differingPixels(wind, barbs) > 300);
    }

    void epsgramIsDrawnForAPoint()
    {
        const QString out = folder_.filePath("epsgram.png");
        const CliResult result = runCli({"render", forecast_, "--product", "epsgram", "--lat", "51.5", "--lon", "-0.1",
                                         "--size", "900x450", "--out", out});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains("EPSgram of height at"), qPrintable(result.out));
        const QImage here(out);
        QCOMPARE(here.size(), QSize(900, 450));
        const QImage there =
            render({"--product", "epsgram", "--lat", "-40", "--lon", "120", "--size", "900x450"}, "there.png");
        QVERIFY(differingPixels(here, there) > 1000);
    }

    void animationHasAFramePerTime()
    {
        const QString gif = folder_.filePath("animation.gif");
        const CliResult result = runCli({"render", forecast_, "--product", "mean", "--projection", "platecarree",
                                         "--size", "200x120", "--animate", "--frame-ms", "250", "--out", gif});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.out.contains("3 frames"), qPrintable(result.out));
        QImageReader reader(gif);
        QCOMPARE(reader.imageCount(), 3);
        const QImage first = reader.read();
        QCOMPARE(reader.nextImageDelay(), 250);
        QCOMPARE(first.size(), QSize(200, 120));
        const CliResult avi = runCli({"render", forecast_, "--animate", "--out", folder_.filePath("a.avi")});
        QCOMPARE(avi.exitCode, 2);
        QVERIFY2(avi.err.contains("NAME.gif") && avi.err.contains("NAME.mp4"), qPrintable(avi.err));
    }

    void badViewOptionsAreExplained()
    {
        const QString out = folder_.filePath("bad.png");
        CliResult result = runCli({"render", forecast_, "--projection", "mercator", "--out", out});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("platecarree, polar-north or polar-south"), qPrintable(result.err));
        result = runCli({"render", forecast_, "--projection", "platecarree", "--region", "mars", "--out", out});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("europe"), qPrintable(result.err));
        result = runCli({"render", forecast_, "--projection", "platecarree", "--size", "big", "--out", out});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("WIDTHxHEIGHT"), qPrintable(result.err));
        result = runCli({"render", forecast_, "--product", "epsgram", "--out", out});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("--lat and --lon"), qPrintable(result.err));
        result = runCli({"render", forecast_, "--region", "europe", "--out", out});
        QCOMPARE(result.exitCode, 2);
        QVERIFY2(result.err.contains("--projection"), qPrintable(result.err));
        QVERIFY(!QFileInfo::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestRenderViews)
#include "TestRenderViews.moc"
