#include "ui/RunPanel.h"

#include "device/GpuInventory.h"
#include "io/InitialConditionFile.h"
#include "ui/CheckpointLicence.h"
#include "ui/GuiWording.h"
#include "ui/InitialConditionSummary.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <stdexcept>
#include <utility>

namespace spreadcast {
namespace {

const QString graphCastModel = "graphcast";
const QString shallowWaterModel = "shallow-water";

// The fields of one model only; the others (members, lead, seed, …) are common.
const QStringList shallowWaterFields{"initialCondition", "initialConditionTime", "truncation", "perturbVorticity",
                                     "perturbHeight"};
const QStringList graphCastFields{"checkpoint",  "statistics",        "graphCastFiles",   "graphCastTime",
                                  "staticsFile", "perturbationScale", "perturbationPairs"};

// The perturbation length field's default per model (RunSpec's), in km.
const QString shallowWaterLengthKm = "1000";
const QString graphCastLengthKm = "500";

// Which field a sentence of validate() is about, from the command-line option it names.
QString fieldOfProblem(const std::string& sentence, bool graphCast)
{
    static const std::vector<std::pair<const char*, const char*>> options{
        {"--ic-time", "graphCastTime"},
        {"--checkpoint", "checkpoint"},
        {"--stats", "statistics"},
        {"--static", "staticsFile"},
        {"--perturbation-scale", "perturbationScale"},
        {"--ic", "initialCondition"},
        {"initial-condition time", "initialCondition"},
        {"--truncation", "truncation"},
        {"--store-members", "members"},
        {"--members", "members"},
        {"--output-every", "outputInterval"},
        {"--lead", "lead"},
        {"--perturb-vorticity", "perturbVorticity"},
        {"--perturb-height", "perturbHeight"},
        {"--perturb-length", "perturbLength"},
        {"--probability", "probabilities"},
        {"probability threshold", "probabilities"},
        {"thread count", "threads"},
        {"--devices", "devices"},
        {"--out", "outputPath"},
    };
    for (const auto& [option, field] : options) {
        if (sentence.find(option) != std::string::npos) {
            const QString key = field;
            return graphCast && key == "initialCondition" ? QString("graphCastFiles") : key;
        }
    }
    return "general";
}

double readNumber(const QLineEdit* edit, const QString& what, QStringList& problems)
{
    bool ok = false;
    const double value = edit->text().trimmed().toDouble(&ok);
    if (!ok) {
        problems
            << QString("'%1' is not a number: give the %2 as e.g. %3").arg(edit->text(), what, edit->placeholderText());
    }
    return value;
}

double readDuration(const QLineEdit* edit, QStringList& problems)
{
    try {
        return parseDuration(edit->text().trimmed().toStdString());
    } catch (const std::invalid_argument& error) {
        problems << QString::fromStdString(error.what());
        return 0.0;
    }
}

QLineEdit* lineEdit(const QString& name, const QString& text, const QString& example)
{
    auto* edit = new QLineEdit(text);
    edit->setObjectName(name);
    edit->setPlaceholderText(example);
    return edit;
}

QSpinBox* spinBox(const QString& name, int low, int high, int value)
{
    auto* box = new QSpinBox;
    box->setObjectName(name);
    box->setRange(low, high);
    box->setValue(value);
    box->setKeyboardTracking(true);
    return box;
}

// A duration as the lead and interval fields take it: 6d, 36h, 90m, 45s.
QString durationText(double seconds)
{
    for (const auto& [unit, suffix] : {std::pair{86400.0, "d"}, {3600.0, "h"}, {60.0, "m"}}) {
        if (seconds != 0.0 && std::fmod(seconds, unit) == 0.0) {
            return QString::number(seconds / unit, 'g', 12) + suffix;
        }
    }
    return QString::number(seconds, 'g', 12) + "s";
}

// .cdf and .netcdf are what Ferret, older Unidata tools and many archives call NetCDF files.
const QString initialConditionFilter = "NetCDF files (*.nc *.nc4 *.cdf *.netcdf);;All files (*)";
// GraphCast's sources (core/ic): GRIB 1 and 2 from ECMWF, NetCDF from the CDS or DeepMind.
const QString graphCastFileFilter =
    "GRIB and NetCDF files (*.grib *.grib2 *.grb *.grb2 *.nc *.nc4 *.cdf *.netcdf);;"
    "GRIB files (*.grib *.grib2 *.grb *.grb2);;NetCDF files (*.nc *.nc4 *.cdf *.netcdf);;"
    "All files (*)";

// A red line under a field that says why a file was not taken; it wraps instead of widening the dock.
QLabel* noteLabel(const QString& name)
{
    auto* note = new QLabel;
    note->setObjectName(name);
    note->setWordWrap(true);
    note->setStyleSheet("color: #c0392b;");
    note->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    note->hide();
    return note;
}

// A line edit with a "…" button beside it, as one field.
QWidget* withBrowseButton(QWidget* field, QToolButton* button)
{
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(field, 1);
    layout->addWidget(button);
    return row;
}

QToolButton* browseButton(const QString& name, const QString& text = "…")
{
    auto* button = new QToolButton;
    button->setObjectName(name);
    button->setText(text);
    return button;
}

QString defaultOutputPath()
{
    QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (folder.isEmpty() || !QDir(folder).exists()) {
        folder = QDir::homePath();
    }
    return QDir(folder).filePath("spreadcast-" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmm") + ".nc");
}

}  // namespace

RunPanel::RunPanel(QWidget* parent) : QWidget(parent)
{
    // The fields scroll when the dock is too short for them (GraphCast's files, their summary and
    // messages under fields at 1024 × 700) instead of being squeezed to nothing; Run stays in view.
    auto* shell = new QVBoxLayout(this);
    shell->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea;
    scroll->setObjectName("runFieldsScroll");
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* fields = new QWidget;
    auto* outer = new QVBoxLayout(fields);
    form_ = new QFormLayout;
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    outer->addLayout(form_);

    model_ = new QComboBox;
    model_->setObjectName("model");
    model_->addItem("Shallow water", shallowWaterModel);
    model_->addItem("GraphCast", graphCastModel);
    addField("model", "Model", model_,
             "The shallow-water model from built-in cases, or GraphCast from a checkpoint and analysis files");
    buildGraphCastFields();

    initialCondition_ = new QComboBox;
    initialCondition_->setObjectName("initialCondition");
    for (const std::string& name : builtInCaseNames()) {
        initialCondition_->addItem(QString::fromStdString(name));
    }
    initialCondition_->setCurrentText("galewsky");
    auto* browse = new QToolButton;
    browse->setObjectName("initialConditionBrowse");
    browse->setText("…");
    browse->setToolTip("Initial conditions from a CF NetCDF file (winds and height or geopotential)");
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, "Initial conditions", QString(), initialConditionFilter);
        if (!path.isEmpty()) {
            addInitialConditionFile(path);
        }
    });
    auto* icRow = new QWidget;
    auto* icLayout = new QHBoxLayout(icRow);
    icLayout->setContentsMargins(0, 0, 0, 0);
    icLayout->addWidget(initialCondition_, 1);
    icLayout->addWidget(browse);
    addField("initialCondition", "Initial condition", icRow, "A built-in test case, or a NetCDF file");
    initialConditionNote_ = new QLabel;
    initialConditionNote_->setObjectName("initialConditionNote");
    initialConditionNote_->setWordWrap(true);
    initialConditionNote_->setStyleSheet("color: #c0392b;");
    initialConditionNote_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    initialConditionNote_->hide();
    problemLabels_["initialCondition"]->parentWidget()->layout()->addWidget(initialConditionNote_);
    initialConditionTime_ = new QComboBox;
    initialConditionTime_->setObjectName("initialConditionTime");
    addField("initialConditionTime", "Start time", initialConditionTime_,
             "Which time of an initial-condition file to start from");

    // Negative numbers are accepted by the boxes so that validate() refuses them with a message:
    // a box limited to 0 … would silently read "-5" as 5.
    truncation_ = spinBox("truncation", -100000, 100000, 85);
    addField("truncation", "Truncation T", truncation_, "Spectral resolution: T42 ≈ 2.8°, T85 ≈ 1.4°, T170 ≈ 0.7°");
    members_ = spinBox("members", -1000000, 1000000, 8);
    addField("members", "Ensemble size", members_, "Members, each from its own perturbed start");
    lead_ = lineEdit("lead", "6d", "6d, 36h");
    addField("lead", "Lead time", lead_, "How far ahead: 6d, 36h, 90m, or hours");
    outputInterval_ = lineEdit("outputInterval", "6h", "6h");
    addField("outputInterval", "Output every", outputInterval_, "Time between output fields");
    seed_ = lineEdit("seed", "0", "0");
    addField("seed", "Seed", seed_, "Member m's random numbers come from fold_in(PRNGKey(seed), m)");
    perturbVorticity_ = lineEdit("perturbVorticity", "1e-6", "1e-6");
    addField("perturbVorticity", "Vorticity perturbation (s⁻¹)", perturbVorticity_,
             "Grid-point standard deviation of the balanced initial vorticity perturbation; 0 for none");
    perturbHeight_ = lineEdit("perturbHeight", "0", "0");
    addField("perturbHeight", "Height perturbation (m)", perturbHeight_,
             "Grid-point standard deviation of an unbalanced height perturbation; 0 for none");
    perturbLength_ = lineEdit("perturbLength", "1000", "1000");
    addField("perturbLength", "Perturbation length (km)", perturbLength_, "Length scale of the perturbations");
    probabilities_ = lineEdit("probabilities", "", "height>10000, vorticity>1e-4");
    addField("probabilities", "Probabilities", probabilities_,
             "Exceedance probabilities to write with the statistics, comma-separated");

    auto* devices = new QWidget;
    auto* deviceLayout = new QVBoxLayout(devices);
    deviceLayout->setContentsMargins(0, 0, 0, 0);
    auto* cpuRow = new QHBoxLayout;
    cpu_ = new QCheckBox("CPU, workers:");
    cpu_->setObjectName("cpu");
    threads_ = spinBox("threads", -1, 4096, 0);
    threads_->setSpecialValueText("");
    threads_->setToolTip("0: one per core");
    cpuRow->addWidget(cpu_);
    cpuRow->addWidget(threads_);
    cpuRow->addStretch();
    deviceLayout->addLayout(cpuRow);
    const GpuInventory inventory = discoverGpus();
    for (const GpuDescription& gpu : inventory.gpus) {
        auto* box = new QCheckBox(QString("GPU %1: %2").arg(gpu.index).arg(QString::fromStdString(gpu.name)));
        box->setObjectName(QString("gpu%1").arg(gpu.index));
        box->setProperty("gpuIndex", gpu.index);
        box->setChecked(true);
        gpus_ << box;
        deviceLayout->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &RunPanel::revalidate);
    }
    if (inventory.gpus.empty()) {
        auto* note = new QLabel(inventory.backendBuilt ? "No GPU found." : "No GPU backend in this build.");
        note->setEnabled(false);
        deviceLayout->addWidget(note);
    }
    cpu_->setChecked(inventory.gpus.empty());
    addField("devices", "Devices", devices, "Where the members run");

    outputPath_ = lineEdit("outputPath", defaultOutputPath(), "forecast.nc");
    auto* save = new QToolButton;
    save->setObjectName("outputBrowse");
    save->setText("…");
    connect(save, &QToolButton::clicked, this, [this] {
        // The question whether to overwrite an existing file comes when Run is pressed.
        const QString path =
            QFileDialog::getSaveFileName(this, "Forecast file", outputPath_->text(), "NetCDF files (*.nc)", nullptr,
                                         QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty()) {
            outputPath_->setText(path);
        }
    });
    auto* outRow = new QWidget;
    auto* outLayout = new QHBoxLayout(outRow);
    outLayout->setContentsMargins(0, 0, 0, 0);
    outLayout->addWidget(outputPath_, 1);
    outLayout->addWidget(save);
    addField("outputPath", "Output file", outRow, "The NetCDF file the run writes");

    auto* general = new QLabel;
    general->setObjectName("generalProblem");
    general->setWordWrap(true);
    general->setStyleSheet("color: #c0392b;");
    general->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    general->hide();
    problemLabels_["general"] = general;
    outer->addWidget(general);

    auto* buttons = new QHBoxLayout;
    run_ = new QPushButton("Run");
    run_->setObjectName("runButton");
    run_->setDefault(true);
    cancel_ = new QPushButton("Cancel");
    cancel_->setObjectName("cancelButton");
    cancel_->setEnabled(false);
    resume_ = new QPushButton("Resume");
    resume_->setObjectName("resumeButton");
    resume_->setToolTip("Continue the interrupted run: only its unfinished members are computed");
    resume_->hide();
    buttons->addWidget(resume_);
    buttons->addStretch();
    buttons->addWidget(cancel_);
    buttons->addWidget(run_);
    outer->addStretch();
    scroll->setWidget(fields);
    shell->addWidget(scroll, 1);
    buttons->setContentsMargins(outer->contentsMargins().left(), 0, outer->contentsMargins().right(),
                                outer->contentsMargins().bottom());
    shell->addLayout(buttons);

    connect(run_, &QPushButton::clicked, this, [this] {
        revalidate();
        if (const auto current = spec(); current && valid_ && !running_) {
            emit runRequested(*current);
        }
    });
    connect(cancel_, &QPushButton::clicked, this, &RunPanel::cancelRequested);
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (!running_ && !resumablePath_.isEmpty()) {
            emit resumeRequested();
        }
    });
    for (QLineEdit* edit : findChildren<QLineEdit*>()) {
        connect(edit, &QLineEdit::textChanged, this, &RunPanel::revalidate);
    }
    for (QSpinBox* box : findChildren<QSpinBox*>()) {
        connect(box, &QSpinBox::valueChanged, this, &RunPanel::revalidate);
    }
    connect(initialCondition_, &QComboBox::currentIndexChanged, this, [this] {
        listInitialConditionTimes();
        revalidate();
    });
    connect(initialConditionTime_, &QComboBox::currentIndexChanged, this, &RunPanel::revalidate);
    listInitialConditionTimes();
    connect(cpu_, &QCheckBox::toggled, this, &RunPanel::revalidate);
    connect(graphCastTime_, &QComboBox::currentIndexChanged, this, &RunPanel::revalidate);
    connect(perturbationPairs_, &QCheckBox::toggled, this, &RunPanel::revalidate);
    connect(model_, &QComboBox::currentIndexChanged, this, [this] {
        // The length field keeps a value typed for either model, but not the other's default.
        const bool graphCast = model_->currentData().toString() == graphCastModel;
        const QString otherDefault = graphCast ? shallowWaterLengthKm : graphCastLengthKm;
        if (perturbLength_->text().trimmed() == otherDefault) {
            perturbLength_->setText(graphCast ? graphCastLengthKm : shallowWaterLengthKm);
        }
        showModelFields();
        revalidate();
    });
    showModelFields();
    applyGraphCastSummary({});  // validates
}

