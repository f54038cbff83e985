#include "../common/NetcdfBytes.h"

#include <QtTest/QtTest>

#include <string>

namespace {

struct CliResult {
    int exitCode = -1;
    QString out;
    QString err;
};

// Open MPI in a container with no network and maybe no ptrace between processes: the shared-memory
// transport alone, copying through its buffers (single-copy via CMA needs ptrace rights).
QProcessEnvironment quietMpiEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert("OMPI_MCA_btl", "self,vader");
    environment.insert("OMPI_MCA_btl_vader_single_copy_mechanism", "none");
    environment.insert("OMPI_MCA_rmaps_base_oversubscribe", "1");
    return environment;
}

CliResult runProgram(const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.setProcessEnvironment(quietMpiEnvironment());
    process.start(program, arguments);
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
        return {-1, {}, "timed out: " + QString::fromUtf8(process.readAllStandardError())};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAllStandardOutput()), QString::fromUtf8(process.readAllStandardError())};
}

// The members a device finished, from the run's summary ("  rank1/cpu/0: 3 member(s) done, …").
int membersDone(const QString& err, const QString& device)
{
    const QRegularExpression line("^  " + QRegularExpression::escape(device) + R"(: (\d+) member\(s\) done)",
                                  QRegularExpression::MultilineOption);
    const QRegularExpressionMatch match = line.match(err);
    return match.hasMatch() ? match.captured(1).toInt() : -1;
}

// T21, 8 members, 1 day in 6-hour outputs, perturbed, with stochastic backscatter and statistics.
QStringList forecast(const QString& out)
{
    return {"run",          "--ic",      "galewsky", "-T",     "21",    "--lead",      "1d",     "--output-every",
            "6h",           "--members", "8",        "--skeb", "1e-10", "--precision", "double", "--probability",
            "height>10000", "--out",     out};
}

}  // namespace

class TestMpiRun : public QObject {
    Q_OBJECT

    QString mpirun_;
    QTemporaryDir directory_;
    QString reference_;  // the in-process run on two CPU workers

    CliResult runRanks(int ranks, const QStringList& arguments)
    {
        QStringList command{"-np", QString::number(ranks), "--oversubscribe", "--allow-run-as-root", SPREADCAST_CLI};
        return runProgram(mpirun_, command + arguments);
    }

private slots:
    void initTestCase()
    {
        mpirun_ = QStandardPaths::findExecutable("mpirun");
        if (mpirun_.isEmpty()) {
            QSKIP("mpirun is not installed (Debian: openmpi-bin)");
        }
        const CliResult version = runProgram(SPREADCAST_CLI, {"--version"});
        QCOMPARE(version.exitCode, 0);
        if (!version.out.contains("\nMPI: ")) {
            QSKIP("spreadcast-cli was built without MPI (its --version names no MPI library)");
        }
        QVERIFY(directory_.isValid());
        reference_ = directory_.filePath("in-process.nc");
        const CliResult result = runProgram(SPREADCAST_CLI, forecast(reference_) + QStringList{"--devices", "cpu:2"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    }

    void threeRanksWriteTheBytesOfAnInProcessRun()
    {
        // DESIGN.md contract 1: the placement — here over MPI ranks — changes no byte.
        const QString path = directory_.filePath("three-ranks.nc");
        QElapsedTimer timer;
        timer.start();
        const CliResult result = runRanks(3, forecast(path) + QStringList{"--devices", "cpu:1"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        qInfo("3 ranks: %.1f s", static_cast<double>(timer.elapsed()) / 1000.0);
        QCOMPARE(result.out.trimmed(), QFileInfo(path).absoluteFilePath());
        for (const char* device : {"cpu/0", "rank1/cpu/0", "rank2/cpu/0"}) {
            QVERIFY2(membersDone(result.err, device) > 0, qPrintable(device + QString(" did no work:\n") + result.err));
        }
        const std::string differing =
            spreadcast::testing::differingVariables(spreadcast::testing::variableBytes(reference_.toStdString()),
                                                    spreadcast::testing::variableBytes(path.toStdString()));
        QVERIFY2(differing.empty(), differing.c_str());
        // One output file, one progress report: the other ranks print nothing of their own.
        QCOMPARE(result.err.count("spreadcast-cli: complete after"), 1);
    }

    void aFaultOnARankMovesItsMembersAndKeepsTheBytes()
    {
        // Device 1 is rank 1's CPU worker; the controller fails it after 30 steps, and its member
        // goes on elsewhere from the last checkpoint.
        const QString path = directory_.filePath("fault.nc");
        const CliResult result = runRanks(
            3, forecast(path) + QStringList{"--devices", "cpu:1", "--inject-fault", "device=1,after-steps=30"});
        QVERIFY2(result.exitCode == 0, qPrintable(result.err));
        QVERIFY2(result.err.contains("device rank1/cpu/0 failed (injected fault after 30 steps)"),
                 qPrintable(result.err));
        QVERIFY2(result.err.contains("goes on elsewhere from its checkpoint"), qPrintable(result.err));
        QVERIFY2(QRegularExpression(R"(rank1/cpu/0: \d+ member\(s\) done.*, failed)").match(result.err).hasMatch(),
                 qPrintable(result.err));
        QVERIFY(membersDone(result.err, "rank2/cpu/0") > 0);
        const std::string differing =
            spreadcast::testing::differingVariables(spreadcast::testing::variableBytes(reference_.toStdString()),
                                                    spreadcast::testing::variableBytes(path.toStdString()));
        QVERIFY2(differing.empty(), differing.c_str());
    }

    void anInputErrorIsReportedOnceAndEveryRankExitsWithItsStatus()
    {
        const QString path = directory_.filePath("never.nc");
        const CliResult result = runRanks(3, forecast(path) + QStringList{"--devices", "cpu:1", "--members", "0"});
        QCOMPARE(result.exitCode, 2);
        QCOMPARE(result.err.count("spreadcast-cli run: "), 1);
        QVERIFY2(result.err.contains("--members"), qPrintable(result.err));
        QVERIFY(!QFileInfo::exists(path));
        // A mistake on the command line itself: rank 0's CLI11 message, once.
        const CliResult typo = runRanks(3, {"run", "--membres", "4"});
        QCOMPARE(typo.exitCode, 2);
        QCOMPARE(typo.err.count("--membres"), 1);
    }
};

QTEST_GUILESS_MAIN(TestMpiRun)
#include "TestMpiRun.moc"
