#include "PanelChildren.h"
#include "ui/DeviceHistoryPlot.h"
#include "ui/DevicesPanel.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/MemberGrid.h"
#include "ui/OpenGLCheck.h"
#include "ui/PlumeWidget.h"
#include "ui/ProductPanel.h"
#include "ui/RunController.h"
#include "ui/RunPanel.h"
#include "ui/TimeBar.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QOpenGLWidget>
#include <QPushButton>
#include <QSlider>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QToolButton>
#include <QtTest/QtTest>

#include <fstream>
#include <set>

using namespace spreadcast;
using spreadcast::testing::child;

namespace {

const QColor background(23, 26, 33);

bool near(QColor a, QColor b, int tolerance)
{
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

// Distinct colours in a box given as fractions of the image.
int distinctColours(const QImage& image, double x0, double x1, double y0, double y1)
{
    std::set<QRgb> colours;
    for (int y = static_cast<int>(y0 * image.height()); y < static_cast<int>(y1 * image.height()); ++y) {
        for (int x = static_cast<int>(x0 * image.width()); x < static_cast<int>(x1 * image.width()); ++x) {
            colours.insert(image.pixel(x, y) & 0xffffffu);
        }
    }
    return static_cast<int>(colours.size());
}

}  // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    std::unique_ptr<MainWindow> window_;
    QString forecast_;

    void chooseProduct(const QString& name)
    {
        QComboBox* box = window_->productPanel()->productBox();
        const int index = box->findData(name);
        QVERIFY2(index >= 0, qPrintable(name));
        box->setCurrentIndex(index);
        QVERIFY2(window_->lastError().isEmpty(), qPrintable(window_->lastError()));
    }

