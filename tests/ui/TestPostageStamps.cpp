#include "spectral/GaussianGrid.h"
#include "viz/GlobeScene.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace spreadcast;

namespace {

const int backgroundRgb[3] = {23, 26, 33};

bool isBackground(const RgbImage& image, int x, int y)  // y from the bottom
{
    const std::size_t k = (static_cast<std::size_t>(y) * image.width + x) * 3;
    int difference = 0;
    for (int c = 0; c < 3; ++c) {
        difference = std::max(difference, std::abs(image.rgb[k + c] - backgroundRgb[c]));
    }
    return difference <= 12;
}

double luminance(const RgbImage& image, int x, int y)
{
    const std::size_t k = (static_cast<std::size_t>(y) * image.width + x) * 3;
    return 0.299 * image.rgb[k] + 0.587 * image.rgb[k + 1] + 0.114 * image.rgb[k + 2];
}

// A constant field on a grid: drawn in one colour, so anything else is an artefact.
GlobeContent constantField(int truncation)
{
    const GaussianGrid grid = GaussianGrid::forTruncation(truncation);
    GlobeContent content;
    content.latitudes = grid.latitudeDegrees;
    content.longitudes = grid.longitudeDegrees;
    content.values.assign(static_cast<std::size_t>(grid.nlat) * grid.nlon, 5.0f);
    content.limits = {0.0, 10.0};
    content.colourBarTitle = "height (m)";
    content.title = "height";
    return content;
}

}  // namespace

class TestPostageStamps : public QObject {
    Q_OBJECT

private slots:
    // Issue 14, defect 9: stamps overlapped and were cut, and each had a dark stripe along 0°
    // (the thinned T85 grid, 256 → 52 longitudes, lost the cells across the seam).
    void eachStampIsWholeSeparateAndSeamless()
    {
        GlobeContent stamps = constantField(85);
        for (int m = 0; m < 8; ++m) {
            stamps.stampFields.push_back(stamps.values);
            stamps.stampLabels.push_back(std::to_string(m));
        }
        stamps.values.clear();
        for (const auto& [width, height] : {std::pair{900, 600}, std::pair{600, 900}}) {
            OffscreenGlobeRenderer renderer;
            renderer.scene().show(stamps);
            const RgbImage image = renderer.render(width, height);
            const std::vector<PixelBox>& cells = renderer.scene().currentLayout().stamps;
            QCOMPARE(cells.size(), std::size_t(8));
            for (std::size_t k = 0; k < cells.size(); ++k) {
                const PixelBox& cell = cells[k];
                QVERIFY(cell.inside(width, height));
                for (std::size_t other = k + 1; other < cells.size(); ++other) {
                    QVERIFY(!cell.intersects(cells[other]));
                }
                const int x0 = static_cast<int>(std::ceil(cell.left));
                const int x1 = static_cast<int>(std::floor(cell.right)) - 1;
                const int y0 = static_cast<int>(std::ceil(cell.bottom));
                const int y1 = static_cast<int>(std::floor(cell.top)) - 1;
                // Not cut: the globe stays off its cell's edges (the label sits in a corner).
                int onEdge = 0;
                for (int x = x0; x <= x1; ++x) {
                    onEdge += isBackground(image, x, y0) ? 0 : 1;
                }
                for (int y = y0; y <= y1 - (y1 - y0) / 4; ++y) {
                    onEdge += (isBackground(image, x0, y) ? 0 : 1) + (isBackground(image, x1, y) ? 0 : 1);
                }
                QVERIFY2(onEdge == 0, qPrintable(QString("stamp %1: %2 globe pixels on the edge").arg(k).arg(onEdge)));
                // Whole and seamless: inside 80 % of the disc's radius, no background shows through.
                const double cx = (cell.left + cell.right) / 2.0;
                const double cy = (cell.bottom + cell.top) / 2.0;
                const double radius = 0.45 * std::min(cell.right - cell.left, cell.top - cell.bottom);
                int holes = 0;
                int inside = 0;
                for (int y = static_cast<int>(cy - radius); y <= static_cast<int>(cy + radius); ++y) {
                    for (int x = static_cast<int>(cx - radius); x <= static_cast<int>(cx + radius); ++x) {
                        if (std::hypot(x + 0.5 - cx, y + 0.5 - cy) < 0.8 * radius) {
                            ++inside;
                            holes += isBackground(image, x, y) ? 1 : 0;
                        }
                    }
                }
                QVERIFY(inside > 1000);
                QVERIFY2(holes == 0,
                         qPrintable(QString("stamp %1: %2 dark pixels inside the globe").arg(k).arg(holes)));
            }
        }
    }