void RunPanel::buildGraphCastFields()
{
    checkpoint_ = lineEdit("checkpoint", "", "GraphCast_small ….npz");
    checkpoint_->setReadOnly(true);  // chosen with the button, so that its licence is shown first
    auto* checkpointBrowse = browseButton("checkpointBrowse");
    connect(checkpointBrowse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "GraphCast checkpoint", checkpoint_->text(),
                                                          "GraphCast checkpoints (*.npz);;All files (*)");
        if (!path.isEmpty()) {
            chooseCheckpoint(path);
        }
    });
    addField("checkpoint", "Checkpoint", withBrowseButton(checkpoint_, checkpointBrowse),
             "DeepMind's GraphCast checkpoint (.npz); its licence is shown when first chosen");
    checkpointNote_ = noteLabel("checkpointNote");
    rows_["checkpoint"]->layout()->addWidget(checkpointNote_);

    statistics_ = lineEdit("statistics", "", "…/stats");
    auto* statisticsBrowse = browseButton("statisticsBrowse");
    connect(statisticsBrowse, &QToolButton::clicked, this, [this] {
        const QString folder =
            QFileDialog::getExistingDirectory(this, "GraphCast normalisation statistics", statistics_->text());
        if (!folder.isEmpty()) {
            statistics_->setText(folder);
        }
    });
    addField("statistics", "Statistics", withBrowseButton(statistics_, statisticsBrowse),
             "The folder with mean_by_level.nc, stddev_by_level.nc and diffs_stddev_by_level.nc");

    graphCastFiles_ = new QListWidget;
    graphCastFiles_->setObjectName("graphCastFiles");
    // Four rows at most, and as narrow as the dock: long names are elided, their paths in tooltips.
    graphCastFiles_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    graphCastFiles_->setFixedHeight(4 * graphCastFiles_->fontMetrics().height() + 8);
    graphCastFiles_->setTextElideMode(Qt::ElideMiddle);
    auto* addFile = browseButton("graphCastFileAdd", "+");
    addFile->setToolTip("Add GRIB or NetCDF files (one per time, or pressure levels and surface apart)");
    connect(addFile, &QToolButton::clicked, this, [this] {
        for (const QString& path :
             QFileDialog::getOpenFileNames(this, "Initial conditions", QString(), graphCastFileFilter)) {
            addGraphCastFile(path);
        }
    });
    auto* removeFile = browseButton("graphCastFileRemove", "−");
    removeFile->setToolTip("Remove the selected file");
    connect(removeFile, &QToolButton::clicked, this, [this] { removeGraphCastFile(graphCastFiles_->currentRow()); });
    auto* fileButtons = new QVBoxLayout;
    fileButtons->setContentsMargins(0, 0, 0, 0);
    fileButtons->addWidget(addFile);
    fileButtons->addWidget(removeFile);
    fileButtons->addStretch();
    auto* filesRow = new QWidget;
    auto* filesLayout = new QHBoxLayout(filesRow);
    filesLayout->setContentsMargins(0, 0, 0, 0);
    filesLayout->addWidget(graphCastFiles_, 1);
    filesLayout->addLayout(fileButtons);
    addField("graphCastFiles", "Analysis files", filesRow,
             "The initial conditions: ECMWF open data or MARS GRIB, CDS NetCDF or DeepMind's NetCDF layout");
    graphCastFilesNote_ = noteLabel("graphCastFilesNote");
    graphCastSummary_ = new QLabel;
    graphCastSummary_->setObjectName("graphCastSummary");
    graphCastSummary_->setWordWrap(true);
    graphCastSummary_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    graphCastSummary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    graphCastSummary_->hide();
    rows_["graphCastFiles"]->layout()->addWidget(graphCastFilesNote_);
    rows_["graphCastFiles"]->layout()->addWidget(graphCastSummary_);

    graphCastTime_ = new QComboBox;
    graphCastTime_->setObjectName("graphCastTime");
    graphCastTime_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    graphCastTime_->setMinimumContentsLength(16);
    addField("graphCastTime", "Initial time", graphCastTime_,
             "The analysis time to start from (UTC); the files must also hold the time 6 hours before. "
             "Default: DeepMind's inputs, or the latest time of other files");

    staticsFile_ = lineEdit("staticsFile", "", "optional: from the analysis files");
    auto* staticsBrowse = browseButton("staticsBrowse");
    connect(staticsBrowse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Statics", staticsFile_->text(), graphCastFileFilter);
        if (!path.isEmpty()) {
            staticsFile_->setText(path);
        }
    });
    addField("staticsFile", "Statics file", withBrowseButton(staticsFile_, staticsBrowse),
             "geopotential_at_surface and land_sea_mask, when the analysis files lack them");

    perturbationScale_ = lineEdit("perturbationScale", "0.1", "0.1");
    addField("perturbationScale", "Perturbation scale", perturbationScale_,
             "Members 1… start from the analysis plus smooth random fields of this many times the checkpoint's "
             "diffs_stddev_by_level; member 0 is the control");
    perturbationPairs_ = new QCheckBox("± pairs");
    perturbationPairs_->setObjectName("perturbationPairs");
    addField("perturbationPairs", "Perturbations", perturbationPairs_,
             "Members 2k − 1 and 2k start from the control plus and minus the same perturbation");
}

