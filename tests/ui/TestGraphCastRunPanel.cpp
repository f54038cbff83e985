#include "../common/NetcdfValues.h"
#include "PanelChildren.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"
#include "ui/RunController.h"
#include "ui/RunPanel.h"

#include <eccodes.h>
#include <netcdf.h>

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QToolButton>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

// Issue 13, part 3: GraphCast from the run panel — the model chosen at the top, the checkpoint's
// licence shown once, the analysis files summarised, an 8-member ensemble with member 0 the
// control, and input that only the run can refuse ending in an error dialog with no file left.
// The tiny synthetic case of tests/graphcast (10° grid, levels 500/850/1000) is written by
// Debian's numpy at test time.
using namespace spreadcast;
using spreadcast::testing::child;

namespace {

// Answers every licence dialog that comes up while it lives by clicking `button`, counting them.
class LicenceAnswerer {
public:
    LicenceAnswerer(QObject* owner, const QString& button) : poll_(new QTimer(owner))
    {
        QObject::connect(poll_, &QTimer::timeout, owner, [this, button] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box == nullptr || box->objectName() != "checkpointLicence") {
                return;
            }
            ++asked_;
            text_ = box->text() + '\n' + box->informativeText();
            box->findChild<QPushButton*>(button)->click();
        });
        poll_->start(20);
    }
    ~LicenceAnswerer() { delete poll_; }
    LicenceAnswerer(const LicenceAnswerer&) = delete;
    LicenceAnswerer& operator=(const LicenceAnswerer&) = delete;

    int asked() const { return asked_; }
    const QString& text() const { return text_; }

private:
    QTimer* poll_;
    int asked_ = 0;
    QString text_;
};

std::string textAttribute(const QString& path, const char* name)
{
    int ncid = -1;
    std::string text;
    if (nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid) != NC_NOERR) {
        return text;
    }
    std::size_t length = 0;
    if (nc_inq_attlen(ncid, NC_GLOBAL, name, &length) == NC_NOERR) {
        text.resize(length);
        nc_get_att_text(ncid, NC_GLOBAL, name, text.data());
    }
    nc_close(ncid);
    return text;
}

void check(int status, const char* what)
{
    if (status != CODES_SUCCESS) {
        throw std::runtime_error(std::string(what) + ": " + codes_get_error_message(status));
    }
}

// Temperature at 500 and 850 hPa, analysis time 2024-01-01 00 UTC steps 0 and 6 h, on a 30° grid
// from ecCodes' GRIB2 pressure-level sample, as ECMWF open data lays it out (north to south).
void writeGrib(const std::string& path)
{
    constexpr long rows = 7;
    constexpr long columns = 12;
    std::ofstream out(path, std::ios::binary);
    for (long step : {0L, 6L}) {
        for (long level : {500L, 850L}) {
            codes_handle* handle = codes_grib_handle_new_from_samples(nullptr, "regular_ll_pl_grib2");
            if (handle == nullptr) {
                throw std::runtime_error("ecCodes has no sample regular_ll_pl_grib2 (install libeccodes-data)");
            }
            std::size_t length = 0;
            check(codes_set_string(handle, "typeOfLevel", "isobaricInhPa", &length), "typeOfLevel");
            check(codes_set_string(handle, "shortName", "t", &length), "shortName");
            check(codes_set_long(handle, "level", level), "level");
            check(codes_set_long(handle, "dataDate", 20240101), "dataDate");
            check(codes_set_long(handle, "dataTime", 0), "dataTime");
            check(codes_set_long(handle, "step", step), "step");
            check(codes_set_long(handle, "Ni", columns), "Ni");
            check(codes_set_long(handle, "Nj", rows), "Nj");
            check(codes_set_double(handle, "latitudeOfFirstGridPointInDegrees", 90.0), "lat1");
            check(codes_set_double(handle, "latitudeOfLastGridPointInDegrees", -90.0), "lat2");
            check(codes_set_double(handle, "longitudeOfFirstGridPointInDegrees", 0.0), "lon1");
            check(codes_set_double(handle, "longitudeOfLastGridPointInDegrees", 330.0), "lon2");
            check(codes_set_double(handle, "iDirectionIncrementInDegrees", 30.0), "di");
            check(codes_set_double(handle, "jDirectionIncrementInDegrees", 30.0), "dj");
            check(codes_set_long(handle, "jScansPositively", 0), "jScansPositively");
            std::vector<double> values(static_cast<std::size_t>(rows * columns));
            for (std::size_t k = 0; k < values.size(); ++k) {
                values[k] = 230.0 + 0.5 * static_cast<double>(k % columns) + static_cast<double>(level) / 20.0;
            }
            check(codes_set_double_array(handle, "values", values.data(), values.size()), "values");
            const void* message = nullptr;
            std::size_t size = 0;
            check(codes_get_message(handle, &message, &size), "message");
            out.write(static_cast<const char*>(message), static_cast<std::streamsize>(size));
            codes_handle_delete(handle);
        }
    }
}

}  // namespace

