#!/usr/bin/python3
"""A numpy forward pass and rollout of GraphCast, the golden reference for Spreadcast's C++.

Written from google-deepmind/graphcast at commit 08cf736, not from Spreadcast's C++:

- graphcast/checkpoint.py: the npz keys are the ':'-joined paths of CheckPoint's fields
  (`params:<module>:<name>`, `model_config:<field>`, `task_config:<field>[:<index>]`).
- graphcast/graphcast.py, deep_typed_graph_net.py, typed_graph_net.py: the network.
  Encoder (grid2mesh_gnn): embed grid nodes [inputs, structural], mesh nodes [zeros, structural]
  and edges with MLP+LayerNorm; one interaction step: edge MLP on [edge, grid sender, mesh
  receiver], mesh node MLP on [node, sum of received edges], grid node MLP on [node]; residuals
  added to nodes and edges. Processor (mesh_gnn): embed multimesh edges; gnn_msg_steps steps of
  the same kind with unshared weights. Decoder (mesh2grid_gnn): embed edges; one step (edge MLP
  on [edge, mesh sender, grid receiver]; grid node MLP on [node, received sum]; mesh node MLP on
  [node]); residuals; then decoder_nodes_grid_nodes_mlp (no LayerNorm) gives the outputs.
  MLP = Linear -> swish -> ... -> Linear (hk.nets.MLP), then hk.LayerNorm (eps 1e-5, biased
  variance, scale and offset). Aggregation: segment sum over receivers.
- graphcast/model_utils.py: dataset_to_stacked (channels: sorted variable names; a variable's
  non-(batch, lat, lon) dims flattened in order, i.e. time-major then level), inputs then
  forcings, then the 3 structural grid-node features; outputs unstacked the same way over the
  sorted target names.
- graphcast/normalization.py (InputsAndResiduals): inputs and forcings (x - mean) / stddev; a
  target that is an input is last input + output * diffs_stddev; other targets output * stddev
  + mean. Statistics are cast to float32 first (`.astype(array.dtype)`), levels matched by value.
- graphcast/autoregressive.py and rollout.py: two input times; each step's prediction and the
  forcings of its target time replace the oldest input time; statics stay.
- graphcast/data_utils.py and solar_radiation.py: forcings (see graphcast_forcings.py). As
  extract_inputs_targets_forcings does, year/day progress are recomputed from the datetime unless
  the dataset carries the raw `year_progress` / `day_progress`, and toa_incident_solar_radiation
  is read from the dataset when it has that time, computed otherwise.
- Graphs: see graphcast_graphs.py (including the stated tie rule for the containing triangle).

Precision: all inputs, statistics, weights and graph features take graphcast's float32 values;
the arithmetic then runs in float64 by default (`--float32` for float32 throughout), so that the
reference is closer to the exact result than any float32 implementation being checked.

Usage:
  reference.py --checkpoint C.npz --stats DIR --dataset IN.nc --steps N --out OUT.nc
               [--dump-graphs G.npz] [--float32] [--zero-weights]
  reference.py --checkpoint C.npz --dump-graphs G.npz [--resolution DEG]
  reference.py --graph-counts --mesh-size K --resolution DEG [--radius-fraction 0.6]
OUT.nc: predictions in the dataset's layout: dims batch, time (the N lead times, int64 hours),
level, lat, lon; the target variables (float32) and datetime (batch, time).
"""

import argparse
import os
import sys
import time as timer

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graphcast_forcings as forcings  # noqa: E402
import graphcast_graphs as graphs  # noqa: E402
import graphcast_layout as layout  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Checkpoint and statistics


def load_checkpoint(path):
    """(params {module: {name: float32 array}}, model_config dict, task_config dict, text)."""
    with np.load(path, allow_pickle=False) as npz:
        flat = {key: npz[key] for key in npz.files}
    params, model_config, task_lists, task_config = {}, {}, {}, {}
    for key, value in flat.items():
        parts = key.split(":")
        if parts[0] == "params":
            module, name = ":".join(parts[1:-1]), parts[-1]
            params.setdefault(module, {})[name] = value
        elif parts[0] == "model_config":
            model_config[parts[1]] = value.item()
        elif parts[0] == "task_config":
            if len(parts) == 3:
                task_lists.setdefault(parts[1], {})[int(parts[2])] = value.item()
            else:
                task_config[parts[1]] = value.item()
    for field, items in task_lists.items():
        task_config[field] = tuple(items[i] for i in sorted(items))
    for field in ("input_variables", "target_variables", "forcing_variables", "pressure_levels"):
        task_config.setdefault(field, ())
    text = {k: str(flat[k].item()) for k in ("description", "license") if k in flat}
    return params, model_config, task_config, text