void RunPanel::showModelFields()
{
    // The rows of the other model are taken out of the form rather than hidden in it: Qt 6.4's
    // QFormLayout gives as many shown rows no height as there are hidden ones once a wrapped
    // message (height for width) is shown.
    const bool graphCast = model_->currentData().toString() == graphCastModel;
    const QStringList& otherModelFields = graphCast ? shallowWaterFields : graphCastFields;
    while (form_->rowCount() > 0) {
        const QFormLayout::TakeRowResult taken = form_->takeRow(0);
        delete taken.labelItem;  // the layout items only; the widgets stay the panel's
        delete taken.fieldItem;
    }
    for (const FormRow& row : formRows_) {
        const bool shown = !otherModelFields.contains(row.key);
        row.label->setVisible(shown);
        row.field->setVisible(shown);
        if (shown) {
            form_->addRow(row.label, row.field);
        }
    }
}

QStringList RunPanel::graphCastFiles() const
{
    QStringList paths;
    for (int row = 0; row < graphCastFiles_->count(); ++row) {
        paths << graphCastFiles_->item(row)->data(Qt::UserRole).toString();
    }
    return paths;
}

QString RunPanel::graphCastSummary() const
{
    return graphCastSummary_->text();
}

bool RunPanel::chooseCheckpoint(const QString& path, bool ask)
{
    checkpointNote_->hide();
    if (path.isEmpty()) {
        checkpoint_->clear();
        return false;
    }
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const auto refuse = [this](const QString& why) {
        checkpoint_->clear();
        checkpointNote_->setText(why);
        checkpointNote_->show();
        return false;
    };
    CheckpointTerms terms;
    try {
        terms = readCheckpointTerms(absolute);
    } catch (const std::exception& error) {
        return refuse("Not chosen: " + QString::fromStdString(error.what()));
    }
    if (!checkpointTermsAccepted(terms)) {
        if (!ask) {
            return refuse("Choose " + QFileInfo(absolute).fileName() + " again to read and accept its licence.");
        }
        if (!askToAcceptCheckpointTerms(this, absolute, terms)) {
            return refuse("Not chosen: its licence was declined.");
        }
    }
    checkpoint_->setText(absolute);
    checkpoint_->setToolTip(terms.description);
    return true;
}

