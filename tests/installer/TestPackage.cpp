#include <QtTest/QtTest>

// The Debian package: built with CPack from this build, checked with dpkg-deb, installed into a
// scratch root with dpkg, run from there, and removed again without leaving files behind.
class TestPackage : public QObject {
    Q_OBJECT

    struct Result {
        int exitCode = -1;
        QString out;
        QString err;
    };

    static Result run(const QString& program, const QStringList& arguments, const QString& directory = {})
    {
        QProcess process;
        if (!directory.isEmpty()) {
            process.setWorkingDirectory(directory);
        }
        process.start(program, arguments);
        if (!process.waitForFinished(600000) || process.exitStatus() != QProcess::NormalExit) {
            process.kill();
            return {-1, {}, QString::fromUtf8(process.readAllStandardError())};
        }
        return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
                QString::fromUtf8(process.readAllStandardError())};
    }

    // Files (not folders) below a root, relative to it.
    static QStringList filesBelow(const QString& root)
    {
        QStringList files;
        QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            files << QDir(root).relativeFilePath(it.next());
        }
        return files;
    }

    QTemporaryDir directory_;
    QString package_;

private slots:
    void initTestCase()
    {
        if (QStandardPaths::findExecutable("dpkg-deb").isEmpty() || QStandardPaths::findExecutable("cpack").isEmpty()) {
            QSKIP("dpkg-deb or cpack is missing: this is not a Debian or Ubuntu machine");
        }
        const Result cpack = run("cpack", {"-G", "DEB", "-B", directory_.path(), "--config",
                                           QString(SPREADCAST_BUILD_DIR) + "/CPackConfig.cmake"});
        QVERIFY2(cpack.exitCode == 0, qPrintable(cpack.out + cpack.err));
        const QStringList debs = QDir(directory_.path()).entryList({"*.deb"});
        QCOMPARE(debs.size(), 1);
        package_ = directory_.filePath(debs.front());
        QVERIFY2(debs.front().startsWith(QString("spreadcast_%1_").arg(SPREADCAST_VERSION)), qPrintable(debs.front()));
    }

    void controlFieldsAndDependencies()
    {
        const Result info = run("dpkg-deb", {"--field", package_, "Package", "Version", "Depends", "Section"});
        QCOMPARE(info.exitCode, 0);
        QVERIFY2(info.out.contains("Package: spreadcast\n"), qPrintable(info.out));
        QVERIFY2(info.out.contains(QString("Version: %1\n").arg(SPREADCAST_VERSION)), qPrintable(info.out));
        QVERIFY2(info.out.contains("Section: science"), qPrintable(info.out));
        // Found by dpkg-shlibdeps in the binaries: the run-time libraries, never a -dev package,
        // and nothing of CUDA, NCCL or NVML, which are optional at run time.
        const QString depends = info.out.section("Depends:", 1).section('\n', 0, 0);
        QVERIFY2(depends.contains("libnetcdf") && depends.contains("libfftw3") && depends.contains("libc6"),
                 qPrintable(depends));
        // ecCodes for GRIB initial conditions; libeccodes0 depends on libeccodes-data (definitions).
        QVERIFY2(depends.contains("libeccodes0"), qPrintable(depends));
        for (const char* unwanted : {"-dev", "cuda", "nccl", "nvidia"}) {
            QVERIFY2(!depends.contains(unwanted), qPrintable(QString("%1 in Depends: %2").arg(unwanted, depends)));
        }
    }

    void contents()
    {
        const Result list = run("dpkg-deb", {"--contents", package_});
        QCOMPARE(list.exitCode, 0);
        QStringList wanted{"./usr/bin/spreadcast-cli", "./usr/share/man/man1/spreadcast-cli.1"};
        if (list.out.contains("./usr/bin/spreadcast\n")) {  // a build with the workstation
            wanted += QStringList{"./usr/share/applications/spreadcast.desktop",
                                  "./usr/share/icons/hicolor/scalable/apps/spreadcast.svg",
                                  "./usr/share/metainfo/io.github.spreadcast.Spreadcast.metainfo.xml",
                                  "./usr/share/man/man1/spreadcast.1"};
        }
        for (const QString& path : wanted) {
            QVERIFY2(list.out.contains(path), qPrintable(path + " is not in the package"));
        }
    }

    void installRunAndRemoveInAScratchRoot()
    {
        const QString root = directory_.filePath("root");
        QVERIFY(QDir().mkpath(root + "/var/lib/dpkg/info") && QDir().mkpath(root + "/var/lib/dpkg/updates"));
        QFile status(root + "/var/lib/dpkg/status");
        QVERIFY(status.open(QIODevice::WriteOnly));
        status.close();
        // The scratch root has none of the dependencies (they are on this machine, where the
        // installed programs run); dpkg is told not to mind.
        const QStringList dpkg{"--root=" + root, "--force-not-root", "--force-depends", "--force-script-chrootless"};
        const Result install = run("dpkg", dpkg + QStringList{"--install", package_});
        QVERIFY2(install.exitCode == 0, qPrintable(install.out + install.err));

        const QString cli = root + "/usr/bin/spreadcast-cli";
        const Result version = run(cli, {"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY2(version.out.startsWith(QString("spreadcast-cli %1").arg(SPREADCAST_VERSION)), qPrintable(version.out));
        const Result forecast = run(cli, {"run", "-T", "21", "--lead", "12h", "--members", "2", "--devices", "cpu:1",
                                          "--out", directory_.filePath("installed.nc"), "-q"});
        QVERIFY2(forecast.exitCode == 0, qPrintable(forecast.err));
        QVERIFY(QFileInfo(directory_.filePath("installed.nc")).size() > 0);
        if (!QStandardPaths::findExecutable("man").isEmpty()) {
            const Result page = run("man", {"-l", "-Tutf8", root + "/usr/share/man/man1/spreadcast-cli.1"});
            QVERIFY2(page.exitCode == 0 && page.out.contains("--resume"), qPrintable(page.err));
        }
        if (QFileInfo::exists(root + "/usr/share/applications/spreadcast.desktop") &&
            !QStandardPaths::findExecutable("desktop-file-validate").isEmpty()) {
            const Result desktop = run("desktop-file-validate", {root + "/usr/share/applications/spreadcast.desktop"});
            QVERIFY2(desktop.exitCode == 0, qPrintable(desktop.out + desktop.err));
        }

        const QString metainfo = root + "/usr/share/metainfo/io.github.spreadcast.Spreadcast.metainfo.xml";
        if (QFileInfo::exists(metainfo) && !QStandardPaths::findExecutable("appstreamcli").isEmpty()) {
            const Result appstream = run("appstreamcli", {"validate", "--no-net", metainfo});
            QVERIFY2(appstream.exitCode == 0, qPrintable(appstream.out + appstream.err));
        }

        const Result remove = run("dpkg", dpkg + QStringList{"--purge", "spreadcast"});
        QVERIFY2(remove.exitCode == 0, qPrintable(remove.out + remove.err));
        QStringList left = filesBelow(root);
        left.removeIf([](const QString& path) { return path.startsWith("var/lib/dpkg/"); });
        QVERIFY2(left.isEmpty(), qPrintable("left behind: " + left.join(", ")));
    }
};

QTEST_GUILESS_MAIN(TestPackage)
#include "TestPackage.moc"
