#include "ForecastFixture.h"
#include "LevelForecastFixture.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"
#include "ui/PlumeWidget.h"
#include "ui/ProductPanel.h"

#include <QComboBox>
#include <QImage>
#include <QStandardPaths>
#include <QtTest/QtTest>

using namespace spreadcast;

// A learned model's forecast in the workstation, as a forecaster reads one: 500 hPa geopotential
// height in dam and 850 hPa temperature in °C picked from the ensemble dock, their mean, spread
// and plume, and the chart exported.
class TestPressureLevelViews : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<MainWindow> window_;

    QString title() const { return QString::fromStdString(window_->globe()->scene().content().title); }
    QString colourBarTitle() const
    {
        return QString::fromStdString(window_->globe()->scene().content().colourBarTitle);
    }
    void choose(QComboBox* box, const QVariant& data)
    {
        const int index = box->findData(data);
        QVERIFY2(index >= 0, qPrintable(data.toString()));
        box->setCurrentIndex(index);
        QVERIFY2(window_->lastError().isEmpty(), qPrintable(window_->lastError()));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        const OpenGLReport report = checkOpenGL();
        QVERIFY2(report.sufficient, qPrintable(report.message));
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OpenGL);
        window_->resize(1280, 800);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }

    void picksFieldsAndLevelsInChartUnits()
    {
        const QString path = folder_.filePath("learned.nc");
        QVERIFY(fixture::writeLevelFile(path.toStdString()));
        QVERIFY(window_->openForecast(path));
        ProductPanel* panel = window_->productPanel();

        choose(panel->fieldBox(), "geopotential");
        QVERIFY(panel->levelBox()->isEnabled());
        QCOMPARE(panel->levelBox()->currentText(), QString("500 hPa"));  // the first chart forecasters look at
        choose(panel->productBox(), "mean");
        QVERIFY2(title().contains("geopotential height at 500 hPa") && title().contains("ensemble mean"),
                 qPrintable(title()));
        QVERIFY2(colourBarTitle().contains("dam"), qPrintable(colourBarTitle()));
        // Members at 5500, 5510 and 5520 gpm: the mean is 551 dam everywhere.
        QVERIFY(std::abs(window_->globe()->scene().content().values[0] - 551.0f) <= 1e-3f);

        choose(panel->fieldBox(), "temperature");
        choose(panel->levelBox(), 850.0);
        QVERIFY2(title().contains("at 850 hPa"), qPrintable(title()));
        QVERIFY2(colourBarTitle().contains("°C"), qPrintable(colourBarTitle()));
        QVERIFY(std::abs(window_->globe()->scene().content().values[0]) <= 3e-5f);  // 273.15 K
        choose(panel->productBox(), "spread");
        QVERIFY2(title().contains("ensemble spread"), qPrintable(title()));
        QVERIFY(std::abs(window_->globe()->scene().content().values[0] - 1.0f) <= 1e-5f);  // 1 K is 1 °C

        // A surface field has no level to pick.
        choose(panel->fieldBox(), "mean_sea_level_pressure");
        QVERIFY(!panel->levelBox()->isEnabled());
        QVERIFY2(colourBarTitle().contains("hPa") && !title().contains(" at "), qPrintable(title()));
    }

    void plumeAndExportFollowTheLevel()
    {
        ProductPanel* panel = window_->productPanel();
        choose(panel->fieldBox(), "temperature");
        choose(panel->levelBox(), 850.0);
        QVERIFY(window_->showPlumeAt(45.0, 120.0));
        const std::optional<Plume>& plume = window_->plumeWidget()->plume();
        QVERIFY(plume.has_value());
        QVERIFY2(QString::fromStdString(plume->label).contains("850 hPa"), plume->label.c_str());
        QCOMPARE(plume->units, std::string("°C"));
        QVERIFY(std::abs(plume->members[2][1] - 1.0f) <= 3e-5f);  // the warmest member, 274.15 K
        // Another level redraws the plume there: 500 hPa is the same here, so the label tells.
        choose(panel->levelBox(), 500.0);
        QVERIFY2(QString::fromStdString(window_->plumeWidget()->plume()->label).contains("500 hPa"),
                 window_->plumeWidget()->plume()->label.c_str());

        const QString png = folder_.filePath("t500.png");
        QVERIFY(window_->exportImage(png, 640, 400));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(640, 400));
    }

    void aFileWithoutLevelsShowsNoLevelRow()
    {
        const QString path = folder_.filePath("shallow-water.nc");
        fixture::write(path.toStdString());
        QVERIFY(window_->openForecast(path));
        QVERIFY(!window_->productPanel()->levelBox()->isVisibleTo(window_->productPanel()));
        const QString learned = folder_.filePath("learned.nc");
        QVERIFY(window_->openForecast(learned));
        QVERIFY(window_->productPanel()->levelBox()->isVisibleTo(window_->productPanel()));
    }

    void cleanupTestCase() { window_.reset(); }
};

QTEST_MAIN(TestPressureLevelViews)
#include "TestPressureLevelViews.moc"
