// The forecaster's views of the main window — the map beside the globe, the EPSgram beside the
// plume, a typed point, the value under the mouse — kept apart from MainWindow.cpp, which calls
// createForecasterViews() once and routes each new product through showInForecasterViews().
#include "run/InputError.h"
#include "ui/EpsgramWidget.h"
#include "ui/MainWindow.h"
#include "ui/MapWidget.h"
#include "ui/PlumeWidget.h"
#include "ui/PointEntry.h"
#include "ui/ProductPanel.h"
#include "ui/TimeBar.h"
#include "viz/AnimationFile.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMouseEvent>
#include <QSettings>
#include <QStatusBar>
#include <QToolBar>

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

namespace spreadcast {
namespace {

// Reports the point of the globe under the mouse: installed on the globe's drawing surface,
// which gets mouse tracking so moves without a button count too.
class GlobeHover : public QObject {
public:
    GlobeHover(GlobeWidget* globe, std::function<void(std::optional<std::pair<double, double>>)> report)
        : QObject(globe), globe_(globe), report_(std::move(report))
    {
        std::vector<QWidget*> surfaces{globe};
        for (QWidget* child : globe->findChildren<QWidget*>()) {
            surfaces.push_back(child);
        }
        for (QWidget* surface : surfaces) {
            surface->setMouseTracking(true);
            surface->installEventFilter(this);
        }
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        auto* surface = qobject_cast<QWidget*>(watched);
        if (surface != nullptr && event->type() == QEvent::MouseMove) {
            const double ratio = surface->devicePixelRatioF();
            const QPointF at = static_cast<QMouseEvent*>(event)->position() * ratio;
            report_(globe_->scene().pick(static_cast<int>(at.x()), static_cast<int>(at.y()),
                                         static_cast<int>(surface->width() * ratio),
                                         static_cast<int>(surface->height() * ratio)));
        } else if (event->type() == QEvent::Leave) {
            report_(std::nullopt);
        }
        return false;
    }

private:
    GlobeWidget* globe_;
    std::function<void(std::optional<std::pair<double, double>>)> report_;
};

constexpr int recentFileCount = 8;

QMenu* findMenu(QWidget* window, const QString& title)
{
    for (QMenu* menu : window->findChildren<QMenu*>()) {
        if (menu->title() == title) {
            return menu;
        }
    }
    return nullptr;
}

}  // namespace

void MainWindow::createForecasterViews()
{
    mapWidget_ = new MapWidget;
    mapDock_ = new QDockWidget("Map");
    mapDock_->setObjectName("mapDock");
    mapDock_->setWidget(mapWidget_);
    addDockWidget(Qt::RightDockWidgetArea, mapDock_);
    mapDock_->hide();  // View ▸ Map
    connect(mapDock_, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible) {
            mapWidget_->showContent(globe_->scene().content());
        }
    });
    connect(mapWidget_, &MapWidget::windArrowsChanged, this, &MainWindow::updateView);

    epsgramWidget_ = new EpsgramWidget;
    epsgramDock_ = new QDockWidget("EPSgram");
    epsgramDock_->setObjectName("epsgramDock");
    epsgramDock_->setWidget(epsgramWidget_);
    addDockWidget(Qt::BottomDockWidgetArea, epsgramDock_);
    tabifyDockWidget(plumeDock_, epsgramDock_);
    epsgramDock_->hide();  // until a point is picked

    // A point for the plume and EPSgram: clicked on the globe or map, or typed.
    auto showPoint = [this](double latitude, double longitude) {
        showPlumeAt(latitude, longitude);
        showEpsgramAt(latitude, longitude);
    };
    connect(globe_, &GlobeWidget::clicked, this, &MainWindow::showEpsgramAt);
    connect(mapWidget_, &MapWidget::clicked, this, showPoint);
    pointEntry_ = new PointEntry;
    connect(pointEntry_, &PointEntry::pointEntered, this, showPoint);
    auto* pointBar = new QToolBar("Point");
    pointBar->setObjectName("pointToolBar");
    pointBar->addWidget(pointEntry_);
    addToolBar(Qt::TopToolBarArea, pointBar);

    // The value under the mouse, on the globe or the map.
    readoutLabel_ = new QLabel;
    readoutLabel_->setObjectName("valueReadout");
    statusBar()->addWidget(readoutLabel_, 2);
    connect(mapWidget_, &MapWidget::readout, readoutLabel_, &QLabel::setText);
    new GlobeHover(globe_, [this](std::optional<std::pair<double, double>> point) {
        readoutLabel_->setText(
            point ? QString::fromStdString(valueReadout(globe_->scene().content(), point->first, point->second))
                  : QString());
    });

    // File ▸ Open recent: the last files opened, newest first, kept across sessions.
    QMenu* recent = nullptr;
    if (QMenu* file = findMenu(this, "&File")) {
        recent = new QMenu("Open &recent", file);
        recent->setObjectName("recentMenu");
        file->insertMenu(file->actions().value(1), recent);
    }
    auto fillRecent = [this, recent] {
        if (recent == nullptr) {
            return;
        }
        recent->clear();
        const QStringList paths = QSettings().value("files/recent").toStringList();
        for (const QString& path : paths) {
            recent->addAction(QFileInfo(path).fileName() + "  —  " + QFileInfo(path).absolutePath(), this,
                              [this, path] { openForecast(path); });
        }
        recent->setEnabled(!paths.isEmpty());
    };
    fillRecent();
    connect(this, &MainWindow::forecastOpened, this, [this, fillRecent](const QString& path) {
        epsgramWidget_->setEpsgram(std::nullopt);
        epsgramPoint_.reset();
        QSettings settings;
        QStringList paths = settings.value("files/recent").toStringList();
        const QString absolute = QFileInfo(path).absoluteFilePath();
        paths.removeAll(absolute);
        paths.prepend(absolute);
        while (paths.size() > recentFileCount) {
            paths.removeLast();
        }
        settings.setValue("files/recent", paths);
        fillRecent();
    });

    if (QMenu* view = findMenu(this, "&View")) {
        view->addSeparator();
        QAction* map = mapDock_->toggleViewAction();
        map->setShortcut(QKeySequence("Ctrl+M"));
        view->addAction(map);
        view->addAction(epsgramDock_->toggleViewAction());
        view->addAction(pointBar->toggleViewAction());
    }
    // File ▸ Compare with run…: the difference from another forecast file.
    if (QMenu* file = findMenu(this, "&File"); file != nullptr && findMenu(this, "&Export") != nullptr) {
        QAction* before = findMenu(this, "&Export")->menuAction();
        auto* compare = new QAction("&Compare with run…", file);
        compare->setObjectName("compareAction");
        compare->setToolTip(
            "Show every product minus the same product of another forecast file at the same valid time");
        connect(compare, &QAction::triggered, this, [this] {
            const QString path =
                QFileDialog::getOpenFileName(this, "Compare with run: the forecast to subtract",
                                             QSettings().value("directories/forecast", QDir::homePath()).toString(),
                                             "NetCDF files (*.nc *.nc4 *.cdf);;All files (*)");
            if (!path.isEmpty()) {
                compareWith(path);
            }
        });
        auto* stop = new QAction("Stop &comparing", file);
        stop->setObjectName("stopComparingAction");
        stop->setEnabled(false);
        connect(stop, &QAction::triggered, this, [this] { compareWith(QString()); });
        file->insertAction(before, compare);
        file->insertAction(before, stop);
    }
    // Under the map: the wind is drawn as arrows or barbs, as the product panel says.
    mapWidget_->windBox()->setText("Wind");
    mapWidget_->windBox()->setToolTip("The wind over the product (also on the globe), drawn as the product panel's "
                                      "\"Wind drawn as\" says: the member's wind for member products, otherwise the "
                                      "ensemble mean wind");
    if (QMenu* exportMenu = findMenu(this, "&Export")) {
        exportMenu->addAction("&Map…", this, &MainWindow::exportMapDialog);
        exportMenu->addAction("EPS&gram…", this, &MainWindow::exportEpsgramDialog);
        exportMenu->addAction("&Animation (GIF)…", this, &MainWindow::exportAnimationDialog);
    }
}