def check_params(params, model_config, task_config):
    expected = layout.parameter_shapes(model_config, task_config)
    for module, names in expected.items():
        for name, shape in names.items():
            key = f"params:{module}:{name}"
            if module not in params or name not in params[module]:
                raise SystemExit(f"reference: checkpoint lacks {key}")
            value = params[module][name]
            if tuple(value.shape) != tuple(shape):
                raise SystemExit(f"reference: {key} has shape {value.shape}, expected {shape}")
            if value.dtype != np.float32:
                raise SystemExit(f"reference: {key} has dtype {value.dtype}, expected float32")


def level_indices(file_levels, levels, where):
    missing = [level for level in levels if level not in file_levels]
    if missing:
        raise SystemExit(f"reference: {where} lacks levels {missing} (it has {file_levels})")
    return [file_levels.index(level) for level in levels]


def load_stats(directory, levels):
    """{which: {name: float32 scalar or [levels] array}} for mean, stddev, diffs_stddev."""
    import netCDF4

    stats = {}
    for which in ("mean", "stddev", "diffs_stddev"):
        path = os.path.join(directory, f"{which}_by_level.nc")
        table = {}
        with netCDF4.Dataset(path) as nc:
            file_levels = [int(x) for x in nc.variables["level"][:]] if "level" in nc.variables \
                else []
            for name, variable in nc.variables.items():
                if name == "level":
                    continue
                data = np.asarray(variable[...], dtype=np.float64)
                if variable.dimensions == ("level",):
                    index = level_indices(file_levels, list(levels), path)
                    table[name] = data[index].astype(np.float32)
                else:
                    table[name] = np.float32(data)
        stats[which] = table
    return stats


# ---------------------------------------------------------------------------------------------
# Dataset


class Dataset:
    """The variables of a DeepMind-layout dataset for one batch entry, batch dim dropped."""

    def __init__(self, path, task_config, batch_index=0):
        import netCDF4

        self.path = path
        with netCDF4.Dataset(path) as nc:
            self.lat = np.asarray(nc.variables["lat"][:], dtype=np.float32)
            self.lon = np.asarray(nc.variables["lon"][:], dtype=np.float32)
            file_levels = [int(x) for x in nc.variables["level"][:]]
            self.levels = tuple(int(x) for x in task_config["pressure_levels"])
            level_index = level_indices(file_levels, list(self.levels), path)
            time_var = nc.variables["time"]
            self.time_hours = self._hours(np.asarray(time_var[:], dtype=np.int64),
                                          getattr(time_var, "units", "hours"))
            datetime_var = nc.variables["datetime"]
            units = datetime_var.units
            unit, _, origin = units.partition(" since ")
            origin_seconds = int(np.datetime64(origin.strip().replace(" ", "T"), "s").astype(
                np.int64))
            values = np.asarray(datetime_var[:], dtype=np.int64)
            if values.ndim == 2:
                values = values[batch_index]
            self.datetime_units = units
            self.datetime_calendar = getattr(datetime_var, "calendar", "proleptic_gregorian")
            self.seconds = origin_seconds + values * self._unit_seconds(unit)
            self.variables = {}
            for name, variable in nc.variables.items():
                if name in ("lat", "lon", "level", "time", "datetime"):
                    continue
                data = np.asarray(variable[...], dtype=np.float32)
                dims = variable.dimensions
                if "batch" in dims:
                    data = np.take(data, batch_index, axis=dims.index("batch"))
                    dims = tuple(d for d in dims if d != "batch")
                if "level" in dims:
                    data = np.take(data, level_index, axis=dims.index("level"))
                self.variables[name] = (dims, data)

    @staticmethod
    def _unit_seconds(unit):
        unit = unit.strip().lower()
        table = {"seconds": 1, "second": 1, "s": 1, "minutes": 60, "minute": 60, "hours": 3600,
                 "hour": 3600, "h": 3600, "days": 86400, "day": 86400, "nanoseconds": 1e-9}
        if unit not in table:
            raise SystemExit(f"reference: unsupported time unit {unit!r}")
        return table[unit]

    def _hours(self, values, units):
        return values * self._unit_seconds(units) / 3600.0

    def has(self, name):
        return name in self.variables

    def field(self, name, time_index):
        """[level, lat, lon], [lat, lon], [lon] or [] at one time (statics ignore time)."""
        dims, data = self.variables[name]
        if "time" in dims:
            data = np.take(data, time_index, axis=dims.index("time"))
        return data


