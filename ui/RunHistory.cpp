#include "ui/RunHistory.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>

#include <nlohmann/json.hpp>

#include <algorithm>

namespace spreadcast {
namespace {

QString absolute(const QString& path)
{
    return path.isEmpty() ? path : QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

nlohmann::json toJson(const RunRecord& record)
{
    return {{"started", record.started.toString(Qt::ISODate).toStdString()},
            {"output", record.outputPath.toStdString()},
            {"status", record.status.toStdString()},
            {"spec", record.specJson.toStdString()},
            {"openedOnly", record.openedOnly}};
}

RunRecord recordFromJson(const nlohmann::json& json)
{
    RunRecord record;
    record.started = QDateTime::fromString(QString::fromStdString(json.value("started", "")), Qt::ISODate);
    record.outputPath = QString::fromStdString(json.value("output", ""));
    record.status = QString::fromStdString(json.value("status", ""));
    record.specJson = QByteArray::fromStdString(json.value("spec", ""));
    record.openedOnly = json.value("openedOnly", false);
    return record;
}

}  // namespace

std::optional<RunSpec> RunRecord::spec() const
{
    if (specJson.isEmpty()) {
        return std::nullopt;
    }
    try {
        RunSpec spec = runSpecFromJson(nlohmann::json::parse(specJson.toStdString()));
        spec.outputPath = outputPath.toStdString();
        return spec;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

QString RunRecord::statusWord() const
{
    const QString word = status.section(':', 0, 0).trimmed();
    return word.isEmpty() ? QString("unknown") : word;
}

RunHistory::RunHistory(QString settingsKey) : settingsKey_(std::move(settingsKey)) {}

std::vector<RunRecord> RunHistory::records() const
{
    const QByteArray saved = QSettings().value(settingsKey_).toByteArray();
    std::vector<RunRecord> records;
    if (saved.isEmpty()) {
        return records;
    }
    // A list damaged by hand or by another version starts afresh rather than stopping the window.
    const nlohmann::json list = nlohmann::json::parse(saved.toStdString(), nullptr, false);
    if (!list.is_array()) {
        qWarning("spreadcast: the saved run history could not be read; starting a new one");
        return records;
    }
    for (const nlohmann::json& entry : list) {
        if (entry.is_object()) {
            RunRecord record = recordFromJson(entry);
            if (!record.outputPath.isEmpty()) {
                records.push_back(std::move(record));
            }
        }
    }
    return records;
}

void RunHistory::store(const std::vector<RunRecord>& records) const
{
    nlohmann::json list = nlohmann::json::array();
    for (std::size_t i = 0; i < records.size() && i < static_cast<std::size_t>(maxRecords); ++i) {
        list.push_back(toJson(records[i]));
    }
    QSettings().setValue(settingsKey_, QByteArray::fromStdString(list.dump()));
}

void RunHistory::recordStart(const RunSpec& spec, const QDateTime& when)
{
    RunRecord record;
    record.started = when.toUTC();
    record.outputPath = absolute(QString::fromStdString(spec.outputPath));
    record.status = "running";
    record.specJson = QByteArray::fromStdString(spreadcast::toJson(spec).dump());
    std::vector<RunRecord> records = this->records();
    std::erase_if(records, [&](const RunRecord& known) { return known.outputPath == record.outputPath; });
    records.insert(records.begin(), std::move(record));
    store(records);
}

void RunHistory::recordEnd(const QString& outputPath, const QString& status)
{
    const QString path = absolute(outputPath);
    std::vector<RunRecord> records = this->records();
    for (RunRecord& record : records) {
        if (record.outputPath == path) {
            record.status = status;
            store(records);
            return;
        }
    }
}

void RunHistory::recordOpened(const QString& outputPath, const QString& status, const QByteArray& specJson,
                              const QDateTime& when)
{
    const QString path = absolute(outputPath);
    std::vector<RunRecord> records = this->records();
    for (RunRecord& record : records) {
        if (record.outputPath == path) {
            record.status = status;
            if (!specJson.isEmpty()) {
                record.specJson = specJson;
            }
            store(records);
            return;
        }
    }
    RunRecord record;
    record.started = when.toUTC();
    record.outputPath = path;
    record.status = status;
    record.specJson = specJson;
    record.openedOnly = true;
    records.insert(records.begin(), std::move(record));
    store(records);
}

void RunHistory::remove(const QString& outputPath)
{
    const QString path = absolute(outputPath);
    std::vector<RunRecord> records = this->records();
    std::erase_if(records, [&](const RunRecord& known) { return known.outputPath == path; });
    store(records);
}

void RunHistory::clear()
{
    QSettings().remove(settingsKey_);
}

QString displayedStatus(const RunRecord& record, bool runningNow)
{
    if (runningNow) {
        return "running";  // its file may not be created yet
    }
    if (!QFileInfo::exists(record.outputPath)) {
        return "file missing";
    }
    const QString word = record.statusWord();
    return word == "running" ? QString("interrupted") : word;
}

}  // namespace spreadcast