bool RunPanel::addGraphCastFile(const QString& path)
{
    graphCastFilesNote_->hide();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList files = graphCastFiles();
    if (files.contains(absolute)) {
        return true;
    }
    files << absolute;
    InitialConditionSummary summary;
    try {
        summary = summariseInitialConditions(files);
    } catch (const std::exception& error) {
        graphCastFilesNote_->setText(QString("Not added: %1").arg(QString::fromStdString(error.what())));
        graphCastFilesNote_->show();
        return false;
    }
    auto* item = new QListWidgetItem(QFileInfo(absolute).fileName());
    item->setData(Qt::UserRole, absolute);
    item->setToolTip(absolute);
    graphCastFiles_->addItem(item);
    applyGraphCastSummary(summary);
    return true;
}

void RunPanel::removeGraphCastFile(int row)
{
    if (row < 0 || row >= graphCastFiles_->count()) {
        return;
    }
    delete graphCastFiles_->takeItem(row);
    graphCastFilesNote_->hide();
    InitialConditionSummary summary;
    if (graphCastFiles_->count() > 0) {
        try {
            summary = summariseInitialConditions(graphCastFiles());
        } catch (const std::exception& error) {
            // A file changed on disk since it was added: the run would fail the same way.
            graphCastFilesNote_->setText(QString::fromStdString(error.what()));
            graphCastFilesNote_->show();
        }
    }
    applyGraphCastSummary(summary);
}

