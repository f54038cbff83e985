#include <QProcess>
#include <QtTest/QtTest>

// Issue 14, defect 8: `spreadcast --help` and `--version` answer without a display (over ssh, in
// a package's post-install check) and exit with 0, instead of aborting in QApplication.
class TestCommandLineHelp : public QObject {
    Q_OBJECT

    struct Outcome {
        int exitCode = -1;
        QString output;
    };

    static Outcome startWithoutDisplay(const QStringList& arguments)
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
            environment.remove(name);
        }
        QProcess process;
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(SPREADCAST_GUI, arguments);
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            return {-2, "did not finish within 30 s"};
        }
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -3, process.readAll()};
    }

private slots:
    void helpNeedsNoDisplay()
    {
        const Outcome outcome = startWithoutDisplay({"--help"});
        QVERIFY2(outcome.exitCode == 0, qPrintable(QString::number(outcome.exitCode) + ": " + outcome.output));
        QVERIFY2(outcome.output.contains("--screenshot") && outcome.output.contains("FILE.nc"),
                 qPrintable(outcome.output));
    }

    void versionNeedsNoDisplay()
    {
        const Outcome outcome = startWithoutDisplay({"--version"});
        QVERIFY2(outcome.exitCode == 0, qPrintable(QString::number(outcome.exitCode) + ": " + outcome.output));
        QVERIFY2(outcome.output.contains(SPREADCAST_VERSION), qPrintable(outcome.output));
    }
};

QTEST_GUILESS_MAIN(TestCommandLineHelp)

#include "TestCommandLineHelp.moc"
