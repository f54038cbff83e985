#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

class TestCliKeys : public QObject {
    Q_OBJECT

private slots:
    void printsKeysAsJaxKeyDataDoes()
    {
        QProcess process;
        process.start(SPREADCAST_CLI, {"keys", "--seed", "0", "--members", "2"});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        // numpy's layout of print(jax.random.key_data(keys)), every number padded to the widest.
        QCOMPARE(QString::fromUtf8(process.readAllStandardOutput()),
                 QString("[[1797259609 2579123966]\n [ 928981903 3453687069]]\n"));
    }

    void jsonListsEveryMember()
    {
        QProcess process;
        process.start(SPREADCAST_CLI, {"keys", "--seed", "42", "--members", "3", "--json"});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 0);
        const QJsonObject root = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
        const QJsonArray keys = root["keys"].toArray();
        QCOMPARE(keys.size(), 3);
        QCOMPARE(keys[1].toObject()["member"].toInt(), 1);
        QCOMPARE(keys[1].toObject()["key"].toArray()[0].toInteger(), 64467757);
    }

    void refusesAnEmptyEnsemble()
    {
        QProcess process;
        process.start(SPREADCAST_CLI, {"keys", "--members", "0"});
        QVERIFY(process.waitForFinished(30000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--members"));
    }
};

QTEST_GUILESS_MAIN(TestCliKeys)
#include "TestCliKeys.moc"
