#include "ui/RunPanel.h"

#include "device/GpuInventory.h"
#include "io/InitialConditionFile.h"
#include "ui/GuiWording.h"

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
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>
#include <stdexcept>
#include <utility>

namespace spreadcast {
namespace {

// Which field a sentence of validate() is about, from the command-line option it names.
QString fieldOfProblem(const std::string& sentence)
{
    static const std::vector<std::pair<const char*, const char*>> options{
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
            return field;
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
    auto* outer = new QVBoxLayout(this);
    form_ = new QFormLayout;
    form_->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    outer->addLayout(form_);

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
    outer->addLayout(buttons);
    outer->addStretch();

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
    form_->addRow(label, cell);
}

std::optional<RunSpec> RunPanel::read(QMap<QString, QStringList>& problems) const
{
    RunSpec spec;
    spec.initialCondition = initialConditionValue().toStdString();
    spec.initialConditionTime = std::max(0, initialConditionTime_->currentIndex());
    if (!initialConditionProblem_.isEmpty()) {
        problems["initialCondition"] << initialConditionProblem_;
    }
    spec.truncation = truncation_->value();
    spec.members = members_->value();
    spec.leadSeconds = readDuration(lead_, problems["lead"]);
    spec.outputIntervalSeconds = readDuration(outputInterval_, problems["outputInterval"]);
    bool seedOk = false;
    spec.seed = seed_->text().trimmed().toULongLong(&seedOk);
    if (!seedOk) {
        problems["seed"]
            << QString("'%1' is not a seed: give a whole number 0 … 18446744073709551615").arg(seed_->text());
    }
    spec.perturbVorticity = readNumber(perturbVorticity_, "vorticity perturbation", problems["perturbVorticity"]);
    spec.perturbHeight = readNumber(perturbHeight_, "height perturbation", problems["perturbHeight"]);
    spec.perturbLengthScale = 1000.0 * readNumber(perturbLength_, "length scale in km", problems["perturbLength"]);
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
        for (const std::string& sentence : validate(*current)) {
            problems[fieldOfProblem(sentence)] << withoutCommandLineFlags(sentence);
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
    const QString initial = QString::fromStdString(spec.initialCondition);
    if (isBuiltInCase(spec.initialCondition) || initialCondition_->findText(initial) >= 0) {
        initialCondition_->setCurrentText(initial);
    } else {
        addInitialConditionFile(initial);
    }
    if (spec.initialConditionTime < initialConditionTime_->count()) {
        initialConditionTime_->setCurrentIndex(spec.initialConditionTime);
    }
    truncation_->setValue(spec.truncation);
    members_->setValue(spec.members);
    lead_->setText(durationText(spec.leadSeconds));
    outputInterval_->setText(durationText(spec.outputIntervalSeconds));
    seed_->setText(QString::number(spec.seed));
    perturbVorticity_->setText(QString::number(spec.perturbVorticity, 'g', 12));
    perturbHeight_->setText(QString::number(spec.perturbHeight, 'g', 12));
    perturbLength_->setText(QString::number(spec.perturbLengthScale / 1000.0, 'g', 12));
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
