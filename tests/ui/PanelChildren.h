#pragma once

// Finding the workstation's widgets by object name in GUI tests, and filling the run panel for a
// short shallow-water run, as a user would.

#include "ui/RunPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>
#include <QString>

namespace spreadcast::testing {

// The child called `name`; stops the test program when there is none (a renamed widget).
template <typename T>
T* child(QObject* parent, const char* name)
{
    T* found = parent->findChild<T*>(name);
    if (found == nullptr) {
        qFatal("no child '%s'", name);
    }
    return found;
}

// A Galewsky-jet run on the CPU, without probabilities, into `output`.
inline void configureShallowWaterRun(RunPanel* panel, int truncation, int members, const QString& lead,
                                     const QString& every, const QString& output, int threads)
{
    child<QComboBox>(panel, "initialCondition")->setCurrentText("galewsky");
    child<QSpinBox>(panel, "truncation")->setValue(truncation);
    child<QSpinBox>(panel, "members")->setValue(members);
    child<QLineEdit>(panel, "lead")->setText(lead);
    child<QLineEdit>(panel, "outputInterval")->setText(every);
    child<QLineEdit>(panel, "probabilities")->clear();
    child<QCheckBox>(panel, "cpu")->setChecked(true);
    child<QSpinBox>(panel, "threads")->setValue(threads);
    child<QLineEdit>(panel, "outputPath")->setText(output);
}

}  // namespace spreadcast::testing
