#pragma once

#include "ui/GlobeWidget.h"
#include "viz/ForecastProducts.h"

#include <QMainWindow>
#include <QSize>

#include <memory>
#include <optional>

class QDockWidget;
class QMenu;
class QLabel;
class QProgressBar;
class QPushButton;

namespace spreadcast {

class DevicesPanel;
class EpsgramWidget;
class MapWidget;
class MemberGrid;
class PointEntry;
class PlumeWidget;
class ProductPanel;
class RunController;
class RunHistoryPanel;
class RunPanel;
class TimeBar;
struct RunManifest;
struct RunProgress;
struct RunResult;
struct RunSpec;

// The workstation: the globe in the centre, docks for the run, the ensemble (pickers and member
// grid) and the devices, the time bar below the globe, a progress bar with ETA and Cancel in the
// status bar. Errors are shown as (non-blocking) message boxes and the window stays usable.
class MainWindow : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(GlobeWidget::Backend backend, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a forecast file for inspection; false (and an error shown) when it cannot be read.
    bool openForecast(const QString& path);
    // Renders the current view offscreen at the size given and writes a PNG; false (and an error
    // shown) when it cannot.
    bool exportImage(const QString& path, int width, int height);
    // The plume of the grid point nearest to a point of the globe, for the field shown; false
    // (and why in the status bar) when the file keeps no members of it.
    bool showPlumeAt(double latitude, double longitude);
    // Writes the plume as a PNG of the given size and, beside it, a CSV of the same name.
    bool exportPlume(const QString& pngPath, int width, int height);
    // Copies the open forecast to a NetCDF file: everything, or the statistics without members.
    bool exportNetcdf(const QString& path, bool statisticsOnly);
    // The keyboard shortcuts as Help ▸ Keyboard shortcuts lists them: one "keys — what" line each.
    QStringList shortcutList() const;
    void showShortcuts();
    // The latest error message shown, for tests and the log.
    QString lastError() const { return lastError_; }
    // Milliseconds the last view change took to compute (the render is timed by the globe).
    double lastUpdateMilliseconds() const { return lastUpdateMilliseconds_; }
    const ForecastProducts* products() const { return products_.get(); }

    GlobeWidget* globe() const { return globe_; }
    RunPanel* runPanel() const { return runPanel_; }
    MemberGrid* memberGrid() const { return memberGrid_; }
    DevicesPanel* devicesPanel() const { return devicesPanel_; }
    ProductPanel* productPanel() const { return productPanel_; }
    TimeBar* timeBar() const { return timeBar_; }
    PlumeWidget* plumeWidget() const { return plumeWidget_; }
    RunController* runController() const { return runController_; }

    // The forecaster's views (MainWindowViews.cpp): the map beside the globe, the EPSgram beside
    // the plume, the typed point and the value readout under the mouse.
    MapWidget* mapWidget() const { return mapWidget_; }
    QDockWidget* mapDock() const { return mapDock_; }
    EpsgramWidget* epsgramWidget() const { return epsgramWidget_; }
    PointEntry* pointEntry() const { return pointEntry_; }
    QLabel* readoutLabel() const { return readoutLabel_; }
    // The EPSgram of the grid point nearest to a point, for the field shown; false (and why in
    // the status bar) when the file keeps no members of it.
    bool showEpsgramAt(double latitude, double longitude);
    // The map view as a PNG of any size; the EPSgram as a PNG with a CSV beside it.
    bool exportMap(const QString& path, int width, int height);
    bool exportEpsgram(const QString& pngPath, int width, int height);
    // Every written time of the product shown, on the map when the Map dock is open and the
    // globe otherwise, into an animated GIF or an MP4 video (by the name's suffix) at the time
    // bar's playing speed.
    bool exportAnimation(const QString& path, int width, int height);

    // The Run history dock (MainWindowHistory.cpp): the runs started here and the Spreadcast
    // forecasts opened here, kept across sessions.
    RunHistoryPanel* runHistoryPanel() const { return runHistoryPanel_; }
    QDockWidget* runHistoryDock() const { return runHistoryDock_; }
    // Difference from another run (File ▸ Compare with run…): every product is shown minus the
    // same product of that forecast at the same valid time, level and member; false (and what
    // differs shown) when it cannot be read or does not match. An empty path stops comparing.
    bool compareWith(const QString& path);

signals:
    void forecastOpened(const QString& path);
    void runFinished(const QString& status);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void updateView();
    void showError(const QString& title, const QString& message);
    void startRun(const RunSpec& spec);
    // The run lifecycle: a new run (asked before it overwrites a file), a resumed one, and the
    // running forecast followed from the controller's output-time events.
    void beginRun(const RunSpec& spec, std::optional<RunManifest> resume);
    void resumeRun();
    void followRunningForecast(int timeIndex);
    // Lets go of the open forecast (its netCDF handle with it) when it is the file at `path`.
    void closeForecastIf(const QString& path);
    void showProgress(const RunProgress& progress);
    void runEnded(const RunResult& result);
    void runFailed(const QString& message);
    void setRunning(bool running);
    void openForecastDialog();
    void exportImageDialog();
    void exportPlumeDialog();
    void exportNetcdfDialog();
    void showAbout();
    // Display helpers, kept apart from the run's lifecycle: the plume and the globe's marker
    // follow the picked point and the shown time, Members cells pick a member, the window fits
    // the screen, the View and Help menus' extras.
    void connectViewHelpers();
    void fitToScreen();
    void addViewActions(QMenu* view, QMenu* help);
    void selectMember(int member);
    // The plume at the picked point for the current file and field (cleared when there is none).
    void refreshPlume();
    void clearStaleProductError();
    void createForecasterViews();
    void addForecasterViewOptions(ProductRequest& request) const;
    void showInForecasterViews(const GlobeContent& content);
    void exportMapDialog();
    // A file to export to, asked in the folder of the last export; the file name's suffix added
    // when the person left it off. Empty when cancelled.
    QString askExportPath(const QString& title, const QString& fileName, const QString& filter);
    // A picture size typed as WIDTHxHEIGHT, remembered under settingsKey; nullopt when cancelled or
    // not a size (the person is told).
    std::optional<QSize> askExportSize(const QString& title, const QString& what, const QString& settingsKey,
                                       const QString& defaultSize);
    void exportEpsgramDialog();
    void exportAnimationDialog();
    void addVideoExport();
    void exportVideoDialog();
    void createRunHistory();
    void noteRunStarted(const RunSpec& spec);
    void resumeFromHistory(const QString& path);
    void useRunSettings(RunSpec spec);

    GlobeWidget* globe_ = nullptr;
    RunPanel* runPanel_ = nullptr;
    MemberGrid* memberGrid_ = nullptr;
    DevicesPanel* devicesPanel_ = nullptr;
    ProductPanel* productPanel_ = nullptr;
    TimeBar* timeBar_ = nullptr;
    PlumeWidget* plumeWidget_ = nullptr;
    QDockWidget* plumeDock_ = nullptr;
    std::optional<std::pair<double, double>> plumePoint_;
    std::string plumeField_;  // plumeKey of the plume shown
    // The field and level a point's plume or EPSgram shows: a new one is drawn when either changes.
    static std::string plumeKey(const ProductRequest& request)
    {
        return request.field + "@" + std::to_string(request.levelIndex);
    }
    RunController* runController_ = nullptr;
    QProgressBar* progressBar_ = nullptr;
    QLabel* etaLabel_ = nullptr;
    QPushButton* cancelButton_ = nullptr;
    QLabel* forecastLabel_ = nullptr;
    std::shared_ptr<const ForecastFile> file_;
    std::unique_ptr<ForecastProducts> products_;
    QString lastError_;
    QString runningOutput_;         // the file a run is writing, empty when none
    QString gridRunOutput_;         // the file whose run the member grid shows, empty for none
    int newestCompletedTime_ = -1;  // of the running forecast, from its output-time events
    int membersShown_ = 0;          // finished members of the running forecast the view has read
    bool quietErrors_ = false;      // product errors to the status bar, not a dialog
    double lastUpdateMilliseconds_ = 0.0;
    MapWidget* mapWidget_ = nullptr;
    QDockWidget* mapDock_ = nullptr;
    EpsgramWidget* epsgramWidget_ = nullptr;
    QDockWidget* epsgramDock_ = nullptr;
    PointEntry* pointEntry_ = nullptr;
    QLabel* readoutLabel_ = nullptr;
    std::optional<std::pair<double, double>> epsgramPoint_;
    std::string epsgramField_;
    std::shared_ptr<ForecastProducts> comparison_;  // the run subtracted, when comparing
    RunHistoryPanel* runHistoryPanel_ = nullptr;
    QDockWidget* runHistoryDock_ = nullptr;
    QString runHistoryOutput_;  // the file of the run last started, for its record when it fails
};

}  // namespace spreadcast