    QString title() const { return QString::fromStdString(window_->globe()->scene().content().title); }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();  // the test's own settings, from a clean start
        const OpenGLReport report = checkOpenGL();
        QVERIFY2(report.sufficient, qPrintable(report.message));
        QElapsedTimer timer;
        timer.start();
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OpenGL);
        window_->resize(1280, 800);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
        qInfo("main window exposed after %.0f ms (%s)", static_cast<double>(timer.nsecsElapsed()) * 1e-6,
              qPrintable(report.message));
    }

    void invalidInputsAreExplainedNextToTheirFields()
    {
        RunPanel* panel = window_->runPanel();
        auto* truncation = child<QSpinBox>(panel, "truncation");
        auto* lead = child<QLineEdit>(panel, "lead");
        auto* run = child<QPushButton>(panel, "runButton");
        QVERIFY(run->isEnabled());

        truncation->setValue(5);
        auto* truncationProblem = child<QLabel>(panel, "truncationProblem");
        QVERIFY(truncationProblem->isVisibleTo(panel));
        QVERIFY2(truncationProblem->text().contains("T5 is out of range"), qPrintable(truncationProblem->text()));
        QVERIFY(!run->isEnabled());

        lead->setText("soon");
        auto* leadProblem = child<QLabel>(panel, "leadProblem");
        QVERIFY(leadProblem->isVisibleTo(panel));
        QVERIFY2(leadProblem->text().contains("soon"), qPrintable(leadProblem->text()));

        child<QLineEdit>(panel, "outputInterval")->setText("5h");
        lead->setText("1d");
        truncation->setValue(21);
        QVERIFY(!truncationProblem->isVisibleTo(panel));
        // 24 h is not a whole number of 5 h intervals: said at both fields.
        QVERIFY(child<QLabel>(panel, "outputIntervalProblem")->text().contains("whole number"));
        child<QLineEdit>(panel, "outputInterval")->setText("12h");
        QVERIFY2(panel->problems().isEmpty(), qPrintable(panel->problems().join('\n')));
        QVERIFY(run->isEnabled());
    }

    void runsASmallEnsembleFromThePanel()
    {
        RunPanel* panel = window_->runPanel();
        child<QComboBox>(panel, "initialCondition")->setCurrentText("galewsky");
        child<QSpinBox>(panel, "truncation")->setValue(21);
        child<QSpinBox>(panel, "members")->setValue(3);
        child<QLineEdit>(panel, "lead")->setText("1d");
        child<QLineEdit>(panel, "outputInterval")->setText("12h");
        child<QCheckBox>(panel, "cpu")->setChecked(true);
        child<QSpinBox>(panel, "threads")->setValue(2);
        child<QLineEdit>(panel, "probabilities")->setText("height>10000");
        forecast_ = folder_.filePath("panel-run.nc");
        child<QLineEdit>(panel, "outputPath")->setText(forecast_);

        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QSignalSpy opened(window_.get(), &MainWindow::forecastOpened);
        QTest::mouseClick(child<QPushButton>(panel, "runButton"), Qt::LeftButton);
        QVERIFY(child<QPushButton>(panel, "cancelButton")->isEnabled());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));
        QCOMPARE(opened.size(), 1);
        QVERIFY(!child<QPushButton>(panel, "cancelButton")->isEnabled());

        MemberGrid* grid = window_->memberGrid();
        QCOMPARE(grid->memberCount(), 3);
        for (int m = 0; m < 3; ++m) {
            QCOMPARE(grid->statusOf(m), QString("done"));
            QVERIFY2(grid->deviceOf(m).startsWith("cpu"), qPrintable(grid->deviceOf(m)));
        }
        QTableWidget* devices = window_->devicesPanel()->table();
        QVERIFY(devices->rowCount() >= 1);
        int done = 0;
        for (int row = 0; row < devices->rowCount(); ++row) {
            done += devices->item(row, 2)->text().toInt();
        }
        QCOMPARE(done, 3);
        // Each device's load and memory were recorded for the plots, once per report at least.
        QVERIFY(window_->devicesPanel()->history()->sampleCount(devices->item(0, 0)->text()) >= 1);
        QCOMPARE(window_->timeBar()->slider()->maximum(), 2);
        QVERIFY2(title().contains("height") && title().contains("ensemble mean"), qPrintable(title()));
    }

    void stepsTimeAndSwitchesProducts()
    {
        QVERIFY(window_->products() != nullptr);
        window_->timeBar()->setTimeIndex(2);
        QVERIFY2(title().contains("T+24 h, valid 2000-01-02 00:00"), qPrintable(title()));
        const ColourLimits meanLimits = window_->globe()->scene().content().limits;
        window_->timeBar()->setTimeIndex(1);
        QVERIFY2(title().contains("T+12 h"), qPrintable(title()));
        QCOMPARE(window_->globe()->scene().content().limits, meanLimits);  // fixed through time

        chooseProduct("spread");
        QVERIFY(title().contains("ensemble spread"));
        QCOMPARE(window_->globe()->scene().content().limits.low, 0.0);
        chooseProduct("member");
        window_->productPanel()->memberBox()->setValue(2);
        QVERIFY2(title().contains("member 2"), qPrintable(title()));
        chooseProduct("probability");
        window_->productPanel()->valueEdit()->setText("10000");
        emit window_->productPanel()->valueEdit()->editingFinished();
        QVERIFY2(title().contains("P(height > 10000 m)"), qPrintable(title()));
        chooseProduct("spaghetti");
        QVERIFY2(title().contains("contour of 3 members"), qPrintable(title()));
        QCOMPARE(window_->globe()->scene().content().contourFields.size(), std::size_t(3));
        chooseProduct("stamps");
        QVERIFY2(title().contains("postage stamps of 3 members"), qPrintable(title()));
        QCOMPARE(window_->globe()->scene().content().stampFields.size(), std::size_t(3));
        QVERIFY(window_->globe()->redrawNow());
        {
            const QImage frame = window_->globe()->findChild<QOpenGLWidget*>()->grabFramebuffer();
            // Three small globes in a row across the upper part, each in colour.
            QVERIFY(distinctColours(frame, 0.0, 0.83, 0.1, 0.9) > 30);
            QVERIFY(distinctColours(frame, 0.86, 0.95, 0.2, 0.8) > 30);  // and the colour bar
        }

        QComboBox* field = window_->productPanel()->fieldBox();
        field->setCurrentIndex(field->findData("vorticity"));
        chooseProduct("mean");
        const GlobeContent& vorticity = window_->globe()->scene().content();
        QCOMPARE(vorticity.colourMap, ColourMapKind::CoolWarm);
        QCOMPARE(vorticity.limits.low, -vorticity.limits.high);
        // The colour map can be chosen; limits stay symmetric.
        QComboBox* colourMap = window_->productPanel()->colourMapBox();
        colourMap->setCurrentIndex(colourMap->findData("viridis"));
        QCOMPARE(window_->globe()->scene().content().colourMap, ColourMapKind::Viridis);
        QCOMPARE(window_->globe()->scene().content().limits.low, -window_->globe()->scene().content().limits.high);
        colourMap->setCurrentIndex(colourMap->findData("automatic"));
        QCOMPARE(window_->globe()->scene().content().colourMap, ColourMapKind::CoolWarm);
        field->setCurrentIndex(field->findData("height"));

        // Play runs through the times and stops at the last.
        window_->timeBar()->setTimeIndex(0);
        QTest::mouseClick(window_->timeBar()->playButton(), Qt::LeftButton);
        QVERIFY(window_->timeBar()->isPlaying());
        QTRY_COMPARE_WITH_TIMEOUT(window_->timeBar()->timeIndex(), 2, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(!window_->timeBar()->isPlaying(), 5000);
    }

    void drawsTheGlobeOnScreen()
    {
        chooseProduct("mean");
        auto* view = window_->globe()->findChild<QOpenGLWidget*>();
        QVERIFY(view != nullptr);
        QSignalSpy redrawn(window_->globe(), &GlobeWidget::redrawn);
        window_->globe()->requestRedraw();
        QVERIFY(redrawn.wait(5000));
        qInfo("on-screen redraw %.1f ms at %d × %d; last view update %.1f ms", redrawn.back().front().toDouble(),
              view->width(), view->height(), window_->lastUpdateMilliseconds());
        const QImage frame = view->grabFramebuffer();
        QVERIFY(!frame.isNull());
        QVERIFY(near(frame.pixelColor(3, 3), background, 3));
        QVERIFY(!near(frame.pixelColor(frame.width() * 4 / 10, frame.height() / 2), background, 10));
        QVERIFY(distinctColours(frame, 0.2, 0.6, 0.3, 0.7) > 30);
        // The colour bar on the right shows many colours of its map.
        QVERIFY(distinctColours(frame, 0.86, 0.95, 0.2, 0.8) > 30);
    }

    void clickShowsThePlumeOfThatPoint()
    {
        QComboBox* field = window_->productPanel()->fieldBox();
        field->setCurrentIndex(field->findData("height"));
        auto* view = window_->globe()->findChild<QOpenGLWidget*>();
        QSignalSpy clicked(window_->globe(), &GlobeWidget::clicked);
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(view->width() * 4 / 10, view->height() / 2));
        QCOMPARE(clicked.size(), 1);
        const auto& plume = window_->plumeWidget()->plume();
        QVERIFY(plume.has_value());
        QCOMPARE(plume->members.size(), std::size_t(3));
        QCOMPARE(plume->leadHours, (std::vector<double>{0.0, 12.0, 24.0}));
        // The plume holds the file's own values at the grid point nearest the click.
        const ForecastFile& file = window_->products()->file();
        const auto j =
            std::find(file.latitudes().begin(), file.latitudes().end(), plume->latitude) - file.latitudes().begin();
        const auto i =
            std::find(file.longitudes().begin(), file.longitudes().end(), plume->longitude) - file.longitudes().begin();
        const std::vector<float> member1 = file.read("height", 2, 1);
        QCOMPARE(plume->members[1][2], member1[static_cast<std::size_t>(j) * file.longitudes().size() + i]);
        QVERIFY(std::abs(clicked.front()[0].toDouble() - plume->latitude) < 6.0);

        const QString path = folder_.filePath("plume.png");
        QVERIFY(window_->exportPlume(path, 900, 450));
        QCOMPARE(QImage(path).size(), QSize(900, 450));
        QFile csv(folder_.filePath("plume.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QStringList lines = QString(csv.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 6);  // place, base time, header, 3 times
        QVERIFY2(lines[1].startsWith("# base time 2000-01-01 00:00"), qPrintable(lines[1]));
        QCOMPARE(lines[2], QString("lead_hours,valid_time,mean,spread,member_0,member_1,member_2"));
        QCOMPARE(lines[5].split(',').size(), 7);
        QVERIFY2(lines[5].startsWith("24,2000-01-02 00:00:00,"), qPrintable(lines[5]));

        // A click off the globe picks nothing.
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(3, 3));
        QCOMPARE(clicked.size(), 1);
    }

    void exportsPngAtTheChosenSize()
    {
        const QString path = folder_.filePath("export.png");
        QVERIFY(window_->exportImage(path, 640, 400));
        const QImage image(path);
        QCOMPARE(image.size(), QSize(640, 400));
        QVERIFY(near(image.pixelColor(2, 2), background, 3));
        QVERIFY(!near(image.pixelColor(256, 210), background, 10));
        QVERIFY(distinctColours(image, 0.0, 1.0, 0.0, 1.0) > 100);
        QVERIFY(distinctColours(image, 0.86, 0.95, 0.2, 0.8) > 30);

        QVERIFY(!window_->exportImage(folder_.filePath("no/such/folder.png"), 640, 400));
        QVERIFY2(window_->lastError().contains("does not exist"), qPrintable(window_->lastError()));
        for (QMessageBox* box : window_->findChildren<QMessageBox*>("errorMessage")) {
            box->close();
        }
    }

    void initialConditionFilesListTheirTimes()
    {
        RunPanel* panel = window_->runPanel();
        auto* initial = child<QComboBox>(panel, "initialCondition");
        auto* times = child<QComboBox>(panel, "initialConditionTime");
        QVERIFY(!times->isEnabled());  // a built-in case

        const QString missing = folder_.filePath("no-such-start.nc");
        initial->addItem(missing);
        initial->setCurrentText(missing);
        auto* problem = child<QLabel>(panel, "initialConditionProblem");
        QVERIFY(problem->isVisibleTo(panel));
        QVERIFY2(problem->text().contains("no-such-start.nc"), qPrintable(problem->text()));
        QVERIFY(!child<QPushButton>(panel, "runButton")->isEnabled());

        // A forecast written by a run holds winds and height at three times: a valid start.
        initial->addItem(forecast_);
        initial->setCurrentText(forecast_);
        QVERIFY2(!problem->isVisibleTo(panel), qPrintable(problem->text()));
        QCOMPARE(times->count(), 3);
        QVERIFY2(times->itemText(1).startsWith("2000-01-01 12:00"), qPrintable(times->itemText(1)));
        times->setCurrentIndex(2);
        QCOMPARE(panel->spec()->initialConditionTime, 2);

        initial->setCurrentText("galewsky");
        QVERIFY(!problem->isVisibleTo(panel));
        QVERIFY(child<QPushButton>(panel, "runButton")->isEnabled());
    }

    void exportsNetcdfWithOrWithoutMembers()
    {
        const QString all = folder_.filePath("export-all.nc");
        const QString statistics = folder_.filePath("export-statistics.nc");
        QVERIFY(window_->exportNetcdf(all, false));
        QVERIFY(window_->exportNetcdf(statistics, true));
        const ForecastFile everything(all.toStdString());
        const ForecastFile reduced(statistics.toStdString());
        QCOMPARE(everything.members(), (std::vector<int>{0, 1, 2}));
        for (const char* name : {"height", "u", "v", "vorticity", "height_mean", "probability_height_above_10000"}) {
            QVERIFY2(everything.variable(name) != nullptr, name);
        }
        QVERIFY(reduced.members().empty());
        QVERIFY(reduced.variable("height") == nullptr && reduced.variable("height_spread") != nullptr);
        QVERIFY(!window_->exportNetcdf(folder_.filePath("missing/x.nc"), true));
        QVERIFY2(window_->lastError().contains("does not exist"), qPrintable(window_->lastError()));
        for (QMessageBox* box : window_->findChildren<QMessageBox*>("errorMessage")) {
            box->close();
        }
    }

    void malformedFileShowsAnErrorAndTheWindowStaysUsable()
    {
        const QString broken = folder_.filePath("broken.nc");
        std::ofstream(broken.toStdString()) << "CDF\x01 but nothing after the magic number";
        QVERIFY(!window_->openForecast(broken));
        QVERIFY2(window_->lastError().contains("broken.nc"), qPrintable(window_->lastError()));
        auto* box = window_->findChild<QMessageBox*>("errorMessage");
        QVERIFY(box != nullptr);
        QTRY_VERIFY(box->isVisible());
        QVERIFY(box->text().contains("not a NetCDF file"));
        box->close();

        // The forecast shown before is still there and still responds.
        QVERIFY(window_->products() != nullptr);
        window_->timeBar()->setTimeIndex(0);
        QVERIFY2(title().contains("T+0 h"), qPrintable(title()));
        QVERIFY(window_->openForecast(forecast_));
    }

    void theLastRunsSettingsComeBack()
    {
        // A new window starts from the spec of the run above (kept in QSettings as JSON).
        MainWindow again(GlobeWidget::Backend::OffscreenImage);
        RunPanel* panel = again.runPanel();
        QCOMPARE(child<QSpinBox>(panel, "truncation")->value(), 21);
        QCOMPARE(child<QSpinBox>(panel, "members")->value(), 3);
        QCOMPARE(child<QLineEdit>(panel, "lead")->text(), QString("1d"));
        QCOMPARE(child<QLineEdit>(panel, "outputInterval")->text(), QString("12h"));
        QCOMPARE(child<QLineEdit>(panel, "probabilities")->text(), QString("height>10000"));
        QCOMPARE(child<QSpinBox>(panel, "threads")->value(), 2);
        QCOMPARE(panel->spec()->perturbVorticity, 1e-6);
    }

    void browsesTheTimesWrittenDuringARun()
    {
        RunPanel* panel = window_->runPanel();
        child<QSpinBox>(panel, "truncation")->setValue(85);
        child<QSpinBox>(panel, "members")->setValue(4);
        child<QLineEdit>(panel, "lead")->setText("3d");
        child<QLineEdit>(panel, "outputInterval")->setText("6h");
        child<QLineEdit>(panel, "outputPath")->setText(folder_.filePath("browse-run.nc"));
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QTest::mouseClick(child<QPushButton>(panel, "runButton"), Qt::LeftButton);
        // While it runs, the file it writes is open in the window, with the times written so far.
        QTRY_VERIFY_WITH_TIMEOUT(window_->products() != nullptr && window_->products()->file().path() ==
                                                                       folder_.filePath("browse-run.nc").toStdString(),
                                 20000);
        const bool stillRunning = window_->runController()->isRunning();
        QVERIFY(window_->timeBar()->slider()->maximum() >= 0);
        QVERIFY2(title().contains("T+"), qPrintable(title()));
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));
        QCOMPARE(window_->timeBar()->slider()->maximum(), 12);
        if (!stillRunning) {
            qInfo("the run ended before its file was browsed: only the end was checked");
        }
        // Back to the small run's settings for the tests that follow.
        child<QSpinBox>(panel, "truncation")->setValue(21);
        child<QSpinBox>(panel, "members")->setValue(3);
        child<QLineEdit>(panel, "lead")->setText("1d");
        child<QLineEdit>(panel, "outputInterval")->setText("12h");
        QVERIFY(window_->openForecast(forecast_));
    }

    void drawsThroughImagesWithoutAnOpenGLWidget()
    {
        MainWindow fallback(GlobeWidget::Backend::OffscreenImage);
        fallback.resize(1000, 700);
        fallback.show();
        QVERIFY(QTest::qWaitForWindowExposed(&fallback));
        QVERIFY(fallback.openForecast(forecast_));
        QVERIFY(fallback.globe()->findChild<QOpenGLWidget*>() == nullptr);
        QVERIFY(fallback.globe()->redrawNow());
        const QImage frame = fallback.globe()->grab().toImage();
        QVERIFY(near(frame.pixelColor(3, 3), background, 3));
        QVERIFY(distinctColours(frame, 0.2, 0.6, 0.3, 0.7) > 30);
        QVERIFY(distinctColours(frame, 0.86, 0.95, 0.2, 0.8) > 30);
    }

    void cleanupTestCase() { window_.reset(); }
};

int main(int argc, char** argv)
{
    setDefaultSurfaceFormat();
    QApplication application(argc, argv);
    QApplication::setOrganizationName("SpreadcastTests");
    QApplication::setApplicationName("TestMainWindow");
    TestMainWindow test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestMainWindow.moc"
