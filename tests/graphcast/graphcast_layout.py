"""What GraphCast's files look like: task and model configs, parameter names, channels.

Shared by make_checkpoint.py, make_stats.py, make_dataset.py and reference.py.
Follows google-deepmind/graphcast at commit 08cf736:

- graphcast/graphcast.py: the variable lists (TARGET_SURFACE_VARS, TARGET_ATMOSPHERIC_VARS,
  FORCING_VARS, STATIC_VARS), PRESSURE_LEVELS_WEATHERBENCH_13, TaskConfig (TASK_13 is the task of
  GraphCast_small: precipitation input and output), ModelConfig, CheckPoint, and the three
  DeepTypedGraphNet instances (names grid2mesh_gnn, mesh_gnn, mesh2grid_gnn, their node and edge
  sets, latent sizes, num_outputs = surface targets + levels x atmospheric targets).
- graphcast/deep_typed_graph_net.py: module names inside `~_networks_builder`
  (encoder_{nodes,edges}_<set>, processor_{edges,nodes}_<k>_<set>, decoder_nodes_<set>), each an
  hk.nets.MLP "<name>_mlp" (linear_0 ... linear_<hidden_layers>) followed by hk.LayerNorm
  "<name>_layer_norm" (scale, offset), except the decoder which has no LayerNorm.
- graphcast/typed_graph_net.py: what each MLP sees (concatenated_args): edges [edge, sender,
  receiver]; nodes [node, sum of received edges of each edge set whose receiver it is].
- graphcast/model_utils.py: 3 structural node features (cos colatitude, cos lon, sin lon) and
  4 edge features (length, displacement in the receiver's frame), dataset_to_stacked (channels
  are the variables in sorted name order, each flattened over its non-(batch, lat, lon) dims).
"""

import math

import numpy as np

PRESSURE_LEVELS_WEATHERBENCH_13 = (50, 100, 150, 200, 250, 300, 400, 500, 600, 700, 850, 925, 1000)
PRESSURE_LEVELS_ERA5_37 = (1, 2, 3, 5, 7, 10, 20, 30, 50, 70, 100, 125, 150, 175, 200, 225, 250,
                           300, 350, 400, 450, 500, 550, 600, 650, 700, 750, 775, 800, 825, 850,
                           875, 900, 925, 950, 975, 1000)

ALL_ATMOSPHERIC_VARS = (
    "potential_vorticity", "specific_rain_water_content", "specific_snow_water_content",
    "geopotential", "temperature", "u_component_of_wind", "v_component_of_wind",
    "specific_humidity", "vertical_velocity", "vorticity", "divergence", "relative_humidity",
    "ozone_mass_mixing_ratio", "specific_cloud_liquid_water_content",
    "specific_cloud_ice_water_content", "fraction_of_cloud_cover")
TARGET_SURFACE_VARS = ("2m_temperature", "mean_sea_level_pressure", "10m_v_component_of_wind",
                       "10m_u_component_of_wind", "total_precipitation_6hr")
TARGET_ATMOSPHERIC_VARS = ("temperature", "geopotential", "u_component_of_wind",
                           "v_component_of_wind", "vertical_velocity", "specific_humidity")
EXTERNAL_FORCING_VARS = ("toa_incident_solar_radiation",)
GENERATED_FORCING_VARS = ("year_progress_sin", "year_progress_cos", "day_progress_sin",
                          "day_progress_cos")
FORCING_VARS = EXTERNAL_FORCING_VARS + GENERATED_FORCING_VARS
STATIC_VARS = ("geopotential_at_surface", "land_sea_mask")

# graphcast.TASK_13 (GraphCast_small's task): precipitation is both input and output.
TASK_13 = dict(
    input_variables=TARGET_SURFACE_VARS + TARGET_ATMOSPHERIC_VARS + FORCING_VARS + STATIC_VARS,
    target_variables=TARGET_SURFACE_VARS + TARGET_ATMOSPHERIC_VARS,
    forcing_variables=FORCING_VARS,
    pressure_levels=PRESSURE_LEVELS_WEATHERBENCH_13,
    input_duration="12h",
)

