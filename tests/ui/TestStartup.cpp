#include "ForecastFixture.h"
#include "io/ForecastFile.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QtTest/QtTest>

// The `spreadcast` program itself, started as a person or a script would start it.
class TestStartup : public QObject {
    Q_OBJECT

    QTemporaryDir folder_;
    QString forecast_;

    struct Outcome {
        int exitCode = -1;
        QString output;
    };

    Outcome start(const QStringList& arguments, const QProcessEnvironment& environment)
    {
        QProcess process;
        QProcessEnvironment isolated = environment;
        isolated.insert("XDG_CONFIG_HOME", folder_.filePath("config"));  // the settings it saves stay here
        process.setProcessEnvironment(isolated);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(SPREADCAST_GUI, arguments);
        if (!process.waitForFinished(30000)) {
            process.kill();
            process.waitForFinished();
            return {-2, "did not finish within 30 s: " + QString(process.readAll())};
        }
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -3, process.readAll()};
    }

private slots:
    void initTestCase()
    {
        forecast_ = folder_.filePath("forecast.nc");
        spreadcast::fixture::write(forecast_.toStdString());
    }

    void opensAFileGivenOnTheCommandLine()
    {
        const QString shot = folder_.filePath("window.png");
        const Outcome outcome = start({forecast_, "--product", "spread", "--time-index", "2", "--screenshot", shot},
                                      QProcessEnvironment::systemEnvironment());
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.output));
        QVERIFY2(outcome.output.contains("window shown"), qPrintable(outcome.output));
        const QImage image(shot);
        QVERIFY(image.width() >= 800 && image.height() >= 500);
    }

    void aFileThatCannotBeReadLeavesTheWindowUp()
    {
        const QString shot = folder_.filePath("no-file.png");
        const Outcome outcome =
            start({folder_.filePath("absent.nc"), "--screenshot", shot}, QProcessEnvironment::systemEnvironment());
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.output));
        QVERIFY(QFile::exists(shot));
    }

    void quittingDuringARunKeepsAValidFile()
    {
        // --start-run presses Run with the default settings (8 members, T85, 6 days: longer than
        // the 2 s before the window is grabbed and the program quits).
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        const QString home = folder_.filePath("home");
        QDir().mkpath(home);
        environment.insert("HOME", home);  // where the run's file goes by default
        const Outcome outcome = start(
            {"--start-run", "--screenshot", folder_.filePath("run.png"), "--screenshot-delay", "2000"}, environment);
        QVERIFY2(outcome.exitCode == 0, qPrintable(outcome.output));
        const QStringList written = QDir(home).entryList({"spreadcast-*.nc"}, QDir::Files);
        QCOMPARE(written.size(), 1);
        const spreadcast::ForecastFile file(QDir(home).filePath(written.front()).toStdString());
        QVERIFY2(file.runStatus().rfind("cancelled", 0) == 0 || file.runStatus() == "complete",
                 file.runStatus().c_str());
    }

    void refusesAPlumePointItCannotRead()
    {
        const Outcome outcome = start({forecast_, "--plume", "north"}, QProcessEnvironment::systemEnvironment());
        QCOMPARE(outcome.exitCode, 2);
        QVERIFY2(outcome.output.contains("LAT,LON"), qPrintable(outcome.output));
    }

    void saysWhichOpenGLItFoundWhenItIsTooOld()
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert("MESA_GL_VERSION_OVERRIDE", "3.0");  // Mesa then offers no more than 3.0
        const Outcome outcome = start({forecast_, "--screenshot", folder_.filePath("old.png")}, environment);
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(outcome.output.contains("needs OpenGL 3.2"), qPrintable(outcome.output));
        QVERIFY2(outcome.output.contains("3.0") || outcome.output.contains("No OpenGL context"),
                 qPrintable(outcome.output));
    }

    void saysWhatToDoWithoutADisplay()
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.remove("DISPLAY");
        const Outcome outcome = start({forecast_}, environment);
        QCOMPARE(outcome.exitCode, 1);
        QVERIFY2(outcome.output.contains("xvfb-run"), qPrintable(outcome.output));
    }
};

QTEST_GUILESS_MAIN(TestStartup)
#include "TestStartup.moc"
