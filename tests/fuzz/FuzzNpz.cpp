// libFuzzer target for the .npz/.npy readers (docs/DEVELOPING.md, "Fuzzing"). The first byte
// chooses what the rest is fed to: 0 a bare .npy file, 1 an .npz archive whose arrays are all
// read and converted, 2 an .npz read as a GraphCast checkpoint, 3 arrays packed here into a valid
// zip and read as a checkpoint. Mode 3 exists because every mutation inside a real archive breaks
// an entry's CRC-32, so modes 1 and 2 rarely get past libzip to the .npy and config parsers.
// An InputError is the expected answer to bad input; anything else (a crash, a sanitizer report,
// another exception, a leak, an allocation beyond the RSS limit) is a finding.

#include "graphcast/CheckpointReader.h"
#include "graphcast/NpyArray.h"
#include "graphcast/NpzArchive.h"
#include "run/InputError.h"

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

using namespace spreadcast::graphcast;

namespace {

void convertEveryWay(const NpyArray& array)
{
    const std::string where = "fuzz input";
    if (array.dtype.kind == NpyKind::Unicode || array.dtype.kind == NpyKind::Bytes) {
        npyToStrings(array, where);
        return;
    }
    npyToFloat32(array, where);
    npyToFloat64(array, where);
    if (array.dtype.kind != NpyKind::Float) {
        npyToIntegers(array, where);
    }
}

void readEveryArray(const NpzArchive& archive)
{
    for (const std::string& key : archive.keys()) {
        try {
            convertEveryWay(archive.readArray(key));
        } catch (const spreadcast::InputError&) {
            // One damaged entry must not hide what the others do to the reader.
        }
    }
}

// Mode 3's input: records "KEY=NPY-BYTES" separated by recordSeparator.
constexpr std::string_view recordSeparator = "\nNPZ\n";

void appendLittleEndian(std::vector<std::byte>& out, std::uint32_t value, int bytes)
{
    for (int i = 0; i < bytes; ++i) {
        out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xffu));
    }
}

// A zip archive (method "stored", no zip64) of one KEY.npy entry per record, as np.savez lays it out.
std::vector<std::byte> packRecords(std::string_view records)
{
    std::vector<std::byte> archive;
    std::vector<std::byte> directory;
    std::uint16_t entries = 0;
    while (!records.empty() && entries < 64) {
        const std::size_t end = std::min(records.find(recordSeparator), records.size());
        const std::string_view record = records.substr(0, end);
        records.remove_prefix(std::min(records.size(), end + recordSeparator.size()));
        const std::size_t equals = std::min(record.find('='), record.size());
        const std::string name = std::string(record.substr(0, equals)) + ".npy";
        const std::string_view payload = record.substr(std::min(record.size(), equals + 1));
        const auto crc = static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size())));
        const auto offset = static_cast<std::uint32_t>(archive.size());
        const auto size = static_cast<std::uint32_t>(payload.size());
        const auto nameLength = static_cast<std::uint32_t>(name.size());
        for (std::vector<std::byte>* header : {&archive, &directory}) {
            const bool central = header == &directory;
            appendLittleEndian(*header, central ? 0x02014b50u : 0x04034b50u, 4);
            if (central) {
                appendLittleEndian(*header, 20, 2);  // made by
            }
            appendLittleEndian(*header, 20, 2);  // version needed
            appendLittleEndian(*header, 0, 2);   // flags
            appendLittleEndian(*header, 0, 2);   // stored
            appendLittleEndian(*header, 0, 4);   // time and date
            appendLittleEndian(*header, crc, 4);
            appendLittleEndian(*header, size, 4);
            appendLittleEndian(*header, size, 4);
            appendLittleEndian(*header, nameLength, 2);
            appendLittleEndian(*header, 0, 2);  // extra field
            if (central) {
                appendLittleEndian(*header, 0, 2);  // comment
                appendLittleEndian(*header, 0, 2);  // disk
                appendLittleEndian(*header, 0, 2);  // internal attributes
                appendLittleEndian(*header, 0, 4);  // external attributes
                appendLittleEndian(*header, offset, 4);
            }
            for (char c : name) {
                header->push_back(static_cast<std::byte>(c));
            }
        }
        for (char c : payload) {
            archive.push_back(static_cast<std::byte>(c));
        }
        ++entries;
    }
    const auto directoryOffset = static_cast<std::uint32_t>(archive.size());
    archive.insert(archive.end(), directory.begin(), directory.end());
    appendLittleEndian(archive, 0x06054b50u, 4);
    appendLittleEndian(archive, 0, 4);  // disks
    appendLittleEndian(archive, entries, 2);
    appendLittleEndian(archive, entries, 2);
    appendLittleEndian(archive, static_cast<std::uint32_t>(directory.size()), 4);
    appendLittleEndian(archive, directoryOffset, 4);
    appendLittleEndian(archive, 0, 2);  // comment
    return archive;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    const int mode = data[0] % 4;
    std::vector<std::byte> bytes(size - 1);
    for (std::size_t i = 1; i < size; ++i) {
        bytes[i - 1] = static_cast<std::byte>(data[i]);
    }
    try {
        switch (mode) {
        case 0: convertEveryWay(parseNpy(std::move(bytes), "fuzz input")); break;
        case 1: readEveryArray(NpzArchive::openBuffer(std::move(bytes), "fuzz input")); break;
        case 2: readCheckpoint(NpzArchive::openBuffer(std::move(bytes), "fuzz input")); break;
        default:
            readCheckpoint(NpzArchive::openBuffer(
                packRecords(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1)), "fuzz input"));
            break;
        }
    } catch (const spreadcast::InputError&) {
    }
    return 0;
}