class TestGraphCastRunPanel : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString python_;
    std::unique_ptr<MainWindow> window_;

    QString path(const QString& name) const { return folder_.filePath(name); }

    void runPython(const QString& script, const QStringList& arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(python_, QStringList{SPREADCAST_SOURCE_DIR "/tests/graphcast/" + script} + arguments);
        QVERIFY(process.waitForFinished(300000));
        QVERIFY2(process.exitCode() == 0, process.readAll().constData());
    }

    // The panel set for a tiny GraphCast ensemble from these files into `output`.
    void configure(RunPanel* panel, const QString& file, int members, const QString& output)
    {
        auto* model = child<QComboBox>(panel, "model");
        model->setCurrentIndex(model->findData("graphcast"));
        LicenceAnswerer accept(this, "acceptLicence");  // when this test runs alone
        QVERIFY(panel->chooseCheckpoint(path("checkpoint.npz")));
        child<QLineEdit>(panel, "statistics")->setText(path("stats"));
        auto* files = child<QListWidget>(panel, "graphCastFiles");
        while (files->count() > 0) {
            panel->removeGraphCastFile(0);
        }
        QVERIFY(panel->addGraphCastFile(file));
        child<QSpinBox>(panel, "members")->setValue(members);
        child<QLineEdit>(panel, "lead")->setText("12h");
        child<QLineEdit>(panel, "outputInterval")->setText("6h");
        child<QLineEdit>(panel, "probabilities")->clear();
        child<QCheckBox>(panel, "cpu")->setChecked(true);
        child<QSpinBox>(panel, "threads")->setValue(2);
        child<QLineEdit>(panel, "outputPath")->setText(output);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        python_ = QStandardPaths::findExecutable("python3", {"/usr/bin"});
        if (python_.isEmpty() || QProcess::execute(python_, {"-c", "import numpy, netCDF4"}) != 0) {
            QSKIP("no /usr/bin/python3 with numpy and netCDF4 (python3-numpy, python3-netcdf4)");
        }
        QVERIFY(folder_.isValid());
        runPython("make_checkpoint.py", {"--preset", "tiny", "--out", path("checkpoint.npz")});
        runPython("make_stats.py", {"--preset", "tiny", "--out", path("stats")});
        runPython("make_dataset.py", {"--preset", "tiny", "--steps", "2", "--out", path("dataset.nc")});
        runPython("cut_dataset.py", {"--in", path("dataset.nc"), "--out", path("single.nc"), "--times", "1"});
        const OpenGLReport report = checkOpenGL();
        QVERIFY2(report.sufficient, qPrintable(report.message));
        window_ = std::make_unique<MainWindow>(GlobeWidget::Backend::OffscreenImage);
        window_->resize(1280, 800);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }

    // The fields follow the model: the shallow-water model's truncation and perturbations give
    // way to the checkpoint, statistics and analysis files, and come back.
    void theFieldsFollowTheModel()
    {
        RunPanel panel;
        panel.show();
        auto* model = child<QComboBox>(&panel, "model");
        QVERIFY(child<QSpinBox>(&panel, "truncation")->isVisible());
        QVERIFY(!child<QLineEdit>(&panel, "checkpoint")->isVisible());
        model->setCurrentIndex(model->findData("graphcast"));
        QVERIFY(!child<QSpinBox>(&panel, "truncation")->isVisible());
        QVERIFY(!child<QLineEdit>(&panel, "perturbVorticity")->isVisible());
        QVERIFY(!child<QLineEdit>(&panel, "perturbHeight")->isVisible());
        QVERIFY(!child<QComboBox>(&panel, "initialCondition")->isVisible());
        QVERIFY(child<QLineEdit>(&panel, "checkpoint")->isVisible());
        QVERIFY(child<QListWidget>(&panel, "graphCastFiles")->isVisible());
        QVERIFY(child<QLineEdit>(&panel, "perturbationScale")->isVisible());
        QCOMPARE(child<QLineEdit>(&panel, "perturbLength")->text(), QString("500"));  // GraphCast's default
        // Nothing chosen yet: the problems are named under their fields, Run is off.
        QVERIFY(!child<QPushButton>(&panel, "runButton")->isEnabled());
        QVERIFY(child<QLabel>(&panel, "checkpointProblem")->isVisible());
        QVERIFY(child<QLabel>(&panel, "statisticsProblem")->isVisible());
        QVERIFY(child<QLabel>(&panel, "graphCastFilesProblem")->isVisible());
        // Core's validate() and unreadable numbers, under the field they concern.
        auto* scale = child<QLineEdit>(&panel, "perturbationScale");
        scale->setText("20");
        QVERIFY2(child<QLabel>(&panel, "perturbationScaleProblem")->text().contains("perturbation scale"),
                 qPrintable(child<QLabel>(&panel, "perturbationScaleProblem")->text()));
        scale->setText("a little");
        QVERIFY(child<QLabel>(&panel, "perturbationScaleProblem")->text().contains("not a number"));
        scale->setText("0.1");
        QVERIFY(!child<QLabel>(&panel, "perturbationScaleProblem")->isVisible());
        child<QLineEdit>(&panel, "outputInterval")->setText("3h");
        QVERIFY(child<QLabel>(&panel, "outputIntervalProblem")->text().contains("6 hours"));
        child<QLineEdit>(&panel, "outputInterval")->setText("6h");
        model->setCurrentIndex(model->findData("shallow-water"));
        QVERIFY(child<QSpinBox>(&panel, "truncation")->isVisible());
        QVERIFY(!child<QLineEdit>(&panel, "checkpoint")->isVisible());
        QCOMPARE(child<QLineEdit>(&panel, "perturbLength")->text(), QString("1000"));
        QCOMPARE(panel.spec()->model, std::string("shallow-water"));
    }

    // The licence is shown when the checkpoint is first chosen; declining clears the choice,
    // accepting is remembered and not asked again.
    void theCheckpointLicenceIsAskedOnce()
    {
        RunPanel panel;
        panel.show();
        auto* checkpoint = child<QLineEdit>(&panel, "checkpoint");
        {
            LicenceAnswerer decline(this, "declineLicence");
            QVERIFY(!panel.chooseCheckpoint(path("checkpoint.npz")));
            QCOMPARE(decline.asked(), 1);
        }
        QVERIFY(checkpoint->text().isEmpty());
        QVERIFY(child<QLabel>(&panel, "checkpointNote")->text().contains("declined"));
        {
            LicenceAnswerer accept(this, "acceptLicence");
            QVERIFY(panel.chooseCheckpoint(path("checkpoint.npz")));
            QCOMPARE(accept.asked(), 1);
            QVERIFY2(accept.text().contains("Synthetic GraphCast checkpoint") && accept.text().contains("CC BY-NC-SA"),
                     qPrintable(accept.text()));
        }
        QCOMPARE(checkpoint->text(), path("checkpoint.npz"));
        RunPanel another;
        LicenceAnswerer watch(this, "declineLicence");
        QVERIFY(another.chooseCheckpoint(path("checkpoint.npz")));
        QCOMPARE(watch.asked(), 0);
        // A file that is no checkpoint is refused with the reader's message.
        QFile bad(path("not-a-checkpoint.npz"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a zip archive");
        bad.close();
        QVERIFY(!another.chooseCheckpoint(bad.fileName()));
        QVERIFY(child<QLineEdit>(&another, "checkpoint")->text().isEmpty());
        QVERIFY2(child<QLabel>(&another, "checkpointNote")->text().contains("not-a-checkpoint.npz"),
                 qPrintable(child<QLabel>(&another, "checkpointNote")->text()));
    }

    // As a person does it: the checkpoint from its file dialog (its licence accepted before, so
    // not asked), with every row laid out although messages are shown under several.
    void filesAreChosenInFileDialogs()
    {
        RunPanel panel;
        panel.show();
        auto* model = child<QComboBox>(&panel, "model");
        model->setCurrentIndex(model->findData("graphcast"));
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QCoreApplication::processEvents();  // lays out the rows just shown, so that their buttons can be hit
        LicenceAnswerer watch(this, "declineLicence");
        // Every row shown for GraphCast is laid out, none squeezed to nothing by the messages
        // under the others.
        for (const char* name :
             {"checkpoint", "statistics", "staticsFile", "perturbationScale", "lead", "outputPath"}) {
            QVERIFY2(child<QLineEdit>(&panel, name)->height() > 0, name);
        }
        QString filters;
        auto* poll = new QTimer(&panel);
        connect(poll, &QTimer::timeout, &panel, [&filters, poll, chosen = path("checkpoint.npz")] {
            if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
                poll->stop();
                filters = dialog->nameFilters().join(";;");
                dialog->selectFile(chosen);
                QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
            }
        });
        poll->start(20);
        QTest::mouseClick(child<QToolButton>(&panel, "checkpointBrowse"), Qt::LeftButton);
        delete poll;
        QVERIFY2(filters.contains("*.npz"), qPrintable(filters));
        QCOMPARE(watch.asked(), 0);
        QCOMPARE(child<QLineEdit>(&panel, "checkpoint")->text(), path("checkpoint.npz"));
        QVERIFY(panel.addGraphCastFile(path("dataset.nc")));
        child<QLineEdit>(&panel, "statistics")->setText(path("stats"));
        QVERIFY2(panel.problems().isEmpty(), qPrintable(panel.problems().join('\n')));
        QVERIFY(child<QPushButton>(&panel, "runButton")->isEnabled());
    }

    // The files' format, variables, levels, times and grid are shown; their times are offered as
    // initial times; an unreadable file is refused with the reader's message and not listed.
    void theAnalysisFilesAreSummarised()
    {
        RunPanel panel;
        auto* model = child<QComboBox>(&panel, "model");
        model->setCurrentIndex(model->findData("graphcast"));
        QVERIFY(panel.addGraphCastFile(path("dataset.nc")));
        const QString summary = panel.graphCastSummary();
        for (const QString& expected :
             {QString("DeepMind NetCDF"), QString("Levels: 500, 850, 1000 hPa"), QString("temperature"),
              QString("Times: 2022-01-01 00:00 … 2022-01-01 18:00 (4)"), QString("Grid: 10°, 19 × 36"),
              QString("land_sea_mask")}) {
            QVERIFY2(summary.contains(expected), qPrintable(expected + " not in:\n" + summary));
        }
        auto* times = child<QComboBox>(&panel, "graphCastTime");
        QCOMPARE(times->count(), 5);  // the default and the four times
        times->setCurrentIndex(times->findData("2022-01-01 06:00"));
        QCOMPARE(panel.spec()->graphcast.initialTime, std::string("2022-01-01 06:00"));

        QFile broken(path("broken.nc"));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("this is no NetCDF file");
        broken.close();
        QVERIFY(!panel.addGraphCastFile(broken.fileName()));
        QCOMPARE(child<QListWidget>(&panel, "graphCastFiles")->count(), 1);
        const QString note = child<QLabel>(&panel, "graphCastFilesNote")->text();
        QVERIFY2(note.contains("broken.nc"), qPrintable(note));
        QCOMPARE(panel.graphCastSummary(), summary);
        panel.removeGraphCastFile(0);
        QVERIFY(panel.graphCastSummary().isEmpty());
        QCOMPARE(times->count(), 1);

        // ECMWF open data's GRIB2, recognised by its content whatever its name.
        const QString grib = path("open-data.bin");
        writeGrib(grib.toStdString());
        QVERIFY(panel.addGraphCastFile(grib));
        const QString gribSummary = panel.graphCastSummary();
        for (const QString& expected :
             {QString("ECMWF GRIB"), QString("Levels: 500, 850 hPa"), QString("temperature"),
              QString("Times: 2024-01-01 00:00 … 2024-01-01 06:00 (2)"), QString("Grid: 30°, 7 × 12")}) {
            QVERIFY2(gribSummary.contains(expected), qPrintable(expected + " not in:\n" + gribSummary));
        }
        QCOMPARE(times->count(), 3);
    }

    // The dock keeps its width with GraphCast's fields, a summary and long paths in them: they
    // wrap or elide (TestWorkstationLayout lays the window out at 1024 × 700).
    void theDockDoesNotGrowWider()
    {
        RunPanel panel;
        panel.show();
        const QSize shallowWater = panel.sizeHint();
        const QSize shallowWaterMinimum = panel.minimumSizeHint();
        auto* model = child<QComboBox>(&panel, "model");
        model->setCurrentIndex(model->findData("graphcast"));
        LicenceAnswerer accept(this, "acceptLicence");
        QVERIFY(panel.chooseCheckpoint(path("checkpoint.npz")));
        child<QLineEdit>(&panel, "statistics")->setText(path("stats") + QString(200, 'x'));
        QVERIFY(panel.addGraphCastFile(path("dataset.nc")));
        QVERIFY(!panel.addGraphCastFile(path("stats/mean_by_level.nc")));  // a long message under the list
        QCoreApplication::processEvents();
        QVERIFY2(panel.sizeHint().width() <= shallowWater.width() &&
                     panel.minimumSizeHint().width() <= shallowWaterMinimum.width(),
                 qPrintable(QString("GraphCast %1 (minimum %2) wide, shallow water %3 (%4)")
                                .arg(panel.sizeHint().width())
                                .arg(panel.minimumSizeHint().width())
                                .arg(shallowWater.width())
                                .arg(shallowWaterMinimum.width())));
    }

    // The panel's spec runs an 8-member ensemble through the window: members 1… perturbed,
    // member 0 the control, i.e. the analysis itself at lead 0.
    void anEnsembleRunsFromThePanel()
    {
        const QString output = path("panel-ensemble.nc");
        RunPanel* panel = window_->runPanel();
        configure(panel, path("dataset.nc"), 8, output);
        QVERIFY2(panel->problems().isEmpty(), qPrintable(panel->problems().join('\n')));
        const std::optional<RunSpec> spec = panel->spec();
        QVERIFY(spec.has_value());
        QCOMPARE(spec->model, std::string("graphcast"));
        QCOMPARE(spec->graphcast.checkpoint, path("checkpoint.npz").toStdString());
        QCOMPARE(spec->graphcast.initialConditions, std::vector<std::string>{path("dataset.nc").toStdString()});

        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QTest::mouseClick(child<QPushButton>(panel, "runButton"), Qt::LeftButton);
        QVERIFY(finished.wait(300000));
        QCOMPARE(finished.front().front().toString(), QString("complete"));

        const nlohmann::json recorded = nlohmann::json::parse(textAttribute(output, "spreadcast_run_spec"));
        QCOMPARE(recorded.at("model").get<std::string>(), std::string("graphcast"));
        QCOMPARE(recorded.at("members").get<int>(), 8);
        QVERIFY(textAttribute(output, "graphcast_checkpoint_license").find("CC BY-NC-SA") != std::string::npos);
        const std::vector<double> temperature = testing::readVariable(output.toStdString(), "temperature");
        // The dataset's inputs are its first two times: the control starts from the second.
        const std::vector<double> analysis = testing::readVariable(path("single.nc").toStdString(), "temperature");
        QVERIFY(!analysis.empty());
        QCOMPARE(temperature.size(), 3 * 8 * analysis.size());  // times 0, 6, 12 h × 8 members
        const std::size_t slab = analysis.size();
        QVERIFY(std::memcmp(temperature.data(), analysis.data(), slab * sizeof(double)) == 0);
        for (int member = 1; member < 8; ++member) {
            const double* perturbed = temperature.data() + static_cast<std::size_t>(member) * slab;
            QVERIFY2(std::memcmp(perturbed, analysis.data(), slab * sizeof(double)) != 0,
                     qPrintable(QString("member %1 starts from the unperturbed analysis").arg(member)));
        }
    }

    // A new window starts from the GraphCast run above (its spec kept in QSettings), without
    // asking for the licence again.
    void theGraphCastSettingsComeBack()
    {
        LicenceAnswerer watch(this, "declineLicence");
        MainWindow again(GlobeWidget::Backend::OffscreenImage);
        RunPanel* panel = again.runPanel();
        QCOMPARE(watch.asked(), 0);
        QCOMPARE(child<QComboBox>(panel, "model")->currentData().toString(), QString("graphcast"));
        QCOMPARE(child<QLineEdit>(panel, "checkpoint")->text(), path("checkpoint.npz"));
        QCOMPARE(child<QListWidget>(panel, "graphCastFiles")->count(), 1);
        QVERIFY(panel->graphCastSummary().contains("Levels: 500, 850, 1000 hPa"));
        const std::optional<RunSpec> spec = panel->spec();
        QVERIFY(spec.has_value());
        QCOMPARE(spec->members, 8);
        QCOMPARE(spec->graphcast.statistics, path("stats").toStdString());
        QCOMPARE(spec->graphcast.perturbationScale, 0.1);
    }

    // A file with one time where GraphCast needs two: only the run finds out, and says so in a
    // dialog with the core's message; no output file is left.
    void inputThatTheRunRefusesEndsInADialogAndNoFile()
    {
        const QString output = path("refused.nc");
        RunPanel* panel = window_->runPanel();
        configure(panel, path("single.nc"), 2, output);
        QVERIFY2(panel->problems().isEmpty(), qPrintable(panel->problems().join('\n')));
        QSignalSpy finished(window_.get(), &MainWindow::runFinished);
        QTest::mouseClick(child<QPushButton>(panel, "runButton"), Qt::LeftButton);
        QVERIFY(finished.wait(120000));
        const QString status = finished.front().front().toString();
        QVERIFY2(status.startsWith("failed"), qPrintable(status));
        auto* box = window_->findChild<QMessageBox*>("errorMessage");
        QVERIFY(box != nullptr);
        QVERIFY(box->isVisible());
        QVERIFY2(box->text().contains("6 hours") && box->text().contains("single.nc"), qPrintable(box->text()));
        box->close();
        QVERIFY(!QFile::exists(output));
        QVERIFY(!window_->runController()->isRunning());
    }
};

QTEST_MAIN(TestGraphCastRunPanel)
#include "TestGraphCastRunPanel.moc"
