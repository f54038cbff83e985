#pragma once

// An .npz archive (numpy.savez): a zip file, zip64 extensions included (numpy writes every entry
// with force_zip64), holding one .npy file per array, named "<key>.npy". Read with libzip, from a
// file or from bytes in memory; every malformed input is an InputError naming the archive and the
// entry, and no allocation is larger than the data actually present.

#include "graphcast/NpyArray.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct zip;

namespace spreadcast::graphcast {

class NpzArchive {
public:
    // Opens the archive at `path`. Throws InputError naming the file when it is missing,
    // unreadable, not a zip archive or damaged. `role` says what the file is in messages
    // ("checkpoint 'PATH' is not a zip archive …").
    static NpzArchive openFile(const std::string& path, const std::string& role = "archive");
    // Opens an archive held in memory; `name` stands for it in messages.
    static NpzArchive openBuffer(std::vector<std::byte> bytes, const std::string& name,
                                 const std::string& role = "archive");

    ~NpzArchive();
    NpzArchive(NpzArchive&& other) noexcept;
    NpzArchive& operator=(NpzArchive&& other) noexcept;
    NpzArchive(const NpzArchive&) = delete;
    NpzArchive& operator=(const NpzArchive&) = delete;

    const std::string& name() const { return name_; }
    // The arrays' keys in archive order, without ".npy" (entries of other kinds are not arrays).
    const std::vector<std::string>& keys() const { return keys_; }
    bool contains(const std::string& key) const { return indexByKey_.contains(key); }
    // Reads and parses one array. Throws InputError when the key is absent or the entry is
    // damaged: a read or CRC error, a size that disagrees with its zip header, a malformed .npy.
    NpyArray readArray(const std::string& key) const;
    // The .npy bytes of one entry, unparsed.
    std::vector<std::byte> readEntry(const std::string& key) const;
    // "archive 'NAME'" (with the role given when opening), for messages.
    std::string describe() const;
    // "archive 'NAME', entry 'KEY.npy'", for messages about one array.
    std::string describeEntry(const std::string& key) const;

private:
    NpzArchive(::zip* archive, std::vector<std::byte> buffer, std::string name, std::string role);
    void indexEntries();

    ::zip* archive_ = nullptr;
    std::vector<std::byte> buffer_;  // the bytes libzip reads when opened from memory
    std::string name_;
    std::string role_;
    std::vector<std::string> keys_;
    std::map<std::string, std::uint64_t> indexByKey_;
};

}  // namespace spreadcast::graphcast
