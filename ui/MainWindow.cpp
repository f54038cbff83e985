#include "ui/MainWindow.h"

#include "Version.h"
#include "run/InputError.h"
#include "run/RunManifest.h"
#include "run/RunSpec.h"
#include "ui/DevicesPanel.h"
#include "ui/GuiWording.h"
#include "ui/MemberGrid.h"
#include "ui/PlumeWidget.h"
#include "ui/ProductPanel.h"
#include "ui/RunController.h"
#include "ui/RunOutputFile.h"
#include "ui/RunPanel.h"
#include "ui/TimeBar.h"
#include "viz/Coastlines.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QVBoxLayout>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace spreadcast {
namespace {

QString formatSeconds(double seconds)
{
    if (!(seconds >= 0.0)) {
        return "ETA –";
    }
    const long long total = std::llround(seconds);
    return total >= 3600 ? QString("ETA %1 h %2 min").arg(total / 3600).arg((total % 3600) / 60)
           : total >= 60 ? QString("ETA %1 min %2 s").arg(total / 60).arg(total % 60)
                         : QString("ETA %1 s").arg(total);
}

}  // namespace

MainWindow::MainWindow(GlobeWidget::Backend backend, QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle("Spreadcast");
    setObjectName("mainWindow");

    auto* centre = new QWidget;
    auto* centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    globe_ = new GlobeWidget(backend);
    timeBar_ = new TimeBar;
    centreLayout->addWidget(globe_, 1);
    centreLayout->addWidget(timeBar_);
    setCentralWidget(centre);

    runPanel_ = new RunPanel;
    auto* runDock = new QDockWidget("Run");
    runDock->setObjectName("runDock");
    runDock->setWidget(runPanel_);
    addDockWidget(Qt::LeftDockWidgetArea, runDock);

    auto* ensemble = new QWidget;
    auto* ensembleLayout = new QVBoxLayout(ensemble);
    productPanel_ = new ProductPanel;
    memberGrid_ = new MemberGrid;
    ensembleLayout->addWidget(productPanel_);
    ensembleLayout->addWidget(new QLabel("Members"));
    ensembleLayout->addWidget(memberGrid_, 1);
    auto* ensembleDock = new QDockWidget("Ensemble");
    ensembleDock->setObjectName("ensembleDock");
    ensembleDock->setWidget(ensemble);
    addDockWidget(Qt::RightDockWidgetArea, ensembleDock);

    devicesPanel_ = new DevicesPanel;
    auto* devicesDock = new QDockWidget("Devices");
    devicesDock->setObjectName("devicesDock");
    devicesDock->setWidget(devicesPanel_);
    addDockWidget(Qt::RightDockWidgetArea, devicesDock);

    plumeWidget_ = new PlumeWidget;
    plumeDock_ = new QDockWidget("Plume");
    plumeDock_->setObjectName("plumeDock");
    plumeDock_->setWidget(plumeWidget_);
    addDockWidget(Qt::BottomDockWidgetArea, plumeDock_);
    plumeDock_->hide();  // until a point is clicked
    connect(globe_, &GlobeWidget::clicked, this, &MainWindow::showPlumeAt);

    forecastLabel_ = new QLabel("No forecast open — File ▸ Open forecast… or run one");
    statusBar()->addWidget(forecastLabel_, 1);
    progressBar_ = new QProgressBar;
    progressBar_->setObjectName("runProgress");
    progressBar_->setRange(0, 1000);
    progressBar_->setMaximumWidth(220);
    etaLabel_ = new QLabel;
    cancelButton_ = new QPushButton("Cancel");
    cancelButton_->setObjectName("statusCancel");
    statusBar()->addPermanentWidget(progressBar_);
    statusBar()->addPermanentWidget(etaLabel_);
    statusBar()->addPermanentWidget(cancelButton_);

    runController_ = new RunController(this);
    connect(runPanel_, &RunPanel::runRequested, this, &MainWindow::startRun);
    connect(runPanel_, &RunPanel::cancelRequested, runController_, &RunController::cancel);
    connect(runPanel_, &RunPanel::resumeRequested, this, &MainWindow::resumeRun);
    connect(runController_, &RunController::outputTimeCompleted, this, &MainWindow::followRunningForecast);
    connect(cancelButton_, &QPushButton::clicked, runController_, &RunController::cancel);
    connect(runController_, &RunController::progress, this, &MainWindow::showProgress);
    connect(runController_, &RunController::finished, this, &MainWindow::runEnded);
    connect(runController_, &RunController::failed, this, &MainWindow::runFailed);
    connect(productPanel_, &ProductPanel::changed, this, &MainWindow::updateView);
    connect(timeBar_, &TimeBar::timeChanged, this, &MainWindow::updateView);
    setRunning(false);

    createMenus();
    createForecasterViews();
    createRunHistory();
    addVideoExport();
    resize(1400, 900);
    QSettings settings;
    // The last run's spec, as the output files record it (JSON), with its placement.
    if (const QByteArray saved = settings.value("run/spec").toByteArray(); !saved.isEmpty()) {
        try {
            RunSpec spec = runSpecFromJson(nlohmann::json::parse(saved.toStdString()));
            spec.timeStepSeconds = 0.0;  // the panel always uses the automatic step
            spec.outputPath.clear();     // not in the JSON: the panel's fresh default stays
            spec.threads = settings.value("run/threads", 0).toInt();
            runPanel_->setSpec(spec);
        } catch (const std::exception& error) {
            qWarning("spreadcast: the saved run settings could not be read (%s); starting from the defaults",
                     error.what());
        }
    }
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    connectViewHelpers();
    if (const QString problem = QString::fromStdString(globe_->scene().coastlineProblem()); !problem.isEmpty()) {
        statusBar()->showMessage("Coastlines not drawn: " + problem, 15000);
    }
}

