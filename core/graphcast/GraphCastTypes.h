#pragma once

// The data that the parts of the GraphCast model hand each other: the checkpoint's parameters and
// configuration (CheckpointReader), the graphs built from that configuration (GraphBuilder) and
// the normalisation statistics (NormalizationStats). The network (GraphCastNetwork) and the model
// of the registry (GraphCastModel) only read these. Names follow google-deepmind/graphcast at
// commit 08cf736 (graphcast/graphcast.py, checkpoint.py, model_utils.py).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spreadcast::graphcast {

// A parameter array of the checkpoint, converted to float32, C order.
struct Tensor {
    std::vector<std::int64_t> shape;
    std::vector<float> values;
    std::int64_t size() const
    {
        std::int64_t n = 1;
        for (std::int64_t extent : shape) {
            n *= extent;
        }
        return n;
    }
};

// graphcast.ModelConfig.
struct ModelConfig {
    double resolution = 1.0;  // degrees
    int meshSize = 5;
    int latentSize = 512;
    int gnnMsgSteps = 16;
    int hiddenLayers = 1;
    double radiusQueryFractionEdgeLength = 0.6;
    std::optional<double> mesh2gridEdgeNormalizationFactor;
};

// graphcast.TaskConfig.
struct TaskConfig {
    std::vector<std::string> inputVariables;
    std::vector<std::string> targetVariables;
    std::vector<std::string> forcingVariables;
    std::vector<int> pressureLevels;  // hPa, as the checkpoint lists them
    std::string inputDuration;        // e.g. "12h"
};

// graphcast.CheckPoint: params keyed as in the npz without the "params:" prefix, e.g.
// "grid2mesh_gnn/~_networks_builder/encoder_nodes_grid_nodes_mlp/~/linear_0:w".
struct Checkpoint {
    std::map<std::string, Tensor> params;
    ModelConfig modelConfig;
    TaskConfig taskConfig;
    std::string description;
    std::string license;
    std::string path;  // where it was read from, for messages
};

// A regular latitude–longitude grid as GraphCast uses it: latitudes ascending from −90 to 90
// inclusive, longitudes from 0 eastwards; grid node index = latIndex · nlon + lonIndex.
struct LatLonGrid {
    std::vector<double> latitudes;   // degrees
    std::vector<double> longitudes;  // degrees
    static LatLonGrid regular(double resolutionDegrees);
    std::size_t points() const { return latitudes.size() * longitudes.size(); }
};

// Directed edges of one graph, sorted by receiver (then sender), with their features
// (featureSize floats per edge, row-major), so that a sum into a receiver runs in a fixed order.
struct Edges {
    std::vector<std::int32_t> senders;
    std::vector<std::int32_t> receivers;
    int featureSize = 0;
    std::vector<float> features;
    std::size_t count() const { return senders.size(); }
};

// Everything the network needs of the graphs (graphcast.GraphCast._init_grid_properties,
// _init_mesh_properties, _init_grid2mesh_graph, _init_mesh_graph, _init_mesh2grid_graph).
struct Graphs {
    int gridNodes = 0;
    int meshNodes = 0;
    int nodeFeatureSize = 0;              // structural features per node (graphcast: 3)
    std::vector<float> gridNodeFeatures;  // gridNodes × nodeFeatureSize
    std::vector<float> meshNodeFeatures;  // meshNodes × nodeFeatureSize
    Edges grid2mesh;                      // senders: grid nodes, receivers: mesh nodes
    Edges mesh;                           // the multimesh, both directions
    Edges mesh2grid;                      // senders: mesh nodes, receivers: grid nodes
};

// Per-variable normalisation from mean_by_level.nc, stddev_by_level.nc and
// diffs_stddev_by_level.nc: one value per level for atmospheric variables, one for the others.
struct NormalizationStats {
    std::map<std::string, std::vector<double>> mean;
    std::map<std::string, std::vector<double>> stddev;
    std::map<std::string, std::vector<double>> diffsStddev;
    std::vector<int> levels;  // hPa, the files' level coordinate
};

// Fields at one time on a LatLonGrid, by graphcast's long variable names ("temperature",
// "geopotential", "2m_temperature", "toa_incident_solar_radiation", …): an atmospheric variable
// holds levels × points values (level-major, levels in the dataset's order), a surface one points.
struct Fields {
    std::map<std::string, std::vector<float>> variables;
};

// A dataset in the layout of DeepMind's example files
// (source-era5_date-2022-01-01_res-1.0_levels-13_steps-01.nc: dims batch, time, level, lat, lon),
// batch 0, on GraphCast's grid (latitudes ascending).
struct Dataset {
    LatLonGrid grid;
    std::vector<int> levels;               // hPa
    std::vector<std::int64_t> validTimes;  // seconds since 1970-01-01 00:00 UTC, one per time
    std::vector<Fields> times;             // time-dependent variables, one Fields per time
    Fields statics;                        // geopotential_at_surface, land_sea_mask
};

}  // namespace spreadcast::graphcast