void RunPanel::applyGraphCastSummary(const InitialConditionSummary& summary)
{
    const QString chosen = graphCastTime_->currentData().toString();
    {
        const QSignalBlocker quiet(graphCastTime_);
        graphCastTime_->clear();
        // Empty: the assembly's own choice (DeepMind's inputs, or the latest time of other files).
        graphCastTime_->addItem("Default", QString());
        for (const QString& time : summary.times) {
            graphCastTime_->addItem(time, time);
        }
        graphCastTime_->setCurrentIndex(std::max(0, graphCastTime_->findData(chosen)));
        graphCastTime_->setEnabled(!summary.times.isEmpty());
    }
    graphCastSummary_->setText(summary.text);
    graphCastSummary_->setVisible(!summary.text.isEmpty());
    revalidate();
}

void RunPanel::addField(const QString& key, const QString& label, QWidget* field, const QString& tip)
{
    field->setToolTip(tip);
    auto* cell = new QWidget;
    auto* layout = new QVBoxLayout(cell);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    auto* problem = new QLabel;
    problem->setObjectName(key + "Problem");
    problem->setWordWrap(true);
    problem->setStyleSheet("color: #c0392b;");
    // A message wraps to the dock's width instead of widening the dock.
    problem->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    problem->hide();
    layout->addWidget(problem);
    problemLabels_[key] = problem;
    rows_[key] = cell;
    form_->addRow(label, cell);
    formRows_.push_back({key, form_->labelForField(cell), cell});
}

