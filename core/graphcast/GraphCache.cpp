#include "graphcast/GraphCache.h"

#include "graphcast/GraphBuilder.h"

#include <xxhash.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <type_traits>

#include <unistd.h>

namespace spreadcast::graphcast {
namespace {

namespace fs = std::filesystem;

// Bump whenever the file layout or what buildGraphs computes changes, so old files are rebuilt.
constexpr std::uint32_t formatVersion = 1;
constexpr char magic[8] = {'S', 'P', 'C', 'G', 'R', 'P', 'H', '\n'};

template <class T>
void append(std::string& bytes, const T& value)
{
    static_assert(std::is_trivially_copyable_v<T>);
    bytes.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <class T>
void appendVector(std::string& bytes, const std::vector<T>& values)
{
    append(bytes, static_cast<std::uint64_t>(values.size()));
    bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

// Everything buildGraphs depends on, in bytes: the format version, the graph part of the model
// configuration (latent size, message steps and the like do not change the graphs) and the grid.
std::string cacheKey(const ModelConfig& config, const LatLonGrid& grid)
{
    std::string key = "graphcast-graphs";
    append(key, formatVersion);
    append(key, static_cast<std::int32_t>(config.meshSize));
    append(key, config.radiusQueryFractionEdgeLength);
    append(key, static_cast<std::uint8_t>(config.mesh2gridEdgeNormalizationFactor.has_value()));
    append(key, config.mesh2gridEdgeNormalizationFactor.value_or(0.0));
    appendVector(key, grid.latitudes);
    appendVector(key, grid.longitudes);
    return key;
}

std::uint64_t hash(const std::string& bytes)
{
    return XXH3_64bits(bytes.data(), bytes.size());
}

void appendEdges(std::string& bytes, const Edges& edges)
{
    append(bytes, static_cast<std::int32_t>(edges.featureSize));
    appendVector(bytes, edges.senders);
    appendVector(bytes, edges.receivers);
    appendVector(bytes, edges.features);
}

std::string serialize(const Graphs& graphs)
{
    std::string bytes;
    append(bytes, static_cast<std::int32_t>(graphs.gridNodes));
    append(bytes, static_cast<std::int32_t>(graphs.meshNodes));
    append(bytes, static_cast<std::int32_t>(graphs.nodeFeatureSize));
    appendVector(bytes, graphs.gridNodeFeatures);
    appendVector(bytes, graphs.meshNodeFeatures);
    appendEdges(bytes, graphs.grid2mesh);
    appendEdges(bytes, graphs.mesh);
    appendEdges(bytes, graphs.mesh2grid);
    return bytes;
}

// Reads what serialize wrote; throws std::runtime_error when the bytes run out or disagree.
class Reader {
public:
    Reader(const char* data, std::size_t size) : data_(data), size_(size) {}

    template <class T>
    T value()
    {
        T result;
        take(&result, sizeof(T));
        return result;
    }

    template <class T>
    std::vector<T> vector()
    {
        const auto count = value<std::uint64_t>();
        if (count > (size_ - offset_) / sizeof(T)) {
            throw std::runtime_error("an array runs past the end of the file");
        }
        std::vector<T> values(static_cast<std::size_t>(count));
        take(values.data(), values.size() * sizeof(T));
        return values;
    }

    bool atEnd() const { return offset_ == size_; }
    std::size_t offset() const { return offset_; }
    std::size_t remaining() const { return size_ - offset_; }
    void skip(std::size_t bytes)
    {
        if (bytes > remaining()) {
            throw std::runtime_error("the file ends early");
        }
        offset_ += bytes;
    }

private:
    void take(void* destination, std::size_t bytes)
    {
        if (bytes > size_ - offset_) {
            throw std::runtime_error("the file ends early");
        }
        std::memcpy(destination, data_ + offset_, bytes);
        offset_ += bytes;
    }

    const char* data_;
    std::size_t size_;
    std::size_t offset_ = 0;
};

Edges readEdges(Reader& reader, std::size_t senderCount, std::size_t receiverCount)
{
    Edges edges;
    edges.featureSize = reader.value<std::int32_t>();
    edges.senders = reader.vector<std::int32_t>();
    edges.receivers = reader.vector<std::int32_t>();
    edges.features = reader.vector<float>();
    if (edges.featureSize < 0 || edges.receivers.size() != edges.senders.size() ||
        edges.features.size() != edges.senders.size() * static_cast<std::size_t>(edges.featureSize)) {
        throw std::runtime_error("an edge set's arrays disagree in size");
    }
    for (std::size_t e = 0; e < edges.count(); ++e) {
        if (edges.senders[e] < 0 || static_cast<std::size_t>(edges.senders[e]) >= senderCount ||
            edges.receivers[e] < 0 || static_cast<std::size_t>(edges.receivers[e]) >= receiverCount) {
            throw std::runtime_error("an edge points at a node that does not exist");
        }
    }
    return edges;
}

Graphs deserialize(const char* data, std::size_t size)
{
    Reader reader(data, size);
    Graphs graphs;
    graphs.gridNodes = reader.value<std::int32_t>();
    graphs.meshNodes = reader.value<std::int32_t>();
    graphs.nodeFeatureSize = reader.value<std::int32_t>();
    if (graphs.gridNodes < 0 || graphs.meshNodes < 0 || graphs.nodeFeatureSize < 0) {
        throw std::runtime_error("negative node counts");
    }
    const auto gridNodes = static_cast<std::size_t>(graphs.gridNodes);
    const auto meshNodes = static_cast<std::size_t>(graphs.meshNodes);
    graphs.gridNodeFeatures = reader.vector<float>();
    graphs.meshNodeFeatures = reader.vector<float>();
    const auto featureSize = static_cast<std::size_t>(graphs.nodeFeatureSize);
    if (graphs.gridNodeFeatures.size() != gridNodes * featureSize ||
        graphs.meshNodeFeatures.size() != meshNodes * featureSize) {
        throw std::runtime_error("node features disagree with the node counts");
    }
    graphs.grid2mesh = readEdges(reader, gridNodes, meshNodes);
    graphs.mesh = readEdges(reader, meshNodes, meshNodes);
    graphs.mesh2grid = readEdges(reader, meshNodes, gridNodes);
    if (!reader.atEnd()) {
        throw std::runtime_error("bytes left over after the graphs");
    }
    return graphs;
}

// The whole file: magic, version, key hash, key, payload size, payload checksum, payload.
std::string fileBytes(const std::string& key, const std::string& payload)
{
    std::string bytes(magic, sizeof(magic));
    append(bytes, formatVersion);
    append(bytes, hash(key));
    append(bytes, static_cast<std::uint64_t>(key.size()));
    bytes += key;
    append(bytes, static_cast<std::uint64_t>(payload.size()));
    append(bytes, hash(payload));
    bytes += payload;
    return bytes;
}

Graphs readFile(const fs::path& file, const std::string& key)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot be opened");
    }
    std::error_code error;
    const auto size = fs::file_size(file, error);
    if (error) {
        throw std::runtime_error("cannot be sized: " + error.message());
    }
    std::string bytes(static_cast<std::size_t>(size), '\0');
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
        throw std::runtime_error("cannot be read");
    }
    Reader header(bytes.data(), bytes.size());
    char fileMagic[sizeof(magic)];
    for (char& c : fileMagic) {
        c = header.value<char>();
    }
    if (std::memcmp(fileMagic, magic, sizeof(magic)) != 0) {
        throw std::runtime_error("not a Spreadcast graph file");
    }
    if (header.value<std::uint32_t>() != formatVersion) {
        throw std::runtime_error("written by another version of the format");
    }
    const auto keyHash = header.value<std::uint64_t>();
    const auto keySize = header.value<std::uint64_t>();
    if (keyHash != hash(key) || keySize != key.size() || header.remaining() < key.size() ||
        bytes.compare(header.offset(), key.size(), key) != 0) {
        throw std::runtime_error("built for another grid or configuration");
    }
    header.skip(key.size());
    const auto payloadSize = header.value<std::uint64_t>();
    const auto payloadHash = header.value<std::uint64_t>();
    if (header.remaining() != payloadSize) {
        throw std::runtime_error("truncated or padded (" + std::to_string(bytes.size()) + " bytes)");
    }
    const char* payload = bytes.data() + header.offset();
    if (XXH3_64bits(payload, payloadSize) != payloadHash) {
        throw std::runtime_error("checksum mismatch");
    }
    return deserialize(payload, payloadSize);
}

// Writes to a name of this process's own in the same folder, then renames it over file, so that
// concurrent writers and readers only ever see whole files.
void writeFileAtomically(const fs::path& file, const std::string& bytes)
{
    static std::atomic<unsigned> counter{0};
    fs::create_directories(file.parent_path());
    const fs::path temporary =
        file.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter.fetch_add(1));
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        out.close();
        if (!out) {
            std::error_code ignored;
            fs::remove(temporary, ignored);
            throw std::runtime_error("cannot write '" + temporary.string() + "' (disk full or folder not writable?)");
        }
    }
    std::error_code error;
    fs::rename(temporary, file, error);
    if (error) {
        std::error_code ignored;
        fs::remove(temporary, ignored);
        throw std::runtime_error("cannot rename '" + temporary.string() + "': " + error.message());
    }
}

}  // namespace

