#include <QtTest/QtTest>

// docs/CLI.md is generated from spreadcast-cli --help (scripts/cli-reference.sh): it must say
// what the program says, option for option.
class TestCliReference : public QObject {
    Q_OBJECT

private slots:
    void referenceMatchesTheProgramsHelp()
    {
        QProcess render;
        render.start(SPREADCAST_CLI, {"render", "--help"});
        QVERIFY(render.waitForFinished(60000));
        if (!QString::fromUtf8(render.readAllStandardOutput()).contains("--product")) {
            QSKIP("a headless build: its render command has no options, the reference describes the full build");
        }
        QTemporaryDir directory;
        const QString generated = directory.filePath("CLI.md");
        QProcess script;
        script.start("bash", {QString(SPREADCAST_SOURCE_DIR) + "/scripts/cli-reference.sh", SPREADCAST_CLI, generated});
        QVERIFY(script.waitForFinished(60000));
        QVERIFY2(script.exitCode() == 0, script.readAllStandardError().constData());
        QFile fresh(generated);
        QFile committed(QString(SPREADCAST_SOURCE_DIR) + "/docs/CLI.md");
        QVERIFY(fresh.open(QIODevice::ReadOnly) && committed.open(QIODevice::ReadOnly));
        const QList<QByteArray> want = fresh.readAll().split('\n');
        const QList<QByteArray> have = committed.readAll().split('\n');
        for (qsizetype k = 0; k < std::max(want.size(), have.size()); ++k) {
            const QByteArray line = k < want.size() ? want[k] : QByteArray("(end of file)");
            const QByteArray old = k < have.size() ? have[k] : QByteArray("(end of file)");
            QVERIFY2(line == old, qPrintable(QString("docs/CLI.md line %1 is '%2', --help now says '%3': run "
                                                     "scripts/cli-reference.sh build/<preset>/app/cli/spreadcast-cli")
                                                 .arg(k + 1)
                                                 .arg(QString::fromUtf8(old), QString::fromUtf8(line))));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliReference)
#include "TestCliReference.moc"