void MainWindow::addForecasterViewOptions(ProductRequest& request) const
{
    // Any wind the products know (the shallow-water u and v, a learned model's on levels or at 10 m).
    const auto hasWind = [this] {
        const std::vector<std::string> fields = products_->fields();
        return std::any_of(fields.begin(), fields.end(), [](const std::string& field) {
            return std::any_of(windComponentTable.begin(), windComponentTable.end(),
                               [&field](const WindComponents& wind) { return wind.speed == field; });
        });
    };
    request.windArrows = mapWidget_ != nullptr && mapWidget_->windArrows() && products_ && hasWind();
    request.minus = comparison_;
}

bool MainWindow::compareWith(const QString& path)
{
    auto* stop = findChild<QAction*>("stopComparingAction");
    if (path.isEmpty()) {
        comparison_.reset();
        if (stop != nullptr) {
            stop->setEnabled(false);
        }
        updateView();
        return true;
    }
    try {
        auto other = std::make_shared<ForecastProducts>(std::make_shared<const ForecastFile>(path.toStdString()));
        // What differs is said now, not at the next change of product.
        if (std::optional<ProductRequest> request = productPanel_->request(); products_ && request) {
            request->timeIndex = timeBar_->timeIndex();
            addForecasterViewOptions(*request);
            products_->matchingRequest(*other, *request);
        }
        comparison_ = std::move(other);
    } catch (const std::exception& error) {
        showError("Cannot compare with this forecast", QString::fromStdString(error.what()));
        return false;
    }
    if (stop != nullptr) {
        stop->setEnabled(true);
    }
    updateView();
    return true;
}