MainWindow::~MainWindow()
{
    // A run still going is cancelled and its worker waited for while the window is whole.
    disconnect(runController_, nullptr, this, nullptr);
    delete runController_;
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu("&File");
    QAction* open = file->addAction("&Open forecast…", this, &MainWindow::openForecastDialog);
    open->setShortcut(QKeySequence::Open);
    QMenu* exportMenu = file->addMenu("&Export");
    QAction* image = exportMenu->addAction("&Image…", this, &MainWindow::exportImageDialog);
    image->setShortcut(QKeySequence("Ctrl+E"));
    QAction* plume = exportMenu->addAction("&Plume…", this, &MainWindow::exportPlumeDialog);
    plume->setShortcut(QKeySequence("Ctrl+Shift+E"));
    QAction* netcdf = exportMenu->addAction("&NetCDF…", this, &MainWindow::exportNetcdfDialog);
    netcdf->setShortcut(QKeySequence("Ctrl+Shift+S"));
    file->addSeparator();
    QAction* quit = file->addAction("&Quit", this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu("&View");
    for (QDockWidget* dock : findChildren<QDockWidget*>()) {
        view->addAction(dock->toggleViewAction());
    }
    QMenu* help = menuBar()->addMenu("&Help");
    help->addAction("&About Spreadcast", this, &MainWindow::showAbout);
    addViewActions(view, help);
}

void MainWindow::showError(const QString& title, const QString& message)
{
    if (quietErrors_) {
        statusBar()->showMessage(title + ": " + message, 10000);
        return;
    }
    lastError_ = message;
    statusBar()->showMessage(title + ": " + message, 20000);
    // Window-modal and non-blocking: a run going on keeps reporting behind it.
    auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
    box->setObjectName("errorMessage");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

bool MainWindow::openForecast(const QString& path)
{
    std::shared_ptr<const ForecastFile> file;
    try {
        file = std::make_shared<const ForecastFile>(path.toStdString());
    } catch (const InputError& error) {
        showError("Cannot open forecast", QString::fromStdString(error.what()));
        return false;
    }
    auto products = std::make_unique<ForecastProducts>(file);
    if (products->fields().empty()) {
        showError("Cannot open forecast", path + " has no field that the globe can show.");
        return false;
    }
    file_ = std::move(file);
    products_ = std::move(products);
    QSettings().setValue("directories/forecast", QFileInfo(path).absolutePath());
    productPanel_->setProducts(products_.get());
    QStringList times;
    for (int t = 0; t < static_cast<int>(file_->leadHours().size()); ++t) {
        times << QString::fromStdString(products_->timeLabel(t));
    }
    timeBar_->setTimes(times);
    const QString status = QString::fromStdString(file_->runStatus());
    forecastLabel_->setText(QFileInfo(path).fileName() + " · " + QString::number(file_->members().size()) +
                            " members · " + QString::number(times.size()) + " times" +
                            (status.isEmpty() ? QString() : " · " + status));
    setWindowTitle(QFileInfo(path).fileName() + " — Spreadcast");
    runPanel_->setResumable(canResume(*file_) ? path : QString());
    // The grid keeps the states and devices of the run that wrote this file; another file lists
    // the members it keeps, each a click away from the globe.
    if (!samePath(path, gridRunOutput_)) {
        gridRunOutput_.clear();
        memberGrid_->showStoredMembers(file_->members(), status == "complete" || !file_->isSpreadcastFile());
    }
    updateView();
    refreshPlume();
    emit forecastOpened(path);
    return true;
}

void MainWindow::updateView()
{
    if (!products_) {
        return;
    }
    std::optional<ProductRequest> request = productPanel_->request();
    if (!request) {
        return;
    }
    request->timeIndex = timeBar_->timeIndex();
    addForecasterViewOptions(*request);
    QElapsedTimer timer;
    timer.start();
    try {
        const GlobeContent content = products_->content(*request);
        globe_->showContent(content);
        showInForecasterViews(content);
        clearStaleProductError();
    } catch (const InputError& error) {
        showError("Cannot show this product", QString::fromStdString(error.what()));
    } catch (const std::exception& error) {
        showError("Cannot show this product", QString::fromStdString(error.what()));
    }
    lastUpdateMilliseconds_ = static_cast<double>(timer.nsecsElapsed()) * 1e-6;
    if (plumePoint_ && plumeKey(*request) != plumeField_) {
        showPlumeAt(plumePoint_->first, plumePoint_->second);
    }
}

bool MainWindow::showPlumeAt(double latitude, double longitude)
{
    const std::optional<ProductRequest> request = productPanel_->request();
    if (!products_ || !request) {
        return false;
    }
    plumePoint_ = std::make_pair(latitude, longitude);
    plumeField_ = plumeKey(*request);
    globe_->scene().setMarker(plumePoint_);
    globe_->requestRedraw();
    try {
        plumeWidget_->setPlume(plumeAt(*products_, request->field, latitude, longitude, request->levelIndex));
        plumeWidget_->setCurrentTimeIndex(timeBar_->timeIndex());
    } catch (const InputError& error) {
        plumeWidget_->setPlume(std::nullopt);
        statusBar()->showMessage("No plume: " + QString::fromStdString(error.what()), 10000);
        return false;
    }
    plumeDock_->show();
    if (statusBar()->currentMessage().startsWith("No plume")) {
        statusBar()->clearMessage();
    }
    return true;
}

bool MainWindow::exportPlume(const QString& pngPath, int width, int height)
{
    if (!plumeWidget_->plume()) {
        showError("Nothing to export", "Click a point on the globe first: its plume is what is exported.");
        return false;
    }
    const QImage image = plumeWidget_->image(QSize(width, height));
    if (!image.save(pngPath, "PNG")) {
        showError("Cannot export the plume",
                  "Cannot write '" + pngPath + "': check the folder exists and is writable.");
        return false;
    }
    QString csvPath = pngPath;
    csvPath.replace(QRegularExpression("\\.png$", QRegularExpression::CaseInsensitiveOption), "");
    csvPath += ".csv";
    QFile csv(csvPath);
    const std::string text = plumeCsv(*plumeWidget_->plume());
    if (!csv.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        csv.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())) {
        showError("Cannot export the plume", "Cannot write '" + csvPath + "': " + csv.errorString());
        return false;
    }
    statusBar()->showMessage(QString("Wrote %1 and %2").arg(pngPath, csvPath), 8000);
    return true;
}

bool MainWindow::exportImage(const QString& path, int width, int height)
{
    try {
        OffscreenGlobeRenderer renderer;
        renderer.scene().show(globe_->scene().content());
        renderer.scene().setCamera(globe_->scene().camera());
        renderer.scene().setMarker(globe_->scene().marker());
        renderer.writePng(width, height, path.toStdString());
    } catch (const std::exception& error) {
        showError("Cannot export the image", QString::fromStdString(error.what()));
        return false;
    }
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    statusBar()->showMessage(QString("Wrote %1 (%2 × %3)").arg(path).arg(width).arg(height), 8000);
    return true;
}

void MainWindow::openForecastDialog()
{
    const QString folder = QSettings().value("directories/forecast", QDir::homePath()).toString();
    const QString path =
        QFileDialog::getOpenFileName(this, "Open forecast", folder, "NetCDF files (*.nc *.nc4 *.cdf);;All files (*)");
    if (!path.isEmpty()) {
        openForecast(path);
    }
}

void MainWindow::exportImageDialog()
{
    if (globe_->scene().content().latitudes.empty()) {
        showError("Nothing to export", "Open a forecast or run one first.");
        return;
    }
    QSettings settings;
    QDialog dialog(this);
    dialog.setWindowTitle("Export image");
    auto* form = new QFormLayout(&dialog);
    auto* width = new QSpinBox;
    width->setRange(16, maxImageSide);
    width->setValue(settings.value("export/width", 1600).toInt());
    auto* height = new QSpinBox;
    height->setRange(16, maxImageSide);
    height->setValue(settings.value("export/height", 1200).toInt());
    form->addRow("Width (pixels)", width);
    form->addRow("Height (pixels)", height);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) {
        return;
    }
    settings.setValue("export/width", width->value());
    settings.setValue("export/height", height->value());
    const QString path = askExportPath("Export image", "globe.png", "PNG images (*.png)");
    if (!path.isEmpty()) {
        exportImage(path, width->value(), height->value());
    }
}

