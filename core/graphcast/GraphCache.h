#pragma once

// Built GraphCast graphs kept on disk between runs (building them takes seconds at 1° and much
// longer at 0.25°). One file per grid and graph configuration, named by a hash of both and of the
// file format's version; a file is written to a temporary name and renamed into place, so a reader
// never sees half of one, and checked on reading (magic, version, the full key, sizes, an XXH3
// checksum of the contents). A missing, stale or damaged file is rebuilt and replaced; a cache
// that cannot be written costs only the rebuild next time.

#include "graphcast/GraphCastTypes.h"

#include <filesystem>
#include <string>

namespace spreadcast::graphcast {

// $XDG_CACHE_HOME/spreadcast/graphs, else $HOME/.cache/spreadcast/graphs, else a folder under the
// system's temporary directory.
std::filesystem::path defaultGraphCacheDirectory();

struct CachedGraphs {
    enum class Source { Cache, Built };
    Graphs graphs;
    Source source = Source::Built;
    std::filesystem::path file;  // the cache file read or written
    std::string note;            // why a file was not used or not written; empty when all went well
};

class GraphCache {
public:
    explicit GraphCache(std::filesystem::path directory = defaultGraphCacheDirectory());

    // The graphs from the cache when its file is valid, else built with buildGraphs and stored.
    CachedGraphs loadOrBuild(const ModelConfig& config, const LatLonGrid& grid) const;

    // Where the graphs for this configuration and grid are kept.
    std::filesystem::path fileFor(const ModelConfig& config, const LatLonGrid& grid) const;

    const std::filesystem::path& directory() const { return directory_; }

private:
    std::filesystem::path directory_;
};

}  // namespace spreadcast::graphcast
