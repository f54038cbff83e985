#!/usr/bin/python3
"""Write a synthetic GraphCast checkpoint in the official npz layout.

Follows google-deepmind/graphcast at commit 08cf736:

- graphcast/checkpoint.py: `dump` is `np.savez(**_flatten(CheckPoint(...)))`; `_flatten` walks
  the dataclass fields in order (params, model_config, task_config, description, license),
  drops fields that are None, turns tuples into {0: ..., 1: ...} and joins nested keys with ":".
  So a parameter is `params:<haiku module path>:<w|b|scale|offset>`, a config value is
  `model_config:mesh_size`, a tuple item is `task_config:pressure_levels:0`, and strings and
  numbers are 0-d numpy arrays (np.savez calls np.asanyarray on them: str -> '<U..', int ->
  int64, float -> float64).
- graphcast/graphcast.py (ModelConfig, TaskConfig, CheckPoint, the three DeepTypedGraphNets) and
  graphcast/deep_typed_graph_net.py (module names): see graphcast_layout.parameter_shapes.
- Haiku's defaults for the initial values: hk.Linear w ~ truncated normal (+-2 sigma) with
  sigma = 1/sqrt(fan_in), b = 0; hk.LayerNorm scale = 1, offset = 0. `--init haiku` writes exactly
  that. The default `--init perturbed` also draws b, scale - 1 and offset from N(0, 0.1^2), so
  that a reader that ignores a bias or a LayerNorm parameter gives a different answer in tests.

Usage:
  make_checkpoint.py --preset tiny --out tiny.npz [--seed 0] [--init perturbed|haiku]
  make_checkpoint.py --preset full --out full.npz
Broken variants for tests (any number of each):
  --drop KEY            leave out a parameter, e.g.
                        'params:mesh_gnn/~_networks_builder/encoder_edges_mesh_mlp/~/linear_0:w'
  --wrong-shape KEY     add one row to the parameter's first dimension
  --dtype KEY=DTYPE     store the parameter as DTYPE (e.g. float64, float16, int32)
  --list                print every key with its shape and dtype, write nothing
"""

import argparse
import io
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graphcast_layout as layout  # noqa: E402

LICENSE = ("Synthetic weights, drawn at random by Spreadcast's tests/graphcast/make_checkpoint.py; "
           "they are not DeepMind's and predict nothing. Laid out like the GraphCast checkpoints, "
           "whose weights DeepMind publishes under CC BY-NC-SA 4.0 "
           "(https://creativecommons.org/licenses/by-nc-sa/4.0/); these synthetic ones are free "
           "of any licence and may be used for anything.")


def description_for(preset, model_config, task_config, seed, init):
    return (f"Synthetic GraphCast checkpoint '{preset}' (random weights, seed {seed}, init {init}) "
            f"- resolution {model_config['resolution']} - pressure levels "
            f"{len(task_config['pressure_levels'])} - mesh 2to{model_config['mesh_size']} - "
            f"latent {model_config['latent_size']} - {model_config['gnn_msg_steps']} message "
            f"passing steps - precipitation input and output. Written for tests and benchmarks; "
            f"not a trained model.")


def truncated_normal(rng, shape, stddev):
    """N(0, stddev^2) truncated to +-2 stddev (jax.random.truncated_normal(-2, 2) * stddev)."""
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2.0
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2.0
    return (values * stddev).astype(np.float32)


def random_params(shapes, seed, init):
    rng = np.random.default_rng(seed)
    params = {}
    for module, names in shapes.items():
        params[module] = {}
        for name, shape in names.items():
            if name == "w":
                value = truncated_normal(rng, shape, 1.0 / np.sqrt(shape[0]))
            elif init == "haiku":
                value = np.full(shape, 1.0 if name == "scale" else 0.0, dtype=np.float32)
            else:
                value = (0.1 * rng.standard_normal(shape)).astype(np.float32)
                if name == "scale":
                    value += np.float32(1.0)
            params[module][name] = value
    return params


def flatten(tree):
    """checkpoint._flatten: dicts and tuples become ':'-joined keys, None is dropped."""
    if isinstance(tree, (list, tuple)):
        tree = dict(enumerate(tree))
    assert isinstance(tree, dict)
    flat = {}
    for key, value in tree.items():
        key = str(key)
        assert ":" not in key
        if isinstance(value, (dict, list, tuple)):
            for sub_key, sub_value in flatten(value).items():
                flat[f"{key}:{sub_key}"] = sub_value
        elif value is not None:
            flat[key] = value
    return flat


def checkpoint_tree(preset, seed, init):
    spec = layout.PRESETS[preset]
    model_config = dict(spec["model_config"])
    task_config = dict(spec["task_config"])
    # ModelConfig's optional last field; None is dropped by _flatten, as in DeepMind's files.
    model_config["mesh2grid_edge_normalization_factor"] = None
    shapes = layout.parameter_shapes(model_config, task_config)
    # Field order of graphcast.CheckPoint, ModelConfig and TaskConfig.
    ordered_model = {k: model_config[k] for k in (
        "resolution", "mesh_size", "latent_size", "gnn_msg_steps", "hidden_layers",
        "radius_query_fraction_edge_length", "mesh2grid_edge_normalization_factor")}
    ordered_task = {k: task_config[k] for k in (
        "input_variables", "target_variables", "forcing_variables", "pressure_levels",
        "input_duration")}
    return {
        "params": random_params(shapes, seed, init),
        "model_config": ordered_model,
        "task_config": ordered_task,
        "description": description_for(preset, model_config, task_config, seed, init),
        "license": LICENSE,
    }


def apply_breakage(flat, drop, wrong_shape, dtypes):
    for key in drop + wrong_shape + [k for k, _ in dtypes]:
        if key not in flat:
            raise SystemExit(f"make_checkpoint: no key {key!r} in this checkpoint (try --list)")
    for key in drop:
        del flat[key]
    for key in wrong_shape:
        value = np.asarray(flat[key])
        shape = list(value.shape) or [1]
        shape[0] += 1
        flat[key] = np.resize(value, shape).astype(value.dtype)
    for key, dtype in dtypes:
        flat[key] = np.asarray(flat[key]).astype(np.dtype(dtype))
    return flat


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=sorted(layout.PRESETS), default="tiny")
    parser.add_argument("--out", help="npz file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--init", choices=("perturbed", "haiku"), default="perturbed")
    parser.add_argument("--drop", action="append", default=[])
    parser.add_argument("--wrong-shape", action="append", default=[])
    parser.add_argument("--dtype", action="append", default=[], metavar="KEY=DTYPE")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args(argv)

    flat = flatten(checkpoint_tree(args.preset, args.seed, args.init))
    dtypes = []
    for item in args.dtype:
        key, sep, dtype = item.rpartition("=")
        if not sep:
            parser.error(f"--dtype {item!r}: expected KEY=DTYPE")
        dtypes.append((key, dtype))
    flat = apply_breakage(flat, args.drop, args.wrong_shape, dtypes)

    if args.list:
        for key, value in flat.items():
            value = np.asarray(value)
            print(f"{key}\t{value.dtype.str}\t{value.shape}")
        return 0
    if not args.out:
        parser.error("--out is required unless --list")
    buffer = io.BytesIO()  # as checkpoint.dump does
    np.savez(buffer, **flat)
    with open(args.out, "wb") as f:
        f.write(buffer.getvalue())
    params = sum(np.asarray(v).size for k, v in flat.items() if k.startswith("params:"))
    print(f"wrote {args.out}: {len(flat)} arrays, {params} parameters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