QString MainWindow::askExportPath(const QString& title, const QString& fileName, const QString& filter)
{
    const QString folder = QSettings().value("directories/export", QDir::homePath()).toString();
    QString path = QFileDialog::getSaveFileName(this, title, QDir(folder).filePath(fileName), filter);
    const QString suffix = "." + QFileInfo(fileName).suffix();
    if (!path.isEmpty() && !path.endsWith(suffix, Qt::CaseInsensitive)) {
        path += suffix;
    }
    return path;
}

std::optional<QSize> MainWindow::askExportSize(const QString& title, const QString& what, const QString& settingsKey,
                                               const QString& defaultSize)
{
    QSettings settings;
    bool ok = false;
    const QString size = QInputDialog::getText(this, title, "Size in pixels (WIDTHxHEIGHT)", QLineEdit::Normal,
                                               settings.value(settingsKey, defaultSize).toString(), &ok);
    if (!ok) {
        return std::nullopt;
    }
    const QStringList parts = size.trimmed().split('x');
    const int width = parts.size() == 2 ? parts[0].toInt() : 0;
    const int height = parts.size() == 2 ? parts[1].toInt() : 0;
    if (width <= 0 || height <= 0) {
        showError("Cannot export the " + what,
                  "'" + size + "' is not a size: type WIDTHxHEIGHT, e.g. " + defaultSize + ".");
        return std::nullopt;
    }
    settings.setValue(settingsKey, size.trimmed());
    return QSize(width, height);
}

