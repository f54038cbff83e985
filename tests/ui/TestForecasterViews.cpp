#include "ForecastFixture.h"
#include "ui/EpsgramWidget.h"
#include "ui/MainWindow.h"
#include "ui/MapWidget.h"
#include "ui/PlumeWidget.h"
#include "ui/PointEntry.h"
#include "ui/ProductPanel.h"
#include "ui/TimeBar.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMouseEvent>
#include <QStandardPaths>
#include <QtTest/QtTest>

#include <cmath>
#include <numbers>

using namespace spreadcast;

namespace {

int differingPixels(const QImage& a, const QImage& b)
{
    if (a.size() != b.size()) {
        return a.width() * a.height();
    }
    int count = 0;
    for (int y = 0; y < a.height(); ++y) {
        for (int x = 0; x < a.width(); ++x) {
            count += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
        }
    }
    return count;
}

void moveMouse(QWidget* widget, QPoint at)
{
    QMouseEvent move(QEvent::MouseMove, QPointF(at), widget->mapToGlobal(QPointF(at)), Qt::NoButton, Qt::NoButton,
                     Qt::NoModifier);
    QApplication::sendEvent(widget, &move);
}

}  // namespace

// The forecaster's views in the main window: the map dock beside the globe, percentile products
// on it, zoom presets and wind arrows, the value under the mouse, a typed point's plume and
// EPSgram, and their exports — each checked on the pixels drawn, under Xvfb.
class TestForecasterViews : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<MainWindow> window_;

    void chooseProduct(const QString& name)
    {
        QComboBox* box = window_->productPanel()->productBox();
        const int index = box->findData(name);
        QVERIFY2(index >= 0, qPrintable(name));
        box->setCurrentIndex(index);
        QVERIFY2(window_->lastError().isEmpty(), qPrintable(window_->lastError()));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OffscreenImage);
        window_->resize(1400, 900);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
        const QString path = folder_.filePath("forecast.nc");
        fixture::write(path.toStdString());
        QVERIFY(window_->openForecast(path));
    }

    void mapDockShowsTheProductsInEveryProjection()
    {
        window_->mapDock()->show();
        QTRY_VERIFY(!window_->mapWidget()->shown().isNull());
        chooseProduct("mean");
        const QImage mean = window_->mapWidget()->shown();
        chooseProduct("p90");
        QVERIFY(QString::fromStdString(window_->mapWidget()->scene().content().title).contains("90 % quantile"));
        const QImage p90 = window_->mapWidget()->shown();
        QVERIFY(differingPixels(mean, p90) > 1000);
        chooseProduct("member-minus-mean");
        const QImage difference = window_->mapWidget()->shown();
        QVERIFY(differingPixels(p90, difference) > 1000);

        window_->mapWidget()->setView(MapProjection::PolarNorth, "europe");
        const QImage europe = window_->mapWidget()->shown();
        QVERIFY(differingPixels(difference, europe) > 1000);
        QCOMPARE(window_->mapWidget()->regionBox()->currentData().toString(), QString("europe"));

        // Wind arrows: the product is fetched again with u and v, on the map and the globe.
        window_->mapWidget()->windBox()->setChecked(true);
        QVERIFY(!window_->mapWidget()->scene().content().windU.empty());
        QVERIFY(!window_->globe()->scene().content().windU.empty());
        QVERIFY(differingPixels(europe, window_->mapWidget()->shown()) > 300);
        const QImage arrows = window_->mapWidget()->shown();
        // Barbs instead, chosen in the product panel: on the map and the globe.
        QComboBox* glyph = window_->productPanel()->windGlyphBox();
        glyph->setCurrentIndex(glyph->findData("barbs"));
        QCOMPARE(window_->mapWidget()->scene().content().windGlyph, WindGlyph::Barbs);
        QCOMPARE(window_->globe()->scene().content().windGlyph, WindGlyph::Barbs);
        QVERIFY(differingPixels(arrows, window_->mapWidget()->shown()) > 300);
        glyph->setCurrentIndex(glyph->findData("arrows"));
        window_->mapWidget()->windBox()->setChecked(false);
        QVERIFY(window_->mapWidget()->scene().content().windU.empty());
    }

    void valueUnderTheMouseIsReadOut()
    {
        window_->mapWidget()->setView(MapProjection::PlateCarree, "global");
        chooseProduct("mean");
        QWidget* canvas = window_->mapWidget()->findChild<QWidget*>("mapCanvas");
        QVERIFY(canvas != nullptr);
        moveMouse(canvas, canvas->rect().center());
        const QString text = window_->readoutLabel()->text();
        QVERIFY2(text.startsWith("height — ensemble mean · "), qPrintable(text));
        QVERIFY2(text.contains("° N") || text.contains("° S"), qPrintable(text));
        QVERIFY2(text.endsWith(" m"), qPrintable(text));

        // On the globe too: the globe's centre is on the sphere.
        QWidget* globe = window_->globe();
        moveMouse(globe, QPoint(globe->width() * 2 / 5, globe->height() / 2));
        QVERIFY2(window_->readoutLabel()->text().contains("ensemble mean · "),
                 qPrintable(window_->readoutLabel()->text()));
    }

    void typedPointShowsPlumeAndEpsgram()
    {
        QLineEdit* entry = window_->pointEntry()->edit();
        entry->setText("north pole");
        QTest::keyClick(entry, Qt::Key_Return);
        QVERIFY(!window_->pointEntry()->findChild<QLabel*>("pointProblem")->text().isEmpty());
        QVERIFY(!window_->epsgramWidget()->epsgram());

        entry->setText("45N 10W");
        QTest::keyClick(entry, Qt::Key_Return);
        QVERIFY(window_->plumeWidget()->plume().has_value());
        QVERIFY(window_->epsgramWidget()->epsgram().has_value());
        QVERIFY(std::abs(window_->epsgramWidget()->epsgram()->latitude - 45.0) < 3.0);
        const QImage first = window_->epsgramWidget()->image(QSize(800, 400));
        entry->setText("-30, 120");
        QTest::keyClick(entry, Qt::Key_Return);
        QVERIFY(differingPixels(first, window_->epsgramWidget()->image(QSize(800, 400))) > 1000);
    }

    void mapAndEpsgramExportAtAnySize()
    {
        const QString map = folder_.filePath("map.png");
        QVERIFY(window_->exportMap(map, 1500, 500));
        QCOMPARE(QImage(map).size(), QSize(1500, 500));
        const QString epsgram = folder_.filePath("epsgram.png");
        QVERIFY(window_->exportEpsgram(epsgram, 700, 350));
        QCOMPARE(QImage(epsgram).size(), QSize(700, 350));
        QFile csv(folder_.filePath("epsgram.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(csv.readLine().startsWith("lead_hours,valid_time,members,min,p10"));
    }

    void animationExportsEveryTimeAsGif()
    {
        const QString gif = folder_.filePath("animation.gif");
        window_->timeBar()->speedBox()->setCurrentIndex(window_->timeBar()->speedBox()->findData(2.0));
        QCOMPARE(window_->timeBar()->playIntervalMilliseconds(), TimeBar::frameMilliseconds / 2);
        QVERIFY(window_->exportAnimation(gif, 240, 150));  // the map dock is open: the map is animated
        QImageReader reader(gif);
        QVERIFY(reader.supportsAnimation());
        QCOMPARE(reader.imageCount(), 3);
        const QImage first = reader.read();
        QCOMPARE(reader.nextImageDelay(), TimeBar::frameMilliseconds / 2);
        reader.read();
        const QImage last = reader.read();
        QCOMPARE(first.size(), QSize(240, 150));
        QVERIFY(differingPixels(first.convertToFormat(QImage::Format_RGB32),
                                last.convertToFormat(QImage::Format_RGB32)) > 100);
    }

    void pointsParseAsPeopleWriteThem()
    {
        std::string problem;
        QCOMPARE(parseLatLon("51.5, -0.1", problem), (std::optional<std::pair<double, double>>({51.5, -0.1})));
        QCOMPARE(parseLatLon("51.5N 0.1W", problem), (std::optional<std::pair<double, double>>({51.5, -0.1})));
        QCOMPARE(parseLatLon("33.9° S, 151.2° E", problem), (std::optional<std::pair<double, double>>({-33.9, 151.2})));
        QCOMPARE(parseLatLon("10 350", problem), (std::optional<std::pair<double, double>>({10.0, -10.0})));
        QVERIFY(!parseLatLon("95 10", problem));
        QVERIFY(problem.find("−90 … 90") != std::string::npos);
        QVERIFY(!parseLatLon("0.1W 51.5N", problem));
        QVERIFY(!parseLatLon("51.5", problem));
    }

    void recentFilesListTheOpenedForecast()
    {
        auto* menu = window_->findChild<QMenu*>("recentMenu");
        QVERIFY(menu != nullptr);
        QVERIFY(menu->isEnabled());
        QVERIFY2(menu->actions().front()->text().startsWith("forecast.nc"),
                 qPrintable(menu->actions().front()->text()));
        QCOMPARE(QSettings().value("files/recent").toStringList().front(),
                 QFileInfo(folder_.filePath("forecast.nc")).absoluteFilePath());
    }

    // Last: the refused comparison leaves its message as the window's last error.
    void compareWithRunShowsTheDifferenceOrWhatDiffers()
    {
        window_->mapWidget()->setView(MapProjection::PlateCarree, "global");
        chooseProduct("mean");
        const QImage mean = window_->mapWidget()->shown();
        // Another run, its height 25 m × sin(latitude) higher: this minus that is −25 m × sin φ.
        const QString other = folder_.filePath("other.nc");
        fixture::Options shifted;
        shifted.heightShift = 25.0;
        fixture::write(other.toStdString(), shifted);
        QVERIFY(window_->findChild<QAction*>("compareAction") != nullptr);
        QVERIFY(window_->compareWith(other));
        const GlobeContent& shown = window_->globe()->scene().content();
        QVERIFY2(QString::fromStdString(shown.title).startsWith("forecast.nc − other.nc"),
                 qPrintable(QString::fromStdString(shown.title)));
        QCOMPARE(shown.colourMap, ColourMapKind::Balance);
        const double northmost = std::sin(shown.latitudes.front() * std::numbers::pi / 180.0);
        QVERIFY(std::abs(shown.values.front() + 25.0 * northmost) < 2e-3);
        QVERIFY(differingPixels(mean, window_->mapWidget()->shown()) > 1000);
        QVERIFY(window_->findChild<QAction*>("stopComparingAction")->isEnabled());
        // Another grid: refused, saying so; the difference shown before stays.
        const QString coarser = folder_.filePath("coarser.nc");
        fixture::Options coarse;
        coarse.truncation = 10;
        fixture::write(coarser.toStdString(), coarse);
        QVERIFY(!window_->compareWith(coarser));
        QVERIFY2(window_->lastError().contains("grids differ"), qPrintable(window_->lastError()));
        QVERIFY(QString::fromStdString(window_->globe()->scene().content().title).contains("other.nc"));
        // Stop comparing: the mean again.
        QVERIFY(window_->compareWith(QString()));
        QVERIFY(!QString::fromStdString(window_->globe()->scene().content().title).contains("other.nc"));
        QVERIFY(!window_->findChild<QAction*>("stopComparingAction")->isEnabled());
    }

    void cleanupTestCase() { window_.reset(); }
};

int main(int argc, char** argv)
{
    QApplication application(argc, argv);
    QApplication::setOrganizationName("SpreadcastTests");
    QApplication::setApplicationName("TestForecasterViews");
    TestForecasterViews test;
    return QTest::qExec(&test, argc, argv);
}
#include "TestForecasterViews.moc"
