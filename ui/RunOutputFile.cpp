#include "ui/RunOutputFile.h"

#include "io/ForecastFile.h"
#include "run/RunManifest.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>

#include <filesystem>

namespace spreadcast {

bool confirmOverwrite(QWidget* parent, const QString& path, bool onScreen)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        return true;
    }
    QMessageBox box(QMessageBox::Question, "Overwrite the forecast file?",
                    QString("'%1' exists already%2 (%3 MB). Running writes a new forecast over it; what it holds now "
                            "is lost.")
                        .arg(path, onScreen ? ", and it is the forecast shown now" : "")
                        .arg(static_cast<double>(info.size()) / 1e6, 0, 'f', 1),
                    QMessageBox::NoButton, parent);
    box.setObjectName("overwriteQuestion");
    box.setInformativeText("Choose another output file in the Run panel to keep it.");
    QPushButton* overwrite = box.addButton("Overwrite", QMessageBox::DestructiveRole);
    overwrite->setObjectName("overwriteButton");
    QPushButton* keep = box.addButton("Keep the file", QMessageBox::RejectRole);
    keep->setObjectName("keepButton");
    box.setDefaultButton(keep);
    box.exec();
    return box.clickedButton() == overwrite;
}

bool canResume(const ForecastFile& file)
{
    if (!file.isSpreadcastFile() || file.runStatus().empty() || file.runStatus() == "complete") {
        return false;
    }
    std::error_code error;
    if (!std::filesystem::is_directory(resumeFolder(file.path()), error)) {
        return false;
    }
    try {
        const RunManifest manifest = readRunManifest(file.path());
        return manifest.spec.members > 0;
    } catch (const std::exception&) {
        return false;
    }
}

void leaveFilesUnlocked()
{
    if (qEnvironmentVariableIsEmpty("HDF5_USE_FILE_LOCKING")) {
        qputenv("HDF5_USE_FILE_LOCKING", "FALSE");
    }
}

bool samePath(const QString& first, const QString& second)
{
    return !first.isEmpty() && !second.isEmpty() &&
           QFileInfo(first).absoluteFilePath() == QFileInfo(second).absoluteFilePath();
}

}  // namespace spreadcast
