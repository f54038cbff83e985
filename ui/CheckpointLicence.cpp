#include "ui/CheckpointLicence.h"

#include "graphcast/NpyArray.h"
#include "graphcast/NpzArchive.h"
#include "run/InputError.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>

namespace spreadcast {
namespace {

QString settingsKey(const CheckpointTerms& terms)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(terms.description.toUtf8());
    hash.addData(QByteArrayView("\0", 1));  // "ab" + "c" and "a" + "bc" hash apart
    hash.addData(terms.licence.toUtf8());
    return "graphcast/acceptedCheckpointTerms/" + QString::fromLatin1(hash.result().toHex());
}

QString entryText(const graphcast::NpzArchive& archive, const std::string& key)
{
    if (!archive.contains(key)) {
        throw InputError(archive.describe() + " has no '" + key +
                         "' entry: it is not a GraphCast checkpoint as graphcast.checkpoint.dump writes it");
    }
    const std::vector<std::string> items = graphcast::npyToStrings(archive.readArray(key), archive.describeEntry(key));
    QStringList lines;
    for (const std::string& item : items) {
        lines << QString::fromStdString(item);
    }
    return lines.join('\n');
}

}  // namespace

CheckpointTerms readCheckpointTerms(const QString& path)
{
    const graphcast::NpzArchive archive = graphcast::NpzArchive::openFile(path.toStdString(), "checkpoint");
    return {entryText(archive, "description"), entryText(archive, "license")};
}

bool checkpointTermsAccepted(const CheckpointTerms& terms)
{
    return QSettings().value(settingsKey(terms), false).toBool();
}

void rememberCheckpointTermsAccepted(const CheckpointTerms& terms)
{
    QSettings().setValue(settingsKey(terms), true);
}

bool askToAcceptCheckpointTerms(QWidget* parent, const QString& path, const CheckpointTerms& terms)
{
    QMessageBox box(QMessageBox::Information, "GraphCast checkpoint licence",
                    QString("%1 is distributed under these terms. Accept them to run forecasts from it.")
                        .arg(QFileInfo(path).fileName()),
                    QMessageBox::NoButton, parent);
    box.setObjectName("checkpointLicence");
    box.setInformativeText("Description: " + terms.description + "\n\nLicence: " + terms.licence);
    QPushButton* accept = box.addButton("Accept", QMessageBox::AcceptRole);
    accept->setObjectName("acceptLicence");
    QPushButton* decline = box.addButton("Decline", QMessageBox::RejectRole);
    decline->setObjectName("declineLicence");
    box.setDefaultButton(decline);
    box.exec();
    if (box.clickedButton() != accept) {
        return false;
    }
    rememberCheckpointTermsAccepted(terms);
    return true;
}

}  // namespace spreadcast
