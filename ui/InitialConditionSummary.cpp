#include "ui/InitialConditionSummary.h"

#include "ic/InitialConditionSource.h"

#include <QDateTime>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <set>

namespace spreadcast {
namespace {

QString formatName(ic::SourceFormat format)
{
    switch (format) {
    case ic::SourceFormat::Grib: return "ECMWF GRIB";
    case ic::SourceFormat::CdsNetcdf: return "CDS NetCDF";
    case ic::SourceFormat::DeepMindNetcdf: return "DeepMind NetCDF";
    case ic::SourceFormat::Unknown: break;
    }
    return "unknown format";
}

QString utcText(std::int64_t seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString("yyyy-MM-dd HH:mm");
}

// "0.25°, 721 × 1440" from the spacing of the longitudes (a regular grid's).
QString gridText(const graphcast::LatLonGrid& grid)
{
    QString spacing = "irregular";
    if (grid.longitudes.size() >= 2) {
        spacing = QString::number(std::abs(grid.longitudes[1] - grid.longitudes[0]), 'g', 4) + "°";
    }
    return QString("%1, %2 × %3").arg(spacing).arg(grid.latitudes.size()).arg(grid.longitudes.size());
}

}  // namespace

InitialConditionSummary summariseInitialConditions(const QStringList& paths)
{
    std::vector<std::string> files;
    std::set<QString> formats;
    for (const QString& path : paths) {
        files.push_back(path.toStdString());
        formats.insert(formatName(ic::detectSourceFormat(files.back())));
    }
    const graphcast::Dataset dataset = ic::readInitialConditionSources(files);

    std::set<std::string> variables;
    for (const graphcast::Fields& fields : dataset.times) {
        for (const auto& entry : fields.variables) {
            variables.insert(entry.first);
        }
    }
    QStringList variableNames;
    for (const std::string& name : variables) {
        variableNames << QString::fromStdString(name);
    }
    QStringList staticNames;
    for (const auto& entry : dataset.statics.variables) {
        staticNames << QString::fromStdString(entry.first);
    }
    QStringList levels;
    for (int level : dataset.levels) {
        levels << QString::number(level);
    }
    std::vector<std::int64_t> validTimes = dataset.validTimes;
    std::sort(validTimes.begin(), validTimes.end());

    InitialConditionSummary summary;
    for (std::int64_t time : validTimes) {
        summary.times << utcText(time);
    }
    QStringList formatNames(formats.begin(), formats.end());
    QStringList lines;
    lines << "Source: " + formatNames.join(", ");
    lines << QString("Variables (%1): %2").arg(variableNames.size()).arg(variableNames.join(", "));
    lines << "Statics: " + (staticNames.isEmpty() ? QString("none (give a statics file)") : staticNames.join(", "));
    lines << "Levels: " + (levels.isEmpty() ? QString("none") : levels.join(", ") + " hPa");
    if (summary.times.isEmpty()) {
        lines << "Times: none";
    } else if (summary.times.size() == 1) {
        lines << "Times: " + summary.times.front() + " (1)";
    } else {
        lines << QString("Times: %1 … %2 (%3)")
                     .arg(summary.times.front(), summary.times.back())
                     .arg(summary.times.size());
    }
    lines << "Grid: " + gridText(dataset.grid);
    summary.text = lines.join('\n');
    return summary;
}

}  // namespace spreadcast