std::optional<RunSpec> RunPanel::read(QMap<QString, QStringList>& problems) const
{
    RunSpec spec;
    if (model_->currentData().toString() == graphCastModel) {
        spec.model = graphCastModel.toStdString();
        GraphCastSettings& settings = spec.graphcast;
        for (const QString& file : graphCastFiles()) {
            settings.initialConditions.push_back(file.toStdString());
        }
        spec.initialCondition = settings.initialConditions.empty() ? std::string() : settings.initialConditions.front();
        settings.initialTime = graphCastTime_->currentData().toString().toStdString();
        settings.checkpoint = checkpoint_->text().toStdString();
        settings.statistics = statistics_->text().trimmed().toStdString();
        settings.staticsFile = staticsFile_->text().trimmed().toStdString();
        settings.perturbationScale =
            readNumber(perturbationScale_, "perturbation scale", problems["perturbationScale"]);
        settings.perturbationPairs = perturbationPairs_->isChecked();
        settings.perturbationLengthScale =
            1000.0 * readNumber(perturbLength_, "length scale in km", problems["perturbLength"]);
    } else {
        spec.initialCondition = initialConditionValue().toStdString();
        spec.initialConditionTime = std::max(0, initialConditionTime_->currentIndex());
        if (!initialConditionProblem_.isEmpty()) {
            problems["initialCondition"] << initialConditionProblem_;
        }
        spec.truncation = truncation_->value();
        spec.perturbVorticity = readNumber(perturbVorticity_, "vorticity perturbation", problems["perturbVorticity"]);
        spec.perturbHeight = readNumber(perturbHeight_, "height perturbation", problems["perturbHeight"]);
        spec.perturbLengthScale = 1000.0 * readNumber(perturbLength_, "length scale in km", problems["perturbLength"]);
    }
    spec.members = members_->value();
    spec.leadSeconds = readDuration(lead_, problems["lead"]);
    spec.outputIntervalSeconds = readDuration(outputInterval_, problems["outputInterval"]);
    bool seedOk = false;
    spec.seed = seed_->text().trimmed().toULongLong(&seedOk);
    if (!seedOk) {
        problems["seed"]
            << QString("'%1' is not a seed: give a whole number 0 … 18446744073709551615").arg(seed_->text());
    }
    for (const QString& item : probabilities_->text().split(',', Qt::SkipEmptyParts)) {
        try {
            spec.thresholds.push_back(parseThreshold(item.trimmed().toStdString()));
        } catch (const std::invalid_argument& error) {
            problems["probabilities"] << QString::fromStdString(error.what());
        }
    }
    QList<int> chosenGpus;
    for (const QCheckBox* box : gpus_) {
        if (box->isChecked()) {
            chosenGpus << box->property("gpuIndex").toInt();
        }
    }
    spec.threads = threads_->value();
    if (cpu_->isChecked() && chosenGpus.isEmpty()) {
        spec.devices = "cpu";
    } else if (cpu_->isChecked() && chosenGpus.size() == gpus_.size()) {
        spec.devices = "all";
    } else if (cpu_->isChecked()) {
        problems["devices"] << "The CPU can run alongside all GPUs or none: tick every GPU or untick the CPU.";
    } else if (chosenGpus.isEmpty()) {
        problems["devices"] << "No device chosen: tick the CPU or a GPU.";
    } else {
        QStringList indices;
        for (int index : chosenGpus) {
            indices << QString::number(index);
        }
        spec.devices = "gpu:" + indices.join(',').toStdString();
    }
    spec.outputPath = outputPath_->text().trimmed().toStdString();
    for (const auto& list : problems) {
        if (!list.isEmpty()) {
            return std::nullopt;
        }
    }
    return spec;
}

