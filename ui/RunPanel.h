#pragma once

#include "run/RunSpec.h"

#include <QMap>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace spreadcast {

struct InitialConditionSummary;

// The run dock: a RunSpec as widgets, for the shallow-water model or GraphCast (the fields shown
// follow the model chosen at the top). Every change is checked at once — text that is not a
// number or duration, and every sentence of core's validate() — and each problem is shown in
// red under the field it concerns; Run is enabled only when there is none.
class RunPanel : public QWidget {
    Q_OBJECT

public:
    explicit RunPanel(QWidget* parent = nullptr);

    // The spec the widgets describe, or nullopt while any text cannot be read.
    std::optional<RunSpec> spec() const;
    // Every problem now shown, one entry per field that has any.
    QStringList problems() const;
    // Fills the widgets from a spec (its placement and output path included).
    void setSpec(const RunSpec& spec);
    void setRunning(bool running);
    void setOutputPath(const QString& path);
    // Offers Resume for the interrupted run that wrote `path` (none when empty).
    void setResumable(const QString& path);
    const QString& resumablePath() const { return resumablePath_; }
    // Adds an initial-condition file to the list and chooses it, when its times can be read;
    // otherwise leaves the list as it was and says why under the field. False when refused.
    bool addInitialConditionFile(const QString& path);
    // GraphCast: chooses the checkpoint, after its licence is accepted (asked once per
    // checkpoint's terms, see CheckpointLicence.h; never asked when `ask` is false). A file whose
    // terms cannot be read, or declined terms, clear the choice and say why. False then.
    bool chooseCheckpoint(const QString& path, bool ask = true);
    // GraphCast: adds an initial-condition file when it can be read together with those listed;
    // otherwise leaves the list as it was and shows the reader's message under the field.
    bool addGraphCastFile(const QString& path);
    void removeGraphCastFile(int row);
    // What the GraphCast initial-condition files hold (empty without files).
    QString graphCastSummary() const;

signals:
    void runRequested(const spreadcast::RunSpec& spec);
    void cancelRequested();
    void resumeRequested();

private:
    void revalidate();
    void buildGraphCastFields();
    // Shows the rows of the model chosen and hides the other model's.
    void showModelFields();
    // Shows what the GraphCast files hold and offers their times as initial times.
    void applyGraphCastSummary(const InitialConditionSummary& summary);
    void setGraphCastSettings(const GraphCastSettings& settings, const std::string& firstFile);
    QStringList graphCastFiles() const;
    // Lists the times of an initial-condition file (none for a built-in case).
    void listInitialConditionTimes();
    void addField(const QString& key, const QString& label, QWidget* field, const QString& tip);
    std::optional<RunSpec> read(QMap<QString, QStringList>& problems) const;
    // The chosen initial condition: a built-in case's name or a file's full path (the list shows
    // a file by its name).
    QString initialConditionValue() const;
    QStringList outputPathProblems(const QString& path) const;

    QFormLayout* form_ = nullptr;
    QComboBox* model_ = nullptr;
    QMap<QString, QWidget*> rows_;  // per field key, the widget of its row (label beside it)
    struct FormRow {
        QString key;
        QWidget* label;
        QWidget* field;
    };
    QList<FormRow> formRows_;  // every row of both models, in the order shown
    QLineEdit* checkpoint_ = nullptr;
    QLabel* checkpointNote_ = nullptr;  // why a checkpoint was not chosen
    QLineEdit* statistics_ = nullptr;
    QListWidget* graphCastFiles_ = nullptr;
    QLabel* graphCastFilesNote_ = nullptr;  // why a file was not added
    QLabel* graphCastSummary_ = nullptr;
    QComboBox* graphCastTime_ = nullptr;
    QLineEdit* staticsFile_ = nullptr;
    QLineEdit* perturbationScale_ = nullptr;
    QCheckBox* perturbationPairs_ = nullptr;
    QComboBox* initialCondition_ = nullptr;
    QComboBox* initialConditionTime_ = nullptr;
    QString initialConditionProblem_;  // why the file's times could not be listed
    QSpinBox* truncation_ = nullptr;
    QSpinBox* members_ = nullptr;
    QLineEdit* lead_ = nullptr;
    QLineEdit* outputInterval_ = nullptr;
    QLineEdit* seed_ = nullptr;
    QLineEdit* perturbVorticity_ = nullptr;
    QLineEdit* perturbHeight_ = nullptr;
    QLineEdit* perturbLength_ = nullptr;
    QLineEdit* probabilities_ = nullptr;
    QCheckBox* cpu_ = nullptr;
    QSpinBox* threads_ = nullptr;
    QList<QCheckBox*> gpus_;
    QLineEdit* outputPath_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* resume_ = nullptr;
    QString resumablePath_;
    QLabel* initialConditionNote_ = nullptr;  // why a file was not added to the list
    QMap<QString, QLabel*> problemLabels_;    // per field key, and "general"
    bool running_ = false;
    bool valid_ = false;
};

}  // namespace spreadcast
