#pragma once

// A GraphCast checkpoint's terms of use, shown once: DeepMind's checkpoints carry their licence
// (CC BY-NC-SA 4.0) in the file, and a forecaster should read it before the first run from it.
// Acceptance is remembered by the terms' contents, so a copy of the same checkpoint elsewhere is
// not asked again, and a checkpoint with other terms is.

#include <QString>

class QWidget;

namespace spreadcast {

struct CheckpointTerms {
    QString description;
    QString licence;
};

// The description and licence of the checkpoint at `path`, read from the archive's two small
// entries without its weights. Throws InputError naming the file when it is no checkpoint or
// either entry is missing.
CheckpointTerms readCheckpointTerms(const QString& path);

// Whether these terms were accepted before (QSettings), and remembering that they are.
bool checkpointTermsAccepted(const CheckpointTerms& terms);
void rememberCheckpointTermsAccepted(const CheckpointTerms& terms);

// Shows the checkpoint's description and licence in a modal dialog (object name
// "checkpointLicence", buttons "acceptLicence" and "declineLicence"); true when accepted, and then
// remembered.
bool askToAcceptCheckpointTerms(QWidget* parent, const QString& path, const CheckpointTerms& terms);

}  // namespace spreadcast