void MainWindow::showInForecasterViews(const GlobeContent& content)
{
    if (mapDock_->isVisible()) {
        mapWidget_->showContent(content);
    } else {
        mapWidget_->scene().show(content);  // drawn when the dock is shown
    }
    const std::optional<ProductRequest> request = productPanel_->request();
    if (epsgramPoint_ && request && plumeKey(*request) != epsgramField_) {
        showEpsgramAt(epsgramPoint_->first, epsgramPoint_->second);
    }
}

bool MainWindow::showEpsgramAt(double latitude, double longitude)
{
    const std::optional<ProductRequest> request = productPanel_->request();
    if (!products_ || !request) {
        return false;
    }
    epsgramPoint_ = std::make_pair(latitude, longitude);
    epsgramField_ = plumeKey(*request);
    try {
        epsgramWidget_->setEpsgram(epsgramAt(*products_, request->field, latitude, longitude, request->levelIndex));
    } catch (const InputError& error) {
        epsgramWidget_->setEpsgram(std::nullopt);
        statusBar()->showMessage("No EPSgram: " + QString::fromStdString(error.what()), 10000);
        return false;
    }
    epsgramDock_->show();
    return true;
}

bool MainWindow::exportMap(const QString& path, int width, int height)
{
    if (mapWidget_->scene().content().latitudes.empty()) {
        showError("Nothing to export", "Open a forecast or run one first.");
        return false;
    }
    if (width < 16 || height < 16 || width > maxImageSide || height > maxImageSide) {
        showError("Cannot export the map",
                  QString("%1 × %2 pixels is out of range: 16 … %3 a side").arg(width).arg(height).arg(maxImageSide));
        return false;
    }
    const QImage image = mapWidget_->image(QSize(width, height));
    if (!image.save(path, "png")) {
        showError("Cannot export the map", "Cannot write '" + path + "': check the folder exists and is writable.");
        return false;
    }
    statusBar()->showMessage(QString("Wrote %1 (%2 × %3)").arg(path).arg(width).arg(height), 8000);
    return true;
}