# The tiny task: GraphCast_small's variables on three of its levels, so that tests stay small.
TASK_TINY = dict(TASK_13, pressure_levels=(500, 850, 1000))

PRESETS = {
    "tiny": dict(
        model_config=dict(resolution=10.0, mesh_size=2, latent_size=16, gnn_msg_steps=2,
                          hidden_layers=1, radius_query_fraction_edge_length=0.6),
        task_config=TASK_TINY),
    "full": dict(
        model_config=dict(resolution=1.0, mesh_size=5, latent_size=512, gnn_msg_steps=16,
                          hidden_layers=1, radius_query_fraction_edge_length=0.6),
        task_config=TASK_13),
    # For pictures of the workstation (scripts/screenshots.sh): GraphCast's 13 levels on a 2° grid
    # with a small network, quick on a laptop's CPU.
    "demo": dict(
        model_config=dict(resolution=2.0, mesh_size=4, latent_size=32, gnn_msg_steps=4,
                          hidden_layers=1, radius_query_fraction_edge_length=0.6),
        task_config=TASK_13),
}

# Six hours between the model's steps; input_duration "12h" holds two of them.
STEP_HOURS = 6

NUM_STRUCTURAL_NODE_FEATURES = 3  # cos(colatitude), cos(lon), sin(lon)
NUM_STRUCTURAL_EDGE_FEATURES = 4  # length, 3 components of the displacement


def is_atmospheric(name):
    return name in ALL_ATMOSPHERIC_VARS


def input_duration_steps(task_config):
    """Number of input times: times in (-input_duration, 0] at 6-hour spacing."""
    text = str(task_config["input_duration"]).strip().lower()
    if not text.endswith("h"):
        raise ValueError(f"input_duration {text!r}: only hours ('12h') are supported")
    hours = int(text[:-1])
    if hours % STEP_HOURS:
        raise ValueError(f"input_duration {text!r} is not a multiple of {STEP_HOURS}h")
    return hours // STEP_HOURS


def time_dependent(name):
    return name not in STATIC_VARS


def input_channel_layout(task_config):
    """The encoder's grid-node channels before the 3 structural features, in order.

    Returns a list of (source, name, time_index, level_or_None): source "inputs" for the input
    window (sorted input variable names; a time-dependent variable contributes one channel per
    input time, each time holding all its levels), then source "forcings" (sorted forcing
    names, the target time), as GraphCast._inputs_to_grid_node_features concatenates them.
    """
    num_times = input_duration_steps(task_config)
    levels = tuple(task_config["pressure_levels"])
    layout = []
    for name in sorted(task_config["input_variables"]):
        times = range(num_times) if time_dependent(name) else [None]
        for t in times:
            for level in (levels if is_atmospheric(name) else [None]):
                layout.append(("inputs", name, t, level))
    for name in sorted(task_config["forcing_variables"]):
        for level in (levels if is_atmospheric(name) else [None]):
            layout.append(("forcings", name, 0, level))
    return layout


def output_channel_layout(task_config):
    """The decoder's output channels: sorted target names, each over its levels."""
    levels = tuple(task_config["pressure_levels"])
    layout = []
    for name in sorted(task_config["target_variables"]):
        for level in (levels if is_atmospheric(name) else [None]):
            layout.append((name, level))
    return layout


def num_input_channels(task_config):
    return len(input_channel_layout(task_config))


def num_outputs(task_config):
    # graphcast.GraphCast.__init__: surface targets + levels x atmospheric targets.
    targets = set(task_config["target_variables"])
    surface = len(targets - set(ALL_ATMOSPHERIC_VARS))
    atmospheric = len(targets & set(ALL_ATMOSPHERIC_VARS))
    return surface + len(task_config["pressure_levels"]) * atmospheric


def mlp_prefix(network, module):
    return f"{network}/~_networks_builder/{module}"


