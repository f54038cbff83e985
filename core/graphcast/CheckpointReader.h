#pragma once

// Reads a GraphCast checkpoint: the .npz that graphcast.checkpoint.dump writes of a
// graphcast.CheckPoint (google-deepmind/graphcast, graphcast/checkpoint.py at commit 08cf736).
// dump flattens the dataclass into one array per leaf: nested names joined with ':', tuple
// items as ':0', ':1', …, fields that are None left out, strings as 0-d string arrays, e.g.
//   params:mesh_gnn/~_networks_builder/processor_edges_0_mesh_mlp/~/linear_0:w
//   model_config:mesh_size, task_config:pressure_levels:3, description, license.

#include "graphcast/GraphCastTypes.h"
#include "graphcast/NpzArchive.h"

#include <string>

namespace spreadcast::graphcast {

// Parameters become float32 tensors keyed without "params:"; model_config and task_config fill
// their structs (the only optional field, mesh2grid_edge_normalization_factor, may be absent).
// Keys of no field are ignored. Throws InputError naming the file and what is wrong: not an
// .npz, damaged, no parameters, missing or malformed config fields (all of them named at once).
Checkpoint readCheckpoint(const std::string& path);
Checkpoint readCheckpoint(const NpzArchive& archive);

}  // namespace spreadcast::graphcast