void MainWindow::exportPlumeDialog()
{
    if (!plumeWidget_->plume()) {
        showError("Nothing to export", "Click a point on the globe first: its plume is what is exported.");
        return;
    }
    const QString path = askExportPath("Export plume (PNG and CSV)", "plume.png", "PNG images (*.png)");
    if (path.isEmpty()) {
        return;
    }
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    exportPlume(path, 1200, 600);
}

bool MainWindow::exportNetcdf(const QString& path, bool statisticsOnly)
{
    if (!file_) {
        showError("Nothing to export", "Open a forecast or run one first.");
        return false;
    }
    QApplication::setOverrideCursor(Qt::WaitCursor);
    try {
        file_->exportCopy(path.toStdString(), statisticsOnly);
    } catch (const InputError& error) {
        QApplication::restoreOverrideCursor();
        showError("Cannot export NetCDF", QString::fromStdString(error.what()));
        return false;
    }
    QApplication::restoreOverrideCursor();
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    statusBar()->showMessage(QString("Wrote %1%2").arg(path, statisticsOnly ? " (statistics only)" : ""), 8000);
    return true;
}

void MainWindow::exportNetcdfDialog()
{
    if (!file_) {
        showError("Nothing to export", "Open a forecast or run one first.");
        return;
    }
    bool chosen = false;
    const QStringList choices{"All members and statistics", "Statistics only (no members)"};
    const QString choice = QInputDialog::getItem(this, "Export NetCDF", "What to write:", choices, 0, false, &chosen);
    if (!chosen) {
        return;
    }
    const QString path = askExportPath("Export NetCDF", "forecast-export.nc", "NetCDF files (*.nc)");
    if (!path.isEmpty()) {
        exportNetcdf(path, choice == choices[1]);
    }
}

