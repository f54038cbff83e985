#include "WireFormat.h"

#include <QtTest/QtTest>

using namespace spreadcast;
using namespace spreadcast::mpi;

// What rank 0 reads back is what a rank wrote, field by field: the messages travel between ranks
// of one build, so a field one end forgets shifts everything after it.
class TestWireFormat : public QObject {
    Q_OBJECT

private slots:
    void measuresRoundTripWithHardwareReadings()
    {
        DeviceMeasures sent;
        sent.memoryInUseBytes = 3LL << 30;
        sent.peakMemoryBytes = 5LL << 30;
        sent.busySeconds = 12.25;
        sent.utilizationPercent = 87.0;
        sent.temperatureCelsius = 64.0;
        sent.powerWatts = 301.5;
        MessageWriter writer;
        putMeasures(writer, sent);
        writer.putString("after");
        const std::vector<std::byte> bytes = writer.take();
        MessageReader reader(bytes);
        const DeviceMeasures received = getMeasures(reader);
        QCOMPARE(received.memoryInUseBytes, sent.memoryInUseBytes);
        QCOMPARE(received.peakMemoryBytes, sent.peakMemoryBytes);
        QCOMPARE(received.busySeconds, sent.busySeconds);
        QCOMPARE(received.utilizationPercent, sent.utilizationPercent);
        QCOMPARE(received.temperatureCelsius, sent.temperatureCelsius);
        QCOMPARE(received.powerWatts, sent.powerWatts);
        QCOMPARE(reader.getString(), std::string("after"));
    }

    void unknownHardwareReadingsStayUnknown()
    {
        MessageWriter writer;
        putMeasures(writer, DeviceMeasures{});
        const std::vector<std::byte> bytes = writer.take();
        MessageReader reader(bytes);
        const DeviceMeasures received = getMeasures(reader);
        QVERIFY(received.utilizationPercent < 0.0);
        QVERIFY(received.temperatureCelsius < 0.0);
        QVERIFY(received.powerWatts < 0.0);
    }

    void startMessagesRoundTrip()
    {
        StartMessage start{"{\"members\": 4}", "gpu:0,1", 8, 0x0123456789abcdefULL};
        const std::vector<std::byte> bytes = encodeStart(start);
        QCOMPARE(controlKind(bytes), ControlKind::Start);
        const StartMessage received = decodeStart(bytes);
        QCOMPARE(received.specJson, start.specJson);
        QCOMPARE(received.devices, start.devices);
        QCOMPARE(received.threads, start.threads);
        QCOMPARE(received.initialStateHash, start.initialStateHash);

        StartReply reply;
        reply.devices = {{"gpu/0", "cuda", 80LL << 30, 64}, {"cpu/0", "cpu", 1LL << 30, 1}};
        const StartReply replied = decodeStartReply(encodeStartReply(reply));
        QVERIFY(replied.problem.empty());
        QCOMPARE(replied.devices.size(), std::size_t(2));
        QCOMPARE(replied.devices[0].name, std::string("gpu/0"));
        QCOMPARE(replied.devices[0].availableMemoryBytes, 80LL << 30);
        QCOMPARE(replied.devices[0].preferredBatch, 64);
        QCOMPARE(replied.devices[1].backend, std::string("cpu"));
    }

    void aShortMessageIsRefused()
    {
        MessageWriter writer;
        putMeasures(writer, DeviceMeasures{});
        std::vector<std::byte> bytes = writer.take();
        bytes.pop_back();
        MessageReader reader(bytes);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, getMeasures(reader));
    }
};

QTEST_GUILESS_MAIN(TestWireFormat)
#include "TestWireFormat.moc"