bool MainWindow::exportEpsgram(const QString& pngPath, int width, int height)
{
    if (!epsgramWidget_->epsgram()) {
        showError("Nothing to export", "Pick a point on the globe or map, or type one, first.");
        return false;
    }
    if (!epsgramWidget_->image(QSize(width, height)).save(pngPath, "png")) {
        showError("Cannot export the EPSgram",
                  "Cannot write '" + pngPath + "': check the folder exists and is writable.");
        return false;
    }
    const QString csvPath = pngPath.left(pngPath.size() - QFileInfo(pngPath).suffix().size()) + "csv";
    QFile csv(csvPath);
    const std::string text = epsgramCsv(*epsgramWidget_->epsgram());
    if (!csv.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        csv.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size())) {
        showError("Cannot export the EPSgram", "Cannot write '" + csvPath + "': " + csv.errorString());
        return false;
    }
    statusBar()->showMessage(QString("Wrote %1 and %2").arg(pngPath, csvPath), 8000);
    return true;
}

bool MainWindow::exportAnimation(const QString& path, int width, int height)
{
    std::optional<ProductRequest> request = productPanel_->request();
    if (!products_ || !request) {
        showError("Nothing to export", "Open a forecast or run one first.");
        return false;
    }
    if (width < 16 || height < 16 || width > maxImageSide || height > maxImageSide) {
        showError("Cannot export the animation",
                  QString("%1 × %2 pixels is out of range: 16 … %3 a side").arg(width).arg(height).arg(maxImageSide));
        return false;
    }
    addForecasterViewOptions(*request);
    QApplication::setOverrideCursor(Qt::WaitCursor);
    std::vector<QImage> frames;
    try {
        checkAnimationPath(path.toStdString());  // before the frames are drawn
        const bool onMap = mapDock_->isVisible();
        MapScene map;
        map.setView(mapWidget_->scene().projection(), mapWidget_->scene().region());
        std::unique_ptr<OffscreenGlobeRenderer> globe;
        if (!onMap) {
            globe = std::make_unique<OffscreenGlobeRenderer>();
            globe->scene().setCamera(globe_->scene().camera());
        }
        const std::vector<double>& leads = products_->file().leadHours();
        for (int t = 0; t < static_cast<int>(leads.size()); ++t) {
            if (!std::isfinite(leads[static_cast<std::size_t>(t)])) {
                continue;
            }
            request->timeIndex = t;
            const GlobeContent content = products_->content(*request);
            if (onMap) {
                map.show(content);
                frames.push_back(map.render(QSize(width, height)));
            } else {
                globe->scene().show(content);
                const RgbImage image = globe->render(width, height);
                frames.push_back(QImage(image.rgb.data(), image.width, image.height, image.width * 3,
                                        QImage::Format_RGB888)
                                     .mirrored());  // OpenGL's rows run bottom to top
            }
        }
        writeAnimation(frames, timeBar_->playIntervalMilliseconds(), path.toStdString());
    } catch (const std::exception& error) {
        QApplication::restoreOverrideCursor();
        showError("Cannot export the animation", QString::fromStdString(error.what()));
        return false;
    }
    QApplication::restoreOverrideCursor();
    statusBar()->showMessage(
        QString("Wrote %1 (%2 frames, %3 × %4)").arg(path).arg(frames.size()).arg(width).arg(height), 8000);
    return true;
}

void MainWindow::exportAnimationDialog()
{
    const std::optional<QSize> size = askExportSize("Export animation", "animation", "export/animationSize", "800x500");
    if (!size) {
        return;
    }
    const QString path = askExportPath("Export animation", "animation.gif", "GIF animations (*.gif)");
    if (path.isEmpty()) {
        return;
    }
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    exportAnimation(path, size->width(), size->height());
}

void MainWindow::exportMapDialog()
{
    const std::optional<QSize> size = askExportSize("Export map", "map", "export/mapSize", "1600x1000");
    if (!size) {
        return;
    }
    const QString path = askExportPath("Export map", "map.png", "PNG images (*.png)");
    if (path.isEmpty()) {
        return;
    }
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    exportMap(path, size->width(), size->height());
}

void MainWindow::exportEpsgramDialog()
{
    if (!epsgramWidget_->epsgram()) {
        showError("Nothing to export", "Pick a point on the globe or map, or type one, first.");
        return;
    }
    const QString path = askExportPath("Export EPSgram (PNG and CSV)", "epsgram.png", "PNG images (*.png)");
    if (path.isEmpty()) {
        return;
    }
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    exportEpsgram(path, 1200, 600);
}

}  // namespace spreadcast