void MainWindow::startRun(const RunSpec& spec)
{
    const QString output = QString::fromStdString(spec.outputPath);
    if (!confirmOverwrite(this, output, file_ && samePath(QString::fromStdString(file_->path()), output))) {
        statusBar()->showMessage("Run not started: " + output + " is kept", 10000);
        return;
    }
    QSettings settings;
    settings.setValue("run/spec", QByteArray::fromStdString(toJson(spec).dump()));
    settings.setValue("run/threads", spec.threads);
    beginRun(spec, std::nullopt);
}

void MainWindow::resumeRun()
{
    const QString path = runPanel_->resumablePath();
    std::optional<RunManifest> manifest;
    try {
        manifest = readRunManifest(path.toStdString());
    } catch (const std::exception& error) {
        showError("Cannot resume the run", QString::fromStdString(error.what()));
        return;
    }
    // Where it runs may change; what it computes comes from the manifest.
    RunSpec placement;
    if (const std::optional<RunSpec> panel = runPanel_->spec()) {
        placement = *panel;
    }
    placement.outputPath = path.toStdString();
    beginRun(placement, std::move(manifest));
}

void MainWindow::closeForecastIf(const QString& path)
{
    if (!file_ || !samePath(QString::fromStdString(file_->path()), path)) {
        return;
    }
    productPanel_->setProducts(nullptr);
    plumeWidget_->setPlume(std::nullopt);
    products_.reset();
    file_.reset();
    timeBar_->setTimes({});
}

void MainWindow::beginRun(const RunSpec& spec, std::optional<RunManifest> resume)
{
    const QString output = QString::fromStdString(spec.outputPath);
    // HDF5 cannot write a file that this process holds open for reading.
    closeForecastIf(output);
    memberGrid_->clear();
    devicesPanel_->clear();
    // The previous file's plume goes; the picked point stays for the new run's plume.
    plumeWidget_->setPlume(std::nullopt);
    plumeDock_->hide();
    const bool resuming = resume.has_value();
    const RunSpec recorded = resume ? resumedSpec(*resume, spec) : spec;
    if (!runController_->start(spec, std::move(resume))) {
        showError("Run not started", "A run is going on already: wait for it or cancel it.");
        return;
    }
    setRunning(true);
    runPanel_->setResumable(QString());
    runningOutput_ = output;
    gridRunOutput_ = output;
    noteRunStarted(recorded);
    newestCompletedTime_ = -1;
    membersShown_ = 0;
    forecastLabel_->setText((resuming ? "Resuming " : "Running ") + runningOutput_);
}

void MainWindow::showProgress(const RunProgress& progress)
{
    devicesPanel_->showProgress(progress);
    memberGrid_->showProgress(progress);
    if (progress.memberStepsTotal > 0) {
        progressBar_->setValue(static_cast<int>(1000 * progress.memberStepsDone / progress.memberStepsTotal));
    }
    etaLabel_->setText(formatSeconds(progress.etaSeconds));
    // A finished member is in the file at every time: show it before the first time is complete
    // for all members (with more members than workers, that is late in the run).
    if (!runningOutput_.isEmpty() && progress.membersDone > membersShown_) {
        membersShown_ = progress.membersDone;
        followRunningForecast(newestCompletedTime_);
    }
}

void MainWindow::followRunningForecast(int timeIndex)
{
    if (runningOutput_.isEmpty()) {
        return;
    }
    // The view follows the newest complete time unless the person has gone back to an earlier one.
    const bool following = !file_ || timeBar_->timeIndex() >= newestCompletedTime_;
    newestCompletedTime_ = std::max(newestCompletedTime_, timeIndex);
    // The time is in the file now (the aggregator publishes it after writing): read what is there.
    std::shared_ptr<const ForecastFile> file;
    try {
        file = std::make_shared<const ForecastFile>(runningOutput_.toStdString());
    } catch (const InputError& error) {
        statusBar()->showMessage("Cannot show the running forecast: " + QString::fromStdString(error.what()), 10000);
        return;
    }
    products_.reset();
    file_ = std::move(file);
    products_ = std::make_unique<ForecastProducts>(file_);
    productPanel_->setProducts(products_.get());
    QStringList times;
    for (int t = 0; t < static_cast<int>(file_->leadHours().size()); ++t) {
        times << QString::fromStdString(products_->timeLabel(t));
    }
    quietErrors_ = true;
    timeBar_->setTimes(times);
    forecastLabel_->setText(QString("Running %1 · %2 of %3 times complete")
                                .arg(QFileInfo(runningOutput_).fileName())
                                .arg(newestCompletedTime_ + 1)
                                .arg(times.size()));
    if (following && newestCompletedTime_ >= 0 && timeBar_->timeIndex() != newestCompletedTime_) {
        timeBar_->setTimeIndex(newestCompletedTime_);  // updates the view
    } else {
        updateView();
    }
    refreshPlume();
    quietErrors_ = false;
}

