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
        // Option by option, section by section: CLI11 versions lay help out differently (Debian 12
        // has 2.3, Ubuntu 24.04 2.4), so the words are compared, not the bytes.
        auto optionsBySection = [](const QString& path) {
            QFile file(path);
            file.open(QIODevice::ReadOnly);
            QMap<QString, QSet<QString>> sections;
            QString section = "spreadcast-cli";
            const QRegularExpression option("(?<![\\w-])--[a-z][a-z0-9-]*");
            for (const QString& line : QString::fromUtf8(file.readAll()).split('\n')) {
                if (line.startsWith("## ")) {
                    section = line.mid(3);
                }
                for (auto match = option.globalMatch(line); match.hasNext();) {
                    sections[section].insert(match.next().captured());
                }
            }
            return sections;
        };
        const auto want = optionsBySection(generated);
        const auto have = optionsBySection(QString(SPREADCAST_SOURCE_DIR) + "/docs/CLI.md");
        QCOMPARE(have.keys(), want.keys());
        for (const QString& section : want.keys()) {
            const QSet<QString> missing = want[section] - have[section];
            const QSet<QString> stale = have[section] - want[section];
            QVERIFY2(missing.isEmpty() && stale.isEmpty(),
                     qPrintable(QString("docs/CLI.md, %1: missing %2, no longer there %3 — run "
                                        "scripts/cli-reference.sh build/<preset>/app/cli/spreadcast-cli")
                                    .arg(section, QStringList(missing.values()).join(' '),
                                         QStringList(stale.values()).join(' '))));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliReference)
#include "TestCliReference.moc"
