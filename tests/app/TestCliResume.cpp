#include "../common/NetcdfBytes.h"

#include <netcdf.h>

#include <QtTest/QtTest>

#include <csignal>

using spreadcast::testing::differingVariables;
using spreadcast::testing::variableBytes;

// A run that is killed (kill -9) or cancelled part-way restarts with --resume, computes only the
// members it had not finished, and ends byte-identical in every variable to an uninterrupted run.
class TestCliResume : public QObject {
    Q_OBJECT

    static QStringList forecast(const QString& path)
    {
        // Long enough (a few seconds on 2 cores) that the run can be caught between members.
        QStringList arguments{"run", "--ic", "galewsky", "-T", "42", "--lead", "6d", "--output-every", "12h"};
        arguments += QStringList{"--members", "12", "--seed", "7", "--skeb", "1e-10", "--precision", "double"};
        arguments += QStringList{"--probability", "height>10000", "--store-members", "0-5,9", "--out", path};
        return arguments;
    }

    static int finishedMembers(const QString& path)
    {
        QFile manifest(path + ".resume/manifest.json");
        if (!manifest.open(QIODevice::ReadOnly)) {
            return -1;
        }
        const QJsonDocument json = QJsonDocument::fromJson(manifest.readAll());
        return json.isObject() ? static_cast<int>(json.object().value("finished_members").toArray().size()) : -1;
    }

    static QString runStatus(const QString& path)
    {
        int ncid = -1;
        if (nc_open(path.toUtf8().constData(), NC_NOWRITE, &ncid) != NC_NOERR) {
            return "unreadable";
        }
        std::size_t length = 0;
        nc_inq_attlen(ncid, NC_GLOBAL, "run_status", &length);
        std::string text(length, '\0');
        nc_get_att_text(ncid, NC_GLOBAL, "run_status", text.data());
        nc_close(ncid);
        return QString::fromStdString(text);
    }

    struct Finished {
        int exitCode = -1;
        QString err;
    };
    static Finished runToEnd(const QStringList& arguments)
    {
        QProcess process;
        process.start(SPREADCAST_CLI, arguments);
        if (!process.waitForFinished(300000) || process.exitStatus() != QProcess::NormalExit) {
            process.kill();
            return {};
        }
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardError())};
    }

    // Starts the run and stops it once `members` members are in its manifest: with SIGKILL, or
    // SIGTERM (a cancel). Returns how many members had finished when it died.
    static int interrupt(const QString& path, int members, int signal)
    {
        QProcess process;
        process.start(SPREADCAST_CLI, forecast(path) + QStringList{"--devices", "cpu:2", "--quiet"});
        if (!process.waitForStarted()) {
            return -1;
        }
        // waitForFinished, not a sleep: QProcess notices an exit only while it waits or runs an
        // event loop, and a run that ends before `members` are in (it should not) must not hang.
        while (finishedMembers(path) < members && !process.waitForFinished(2)) {
        }
        if (process.state() != QProcess::Running) {
            return -2;  // it finished or failed before it could be interrupted
        }
        ::kill(static_cast<pid_t>(process.processId()), signal);
        process.waitForFinished(60000);
        return finishedMembers(path);
    }

    QTemporaryDir directory_;
    std::map<std::string, std::vector<unsigned char>> reference_;

private slots:
    void initTestCase()
    {
        const QString path = directory_.filePath("reference.nc");
        const Finished run = runToEnd(forecast(path) + QStringList{"--devices", "cpu:1", "--quiet"});
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!QFileInfo::exists(path + ".resume"));  // a complete run leaves no manifest
        reference_ = variableBytes(path.toStdString());
    }

    void killedRunResumesToTheSameBytes_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("devices");
        QTest::newRow("kill -9, resumed on 2 workers") << int(SIGKILL) << "cpu:2";
        QTest::newRow("kill -9, resumed on 3 workers with segments") << int(SIGKILL) << "cpu:3";
        QTest::newRow("cancelled, resumed on 1 worker") << int(SIGTERM) << "cpu:1";
    }
    void killedRunResumesToTheSameBytes()
    {
        QFETCH(int, signal);
        QFETCH(QString, devices);
        const QString path = directory_.filePath("interrupted.nc");
        QFile::remove(path);
        const int finished = interrupt(path, 3, signal);
        QVERIFY2(finished >= 3 && finished < 12,
                 qPrintable(QString("finished %1 of 12 when interrupted (-2: the run ended first)").arg(finished)));
        QVERIFY(runStatus(path) != "complete");

        QStringList resume{"run", "--resume", "--out", path, "--devices", devices};
        if (devices == "cpu:3") {
            resume += QStringList{"--segment", "2"};
        }
        const Finished resumed = runToEnd(resume);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
        QVERIFY2(resumed.err.contains(QString("%1 of 12 member(s) finished").arg(finished)), qPrintable(resumed.err));
        QCOMPARE(runStatus(path), QString("complete"));
        QVERIFY(!QFileInfo::exists(path + ".resume"));
        QCOMPARE(QString::fromStdString(differingVariables(reference_, variableBytes(path.toStdString()))), QString());
    }

    void resumeRefusesWhatItCannotDo()
    {
        const QString path = directory_.filePath("refused.nc");
        // Nothing to resume.
        Finished run = runToEnd({"run", "--resume", "--out", path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("does not exist"), qPrintable(run.err));
        // A complete run has no manifest.
        QFile::copy(directory_.filePath("reference.nc"), path);
        run = runToEnd({"run", "--resume", "--out", path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("manifest") && run.err.contains("missing"), qPrintable(run.err));
        // The forecast is the file's: options that would change it are refused.
        run = runToEnd({"run", "--resume", "--out", path, "--members", "20"});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("leave out --members"), qPrintable(run.err));
        // A damaged manifest.
        QDir().mkpath(path + ".resume");
        QFile manifest(path + ".resume/manifest.json");
        QVERIFY(manifest.open(QIODevice::WriteOnly));
        manifest.write("{\"format\": \"spreadcast-resume-1\", \"finished");
        manifest.close();
        run = runToEnd({"run", "--resume", "--out", path});
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains("damaged"), qPrintable(run.err));
    }
};

QTEST_GUILESS_MAIN(TestCliResume)
#include "TestCliResume.moc"