QString RunPanel::initialConditionValue() const
{
    const QVariant path = initialCondition_->currentData();
    return path.isValid() ? path.toString() : initialCondition_->currentText().trimmed();
}

bool RunPanel::addInitialConditionFile(const QString& path)
{
    initialConditionNote_->hide();
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (const int known = initialCondition_->findData(absolute); known >= 0) {
        initialCondition_->setCurrentIndex(known);
        return true;
    }
    try {
        spreadcast::listInitialConditionTimes(absolute.toStdString());
    } catch (const std::exception& error) {
        initialConditionNote_->setText(QString("Not added: %1").arg(QString::fromStdString(error.what())));
        initialConditionNote_->show();
        return false;
    }
    initialCondition_->addItem(QFileInfo(absolute).fileName(), absolute);
    const int index = initialCondition_->count() - 1;
    initialCondition_->setItemData(index, absolute, Qt::ToolTipRole);
    initialCondition_->setCurrentIndex(index);
    return true;
}

QStringList RunPanel::outputPathProblems(const QString& path) const
{
    if (path.isEmpty()) {
        return {};  // validate() says it
    }
    const QFileInfo info(path);
    if (info.isDir()) {
        return {
            QString("'%1' is a folder: give a file name in it, e.g. %2").arg(path, QDir(path).filePath("forecast.nc"))};
    }
    if (!info.absoluteDir().exists()) {
        return {QString("The folder '%1' does not exist: create it or choose another output file")
                    .arg(info.absolutePath())};
    }
    return {};
}

void RunPanel::listInitialConditionTimes()
{
    const QString text = initialConditionValue();
    initialConditionTime_->clear();
    initialConditionProblem_.clear();
    if (text.isEmpty() || isBuiltInCase(text.toStdString())) {
        initialConditionTime_->addItem("— (built-in case)");
        initialConditionTime_->setEnabled(false);
        return;
    }
    try {
        for (const std::string& time : spreadcast::listInitialConditionTimes(text.toStdString())) {
            initialConditionTime_->addItem(QString::fromStdString(time));
        }
        initialConditionTime_->setEnabled(initialConditionTime_->count() > 1);
    } catch (const std::exception& error) {
        initialConditionProblem_ = QString::fromStdString(error.what());
        initialConditionTime_->setEnabled(false);
    }
}

std::optional<RunSpec> RunPanel::spec() const
{
    QMap<QString, QStringList> problems;
    return read(problems);
}

void RunPanel::revalidate()
{
    QMap<QString, QStringList> problems;
    const std::optional<RunSpec> current = read(problems);
    if (current) {
        const bool graphCast = current->model == graphCastModel.toStdString();
        const QStringList& hiddenFields = graphCast ? shallowWaterFields : graphCastFields;
        for (const std::string& sentence : validate(*current)) {
            QString field = fieldOfProblem(sentence, graphCast);
            if (hiddenFields.contains(field)) {
                field = "general";  // never under a field that is not shown
            }
            problems[field] << withoutCommandLineFlags(sentence);
        }
        problems["outputPath"] << outputPathProblems(outputPath_->text().trimmed());
    }
    threads_->setEnabled(cpu_->isChecked());
    valid_ = true;
    for (auto label = problemLabels_.begin(); label != problemLabels_.end(); ++label) {
        const QStringList& list = problems.value(label.key());
        label.value()->setText(list.join('\n'));
        label.value()->setVisible(!list.isEmpty());
        valid_ = valid_ && list.isEmpty();
    }
    run_->setEnabled(valid_ && !running_);
}

