#include "ForecastFixture.h"
#include "viz/Epsgram.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace spreadcast;

namespace {

int countNear(const QImage& image, QColor colour)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y) {
        for (int x = 0; x < image.width(); ++x) {
            const QColor here = image.pixelColor(x, y);
            count += std::abs(here.red() - colour.red()) + std::abs(here.green() - colour.green()) +
                                 std::abs(here.blue() - colour.blue()) <
                             12
                         ? 1
                         : 0;
        }
    }
    return count;
}

}  // namespace

// The EPSgram: quantile boxes per lead time with valid dates, for the screen, PNG and CSV.
class TestEpsgram : public QObject {
    Q_OBJECT

private slots:
    void boxesHoldTheMembersQuantiles()
    {
        // Time 0: 3, 1, 4, 1.5, 9 (sorted 1, 1.5, 3, 4, 9); time 1: a member not yet written.
        // (Initialised, not assigned: GCC 12 warns falsely (-Wrestrict) on short string assignments.)
        Plume plume{.field = "height",
                    .label = "height",
                    .units = "m",
                    .latitude = 51.3,
                    .longitude = 352.5,
                    .leadHours = {0.0, 24.0},
                    .validTimes = {},
                    .baseTime = {},
                    .calendar = {},
                    .memberNumbers = {0, 1, 2, 3, 4},
                    .members = {{3.0f, 10.0f}, {1.0f, NAN}, {4.0f, 20.0f}, {1.5f, 30.0f}, {9.0f, 40.0f}},
                    .mean = {},
                    .spread = {}};
        const Epsgram epsgram = epsgramOf(plume, {"2000-01-01 00:00:00", "2000-01-02 00:00:00"});
        // numpy's linear quantiles by hand: h = 4q → 1, 1.2, 1.5, 3, 4, 7, 9.
        const std::array<double, 7> expected{1.0, 1.2, 1.5, 3.0, 4.0, 7.0, 9.0};
        for (std::size_t k = 0; k < 7; ++k) {
            QVERIFY2(std::abs(epsgram.boxes[0][k] - expected[k]) < 1e-12, qPrintable(QString::number(k)));
        }
        // Time 1 from the four written members 10, 20, 30, 40: h = 3q → median 25, 10 % 13, 90 % 37.
        QCOMPARE(epsgram.counted, (std::vector<int>{5, 4}));
        QVERIFY(std::abs(epsgram.boxes[1][3] - 25.0) < 1e-12);
        QVERIFY(std::abs(epsgram.boxes[1][1] - 13.0) < 1e-12);
        QVERIFY(std::abs(epsgram.boxes[1][5] - 37.0) < 1e-12);
        QCOMPARE(epsgram.validTimes[1], std::string("2000-01-02 00:00"));
        QCOMPARE(formatLongitude(epsgram.longitude), std::string("7.5° W"));

        const std::string csv = epsgramCsv(epsgram);
        QVERIFY(csv.starts_with("lead_hours,valid_time,members,min,p10,p25,median,p75,p90,max\n"));
        QVERIFY2(csv.find("0,2000-01-01 00:00,5,1,1.2,1.5,3,4,7,9\n") != std::string::npos, csv.c_str());

        // The drawing: a box per time in the inner colour; a different plume draws differently.
        const QImage image = epsgramImage(epsgram, QSize(600, 300));
        const int inner = countNear(image, QColor(31, 120, 180));
        QVERIFY2(inner > 200, qPrintable(QString::number(inner)));
        plume.members[0][0] = 100.0f;
        const QImage changed = epsgramImage(epsgramOf(plume, {}), QSize(600, 300));
        QVERIFY(changed != image);
    }

    void epsgramOfAFileUsesTheNearestGridPoint()
    {
        QTemporaryDir folder;
        const std::string path = folder.filePath("members.nc").toStdString();
        fixture::write(path);
        const ForecastProducts products(std::make_shared<const ForecastFile>(path));
        const Epsgram epsgram = epsgramAt(products, "height", 45.0, 10.0);
        QCOMPARE(epsgram.boxes.size(), std::size_t{3});
        // Three members a, a + 40, a + 80: median a + 40, spread of the box 80.
        for (const auto& box : epsgram.boxes) {
            QVERIFY(std::abs(box[6] - box[0] - 80.0) < 2e-3);
            QVERIFY(std::abs(box[3] - box[0] - 40.0) < 2e-3);
        }
        QVERIFY(std::abs(epsgram.latitude - 45.0) < 3.0);
        QVERIFY(epsgram.validTimes[0].size() == 16);
    }
};

QTEST_MAIN(TestEpsgram)
#include "TestEpsgram.moc"
