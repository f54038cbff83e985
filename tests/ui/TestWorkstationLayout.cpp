#include "ForecastFixture.h"
#include "ui/DevicesPanel.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/MemberGrid.h"
#include "ui/PlumeWidget.h"
#include "ui/ProductPanel.h"
#include "ui/RunPanel.h"
#include "ui/TimeBar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSlider>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QtTest/QtTest>

#include <netcdf.h>

using namespace spreadcast;

namespace {

// A run of ten members on two devices, half done: what fills the Members and Devices docks.
RunProgress busyRun()
{
    RunProgress progress;
    for (int d = 0; d < 2; ++d) {
        DeviceTelemetry device;
        device.name = "cpu/" + std::to_string(d);
        device.backend = "cpu";
        device.currentMember = 6 + d;
        device.running = 1;
        device.membersDone = 3;
        device.memoryInUseBytes = 7 << 20;
        device.peakMemoryBytes = 8 << 20;
        progress.devices.push_back(device);
    }
    for (int m = 0; m < 10; ++m) {
        progress.memberStatuses.push_back(m < 6   ? MemberStatus::Done
                                          : m < 8 ? MemberStatus::Running
                                                  : MemberStatus::Queued);
        progress.memberDevice.push_back(m < 8 ? m % 2 : -1);
    }
    progress.members = 10;
    progress.membersDone = 6;
    progress.residentBytes = 488ll << 20;
    progress.peakResidentBytes = 500ll << 20;
    return progress;
}

// A small CF file as other tools write it: classic format, nothing compressed.
void writeUncompressedCfFile(const std::string& path)
{
    int ncid = -1;
    int dims[3];
    int time = -1;
    int latitude = -1;
    int longitude = -1;
    int temperature = -1;
    nc_create(path.c_str(), NC_CLOBBER, &ncid);
    nc_def_dim(ncid, "time", 2, &dims[0]);
    nc_def_dim(ncid, "lat", 3, &dims[1]);
    nc_def_dim(ncid, "lon", 4, &dims[2]);
    nc_def_var(ncid, "time", NC_DOUBLE, 1, &dims[0], &time);
    nc_def_var(ncid, "lat", NC_DOUBLE, 1, &dims[1], &latitude);
    nc_def_var(ncid, "lon", NC_DOUBLE, 1, &dims[2], &longitude);
    nc_def_var(ncid, "t2m", NC_FLOAT, 3, dims, &temperature);
    const std::string hours = "hours since 2000-01-01 00:00:00";
    nc_put_att_text(ncid, time, "units", hours.size(), hours.data());
    nc_put_att_text(ncid, latitude, "units", 13, "degrees_north");
    nc_put_att_text(ncid, longitude, "units", 12, "degrees_east");
    nc_put_att_text(ncid, temperature, "units", 1, "K");
    nc_enddef(ncid);
    const double times[2] = {0.0, 6.0};
    const double latitudes[3] = {-45.0, 0.0, 45.0};
    const double longitudes[4] = {0.0, 90.0, 180.0, 270.0};
    float values[24];
    for (int k = 0; k < 24; ++k) {
        values[k] = 280.0f + static_cast<float>(k);
    }
    nc_put_var_double(ncid, time, times);
    nc_put_var_double(ncid, latitude, latitudes);
    nc_put_var_double(ncid, longitude, longitudes);
    nc_put_var_float(ncid, temperature, values);
    nc_close(ncid);
}

QString describe(const QRect& r)
{
    return QString("%1×%2+%3+%4").arg(r.width()).arg(r.height()).arg(r.x()).arg(r.y());
}

}  // namespace

