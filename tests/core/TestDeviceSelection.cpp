#include "device/Device.h"
#include "run/InputError.h"

#include <QtTest/QtTest>

using namespace spreadcast;

class TestDeviceSelection : public QObject {
    Q_OBJECT

private slots:
    void theAcceptedForms()
    {
        QVERIFY(parseDeviceSelection("auto").automatic);
        QVERIFY(parseDeviceSelection("").automatic);
        const DeviceSelection all = parseDeviceSelection("all");
        QVERIFY(all.cpu && all.gpu && !all.automatic);
        const DeviceSelection cores = parseDeviceSelection("cpu");
        QVERIFY(cores.cpu && !cores.gpu);
        QCOMPARE(cores.cpuWorkers, 0);  // one per core
        QCOMPARE(parseDeviceSelection("cpu:12").cpuWorkers, 12);
        const DeviceSelection gpus = parseDeviceSelection("gpu");
        QVERIFY(gpus.gpu && !gpus.cpu);
        QVERIFY(gpus.gpus.empty());  // every GPU
        QCOMPARE(parseDeviceSelection("gpu:0,2").gpus, (std::vector<int>{0, 2}));
        QCOMPARE(parseDeviceSelection("gpu:1,1").gpus, (std::vector<int>{1, 1}));  // two workers share GPU 1
    }

    void whatIsNotASelectionIsAnInputErrorThatNamesIt_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown") << "tpu"
                                 << "write auto";
        QTest::newRow("no workers") << "cpu:0"
                                    << "N ≥ 1";
        QTest::newRow("not a count") << "cpu:four"
                                     << "'four' is not a count";
        QTest::newRow("trailing text") << "cpu:4x"
                                       << "is not a count";
        QTest::newRow("negative") << "cpu:-2"
                                  << "is not a count";
        QTest::newRow("no gpu list") << "gpu:"
                                     << "list GPU indices";
        QTest::newRow("bad gpu index") << "gpu:0,a"
                                       << "'a' is not a count or GPU index";
    }
    void whatIsNotASelectionIsAnInputErrorThatNamesIt()
    {
        QFETCH(QString, text);
        QFETCH(QString, says);
        try {
            parseDeviceSelection(text.toStdString());
            QFAIL(qPrintable("'" + text + "' was taken for a selection"));
        } catch (const InputError& error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains("'" + text + "'") && message.contains(says), error.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestDeviceSelection)
#include "TestDeviceSelection.moc"
