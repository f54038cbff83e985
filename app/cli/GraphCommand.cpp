#include "Commands.h"

#include "graphcast/GraphBuilder.h"
#include "graphcast/GraphCache.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

namespace spreadcast::cli {
namespace {

struct GraphOptions {
    int meshSize = 5;
    double resolution = 1.0;
    double radiusFraction = 0.6;
    bool noCache = false;
    std::string cacheDirectory;
};

}  // namespace

void addGraphCommand(CLI::App& app)
{
    auto options = std::make_shared<GraphOptions>();
    CLI::App* graph = app.add_subcommand(
        "graph", "Build GraphCast's graphs (icosahedral multimesh, grid→mesh, mesh→grid) and print their sizes, "
                 "one 'name: count' per line, to compare with google-deepmind/graphcast");
    graph
        ->add_option("--mesh-size", options->meshSize,
                     "Refinements of the icosahedron (GraphCast: 5 at 1°, 6 at 0.25°)")
        ->check(CLI::Range(0, 8))
        ->capture_default_str();
    graph->add_option("--resolution", options->resolution, "Grid spacing in degrees; must divide 180 (e.g. 1, 0.25)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    graph
        ->add_option("--radius-fraction", options->radiusFraction,
                     "radius_query_fraction_edge_length: grid→mesh radius as a fraction of the longest mesh edge")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    graph->add_flag("--no-cache", options->noCache, "Build the graphs even when a cached copy exists, and store none");
    graph->add_option(
        "--cache-dir", options->cacheDirectory,
        "Folder of cached graphs (default: $XDG_CACHE_HOME/spreadcast/graphs or ~/.cache/spreadcast/graphs)");
    graph->callback([options] {
        graphcast::LatLonGrid grid;
        try {
            grid = graphcast::LatLonGrid::regular(options->resolution);
        } catch (const std::invalid_argument& error) {
            throw CLI::ValidationError("--resolution", error.what());
        }
        graphcast::ModelConfig config;
        config.resolution = options->resolution;
        config.meshSize = options->meshSize;
        config.radiusQueryFractionEdgeLength = options->radiusFraction;

        const auto start = std::chrono::steady_clock::now();
        graphcast::Graphs graphs;
        std::string source = "built";
        if (options->noCache) {
            graphs = graphcast::buildGraphs(config, grid);
        } else {
            const graphcast::GraphCache cache(options->cacheDirectory.empty()
                                                  ? graphcast::defaultGraphCacheDirectory()
                                                  : std::filesystem::path(options->cacheDirectory));
            graphcast::CachedGraphs cached = cache.loadOrBuild(config, grid);
            graphs = std::move(cached.graphs);
            source = (cached.source == graphcast::CachedGraphs::Source::Cache ? "cache " : "built, cached in ") +
                     cached.file.string();
            if (!cached.note.empty()) {
                std::cerr << "spreadcast-cli graph: " << cached.note << "\n";
            }
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

        std::cout << "mesh nodes: " << graphs.meshNodes << "\n"
                  << "multimesh edges: " << graphs.mesh.count() << "\n"
                  << "grid nodes: " << graphs.gridNodes << "\n"
                  << "grid2mesh edges: " << graphs.grid2mesh.count() << "\n"
                  << "mesh2grid edges: " << graphs.mesh2grid.count() << "\n";
        char time[32];
        std::snprintf(time, sizeof(time), "%.3f", seconds);
        std::cout << "seconds: " << time << "\n"
                  << "source: " << source << "\n";
    });
}

}  // namespace spreadcast::cli
