#include "ui/PlumeWidget.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace spreadcast;

namespace {

// Three members of wind speed at 7° W every 12 h for five days from 2000-01-01 00 UTC.
Plume windPlume(const std::string& start = "2000-01-01 00:00:00", double startHour = 0.0)
{
    Plume plume;
    plume.field = "wind_speed";
    plume.label = "wind speed";
    plume.units = "m s-1";
    plume.latitude = 51.6;
    plume.longitude = 353.0;
    plume.calendar = "standard";
    plume.memberNumbers = {0, 1, 2};
    plume.members.assign(3, {});
    const QDateTime first = QDateTime::fromString(QString::fromStdString(start), "yyyy-MM-dd HH:mm:ss");
    for (int t = 0; t <= 10; ++t) {
        plume.leadHours.push_back(12.0 * t);
        plume.validTimes.push_back(first.addSecs(12 * 3600 * t).toString("yyyy-MM-dd HH:mm:ss").toStdString());
        double sum = 0.0;
        for (int m = 0; m < 3; ++m) {
            const float value = static_cast<float>(8.0 + 2.0 * m + std::sin(0.3 * t));
            plume.members[static_cast<std::size_t>(m)].push_back(value);
            sum += value;
        }
        plume.mean.push_back(static_cast<float>(sum / 3.0));
        plume.spread.push_back(2.0f);
    }
    if (startHour == 0.0) {
        plume.baseTime = start;
    }
    return plume;
}

int pixelsNear(const QImage& image, QRect area, QColor colour, int tolerance)
{
    int count = 0;
    area = area.intersected(image.rect());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            const QColor pixel = image.pixelColor(x, y);
            count += std::abs(pixel.red() - colour.red()) <= tolerance &&
                             std::abs(pixel.green() - colour.green()) <= tolerance &&
                             std::abs(pixel.blue() - colour.blue()) <= tolerance
                         ? 1
                         : 0;
        }
    }
    return count;
}

int darkPixels(const QImage& image, QRect area)
{
    int count = 0;
    area = area.intersected(image.rect());
    for (int y = area.top(); y <= area.bottom(); ++y) {
        for (int x = area.left(); x <= area.right(); ++x) {
            count += qGray(image.pixel(x, y)) < 100 ? 1 : 0;
        }
    }
    return count;
}

}  // namespace

class TestPlumeWidget : public QObject {
    Q_OBJECT

private slots:
    // Issue 14, defect 11: the time axis showed lead hours only.
    void timeAxisHasADatedTickEveryMidnight()
    {
        const Plume plume = windPlume();
        const auto ticks = PlumeWidget::timeTicks(plume, 0.0, 120.0);
        QCOMPARE(ticks.size(), std::size_t(6));
        for (std::size_t k = 0; k < ticks.size(); ++k) {
            QCOMPARE(ticks[k].leadHours, 24.0 * static_cast<double>(k));
        }
        QCOMPARE(ticks[0].text, QString("Sat 01 Jan\n+0 h"));
        QCOMPARE(ticks[1].text, QString("Sun 02 Jan\n+24 h"));
        // A forecast from 06 UTC: the first midnight is 18 h in.
        const Plume later = windPlume("2000-01-01 06:00:00");
        const auto shifted = PlumeWidget::timeTicks(later, 0.0, 120.0);
        QCOMPARE(shifted.front().leadHours, 18.0);
        QCOMPARE(shifted.front().text, QString("Sun 02 Jan\n+18 h"));
        // Without dates (an idealised case): every 24 h of lead.
        Plume undated = plume;
        undated.validTimes.assign(undated.leadHours.size(), "");
        const auto leads = PlumeWidget::timeTicks(undated, 0.0, 120.0);
        QCOMPARE(leads.size(), std::size_t(6));
        QCOMPARE(leads[2].text, QString("+48 h"));
    }

    void saysWhereWhatAndWhoInWords()
    {
        const Plume plume = windPlume();
        const QString title = PlumeWidget::titleText(plume);
        QVERIFY2(title.contains("51.6° N, 7.0° W"), qPrintable(title));
        QVERIFY2(!title.contains("353"), qPrintable(title));
        QVERIFY2(title.contains("3 members") && title.contains("base 2000-01-01 00:00"), qPrintable(title));
        QCOMPARE(PlumeWidget::valueAxisText(plume), QString("wind speed (m s⁻¹)"));
        const QStringList legend = PlumeWidget::legendEntries(plume);
        QCOMPARE(legend, (QStringList{"member 0", "member 1", "member 2", "ensemble mean", "mean ± 1 spread"}));
    }

    // What is drawn: the y label left of the value ticks, the legend right of the plot, and the
    // time the globe shows as a red line that moves with it.
    void drawsLabelLegendAndTheCurrentTime()
    {
        PlumeWidget widget;
        widget.setPlume(windPlume());
        const QSize size(900, 420);
        const QImage plain = widget.image(size);
        const int line = QFontMetrics(QFont()).height();
        QVERIFY2(darkPixels(plain, QRect(0, 60, line + 2, size.height() - 160)) > 30, "no label on the value axis");
        const QColor member1(255, 127, 14);
        QVERIFY2(pixelsNear(plain, QRect(size.width() - 200, 0, 200, size.height()), member1, 30) > 20,
                 "no legend to the right of the plot");

        const QColor red(192, 57, 43);
        QCOMPARE(pixelsNear(plain, plain.rect(), red, 25), 0);
        widget.setCurrentTimeIndex(2);  // 24 h
        const QImage early = widget.image(size);
        widget.setCurrentTimeIndex(8);  // 96 h
        const QImage late = widget.image(size);
        QVERIFY(pixelsNear(early, early.rect(), red, 25) > 100);
        int earlyColumn = 0;
        int lateColumn = 0;
        for (int x = 0; x < size.width(); ++x) {
            const QRect column(x, 0, 1, size.height());
            earlyColumn = pixelsNear(early, column, red, 25) > 40 && earlyColumn == 0 ? x : earlyColumn;
            lateColumn = pixelsNear(late, column, red, 25) > 40 && lateColumn == 0 ? x : lateColumn;
        }
        QVERIFY2(earlyColumn > 0 && lateColumn > earlyColumn + 200,
                 qPrintable(QString("%1 %2").arg(earlyColumn).arg(lateColumn)));
    }

    void csvCarriesValidAndBaseTimes()
    {
        const std::string csv = plumeCsv(windPlume());
        const QStringList lines = QString::fromStdString(csv).split('\n', Qt::SkipEmptyParts);
        QVERIFY2(lines[0].contains("7.0° W"), qPrintable(lines[0]));
        QCOMPARE(lines[1], QString("# base time 2000-01-01 00:00:00 (standard calendar)"));
        QCOMPARE(lines[2], QString("lead_hours,valid_time,mean,spread,member_0,member_1,member_2"));
        QVERIFY2(lines[5].startsWith("24,2000-01-02 00:00:00,"), qPrintable(lines[5]));
        QCOMPARE(lines.size(), 3 + 11);
    }
};

QTEST_MAIN(TestPlumeWidget)
#include "TestPlumeWidget.moc"