QStringList RunPanel::problems() const
{
    QStringList all;
    for (const QLabel* label : problemLabels_) {
        if (!label->text().isEmpty()) {
            all << label->text();
        }
    }
    return all;
}

void RunPanel::setSpec(const RunSpec& spec)
{
    const bool graphCast = spec.model == graphCastModel.toStdString();
    model_->setCurrentIndex(model_->findData(graphCast ? graphCastModel : shallowWaterModel));
    if (graphCast) {
        setGraphCastSettings(spec.graphcast, spec.initialCondition);
    } else {
        const QString initial = QString::fromStdString(spec.initialCondition);
        if (isBuiltInCase(spec.initialCondition) || initialCondition_->findText(initial) >= 0) {
            initialCondition_->setCurrentText(initial);
        } else {
            addInitialConditionFile(initial);
        }
        if (spec.initialConditionTime < initialConditionTime_->count()) {
            initialConditionTime_->setCurrentIndex(spec.initialConditionTime);
        }
    }
    truncation_->setValue(spec.truncation);
    members_->setValue(spec.members);
    lead_->setText(durationText(spec.leadSeconds));
    outputInterval_->setText(durationText(spec.outputIntervalSeconds));
    seed_->setText(QString::number(spec.seed));
    perturbVorticity_->setText(QString::number(spec.perturbVorticity, 'g', 12));
    perturbHeight_->setText(QString::number(spec.perturbHeight, 'g', 12));
    const double lengthScale = graphCast ? spec.graphcast.perturbationLengthScale : spec.perturbLengthScale;
    perturbLength_->setText(QString::number(lengthScale / 1000.0, 'g', 12));
    QStringList thresholds;
    for (const ExceedanceThreshold& threshold : spec.thresholds) {
        thresholds << QString::fromStdString(threshold.variable) + ">" + QString::number(threshold.value, 'g', 12);
    }
    probabilities_->setText(thresholds.join(", "));
    threads_->setValue(spec.threads);
    if (!spec.outputPath.empty()) {
        outputPath_->setText(QString::fromStdString(spec.outputPath));
    }
    revalidate();
}

void RunPanel::setGraphCastSettings(const GraphCastSettings& settings, const std::string& firstFile)
{
    // A spec saved by an earlier session: its checkpoint's licence was accepted then, or is asked
    // when it is chosen again, never while the window opens.
    chooseCheckpoint(QString::fromStdString(settings.checkpoint), false);
    statistics_->setText(QString::fromStdString(settings.statistics));
    graphCastFiles_->clear();
    std::vector<std::string> files = settings.initialConditions;
    if (files.empty() && !firstFile.empty()) {
        files.push_back(firstFile);
    }
    for (const std::string& file : files) {
        addGraphCastFile(QString::fromStdString(file));
    }
    if (files.empty()) {
        applyGraphCastSummary({});
    }
    const QString time = QString::fromStdString(settings.initialTime);
    if (time.isEmpty() || graphCastTime_->findData(time) >= 0) {
        graphCastTime_->setCurrentIndex(std::max(0, graphCastTime_->findData(time)));
    } else {
        // A time the files list in another spelling ("2022-01-01T06:00Z") is kept as given.
        graphCastTime_->addItem(time, time);
        graphCastTime_->setCurrentIndex(graphCastTime_->count() - 1);
    }
    staticsFile_->setText(QString::fromStdString(settings.staticsFile));
    perturbationScale_->setText(QString::number(settings.perturbationScale, 'g', 12));
    perturbationPairs_->setChecked(settings.perturbationPairs);
}

void RunPanel::setRunning(bool running)
{
    running_ = running;
    cancel_->setEnabled(running);
    resume_->setEnabled(!running);
    run_->setEnabled(valid_ && !running_);
}

void RunPanel::setResumable(const QString& path)
{
    resumablePath_ = path;
    resume_->setVisible(!path.isEmpty());
    resume_->setEnabled(!running_);
    resume_->setToolTip(path.isEmpty() ? QString()
                                       : "Continue the interrupted run of " + QFileInfo(path).fileName() +
                                             ": only its unfinished members are computed");
}

void RunPanel::setOutputPath(const QString& path)
{
    outputPath_->setText(path);
}

}  // namespace spreadcast
