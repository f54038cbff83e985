#include "ui/RunHistoryPanel.h"

#include "run/RunManifest.h"

#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <filesystem>

namespace spreadcast {
namespace {

// A run is resumable while its file is there with the folder --resume reads beside it.
bool hasResumeFolder(const QString& outputPath)
{
    std::error_code error;
    return std::filesystem::is_directory(resumeFolder(outputPath.toStdString()), error);
}

QString initialConditionName(const RunSpec& spec)
{
    // A file by its name (the tooltip has the path); a built-in case as it is called.
    return isBuiltInCase(spec.initialCondition) ? QString::fromStdString(spec.initialCondition)
                                                : QFileInfo(QString::fromStdString(spec.initialCondition)).fileName();
}

}  // namespace

RunHistoryPanel::RunHistoryPanel(QWidget* parent) : QWidget(parent)
{
    list_ = new QTreeWidget;
    list_->setObjectName("runHistoryList");
    list_->setRootIsDecorated(false);
    list_->setUniformRowHeights(true);
    list_->setColumnCount(ColumnCount);
    list_->setHeaderLabels({"Started (UTC)", "Model", "Initial condition", "Members", "Lead", "Output", "Status"});
    list_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    list_->header()->setStretchLastSection(true);

    open_ = new QPushButton("Open");
    open_->setObjectName("openRunButton");
    open_->setToolTip("Show the run's forecast file");
    resume_ = new QPushButton("Resume");
    resume_->setObjectName("resumeRunButton");
    resume_->setToolTip("Continue an interrupted run where it stopped, into the same file");
    useSettings_ = new QPushButton("Use settings");
    useSettings_->setObjectName("useRunSettingsButton");
    useSettings_->setToolTip("Copy the run's settings into the Run panel, to run it again or change it");
    remove_ = new QPushButton("Forget");
    remove_->setObjectName("forgetRunButton");
    remove_->setToolTip("Take the run off this list (its file stays)");

    auto* buttons = new QHBoxLayout;
    for (QPushButton* button : {open_, resume_, useSettings_, remove_}) {
        buttons->addWidget(button);
    }
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(list_, 1);
    layout->addLayout(buttons);

    connect(list_, &QTreeWidget::itemSelectionChanged, this, &RunHistoryPanel::updateButtons);
    connect(list_, &QTreeWidget::itemActivated, this, [this] {
        if (open_->isEnabled()) {
            open_->click();
        }
    });
    connect(open_, &QPushButton::clicked, this, [this] {
        if (const RunRecord* record = selectedRecord()) {
            emit openRequested(record->outputPath);
        }
    });
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (const RunRecord* record = selectedRecord()) {
            emit resumeRequested(record->outputPath);
        }
    });
    connect(useSettings_, &QPushButton::clicked, this, [this] {
        if (const RunRecord* record = selectedRecord()) {
            if (const std::optional<RunSpec> spec = record->spec()) {
                emit settingsRequested(*spec);
            }
        }
    });
    connect(remove_, &QPushButton::clicked, this, [this] {
        if (const RunRecord* record = selectedRecord()) {
            history_.remove(record->outputPath);
            refresh(runningOutput_);
        }
    });
    refresh(QString());
}

void RunHistoryPanel::refresh(const QString& runningOutput)
{
    runningOutput_ = runningOutput.isEmpty() ? QString() : QDir::cleanPath(QFileInfo(runningOutput).absoluteFilePath());
    const QString selected = selectedPath();
    records_ = history_.records();
    list_->clear();
    for (const RunRecord& record : records_) {
        auto* item = new QTreeWidgetItem;
        item->setText(Started, record.started.isValid() ? record.started.toString("yyyy-MM-dd HH:mm") : "?");
        if (record.openedOnly) {
            item->setToolTip(Started, "When it was opened here: the run was not started from this workstation");
        }
        if (const std::optional<RunSpec> spec = record.spec()) {
            item->setText(Model, QString::fromStdString(spec->model));
            item->setText(InitialCondition, initialConditionName(*spec));
            item->setToolTip(InitialCondition, QString::fromStdString(spec->initialCondition));
            item->setText(Members, QString::number(spec->members));
            item->setText(Lead, QString::fromStdString(formatDuration(spec->leadSeconds)));
        } else {
            item->setText(Model, "?");
            item->setToolTip(Model, "The file records no run settings that this version can read");
        }
        item->setText(Output, QFileInfo(record.outputPath).fileName());
        item->setToolTip(Output, record.outputPath);
        const QString status = displayedStatus(record, record.outputPath == runningOutput_);
        item->setText(Status, status);
        item->setToolTip(Status, status == "file missing" ? record.outputPath + " is no longer there"
                                 : status == "interrupted"
                                     ? "The program that ran it ended before the run did: Resume continues it"
                                     : record.status);
        if (status == "file missing") {
            for (int column = 0; column < ColumnCount; ++column) {
                item->setForeground(column, palette().brush(QPalette::Disabled, QPalette::Text));
            }
        }
        list_->addTopLevelItem(item);
    }
    if (!select(selected)) {
        updateButtons();
    }
}

QString RunHistoryPanel::selectedPath() const
{
    const RunRecord* record = selectedRecord();
    return record != nullptr ? record->outputPath : QString();
}

bool RunHistoryPanel::select(const QString& outputPath)
{
    if (outputPath.isEmpty()) {
        return false;
    }
    const QString path = QDir::cleanPath(QFileInfo(outputPath).absoluteFilePath());
    for (std::size_t row = 0; row < records_.size(); ++row) {
        if (records_[row].outputPath == path) {
            list_->setCurrentItem(list_->topLevelItem(static_cast<int>(row)));
            updateButtons();
            return true;
        }
    }
    return false;
}

const RunRecord* RunHistoryPanel::selectedRecord() const
{
    QTreeWidgetItem* item = list_->currentItem();
    if (item == nullptr || !item->isSelected()) {
        return nullptr;
    }
    const int row = list_->indexOfTopLevelItem(item);
    return row >= 0 && row < static_cast<int>(records_.size()) ? &records_[static_cast<std::size_t>(row)] : nullptr;
}

void RunHistoryPanel::updateButtons()
{
    const RunRecord* record = selectedRecord();
    const bool exists = record != nullptr && QFileInfo::exists(record->outputPath);
    const bool runningHere = record != nullptr && record->outputPath == runningOutput_;
    const QString status = record != nullptr ? displayedStatus(*record, runningHere) : QString();
    open_->setEnabled(exists && !runningHere);
    // One run at a time: nothing is resumed while this window runs one.
    resume_->setEnabled(exists && runningOutput_.isEmpty() && status != "complete" &&
                        hasResumeFolder(record->outputPath));
    useSettings_->setEnabled(record != nullptr && record->spec().has_value());
    remove_->setEnabled(record != nullptr && !runningHere);
}

}  // namespace spreadcast