fs::path defaultGraphCacheDirectory()
{
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
        return fs::path(xdg) / "spreadcast" / "graphs";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return fs::path(home) / ".cache" / "spreadcast" / "graphs";
    }
    return fs::temp_directory_path() / "spreadcast-graphs";
}

GraphCache::GraphCache(fs::path directory) : directory_(std::move(directory)) {}

fs::path GraphCache::fileFor(const ModelConfig& config, const LatLonGrid& grid) const
{
    std::ostringstream name;
    name << "graphcast-v" << formatVersion << "-mesh" << config.meshSize << "-" << grid.latitudes.size() << "x"
         << grid.longitudes.size() << "-" << std::hex << std::setw(16) << std::setfill('0')
         << hash(cacheKey(config, grid)) << ".graphs";
    return directory_ / name.str();
}

CachedGraphs GraphCache::loadOrBuild(const ModelConfig& config, const LatLonGrid& grid) const
{
    const std::string key = cacheKey(config, grid);
    CachedGraphs result;
    result.file = fileFor(config, grid);
    std::error_code error;
    const bool exists = fs::exists(result.file, error);
    if (exists) {
        try {
            result.graphs = readFile(result.file, key);
            result.source = CachedGraphs::Source::Cache;
            return result;
        } catch (const std::exception& invalid) {
            result.note = "cached graphs in '" + result.file.string() + "' not used (" + invalid.what() + "); rebuilt";
        }
    }
    result.graphs = buildGraphs(config, grid);
    result.source = CachedGraphs::Source::Built;
    try {
        writeFileAtomically(result.file, fileBytes(key, serialize(result.graphs)));
    } catch (const std::exception& unwritable) {
        result.note += (result.note.empty() ? "" : "; ") + std::string("graphs not cached: ") + unwritable.what();
    }
    return result;
}

}  // namespace spreadcast::graphcast