    // Faceted shading showed each grid cell as a flat patch: across the globe, brightness must
    // change smoothly from pixel to pixel. Graticule and coastline pixels (other hues than the
    // field's) are left out.
    void shadingIsSmooth()
    {
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(constantField(21));
        renderer.scene().setCamera({-165.0, 0.0, GlobeCamera{}.distance});  // the Pacific: few coasts
        const RgbImage image = renderer.render(800, 600);
        // The row 40 % of the radius above the disc's centre (about 24° N, between the graticule's
        // parallels), found from the disc's extent on the column through its middle.
        int column = -1;
        for (int x = 0; x < image.width && column < 0; ++x) {
            column = !isBackground(image, x, image.height / 2) ? x : -1;
        }
        int lastColumn = column;
        for (int x = column; x < image.width * 3 / 4; ++x) {
            lastColumn = !isBackground(image, x, image.height / 2) ? x : lastColumn;
        }
        column = (column + lastColumn) / 2;
        int bottom = -1;
        int top = -1;
        for (int y = 0; y < image.height; ++y) {
            if (!isBackground(image, column, y)) {
                bottom = bottom < 0 ? y : bottom;
                top = y;
            }
        }
        const int row = (bottom + top) / 2 + (top - bottom) / 5;
        int left = -1;
        int right = -1;
        for (int x = 0; x < image.width * 3 / 4; ++x) {
            if (!isBackground(image, x, row)) {
                left = left < 0 ? x : left;
                right = x;
            }
        }
        QVERIFY(right - left > 300);
        // The field's hue: green over blue, whatever the lighting; its median along the row.
        auto hue = [&](int x) {
            const std::size_t k = (static_cast<std::size_t>(row) * image.width + x) * 3;
            return (image.rgb[k + 1] + 1.0) / (image.rgb[k + 2] + 1.0);
        };
        std::vector<double> hues;
        for (int x = left; x <= right; ++x) {
            hues.push_back(hue(x));
        }
        std::nth_element(hues.begin(), hues.begin() + static_cast<std::ptrdiff_t>(hues.size() / 2), hues.end());
        const double fieldHue = hues[hues.size() / 2];
        auto onField = [&](int x) {
            for (int near = x - 2; near <= x + 3; ++near) {
                if (std::abs(hue(near) - fieldHue) > 0.04 || luminance(image, near, row) < 40.0) {
                    return false;
                }
            }
            return true;
        };
        const int margin = (right - left) / 10;
        double largestStep = 0.0;
        int measured = 0;
        for (int x = left + margin; x < right - margin; ++x) {
            if (onField(x)) {
                ++measured;
                largestStep = std::max(largestStep, std::abs(luminance(image, x + 1, row) - luminance(image, x, row)));
            }
        }
        QVERIFY2(measured > 200, qPrintable(QString("only %1 pixels of the field measured").arg(measured)));
        QVERIFY2(largestStep <= 3.0, qPrintable(QString("brightness jumps by %1 between pixels").arg(largestStep)));
    }
};

QTEST_MAIN(TestPostageStamps)
#include "TestPostageStamps.moc"
