// File ▸ Export ▸ Animation (MP4): the animation export as a video, next to the GIF entry of
// MainWindowViews.cpp; disabled, saying why, in a build without FFmpeg's libraries.
#include "ui/MainWindow.h"
#include "viz/Mp4Animation.h"

#include <QAction>
#include <QFileInfo>
#include <QMenu>
#include <QMenuBar>
#include <QSettings>

namespace spreadcast {

void MainWindow::addVideoExport()
{
    QMenu* exportMenu = nullptr;
    for (QMenu* menu : menuBar()->findChildren<QMenu*>()) {
        if (menu->title() == "&Export") {
            exportMenu = menu;
        }
    }
    if (exportMenu == nullptr) {
        return;
    }
    auto* video = new QAction("Animation (&MP4)…", exportMenu);
    video->setObjectName("exportVideo");
    connect(video, &QAction::triggered, this, &MainWindow::exportVideoDialog);
    if (mp4AnimationAvailable()) {
        video->setToolTip(
            QString("Every written time as a video, encoded %1").arg(QString::fromStdString(mp4EncoderName())));
    } else {
        video->setEnabled(false);
        video->setToolTip(QString::fromStdString(mp4AnimationUnavailableReason()));
    }
    exportMenu->setToolTipsVisible(true);
    // Right after the GIF entry, when there is one.
    const QList<QAction*> actions = exportMenu->actions();
    QAction* after = nullptr;
    for (qsizetype i = 0; i + 1 < actions.size(); ++i) {
        if (actions[i]->text().contains("(GIF)")) {
            after = actions[i + 1];
        }
    }
    exportMenu->insertAction(after, video);
}

void MainWindow::exportVideoDialog()
{
    const std::optional<QSize> size = askExportSize("Export video", "video", "export/animationSize", "800x500");
    if (!size) {
        return;
    }
    const QString path = askExportPath("Export video", "animation.mp4", "MP4 videos (*.mp4)");
    if (path.isEmpty()) {
        return;
    }
    QSettings().setValue("directories/export", QFileInfo(path).absolutePath());
    exportAnimation(path, size->width(), size->height());
}

}  // namespace spreadcast
