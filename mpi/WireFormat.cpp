#include "WireFormat.h"

namespace spreadcast::mpi {

std::vector<std::byte> encodeStart(const StartMessage& message)
{
    MessageWriter writer;
    writer.put(ControlKind::Start);
    writer.putString(message.specJson);
    writer.putString(message.devices);
    writer.put(static_cast<std::int32_t>(message.threads));
    writer.put(message.initialStateHash);
    return writer.take();
}

std::vector<std::byte> encodeShutdown(int status)
{
    MessageWriter writer;
    writer.put(ControlKind::Shutdown);
    writer.put(static_cast<std::int32_t>(status));
    return writer.take();
}

ControlKind controlKind(std::span<const std::byte> bytes)
{
    MessageReader reader(bytes);
    const auto kind = reader.get<ControlKind>();
    if (kind != ControlKind::Start && kind != ControlKind::Shutdown) {
        throw std::invalid_argument("a control message of unknown kind " + std::to_string(static_cast<int>(kind)));
    }
    return kind;
}

StartMessage decodeStart(std::span<const std::byte> bytes)
{
    MessageReader reader(bytes);
    reader.get<ControlKind>();
    StartMessage message;
    message.specJson = reader.getString();
    message.devices = reader.getString();
    message.threads = reader.get<std::int32_t>();
    message.initialStateHash = reader.get<std::uint64_t>();
    return message;
}

int decodeShutdown(std::span<const std::byte> bytes)
{
    MessageReader reader(bytes);
    reader.get<ControlKind>();
    return reader.get<std::int32_t>();
}

std::vector<std::byte> encodeStartReply(const StartReply& reply)
{
    MessageWriter writer;
    writer.putString(reply.problem);
    writer.put(static_cast<std::uint32_t>(reply.devices.size()));
    for (const OfferedDevice& device : reply.devices) {
        writer.putString(device.name);
        writer.putString(device.backend);
        writer.put(static_cast<std::int64_t>(device.availableMemoryBytes));
        writer.put(static_cast<std::int32_t>(device.preferredBatch));
    }
    return writer.take();
}

StartReply decodeStartReply(std::span<const std::byte> bytes)
{
    MessageReader reader(bytes);
    StartReply reply;
    reply.problem = reader.getString();
    const auto count = reader.get<std::uint32_t>();
    for (std::uint32_t k = 0; k < count; ++k) {
        OfferedDevice device;
        device.name = reader.getString();
        device.backend = reader.getString();
        device.availableMemoryBytes = reader.get<std::int64_t>();
        device.preferredBatch = reader.get<std::int32_t>();
        reply.devices.push_back(std::move(device));
    }
    return reply;
}

void putMeasures(MessageWriter& writer, const DeviceMeasures& measures)
{
    writer.put(static_cast<std::int64_t>(measures.memoryInUseBytes));
    writer.put(static_cast<std::int64_t>(measures.peakMemoryBytes));
    writer.put(measures.busySeconds);
    writer.put(measures.utilizationPercent);
    writer.put(measures.temperatureCelsius);
    writer.put(measures.powerWatts);
}

DeviceMeasures getMeasures(MessageReader& reader)
{
    DeviceMeasures measures;
    measures.memoryInUseBytes = reader.get<std::int64_t>();
    measures.peakMemoryBytes = reader.get<std::int64_t>();
    measures.busySeconds = reader.get<double>();
    measures.utilizationPercent = reader.get<double>();
    measures.temperatureCelsius = reader.get<double>();
    measures.powerWatts = reader.get<double>();
    return measures;
}

void putBlowUps(MessageWriter& writer, const std::vector<MemberBlowUp>& blowUps)
{
    writer.put(static_cast<std::uint32_t>(blowUps.size()));
    for (const MemberBlowUp& blowUp : blowUps) {
        writer.put(static_cast<std::int32_t>(blowUp.index));
        writer.put(static_cast<std::int64_t>(blowUp.step));
        writer.putString(blowUp.message);
    }
}

std::vector<MemberBlowUp> getBlowUps(MessageReader& reader)
{
    std::vector<MemberBlowUp> blowUps(reader.get<std::uint32_t>());
    for (MemberBlowUp& blowUp : blowUps) {
        blowUp.index = reader.get<std::int32_t>();
        blowUp.step = reader.get<std::int64_t>();
        blowUp.message = reader.getString();
    }
    return blowUps;
}

void putFields(MessageWriter& writer, const GridFields& fields)
{
    writer.put(static_cast<std::uint32_t>(fields.variables.size()));
    for (const AlignedVector<double>& values : fields.variables) {
        writer.putBytes(std::as_bytes(std::span(values.data(), values.size())));
    }
}

GridFields getFields(MessageReader& reader)
{
    GridFields fields;
    const auto variables = reader.get<std::uint32_t>();
    for (std::uint32_t k = 0; k < variables; ++k) {
        const auto bytes = reader.getBytes();
        if (bytes.size() % sizeof(double) != 0) {
            throw std::invalid_argument("variable " + std::to_string(k) + " from another rank has " +
                                        std::to_string(bytes.size()) + " bytes, not a whole number of values");
        }
        auto& values = fields.variables.emplace_back();
        values.resize(bytes.size() / sizeof(double));
        std::memcpy(values.data(), bytes.data(), bytes.size());
    }
    return fields;
}

}  // namespace spreadcast::mpi
