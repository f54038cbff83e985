// GPU discovery as core sees it: no backend registered, a registered (fake) backend, and the
// `spreadcast-cli devices --json` report built on it.
#include "device/GpuInventory.h"

#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <thread>

using namespace spreadcast;

namespace {

// Runs spreadcast-cli with the arguments; returns its standard output, or fails the test.
QByteArray runCli(const QStringList& arguments, int* exitCode)
{
    QProcess cli;
    cli.setProgram(QStringLiteral(SPREADCAST_CLI));
    cli.setArguments(arguments);
    cli.start();
    if (!cli.waitForStarted(30000)) {
        qWarning() << "cannot start" << SPREADCAST_CLI << cli.errorString();
        *exitCode = -1;
        return {};
    }
    if (!cli.waitForFinished(120000)) {
        cli.kill();
        cli.waitForFinished();
        qWarning() << "spreadcast-cli" << arguments << "did not finish within two minutes";
        *exitCode = -1;
        return {};
    }
    const QByteArray errors = cli.readAllStandardError();
    if (!errors.isEmpty())
        qInfo().noquote() << "spreadcast-cli stderr:" << errors;
    *exitCode = cli.exitStatus() == QProcess::NormalExit ? cli.exitCode() : -1;
    return cli.readAllStandardOutput();
}

}  // namespace

class TestGpuInventory : public QObject {
    Q_OBJECT

private slots:
    void init() { registerGpuDiscovery(nullptr); }
    void cleanup() { registerGpuDiscovery(nullptr); }

    void withoutBackendThereAreNoGpusAndANoteSaysWhy()
    {
        const GpuInventory inventory = discoverGpus();
        QVERIFY(!inventory.backendBuilt);
        QVERIFY(inventory.gpus.empty());
        QCOMPARE(inventory.driverVersion, 0);
        QVERIFY(!inventory.notes.empty());
        QVERIFY2(inventory.notes.front().find("no GPU backend") != std::string::npos, inventory.notes.front().c_str());
    }

    void registeredDiscoveryIsReturned()
    {
        int calls = 0;
        registerGpuDiscovery([&calls] {
            ++calls;
            GpuInventory inventory;
            inventory.backendBuilt = true;
            inventory.driverVersion = 13000;
            inventory.runtimeVersion = 13000;
            GpuDescription gpu;
            gpu.index = 1;
            gpu.name = "Fake H100";
            gpu.computeCapabilityMajor = 9;
            gpu.computeCapabilityMinor = 0;
            gpu.totalMemoryBytes = 80ULL << 30;
            gpu.freeMemoryBytes = 79ULL << 30;
            gpu.multiprocessors = 132;
            inventory.gpus.push_back(gpu);
            inventory.notes.push_back("GPU 0 (Fake V100, compute capability 7.0) is skipped");
            return inventory;
        });
        const GpuInventory inventory = discoverGpus();
        QCOMPARE(calls, 1);
        QVERIFY(inventory.backendBuilt);
        QCOMPARE(inventory.driverVersion, 13000);
        QCOMPARE(inventory.runtimeVersion, 13000);
        QCOMPARE(inventory.gpus.size(), std::size_t(1));
        QCOMPARE(inventory.gpus[0].index, 1);
        QCOMPARE(inventory.gpus[0].name, std::string("Fake H100"));
        QCOMPARE(inventory.gpus[0].computeCapabilityMajor, 9);
        QCOMPARE(inventory.gpus[0].totalMemoryBytes, 80ULL << 30);
        QCOMPARE(inventory.gpus[0].freeMemoryBytes, 79ULL << 30);
        QCOMPARE(inventory.gpus[0].multiprocessors, 132);
        QCOMPARE(inventory.notes.size(), std::size_t(1));

        // Discovery runs afresh on every call (free memory changes), and a later registration wins.
        discoverGpus();
        QCOMPARE(calls, 2);
        registerGpuDiscovery([] { return GpuInventory{true, 12080, 13000, {}, {"replaced"}}; });
        QCOMPARE(discoverGpus().notes, std::vector<std::string>{"replaced"});
        QCOMPARE(calls, 2);
    }