# ---------------------------------------------------------------------------------------------
# Network


class Network:
    def __init__(self, params, model_config, dtype):
        self.params = params
        self.hidden_layers = int(model_config["hidden_layers"])
        self.steps = int(model_config["gnn_msg_steps"])
        self.dtype = dtype

    def _p(self, module, name):
        return self.params[module][name].astype(self.dtype)

    def mlp(self, network, module, x, layer_norm=True):
        prefix = layout.mlp_prefix(network, module)
        x = x.astype(self.dtype)
        for i in range(self.hidden_layers + 1):
            linear = f"{prefix}_mlp/~/linear_{i}"
            x = x @ self._p(linear, "w") + self._p(linear, "b")
            if i < self.hidden_layers:
                x = x / (1 + np.exp(-x))  # swish
        if layer_norm:
            norm = f"{prefix}_layer_norm"
            mean = x.mean(axis=-1, keepdims=True)
            variance = np.square(x - mean).mean(axis=-1, keepdims=True)
            x = (x - mean) * (self._p(norm, "scale") / np.sqrt(variance + self.dtype(1e-5)))
            x = x + self._p(norm, "offset")
        return x

    def segment_sum(self, data, segment_ids, num_segments):
        order = np.argsort(segment_ids, kind="stable")
        ids = segment_ids[order]
        out = np.zeros((num_segments,) + data.shape[1:], dtype=data.dtype)
        if len(ids):
            unique, starts = np.unique(ids, return_index=True)
            out[unique] = np.add.reduceat(data[order], starts, axis=0)
        return out

    def __call__(self, graph, grid_inputs):
        """grid_inputs [num_grid_nodes, channels] (normalised) -> [num_grid_nodes, outputs]."""
        d = self.dtype
        g2m, mesh, m2g = "grid2mesh_gnn", "mesh_gnn", "mesh2grid_gnn"
        f32 = np.float32
        grid_struct = graph.grid_node_features.astype(f32).astype(d)
        mesh_struct = graph.mesh_node_features.astype(f32).astype(d)
        n_grid, n_mesh = graph.num_grid_nodes, graph.num_mesh_nodes

        # Encoder.
        grid_features = np.concatenate([grid_inputs.astype(d), grid_struct], axis=-1)
        mesh_features = np.concatenate(
            [np.zeros((n_mesh, grid_inputs.shape[1]), dtype=d), mesh_struct], axis=-1)
        grid_latent = self.mlp(g2m, "encoder_nodes_grid_nodes", grid_features)
        mesh_latent = self.mlp(g2m, "encoder_nodes_mesh_nodes", mesh_features)
        s, r = graph.grid2mesh_senders, graph.grid2mesh_receivers
        edge_latent = self.mlp(g2m, "encoder_edges_grid2mesh",
                               graph.grid2mesh_edge_features.astype(f32))
        edge_update = self.mlp(g2m, "processor_edges_0_grid2mesh", np.concatenate(
            [edge_latent, grid_latent[s], mesh_latent[r]], axis=-1))
        mesh_update = self.mlp(g2m, "processor_nodes_0_mesh_nodes", np.concatenate(
            [mesh_latent, self.segment_sum(edge_update, r, n_mesh)], axis=-1))
        grid_update = self.mlp(g2m, "processor_nodes_0_grid_nodes", grid_latent)
        mesh_latent = mesh_latent + mesh_update
        grid_latent = grid_latent + grid_update

        # Processor on the multimesh.
        s, r = graph.mesh_senders, graph.mesh_receivers
        edge_latent = self.mlp(mesh, "encoder_edges_mesh", graph.mesh_edge_features.astype(f32))
        for k in range(self.steps):
            edge_update = self.mlp(mesh, f"processor_edges_{k}_mesh", np.concatenate(
                [edge_latent, mesh_latent[s], mesh_latent[r]], axis=-1))
            node_update = self.mlp(mesh, f"processor_nodes_{k}_mesh_nodes", np.concatenate(
                [mesh_latent, self.segment_sum(edge_update, r, n_mesh)], axis=-1))
            edge_latent = edge_latent + edge_update
            mesh_latent = mesh_latent + node_update

        # Decoder.
        s, r = graph.mesh2grid_senders, graph.mesh2grid_receivers
        edge_latent = self.mlp(m2g, "encoder_edges_mesh2grid",
                               graph.mesh2grid_edge_features.astype(f32))
        edge_update = self.mlp(m2g, "processor_edges_0_mesh2grid", np.concatenate(
            [edge_latent, mesh_latent[s], grid_latent[r]], axis=-1))
        grid_update = self.mlp(m2g, "processor_nodes_0_grid_nodes", np.concatenate(
            [grid_latent, self.segment_sum(edge_update, r, n_grid)], axis=-1))
        # processor_nodes_0_mesh_nodes also runs in graphcast, but its result is not used.
        grid_latent = grid_latent + grid_update
        return self.mlp(m2g, "decoder_nodes_grid_nodes", grid_latent, layer_norm=False)