def mlp_parameter_shapes(network, module, input_size, output_size, latent_size, hidden_layers,
                         layer_norm):
    """hk.nets.MLP(output_sizes=[latent]*hidden_layers + [output]) then maybe hk.LayerNorm."""
    shapes = {}
    sizes = [input_size] + [latent_size] * hidden_layers + [output_size]
    prefix = mlp_prefix(network, module)
    for i in range(len(sizes) - 1):
        shapes[f"{prefix}_mlp/~/linear_{i}"] = {"w": (sizes[i], sizes[i + 1]),
                                                 "b": (sizes[i + 1],)}
    if layer_norm:
        shapes[f"{prefix}_layer_norm"] = {"scale": (output_size,), "offset": (output_size,)}
    return shapes


def parameter_shapes(model_config, task_config):
    """Every Haiku parameter GraphCast creates, as {module_path: {name: shape}}, in call order."""
    latent = int(model_config["latent_size"])
    hidden = int(model_config["hidden_layers"])
    steps = int(model_config["gnn_msg_steps"])
    grid_in = num_input_channels(task_config) + NUM_STRUCTURAL_NODE_FEATURES
    edge_in = NUM_STRUCTURAL_EDGE_FEATURES
    shapes = {}

    def add(network, module, input_size, output_size, layer_norm=True):
        shapes.update(mlp_parameter_shapes(network, module, input_size, output_size, latent,
                                           hidden, layer_norm))

    # Encoder: embeds grid nodes, mesh nodes (zeros of the grid's width + structural) and
    # grid2mesh edges, then one interaction step updating edges, then both node sets.
    add("grid2mesh_gnn", "encoder_edges_grid2mesh", edge_in, latent)
    add("grid2mesh_gnn", "encoder_nodes_grid_nodes", grid_in, latent)
    add("grid2mesh_gnn", "encoder_nodes_mesh_nodes", grid_in, latent)
    add("grid2mesh_gnn", "processor_edges_0_grid2mesh", 3 * latent, latent)
    add("grid2mesh_gnn", "processor_nodes_0_grid_nodes", latent, latent)
    add("grid2mesh_gnn", "processor_nodes_0_mesh_nodes", 2 * latent, latent)
    # Processor: embeds the multimesh edges only; gnn_msg_steps unshared interaction steps.
    add("mesh_gnn", "encoder_edges_mesh", edge_in, latent)
    for k in range(steps):
        add("mesh_gnn", f"processor_edges_{k}_mesh", 3 * latent, latent)
        add("mesh_gnn", f"processor_nodes_{k}_mesh_nodes", 2 * latent, latent)
    # Decoder: embeds mesh2grid edges, one interaction step, then the output MLP (no LayerNorm).
    add("mesh2grid_gnn", "encoder_edges_mesh2grid", edge_in, latent)
    add("mesh2grid_gnn", "processor_edges_0_mesh2grid", 3 * latent, latent)
    add("mesh2grid_gnn", "processor_nodes_0_grid_nodes", 2 * latent, latent)
    add("mesh2grid_gnn", "processor_nodes_0_mesh_nodes", latent, latent)
    add("mesh2grid_gnn", "decoder_nodes_grid_nodes", latent, num_outputs(task_config),
        layer_norm=False)
    return shapes


def grid_coordinates(resolution):
    """Latitudes ascending from -90 to 90 and longitudes from 0, as DeepMind's datasets."""
    num_lat = int(round(180.0 / resolution)) + 1
    num_lon = int(round(360.0 / resolution))
    if abs((num_lat - 1) * resolution - 180.0) > 1e-6 or abs(num_lon * resolution - 360.0) > 1e-6:
        raise ValueError(f"resolution {resolution} does not divide 180 and 360 degrees")
    lat = np.array([-90.0 + i * resolution for i in range(num_lat)], dtype=np.float32)
    lon = np.array([i * resolution for i in range(num_lon)], dtype=np.float32)
    return lat, lon


def parameter_count(shapes):
    return sum(math.prod(s) for module in shapes.values() for s in module.values())
