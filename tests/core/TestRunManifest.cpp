#include "run/InputError.h"
#include "run/RunManifest.h"

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>

using namespace spreadcast;

class TestRunManifest : public QObject {
    Q_OBJECT

private slots:
    void aManifestReadsBackAsItWasWritten()
    {
        QTemporaryDir directory;
        const std::string output = directory.filePath("run.nc").toStdString();
        RunManifest manifest;
        manifest.spec.members = 6;
        manifest.spec.seed = 99;
        manifest.spec.truncation = 42;
        manifest.history = "spreadcast-cli run --members 6";
        manifest.finishedMembers = {0, 3, 5};
        manifest.failures = {{4, "blow-up at step 12 in height: NaN"}};
        const std::string statistics("\0\1binary\xff", 9);
        writeRunManifest(output, manifest, statistics);
        QCOMPARE(resumeFolder(output), output + ".resume");

        const RunManifest read = readRunManifest(output);
        QCOMPARE(read.spec.members, 6);
        QCOMPARE(read.spec.seed, std::uint64_t{99});
        QCOMPARE(read.spec.truncation, 42);
        QCOMPARE(read.spec.outputPath, output);  // where it is now, whatever it was called then
        QCOMPARE(read.history, manifest.history);
        QCOMPARE(read.finishedMembers, manifest.finishedMembers);
        QCOMPARE(read.failures, manifest.failures);
        QCOMPARE(readStatisticsSnapshot(output), statistics);

        removeRunManifest(output);
        QVERIFY(!std::filesystem::exists(resumeFolder(output)));
    }

    void aMissingOrDamagedManifestSaysWhatToDo()
    {
        QTemporaryDir directory;
        const std::string output = directory.filePath("gone.nc").toStdString();
        try {
            readRunManifest(output);
            QFAIL("a missing manifest was read");
        } catch (const InputError& error) {
            QVERIFY2(QString(error.what()).contains("is missing"), error.what());
        }
        RunManifest manifest;
        manifest.spec.members = 2;
        manifest.finishedMembers = {1};
        writeRunManifest(output, manifest, "");
        const auto path = std::filesystem::path(resumeFolder(output)) / "manifest.json";
        std::ofstream(path, std::ios::trunc) << "{\"format\": \"spreadcast-resume-1\", \"run_spec\": ";
        try {
            readRunManifest(output);
            QFAIL("a damaged manifest was read");
        } catch (const InputError& error) {
            QVERIFY2(QString(error.what()).contains("is damaged") && QString(error.what()).contains("--force"),
                     error.what());
        }
    }

    void finishedMembersOutsideTheRunAreDamage()
    {
        QTemporaryDir directory;
        const std::string output = directory.filePath("range.nc").toStdString();
        RunManifest manifest;
        manifest.spec.members = 2;
        manifest.finishedMembers = {0, 2};
        writeRunManifest(output, manifest, "");
        QVERIFY_EXCEPTION_THROWN(readRunManifest(output), InputError);
    }
};

QTEST_GUILESS_MAIN(TestRunManifest)
#include "TestRunManifest.moc"