void MainWindow::runEnded(const RunResult& result)
{
    setRunning(false);
    runningOutput_.clear();
    const QString status = QString::fromStdString(result.status);
    statusBar()->showMessage(QString("Run %1 in %2 s").arg(status).arg(result.elapsedSeconds, 0, 'f', 1), 20000);
    if (!result.failures.empty()) {
        showError("Some members failed", QString::fromStdString(describeFailures(result.failures)));
    }
    // The reader opened during the run shares the writer's HDF5 file, which was opened read-write:
    // let it go, so that the file is closed and then opened afresh, read-only.
    const QString output = QString::fromStdString(result.outputPath);
    closeForecastIf(output);
    if (QFileInfo::exists(output)) {
        openForecast(output);
    }
    emit runFinished(status);
}

void MainWindow::runFailed(const QString& message)
{
    setRunning(false);
    closeForecastIf(runningOutput_);
    runningOutput_.clear();
    showError("Run failed", withoutCommandLineFlags(message.toStdString()));
    emit runFinished("failed: " + message);
}

void MainWindow::setRunning(bool running)
{
    runPanel_->setRunning(running);
    progressBar_->setVisible(running);
    etaLabel_->setVisible(running);
    cancelButton_->setVisible(running);
    if (running) {
        progressBar_->setValue(0);
        etaLabel_->setText(formatSeconds(-1.0));
    }
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, "About Spreadcast",
        QString("<h3>%1 %2</h3><p>An ensemble-forecasting workstation: a spectral shallow-water model run as an "
                "ensemble, watched live, inspected on a 3-D globe.</p>"
                "<p>Coastlines: GSHHG — A Global Self-consistent, Hierarchical, High-resolution Geography "
                "Database, version 2.3, by Paul Wessel and Walter H. F. Smith (Wessel &amp; Smith 1996, "
                "J. Geophys. Res. 101(B4)), LGPL; read from %3.</p>"
                "<p>Colour maps: viridis (van der Walt &amp; Smith), cool–warm (Moreland 2009). "
                "Built with Qt %4 and VTK.</p>")
            .arg(softwareName, softwareVersion, QString::fromStdString(defaultCoastlinePath()), qVersion()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (runController_->isRunning()) {
        const auto answer = QMessageBox::question(this, "A run is going on",
                                                  "Cancel the run and quit? What has finished stays in its file.");
        if (answer != QMessageBox::Yes) {
            event->ignore();
            return;
        }
    }
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    event->accept();
}

void MainWindow::connectViewHelpers()
{
    connect(timeBar_, &TimeBar::timeChanged, plumeWidget_, &PlumeWidget::setCurrentTimeIndex);
    connect(memberGrid_, &MemberGrid::memberActivated, this, &MainWindow::selectMember);
    // The side docks run the window's full height; the plume goes under the globe only.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    // The right-hand docks scroll rather than squeeze their contents into each other on a small
    // screen (1024 × 700).
    for (const char* name : {"ensembleDock", "devicesDock"}) {
        auto* dock = findChild<QDockWidget*>(name);
        if (dock == nullptr || dock->widget() == nullptr) {
            continue;
        }
        QWidget* content = dock->widget();
        auto* scroll = new QScrollArea;
        scroll->setObjectName(QString(name) + "Scroll");
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        // Narrower than its pickers only when the window is: then it scrolls sideways too,
        // rather than cutting them off.
        scroll->setMinimumWidth(std::min(240, content->minimumSizeHint().width()));
        dock->setWidget(scroll);
        scroll->setWidget(content);
    }
    // On a small screen the Run dock shares the right-hand column with the Ensemble dock (as
    // tabs), so the globe keeps a usable width.
    const QScreen* display = screen() != nullptr ? screen() : QGuiApplication::primaryScreen();
    auto* runDock = findChild<QDockWidget*>("runDock");
    auto* ensembleDock = findChild<QDockWidget*>("ensembleDock");
    if (display != nullptr && display->availableGeometry().width() < 1280 && runDock != nullptr &&
        ensembleDock != nullptr && dockWidgetArea(runDock) == Qt::LeftDockWidgetArea) {
        tabifyDockWidget(ensembleDock, runDock);
        ensembleDock->raise();
    }
    // A plume dock restored from the last session has nothing to show yet.
    if (!plumeWidget_->plume()) {
        plumeDock_->hide();
    }
    fitToScreen();
}

void MainWindow::fitToScreen()
{
    const QScreen* display = screen() != nullptr ? screen() : QGuiApplication::primaryScreen();
    if (display == nullptr) {
        return;
    }
    // Qt pixels: a scaled screen (QT_SCALE_FACTOR=1.5) has fewer of them.
    const QRect available = display->availableGeometry();
    const QSize frame = frameGeometry().size().expandedTo(size());
    const QSize decoration = frame - size();
    if (frame.width() <= available.width() && frame.height() <= available.height() &&
        available.contains(frameGeometry().topLeft())) {
        return;
    }
    const QSize fitted(std::min(width(), available.width() * 19 / 20 - decoration.width()),
                       std::min(height(), available.height() * 19 / 20 - decoration.height()));
    resize(fitted.expandedTo(minimumSizeHint()).boundedTo(available.size()));
    move(available.topLeft() + QPoint((available.width() - frameGeometry().width()) / 2,
                                      (available.height() - frameGeometry().height()) / 2));
}

void MainWindow::addViewActions(QMenu* view, QMenu* help)
{
    view->addSeparator();
    view->addAction(globe_->resetViewAction());
    QAction* shortcuts = help->addAction("&Keyboard shortcuts", this, &MainWindow::showShortcuts);
    shortcuts->setObjectName("showShortcuts");
    shortcuts->setShortcut(QKeySequence::HelpContents);
}

QStringList MainWindow::shortcutList() const
{
    QStringList lines;
    for (QMenu* menu : menuBar()->findChildren<QMenu*>()) {
        for (const QAction* action : menu->actions()) {
            if (!action->shortcut().isEmpty()) {
                lines << action->shortcut().toString(QKeySequence::NativeText) + " — " +
                             action->text().remove('&').remove("…");
            }
        }
    }
    lines.removeDuplicates();
    lines << "Space — play or pause the time bar"
          << "Drag on the globe — turn it (north stays up)"
          << "Wheel, + and − on the globe — zoom"
          << "Arrow keys on the globe — turn it by 10°"
          << "Click on the globe — the plume of that point";
    return lines;
}

void MainWindow::showShortcuts()
{
    auto* box = new QMessageBox(QMessageBox::Information, "Keyboard shortcuts", shortcutList().join('\n'),
                                QMessageBox::Ok, this);
    box->setObjectName("shortcutsMessage");
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::selectMember(int member)
{
    if (!products_) {
        return;
    }
    const std::vector<int>& stored = products_->file().members();
    const auto found = std::find(stored.begin(), stored.end(), member);
    QComboBox* product = productPanel_->productBox();
    const int memberProduct = product->findData(QString::fromUtf8(productName(Product::Member).data()));
    if (found == stored.end() || memberProduct < 0) {
        statusBar()->showMessage(
            QString("Member %1 is not stored in this file: the run kept members %2")
                .arg(member)
                .arg(stored.empty() ? QString("none") : QString("%1 … %2").arg(stored.front()).arg(stored.back())),
            10000);
        return;
    }
    product->setCurrentIndex(memberProduct);
    productPanel_->memberBox()->setValue(static_cast<int>(found - stored.begin()));
}

void MainWindow::refreshPlume()
{
    if (plumePoint_ && products_ && showPlumeAt(plumePoint_->first, plumePoint_->second)) {
        return;
    }
    plumeWidget_->setPlume(std::nullopt);
    globe_->scene().setMarker(plumePoint_);
    plumeDock_->hide();
}

void MainWindow::clearStaleProductError()
{
    if (statusBar()->currentMessage().startsWith("Cannot show this product")) {
        statusBar()->clearMessage();
    }
}

}  // namespace spreadcast
