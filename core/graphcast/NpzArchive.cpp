#include "graphcast/NpzArchive.h"

#include "run/InputError.h"

#include <zip.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <utility>

namespace spreadcast::graphcast {

namespace {

constexpr std::string_view arraySuffix = ".npy";
// Entries are read in pieces that grow to the size the zip header declares, so a header that
// lies about a size costs no more memory than the data that is really there.
constexpr std::size_t firstReadSize = 1 << 16;

std::string describeArchive(const std::string& name, const std::string& role)
{
    return role + " '" + name + "'";
}

std::string zipErrorText(int code)
{
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

[[noreturn]] void failToOpen(const std::string& name, const std::string& role, int code, const std::string& detail)
{
    switch (code) {
    case ZIP_ER_NOENT:
    case ZIP_ER_OPEN:
        throw InputError(describeArchive(name, role) + " cannot be opened (" + detail +
                         "); check the path and that the file is readable");
    case ZIP_ER_NOZIP:
        throw InputError(describeArchive(name, role) +
                         " is not a zip archive or is truncated (no zip directory at its end); an .npz written "
                         "by numpy.savez is a zip archive — download or save the file again");
    default:
        throw InputError(describeArchive(name, role) + " is damaged or truncated (" + detail +
                         "); download or save the file again");
    }
}

bool isArrayEntry(std::string_view entryName)
{
    return entryName.size() > arraySuffix.size() && entryName.ends_with(arraySuffix);
}

struct ZipFileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

// Reads an entry's bytes up to `limit`, growing the buffer as data arrives.
std::vector<std::byte> readAtMost(zip_file_t* file, std::uint64_t limit, const std::string& where)
{
    const std::uint64_t sizeLimit = std::min<std::uint64_t>(limit, std::numeric_limits<std::size_t>::max());
    std::vector<std::byte> bytes;
    std::size_t filled = 0;
    for (;;) {
        if (filled == bytes.size()) {
            if (bytes.size() >= sizeLimit) {
                break;
            }
            const std::uint64_t grown =
                std::max<std::uint64_t>(2 * static_cast<std::uint64_t>(bytes.size()), firstReadSize);
            bytes.resize(static_cast<std::size_t>(std::min(sizeLimit, grown)));
        }
        const zip_int64_t got = zip_fread(file, bytes.data() + filled, bytes.size() - filled);
        if (got < 0) {
            throw InputError(where + " cannot be read (" + std::string(zip_file_strerror(file)) +
                             "); the file is truncated or damaged — download or save it again");
        }
        if (got == 0) {
            break;
        }
        filled += static_cast<std::size_t>(got);
    }
    bytes.resize(filled);
    return bytes;
}

}  // namespace

NpzArchive::NpzArchive(::zip* archive, std::vector<std::byte> buffer, std::string name, std::string role)
    : archive_(archive), buffer_(std::move(buffer)), name_(std::move(name)), role_(std::move(role))
{
}

NpzArchive NpzArchive::openFile(const std::string& path, const std::string& role)
{
    int code = ZIP_ER_OK;
    zip_t* archive = zip_open(path.c_str(), ZIP_RDONLY, &code);
    if (archive == nullptr) {
        failToOpen(path, role, code, zipErrorText(code));
    }
    NpzArchive npz(archive, {}, path, role);
    npz.indexEntries();
    return npz;
}

NpzArchive NpzArchive::openBuffer(std::vector<std::byte> bytes, const std::string& name, const std::string& role)
{
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    zip_t* archive = source == nullptr ? nullptr : zip_open_from_source(source, ZIP_RDONLY, &error);
    if (archive == nullptr) {
        if (source != nullptr) {
            zip_source_free(source);
        }
        const int code = zip_error_code_zip(&error);
        const std::string detail = zip_error_strerror(&error);
        zip_error_fini(&error);
        failToOpen(name, role, code, detail);
    }
    zip_error_fini(&error);
    NpzArchive npz(archive, std::move(bytes), name, role);
    npz.indexEntries();
    return npz;
}

NpzArchive::~NpzArchive()
{
    if (archive_ != nullptr) {
        zip_discard(archive_);
    }
}

NpzArchive::NpzArchive(NpzArchive&& other) noexcept
    : archive_(std::exchange(other.archive_, nullptr)),
      buffer_(std::move(other.buffer_)),
      name_(std::move(other.name_)),
      keys_(std::move(other.keys_)),
      indexByKey_(std::move(other.indexByKey_))
{
}

NpzArchive& NpzArchive::operator=(NpzArchive&& other) noexcept
{
    if (this != &other) {
        if (archive_ != nullptr) {
            zip_discard(archive_);
        }
        archive_ = std::exchange(other.archive_, nullptr);
        buffer_ = std::move(other.buffer_);
        name_ = std::move(other.name_);
        role_ = std::move(other.role_);
        keys_ = std::move(other.keys_);
        indexByKey_ = std::move(other.indexByKey_);
    }
    return *this;
}

void NpzArchive::indexEntries()
{
    const zip_int64_t entries = zip_get_num_entries(archive_, 0);
    for (zip_int64_t index = 0; index < entries; ++index) {
        const char* entryName = zip_get_name(archive_, static_cast<zip_uint64_t>(index), ZIP_FL_ENC_RAW);
        if (entryName == nullptr || !isArrayEntry(entryName)) {
            continue;
        }
        std::string key(entryName, std::char_traits<char>::length(entryName) - arraySuffix.size());
        if (!indexByKey_.emplace(key, static_cast<std::uint64_t>(index)).second) {
            throw InputError(describe() + " holds the entry '" + key +
                             ".npy' twice, so which array is meant is unclear; save the file again");
        }
        keys_.push_back(std::move(key));
    }
}

std::string NpzArchive::describe() const
{
    return describeArchive(name_, role_);
}

std::string NpzArchive::describeEntry(const std::string& key) const
{
    return describe() + ", entry '" + key + ".npy'";
}

std::vector<std::byte> NpzArchive::readEntry(const std::string& key) const
{
    const auto found = indexByKey_.find(key);
    if (found == indexByKey_.end()) {
        throw InputError(describe() + " has no array '" + key + "'");
    }
    const std::string where = describeEntry(key);
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(archive_, found->second, 0, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
        throw InputError(where + ": its zip header cannot be read (" + std::string(zip_strerror(archive_)) +
                         "); the file is damaged — download or save it again");
    }
    const std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(archive_, found->second, 0));
    if (!file) {
        throw InputError(where + " cannot be read (" + std::string(zip_strerror(archive_)) +
                         "); the file is damaged or uses a zip feature numpy never writes — save it again");
    }
    const std::uint64_t declared = stat.size;
    std::vector<std::byte> bytes =
        readAtMost(file.get(), declared + (declared < std::numeric_limits<std::uint64_t>::max() ? 1 : 0), where);
    if (bytes.size() != declared) {
        throw InputError(where + ": its zip header says " + std::to_string(declared) + " bytes but it holds " +
                         (bytes.size() > declared ? "more" : std::to_string(bytes.size())) +
                         "; the file is damaged — download or save it again");
    }
    return bytes;
}

NpyArray NpzArchive::readArray(const std::string& key) const
{
    return parseNpy(readEntry(key), describeEntry(key));
}

}  // namespace spreadcast::graphcast
