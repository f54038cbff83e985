#include "ForecastFixture.h"
#include "PanelChildren.h"
#include "ui/GlobeWidget.h"
#include "ui/MainWindow.h"
#include "ui/OpenGLCheck.h"
#include "ui/RunPanel.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTimer>
#include <QToolButton>
#include <QtTest/QtTest>

#include <fstream>

using namespace spreadcast;
using spreadcast::testing::child;

namespace {

// Types into a spin box as a person does: everything selected, then the keys.
void typeInto(QSpinBox* box, const QString& text)
{
    box->setFocus();
    box->findChild<QLineEdit*>()->selectAll();
    QTest::keyClicks(box, text);
}

}  // namespace

// Issue 14, defects 13 and 14: the run panel's initial-condition list and its messages.
class TestRunPanel : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString start_;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        start_ = folder_.filePath("start.cdf");
        fixture::write(start_.toStdString());
    }

    // Defect 13: the file dialog lists .cdf files, and the list shows a file by its name.
    void initialConditionFilesAreListedByNameWithTheirPath()
    {
        RunPanel panel;
        panel.show();
        QString filters;
        auto* poll = new QTimer(&panel);
        connect(poll, &QTimer::timeout, &panel, [&] {
            if (auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget())) {
                poll->stop();
                filters = dialog->nameFilters().join(";;");
                dialog->selectFile(start_);
                QMetaObject::invokeMethod(dialog, "accept", Qt::QueuedConnection);
            }
        });
        poll->start(20);
        QTest::mouseClick(child<QToolButton>(&panel, "initialConditionBrowse"), Qt::LeftButton);
        QVERIFY2(filters.contains("*.cdf"), qPrintable(filters));
        auto* initial = child<QComboBox>(&panel, "initialCondition");
        QCOMPARE(initial->currentText(), QString("start.cdf"));
        QCOMPARE(initial->itemData(initial->currentIndex(), Qt::ToolTipRole).toString(), start_);
        QCOMPARE(QString::fromStdString(panel.spec()->initialCondition), start_);
        QCOMPARE(child<QComboBox>(&panel, "initialConditionTime")->count(), 3);
        QVERIFY(child<QPushButton>(&panel, "runButton")->isEnabled());

        // Chosen again: not listed twice.
        const int count = initial->count();
        QVERIFY(panel.addInitialConditionFile(start_));
        QCOMPARE(initial->count(), count);
    }

    // Defect 13: a file that is not initial conditions does not enter the list; the panel says why.
    void anInvalidFileStaysOutOfTheList()
    {
        RunPanel panel;
        panel.show();
        const QString broken = folder_.filePath("notes.cdf");
        std::ofstream(broken.toStdString()) << "not a NetCDF file";
        auto* initial = child<QComboBox>(&panel, "initialCondition");
        const int count = initial->count();
        const QString before = initial->currentText();
        QVERIFY(!panel.addInitialConditionFile(broken));
        QCOMPARE(initial->count(), count);
        QCOMPARE(initial->currentText(), before);
        auto* note = child<QLabel>(&panel, "initialConditionNote");
        QVERIFY(note->isVisibleTo(&panel));
        QVERIFY2(note->text().contains("notes.cdf"), qPrintable(note->text()));
        QVERIFY(child<QPushButton>(&panel, "runButton")->isEnabled());  // the case chosen before still runs
        QVERIFY(panel.addInitialConditionFile(start_));
        QVERIFY(!note->isVisibleTo(&panel));
    }

    // Defect 14: −5 members is refused with a message (not read as 5), and no message quotes a
    // command-line option.
    void negativeNumbersAreRefusedInThePanelsOwnWords()
    {
        RunPanel panel;
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* members = child<QSpinBox>(&panel, "members");
        typeInto(members, "-5");
        QCOMPARE(members->value(), -5);
        auto* problem = child<QLabel>(&panel, "membersProblem");
        QVERIFY(problem->isVisibleTo(&panel));
        QVERIFY2(problem->text().contains("-5") && problem->text().contains("“Ensemble size”"),
                 qPrintable(problem->text()));
        QVERIFY(!child<QPushButton>(&panel, "runButton")->isEnabled());
        typeInto(child<QSpinBox>(&panel, "truncation"), "-42");
        QCOMPARE(child<QSpinBox>(&panel, "truncation")->value(), -42);
        child<QLineEdit>(&panel, "lead")->setText("0h");
        child<QLineEdit>(&panel, "outputInterval")->setText("5h");
        const QStringList problems = panel.problems();
        QVERIFY(problems.size() >= 3);
        for (const QString& text : problems) {
            QVERIFY2(!text.contains("--"), qPrintable(text));
        }
        typeInto(members, "4");
        QVERIFY(!problem->isVisibleTo(&panel));
    }

    // Defect 14: an output that is a folder, or in a folder that does not exist, is said at once.
    void theOutputPathIsCheckedWhenItIsChosen()
    {
        RunPanel panel;
        auto* output = child<QLineEdit>(&panel, "outputPath");
        auto* problem = child<QLabel>(&panel, "outputPathProblem");
        auto* run = child<QPushButton>(&panel, "runButton");
        output->setText(folder_.path());
        QVERIFY2(problem->text().contains("is a folder"), qPrintable(problem->text()));
        QVERIFY(!problem->text().contains("ermission"));
        QVERIFY(!run->isEnabled());
        output->setText(folder_.filePath("no-such-folder/forecast.nc"));
        QVERIFY2(problem->text().contains("does not exist") && problem->text().contains("no-such-folder"),
                 qPrintable(problem->text()));
        QVERIFY(!run->isEnabled());
        output->setText(folder_.filePath("forecast.nc"));
        QVERIFY(problem->text().isEmpty());
        QVERIFY(run->isEnabled());
    }

    // Defect 14: a message wraps inside the Run dock instead of widening it.
    void messagesDoNotWidenTheRunDock()
    {
        MainWindow window(GlobeWidget::Backend::OffscreenImage);
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* dock = child<QDockWidget>(&window, "runDock");
        QTest::qWait(50);
        const int width = dock->width();
        RunPanel* panel = window.runPanel();
        child<QLineEdit>(panel, "outputPath")
            ->setText(folder_.filePath("a-folder-whose-name-is-long-enough-to-widen-a-"
                                       "dock-that-follows-its-messages/f.nc"));
        typeInto(child<QSpinBox>(panel, "members"), "-5");
        child<QLineEdit>(panel, "lead")->setText("0h");
        QVERIFY2(panel->problems().size() >= 3, qPrintable(panel->problems().join('\n')));
        QTest::qWait(50);
        QCOMPARE(dock->width(), width);
    }
};

int main(int argc, char** argv)
{
    setDefaultSurfaceFormat();
    QApplication application(argc, argv);
    QApplication::setOrganizationName("SpreadcastTests");
    QApplication::setApplicationName("TestRunPanel");
    TestRunPanel test;
    return QTest::qExec(&test, argc, argv);
}

#include "TestRunPanel.moc"