class TestWorkstationLayout : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString forecast_;
    QString statisticsOnly_;
    std::unique_ptr<MainWindow> window_;

    QDockWidget* dock(const char* name) const { return window_->findChild<QDockWidget*>(name); }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        forecast_ = folder_.filePath("forecast.nc");
        statisticsOnly_ = folder_.filePath("statistics-only.nc");
        fixture::write(forecast_.toStdString());
        fixture::write(statisticsOnly_.toStdString(), {.storeMembers = "none"});
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OffscreenImage);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
        QVERIFY(window_->openForecast(forecast_));
    }

    // Issue 14, defect 6: at 1024 × 700 the slider collapsed, the globe's title was cut, the
    // Devices dock ran into the Members grid and the Plume dock.
    void smallScreensKeepEveryPartUsable_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1024×700") << QSize(1024, 700);
        QTest::newRow("1366×768") << QSize(1366, 768);
    }

    void smallScreensKeepEveryPartUsable()
    {
        QFETCH(QSize, size);
        window_->resize(size);
        window_->devicesPanel()->showProgress(busyRun());
        window_->memberGrid()->showProgress(busyRun());
        // An empty plume dock (no point picked yet) takes no room.
        QVERIFY(window_->plumeWidget()->plume() || !dock("plumeDock")->isVisible() ||
                dock("plumeDock")->height() <= 80);
        QVERIFY(window_->showPlumeAt(45.0, 10.0));
        QApplication::processEvents();
        QTest::qWait(50);
        QCOMPARE(window_->size(), size);

        QVERIFY2(window_->timeBar()->slider()->width() >= TimeBar::minimumSliderWidth,
                 qPrintable(describe(window_->timeBar()->slider()->geometry())));
        const GlobeLayout& globe = window_->globe()->scene().currentLayout();
        const double ratio = window_->globe()->devicePixelRatioF();
        QVERIFY2(globe.title.inside(window_->globe()->width() * ratio, window_->globe()->height() * ratio),
                 qPrintable(QString("title [%1, %2] in a globe %3 wide")
                                .arg(globe.title.left)
                                .arg(globe.title.right)
                                .arg(window_->globe()->width())));
        QVERIFY(globe.titleFontSize >= 9);

        const QList<QDockWidget*> docks{dock("runDock"), dock("ensembleDock"), dock("devicesDock"), dock("plumeDock")};
        for (QDockWidget* one : docks) {
            QVERIFY(one->isVisible());
            QVERIFY2(!one->geometry().intersects(window_->centralWidget()->geometry()), one->objectName().toUtf8());
            for (QDockWidget* other : docks) {
                QVERIFY2(one == other || !one->geometry().intersects(other->geometry()),
                         qPrintable(one->objectName() + " " + describe(one->geometry()) + " overlaps " +
                                    other->objectName() + " " + describe(other->geometry())));
            }
        }
        // The Members grid shows two rows of cells or more, inside its own dock.
        QTableWidget* members = window_->memberGrid()->table();
        const QRect shown = members->visibleRegion().boundingRect();
        const QRect shownInWindow(members->mapTo(window_.get(), shown.topLeft()), shown.size());
        const QString where = describe(shownInWindow) + " ensemble " + describe(dock("ensembleDock")->geometry()) +
                              " devices " + describe(dock("devicesDock")->geometry());
        QVERIFY2(shown.height() >= 2 * members->rowHeight(0), qPrintable(where));
        QVERIFY2(dock("ensembleDock")->geometry().contains(shownInWindow), qPrintable(where));
        QVERIFY2(!shownInWindow.intersects(dock("devicesDock")->geometry()), qPrintable(where));
    }

    // Defect 11: the plume follows the picked point through a new file and a new run, and the
    // globe marks that point.
    void pickedPointOutlivesFilesAndRuns()
    {
        window_->resize(1400, 900);
        QVERIFY(window_->openForecast(forecast_));
        QVERIFY(window_->showPlumeAt(-20.0, 300.0));
        const Plume before = *window_->plumeWidget()->plume();
        QVERIFY(window_->globe()->scene().marker().has_value());
        window_->timeBar()->setTimeIndex(2);
        QCOMPARE(window_->plumeWidget()->currentTimeIndex(), 2);

        QVERIFY(window_->openForecast(forecast_));
        QVERIFY(window_->plumeWidget()->plume().has_value());
        QCOMPARE(window_->plumeWidget()->plume()->longitude, before.longitude);

        RunPanel* panel = window_->runPanel();
        panel->findChild<QComboBox*>("initialCondition")->setCurrentText("galewsky");
        panel->findChild<QSpinBox*>("truncation")->setValue(21);
        panel->findChild<QSpinBox*>("members")->setValue(2);
        panel->findChild<QLineEdit*>("lead")->setText("12h");
        panel->findChild<QLineEdit*>("outputInterval")->setText("12h");
        panel->findChild<QCheckBox*>("cpu")->setChecked(true);
        panel->findChild<QLineEdit*>("outputPath")->setText(folder_.filePath("new-run.nc"));
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QTest::mouseClick(panel->findChild<QPushButton*>("runButton"), Qt::LeftButton);
        // At the run's start the old file's plume goes at once.
        QVERIFY(!window_->plumeWidget()->plume().has_value());
        QVERIFY(finished.wait(120000));
        // At its end the new file's plume is shown at the same point.
        QVERIFY(window_->plumeWidget()->plume().has_value());
        QCOMPARE(window_->plumeWidget()->plume()->longitude, before.longitude);
        QCOMPARE(window_->plumeWidget()->plume()->latitude, before.latitude);
        QVERIFY(window_->plumeWidget()->plume()->members.size() == 2);
        QVERIFY(window_->globe()->scene().marker().has_value());
    }

    // Defect 16: a Members cell shows that member; the state colours have a legend.
    void membersCellShowsThatMember()
    {
        QVERIFY(window_->openForecast(forecast_));
        window_->memberGrid()->showProgress(busyRun());
        auto* legend = window_->memberGrid()->findChild<QLabel*>("memberLegend");
        QVERIFY(legend != nullptr && legend->isVisible());
        for (const char* state : {"queued", "running", "done", "failed"}) {
            QVERIFY2(legend->text().contains(state), state);
        }
        QTableWidget* table = window_->memberGrid()->table();
        const QRect cell = table->visualItemRect(table->item(0, 2));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QCOMPARE(window_->productPanel()->productBox()->currentData().toString(), QString("member"));
        QCOMPARE(window_->productPanel()->memberBox()->value(), 2);
        QVERIFY2(window_->globe()->scene().content().title.find("member 2") != std::string::npos,
                 window_->globe()->scene().content().title.c_str());
    }

    // An opened file's members are listed in the grid by number, and a click shows that member:
    // a file that keeps members 0 and 2 has two cells, the second showing member 2.
    void anOpenedFileListsTheMembersItKeeps()
    {
        const QString someMembers = folder_.filePath("members-0-and-2.nc");
        fixture::write(someMembers.toStdString(), {.storeMembers = "0,2"});
        QVERIFY(window_->openForecast(someMembers));
        MemberGrid* grid = window_->memberGrid();
        QCOMPARE(grid->memberCount(), 2);
        QTableWidget* table = grid->table();
        QCOMPARE(table->item(0, 0)->text(), QString("0"));
        QCOMPARE(table->item(0, 1)->text(), QString("2"));
        QCOMPARE(grid->statusOf(1), QString("done"));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualItemRect(table->item(0, 1)).center());
        QCOMPARE(window_->productPanel()->productBox()->currentData().toString(), QString("member"));
        QCOMPARE(window_->productPanel()->memberBox()->value(), 1);  // the file's second member
        QVERIFY2(window_->globe()->scene().content().title.find("member 2") != std::string::npos,
                 window_->globe()->scene().content().title.c_str());
        // A file that keeps no members has none to list.
        QVERIFY(window_->openForecast(statisticsOnly_));
        QCOMPARE(grid->memberCount(), 0);
    }

    void staleErrorsLeaveTheStatusBar()
    {
        QVERIFY(window_->openForecast(statisticsOnly_));
        ProductPanel* panel = window_->productPanel();
        panel->fieldBox()->setCurrentIndex(panel->fieldBox()->findData("height"));
        panel->productBox()->setCurrentIndex(panel->productBox()->findData("probability"));
        panel->valueEdit()->setText("10100");
        emit panel->valueEdit()->editingFinished();
        QVERIFY2(window_->statusBar()->currentMessage().startsWith("Cannot show"),
                 qPrintable(window_->statusBar()->currentMessage()));
        panel->productBox()->setCurrentIndex(panel->productBox()->findData("mean"));
        QVERIFY2(window_->statusBar()->currentMessage().isEmpty(), qPrintable(window_->statusBar()->currentMessage()));
        for (QWidget* box : QApplication::topLevelWidgets()) {
            if (box->objectName() == "errorMessage") {
                box->close();
            }
        }
    }

    void devicesDockSaysWhoseMemory()
    {
        window_->devicesPanel()->showProgress(busyRun());
        QTableWidget* table = window_->devicesPanel()->table();
        QStringList headers;
        for (int c = 0; c < table->columnCount(); ++c) {
            headers << table->horizontalHeaderItem(c)->text();
        }
        QVERIFY2(headers.contains("Worker memory"), qPrintable(headers.join(", ")));
        auto* summary = window_->devicesPanel()->findChild<QLabel*>("devicesSummary");
        QVERIFY2(summary->text().contains("whole process memory") && summary->text().contains("488.0 MiB"),
                 qPrintable(summary->text()));
    }

    void helpListsTheShortcuts()
    {
        const QStringList shortcuts = window_->shortcutList();
        const QString all = shortcuts.join('\n');
        QVERIFY2(all.contains("Home — Reset view"), qPrintable(all));
        QVERIFY2(all.contains("Ctrl+O — Open forecast"), qPrintable(all));
        QVERIFY2(all.contains("Arrow keys"), qPrintable(all));
        QAction* help = window_->findChild<QAction*>("showShortcuts");
        QVERIFY(help != nullptr);
        help->trigger();
        QWidget* box = window_->findChild<QWidget*>("shortcutsMessage");
        QVERIFY(box != nullptr && box->isVisible());
        box->close();
    }

    // Exports record when they were made and are compressed.
    void exportsAreStampedAndCompressed()
    {
        const QString source = folder_.filePath("uncompressed.nc");
        writeUncompressedCfFile(source.toStdString());
        QVERIFY2(window_->openForecast(source), qPrintable(window_->lastError()));
        const QString path = folder_.filePath("export.nc");
        QVERIFY(window_->exportNetcdf(path, false));
        int ncid = -1;
        QCOMPARE(nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid), NC_NOERR);
        std::size_t length = 0;
        QCOMPARE(nc_inq_attlen(ncid, NC_GLOBAL, "history", &length), NC_NOERR);
        std::string history(length, '\0');
        QCOMPARE(nc_get_att_text(ncid, NC_GLOBAL, "history", history.data()), NC_NOERR);
        const QString last = QString::fromStdString(history).split('\n').last();
        QVERIFY2(
            QRegularExpression("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ: exported from ").match(last).hasMatch(),
            qPrintable(last));
        int varid = -1;
        QCOMPARE(nc_inq_varid(ncid, "t2m", &varid), NC_NOERR);
        int shuffle = 0;
        int deflate = 0;
        int level = 0;
        QCOMPARE(nc_inq_var_deflate(ncid, varid, &shuffle, &deflate, &level), NC_NOERR);
        QVERIFY(deflate == 1 && level >= 1);
        nc_close(ncid);
    }

    void cleanupTestCase() { window_.reset(); }
};

QTEST_MAIN(TestWorkstationLayout)
#include "TestWorkstationLayout.moc"