# ---------------------------------------------------------------------------------------------
# Rollout


def broadcast_to_grid(value, num_lat, num_lon):
    value = np.asarray(value)
    if value.ndim == 0:
        return np.full((num_lat, num_lon), value, dtype=value.dtype)
    if value.ndim == 1:  # per longitude
        return np.broadcast_to(value[None, :], (num_lat, num_lon))
    return value


class Rollout:
    def __init__(self, network, graph, task_config, stats, dataset, dtype):
        self.network = network
        self.graph = graph
        self.task = task_config
        self.stats = stats
        self.ds = dataset
        self.dtype = dtype
        self.levels = tuple(int(x) for x in task_config["pressure_levels"])
        self.num_inputs = layout.input_duration_steps(task_config)
        self.num_lat, self.num_lon = len(dataset.lat), len(dataset.lon)
        needed = set(task_config["input_variables"]) | set(task_config["forcing_variables"])
        for which, table in (("mean", stats["mean"]), ("stddev", stats["stddev"])):
            for name in needed:
                if name not in table:
                    raise SystemExit(f"reference: {which}_by_level.nc lacks {name}")

    def forcing_values(self, name, seconds, time_index=None):
        """A forcing at one time: from the dataset when it holds that time, computed otherwise."""
        progress = {"year_progress_sin": "year_progress", "year_progress_cos": "year_progress",
                    "day_progress_sin": "day_progress", "day_progress_cos": "day_progress"}
        from_dataset = time_index is not None and self.ds.has(name)
        if name in progress and not self.ds.has(progress[name]):
            from_dataset = False  # data_utils.add_derived_vars recomputes them
        if from_dataset:
            return self.ds.field(name, time_index)
        return forcings.forcings_at(seconds, self.ds.lat, self.ds.lon)[name]

    def frame_from_dataset(self, time_index):
        frame = {}
        for name in self.task["input_variables"]:
            if name in self.task["forcing_variables"]:
                frame[name] = self.forcing_values(name, int(self.ds.seconds[time_index]),
                                                  time_index)
            elif layout.time_dependent(name):
                if not self.ds.has(name):
                    raise SystemExit(f"reference: dataset {self.ds.path} lacks input {name}")
                frame[name] = self.ds.field(name, time_index)
        return frame

    def normalised(self, name, value):
        """(x - mean) / stddev on [level, lat, lon] or [lat, lon], float32 statistics."""
        d = self.dtype
        mean = np.asarray(self.stats["mean"][name]).astype(d)
        std = np.asarray(self.stats["stddev"][name]).astype(d)
        value = np.asarray(value).astype(d)
        if layout.is_atmospheric(name):
            return (value - mean[:, None, None]) / std[:, None, None]
        return (value - mean) / std

    def grid_inputs(self, window, target_forcings):
        """[num_grid_nodes, channels] in layout.input_channel_layout order."""
        columns = []
        level_pos = {level: i for i, level in enumerate(self.levels)}
        cache = {}
        for source, name, t, level in layout.input_channel_layout(self.task):
            key = (source, name, t)
            if key not in cache:
                if source == "forcings":
                    raw = target_forcings[name]
                elif layout.time_dependent(name):
                    raw = window[t][name]
                else:
                    raw = self.ds.field(name, None)
                if not layout.is_atmospheric(name):
                    raw = broadcast_to_grid(raw, self.num_lat, self.num_lon)
                cache[key] = self.normalised(name, raw)
            value = cache[key]
            if level is not None:
                value = value[level_pos[level]]
            columns.append(np.asarray(value).reshape([-1]))
        return np.stack(columns, axis=-1)

    def predictions_from_outputs(self, outputs, last_frame):
        d = self.dtype
        prediction = {}
        index = 0
        for name in sorted(self.task["target_variables"]):
            n = len(self.levels) if layout.is_atmospheric(name) else 1
            block = outputs[:, index:index + n].T.reshape((n, self.num_lat, self.num_lon))
            index += n
            if not layout.is_atmospheric(name):
                block = block[0]
            if name in self.task["input_variables"]:
                scale = np.asarray(self.stats["diffs_stddev"][name]).astype(d)
                if layout.is_atmospheric(name):
                    scale = scale[:, None, None]
                prediction[name] = np.asarray(last_frame[name]).astype(d) + block * scale
            else:
                scale = np.asarray(self.stats["stddev"][name]).astype(d)
                location = np.asarray(self.stats["mean"][name]).astype(d)
                if layout.is_atmospheric(name):
                    scale, location = scale[:, None, None], location[:, None, None]
                prediction[name] = block * scale + location
        return prediction

    def run(self, steps):
        if len(self.ds.seconds) < self.num_inputs:
            raise SystemExit(f"reference: dataset has {len(self.ds.seconds)} times, the model "
                             f"needs {self.num_inputs} inputs")
        window = [self.frame_from_dataset(i) for i in range(self.num_inputs)]
        last_seconds = int(self.ds.seconds[self.num_inputs - 1])
        results = []
        for step in range(1, steps + 1):
            target_index = self.num_inputs - 1 + step
            seconds = last_seconds + step * layout.STEP_HOURS * 3600
            has_time = target_index < len(self.ds.seconds)
            if has_time and int(self.ds.seconds[target_index]) != seconds:
                raise SystemExit("reference: dataset times are not 6 hours apart")
            target_forcings = {
                name: self.forcing_values(name, seconds, target_index if has_time else None)
                for name in self.task["forcing_variables"]}
            outputs = self.network(self.graph, self.grid_inputs(window, target_forcings))
            prediction = self.predictions_from_outputs(outputs, window[-1])
            results.append((seconds, prediction))
            next_frame = {}
            for name in window[-1]:
                next_frame[name] = prediction[name] if name in prediction else target_forcings[
                    name]
            window = window[1:] + [next_frame]
        return results


