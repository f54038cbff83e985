#include "ui/DevicesPanel.h"

#include <QTableWidget>
#include <QtTest/QtTest>

using namespace spreadcast;

// The devices table shows what the telemetry carries; readings a device cannot give read "–".
class TestDevicesPanel : public QObject {
    Q_OBJECT

    static int column(const QTableWidget* table, const QString& header)
    {
        for (int c = 0; c < table->columnCount(); ++c) {
            if (table->horizontalHeaderItem(c)->text() == header) {
                return c;
            }
        }
        return -1;
    }

private slots:
    void showsTemperatureAndPowerOrADashWhenUnknown()
    {
        RunProgress progress;
        progress.members = 4;
        DeviceTelemetry gpu;
        gpu.name = "gpu/0";
        gpu.backend = "cuda";
        gpu.utilization = 0.87;
        gpu.hardwareUtilization = true;
        gpu.temperatureCelsius = 64.4;
        gpu.powerWatts = 301.6;
        DeviceTelemetry cpu;
        cpu.name = "cpu/0";
        cpu.backend = "cpu";
        progress.devices = {gpu, cpu};

        DevicesPanel panel;
        panel.showProgress(progress);
        const QTableWidget* table = panel.table();
        const int temperature = column(table, "Temperature");
        const int power = column(table, "Power");
        QVERIFY(temperature >= 0 && power >= 0);
        QCOMPARE(table->item(0, temperature)->text(), QString("64 °C"));
        QCOMPARE(table->item(0, power)->text(), QString("302 W"));
        QCOMPARE(table->item(0, column(table, "Busy"))->text(), QString("87 %"));
        QCOMPARE(table->item(1, temperature)->text(), QString("–"));
        QCOMPARE(table->item(1, power)->text(), QString("–"));
    }
};

QTEST_MAIN(TestDevicesPanel)
#include "TestDevicesPanel.moc"