    void clearingTheRegistrationRestoresNoBackend()
    {
        registerGpuDiscovery([] { return GpuInventory{true, 13000, 13000, {}, {}}; });
        QVERIFY(discoverGpus().backendBuilt);
        registerGpuDiscovery(nullptr);
        QVERIFY(!discoverGpus().backendBuilt);
    }

    void cliDevicesJsonListsCpuGpusAndNotes()
    {
        int exitCode = -1;
        const QByteArray output = runCli({QStringLiteral("devices"), QStringLiteral("--json")}, &exitCode);
        QCOMPARE(exitCode, 0);
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(output, &parseError);
        QVERIFY2(parseError.error == QJsonParseError::NoError,
                 qPrintable(parseError.errorString() + QStringLiteral(" in: ") + QString::fromUtf8(output)));
        QVERIFY(document.isObject());
        const QJsonObject report = document.object();
        QVERIFY(report.contains(QStringLiteral("cpu")));
        QVERIFY(report.contains(QStringLiteral("gpus")));
        QVERIFY(report.contains(QStringLiteral("notes")));
        QVERIFY(report.value(QStringLiteral("gpus")).isArray());
        QVERIFY(report.value(QStringLiteral("notes")).isArray());

        const QJsonObject cpu = report.value(QStringLiteral("cpu")).toObject();
        QCOMPARE(cpu.value(QStringLiteral("cores")).toInteger(-1),
                 static_cast<qint64>(std::thread::hardware_concurrency()));
        QVERIFY(cpu.value(QStringLiteral("cores")).toInteger() >= 1);

        const QJsonArray gpus = report.value(QStringLiteral("gpus")).toArray();
        const QJsonArray notes = report.value(QStringLiteral("notes")).toArray();
        // Every absence is explained: no usable GPU means at least one note saying why.
        if (gpus.isEmpty())
            QVERIFY(!notes.isEmpty());
        for (const QJsonValue& note : notes)
            QVERIFY(note.isString() && !note.toString().isEmpty());
        for (const QJsonValue& value : gpus) {
            const QJsonObject gpu = value.toObject();
            QVERIFY(gpu.value(QStringLiteral("index")).toInteger(-1) >= 0);
            QVERIFY(!gpu.value(QStringLiteral("name")).toString().isEmpty());
            QVERIFY2(gpu.value(QStringLiteral("computeCapability")).toString().toDouble() >= 8.0,
                     "GPUs below compute capability 8.0 must be skipped, with a note");
            const qint64 total = gpu.value(QStringLiteral("totalMemoryBytes")).toInteger();
            const qint64 free = gpu.value(QStringLiteral("freeMemoryBytes")).toInteger();
            QVERIFY(total > 0);
            QVERIFY(free >= 0 && free <= total);
            QVERIFY(gpu.value(QStringLiteral("multiprocessors")).toInteger() > 0);
        }

        const QJsonObject backend = report.value(QStringLiteral("gpuBackend")).toObject();
        if (!backend.value(QStringLiteral("built")).toBool()) {
            QVERIFY(gpus.isEmpty());
            QVERIFY(notes.first().toString().contains(QStringLiteral("no GPU backend")));
        }
    }

    void cliDevicesTextNamesTheCpu()
    {
        int exitCode = -1;
        const QString output = QString::fromUtf8(runCli({QStringLiteral("devices")}, &exitCode));
        QCOMPARE(exitCode, 0);
        QVERIFY2(output.startsWith(QStringLiteral("CPU: %1 core").arg(std::thread::hardware_concurrency())),
                 qPrintable(output));
        QVERIFY2(output.contains(QStringLiteral("GPU")), qPrintable(output));
    }
};

QTEST_APPLESS_MAIN(TestGpuInventory)
#include "TestGpuInventory.moc"