def write_predictions(path, dataset, task_config, results, description):
    import netCDF4

    levels = tuple(int(x) for x in task_config["pressure_levels"])
    first = int(dataset.seconds[layout.input_duration_steps(task_config) - 1])
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.description = "GraphCast predictions by Spreadcast's tests/graphcast/reference.py"
        nc.checkpoint_description = description.get("description", "")
        nc.checkpoint_license = description.get("license", "")
        for dim, size in (("batch", 1), ("time", len(results)), ("level", len(levels)),
                          ("lat", len(dataset.lat)), ("lon", len(dataset.lon))):
            nc.createDimension(dim, size)
        v = nc.createVariable("lon", "f4", ("lon",))
        v[:] = dataset.lon
        v.units = "degrees_east"
        v = nc.createVariable("lat", "f4", ("lat",))
        v[:] = dataset.lat
        v.units = "degrees_north"
        v = nc.createVariable("level", "i4", ("level",))
        v[:] = np.asarray(levels, dtype=np.int32)
        v.units = "hPa"
        v = nc.createVariable("time", "i8", ("time",))
        v[:] = np.asarray([(s - first) // 3600 for s, _ in results], dtype=np.int64)
        v.units = "hours"
        v.long_name = "lead time after the last input time"
        origin = str(np.datetime64(first, "s")).replace("T", " ")
        v = nc.createVariable("datetime", "i8", ("batch", "time"))
        v[:] = np.asarray([[(s - first) // 3600 for s, _ in results]], dtype=np.int64)
        v.units = f"hours since {origin}"
        v.calendar = "proleptic_gregorian"
        for name in task_config["target_variables"]:
            if layout.is_atmospheric(name):
                dims = ("batch", "time", "level", "lat", "lon")
            else:
                dims = ("batch", "time", "lat", "lon")
            var = nc.createVariable(name, "f4", dims)
            var[...] = np.stack([p[name] for _, p in results])[None].astype(np.float32)


def print_counts(graph):
    for name, count in graph.counts().items():
        print(f"{name}: {count}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--checkpoint")
    parser.add_argument("--stats", help="directory with {mean,stddev,diffs_stddev}_by_level.nc")
    parser.add_argument("--dataset")
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--out")
    parser.add_argument("--dump-graphs", metavar="G.npz")
    parser.add_argument("--graph-counts", action="store_true",
                        help="print the graph sizes, one 'name: count' per line")
    parser.add_argument("--mesh-size", type=int)
    parser.add_argument("--resolution", type=float)
    parser.add_argument("--radius-fraction", type=float, default=0.6)
    parser.add_argument("--float32", action="store_true", help="float32 arithmetic throughout")
    parser.add_argument("--zero-weights", action="store_true",
                        help="set every parameter to zero (self-check: residual targets come "
                             "back as the last input)")
    args = parser.parse_args(argv)
    dtype = np.float32 if args.float32 else np.float64

    params = model_config = task_config = None
    text = {}
    if args.checkpoint:
        params, model_config, task_config, text = load_checkpoint(args.checkpoint)
        check_params(params, model_config, task_config)
        if args.zero_weights:
            params = {m: {n: np.zeros_like(v) for n, v in d.items()} for m, d in params.items()}
    mesh_size = args.mesh_size if args.mesh_size is not None else (
        model_config and int(model_config["mesh_size"]))
    fraction = float(model_config["radius_query_fraction_edge_length"]) if model_config else \
        args.radius_fraction
    m2g_factor = model_config.get("mesh2grid_edge_normalization_factor") if model_config else None
    if mesh_size is None:
        parser.error("give --checkpoint or --mesh-size")

    dataset = Dataset(args.dataset, task_config) if args.dataset and task_config else None
    if dataset is not None:
        grid_lat, grid_lon = dataset.lat, dataset.lon
    else:
        resolution = args.resolution or (model_config and float(model_config["resolution"]))
        if not resolution:
            parser.error("give --resolution, --dataset or --checkpoint")
        grid_lat, grid_lon = layout.grid_coordinates(resolution)

    started = timer.perf_counter()
    graph = graphs.Graphs(grid_lat, grid_lon, mesh_size, fraction, m2g_factor)
    graph_seconds = timer.perf_counter() - started
    if args.graph_counts:
        print_counts(graph)
    if args.dump_graphs:
        np.savez(args.dump_graphs, **graph.arrays())
        print(f"wrote {args.dump_graphs} ({graph_seconds:.2f} s to build the graphs)",
              file=sys.stderr)

    if args.out:
        if not (args.checkpoint and args.stats and args.dataset):
            parser.error("--out needs --checkpoint, --stats and --dataset")
        stats = load_stats(args.stats, task_config["pressure_levels"])
        network = Network(params, model_config, dtype)
        rollout = Rollout(network, graph, task_config, stats, dataset, dtype)
        started = timer.perf_counter()
        results = rollout.run(args.steps)
        write_predictions(args.out, dataset, task_config, results, text)
        print(f"wrote {args.out}: {args.steps} steps in {timer.perf_counter() - started:.2f} s",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
