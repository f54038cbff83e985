#include "ui/GuiWording.h"

#include <QRegularExpression>

#include <utility>
#include <vector>

namespace spreadcast {
namespace {

// The Run panel's label of each option that core's sentences name; longer options first, so that
// --store-members is not read as --members. Options the panel does not show (placement and
// testing) are named as what they set.
const std::vector<std::pair<QString, QString>>& fieldLabels()
{
    static const std::vector<std::pair<QString, QString>> labels{
        {"--store-members", "stored members"},
        {"--perturb-vorticity", "Vorticity perturbation"},
        {"--perturb-height", "Height perturbation"},
        {"--perturb-length", "Perturbation length"},
        {"--output-every", "Output every"},
        {"--probability", "Probabilities"},
        {"--truncation", "Truncation T"},
        {"--batch-size", "batch size"},
        {"--watchdog", "watchdog time"},
        {"--members", "Ensemble size"},
        {"--devices", "Devices"},
        {"--threads", "CPU workers"},
        {"--model", "model"},
        {"--lead", "Lead time"},
        {"--seed", "Seed"},
        {"--out", "Output file"},
        {"--ic", "Initial condition"},
        {"--dt", "time step"},
    };
    return labels;
}

}  // namespace

QString withoutCommandLineFlags(const std::string& sentence)
{
    QString text = QString::fromStdString(sentence);
    for (const auto& [option, label] : fieldLabels()) {
        const QString quoted = QString("“%1”").arg(label);
        const QString name = QRegularExpression::escape(option) + "(?![\\w-])";
        // "give --members 1 … 10000" → "set “Ensemble size” to 1 … 10000"; "give --watchdog with a
        // duration" → "set “watchdog time” to a duration"; "give --out FILE.nc" → "set “Output file” to FILE.nc".
        text.replace(QRegularExpression("\\bgive " + name + "(?: with)?(?= )"), "set " + quoted + " to");
        text.replace(QRegularExpression("\\bgive " + name), "set " + quoted);
        text.replace(QRegularExpression("\\badd " + name), "tick " + quoted);
        text.replace(QRegularExpression("\\banother " + name + "(?: path)?"), "another " + quoted);
        text.replace(QRegularExpression(name), quoted);
    }
    // Any other option by its words: "--resume" → "“resume”".
    static const QRegularExpression otherOption("(?<![\\w-])--([a-z][a-z-]*)");
    for (auto match = otherOption.match(text); match.hasMatch(); match = otherOption.match(text)) {
        text.replace(match.capturedStart(), match.capturedLength(), "“" + match.captured(1).replace('-', ' ') + "”");
    }
    if (!text.isEmpty()) {
        text[0] = text[0].toUpper();
    }
    return text;
}

}  // namespace spreadcast
