#!/usr/bin/python3
"""Seed corpus for FuzzNpz: one file per kind of input the readers accept, each prefixed with the
byte that FuzzNpz reads as its mode (0 a bare .npy, 1 an .npz, 2 an .npz read as a checkpoint,
3 records "KEY=NPY-BYTES" separated by "\nNPZ\n" that FuzzNpz packs into a zip itself).
Usage: make_npz_corpus.py DIRECTORY (needs Debian's python3-numpy)."""

import io
import pathlib
import sys

import numpy as np


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array)
    else:
        np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def npz_bytes(arrays, compressed=False):
    buffer = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buffer, **arrays)
    return buffer.getvalue()


def tiny_checkpoint_arrays():
    arrays = {
        "params:mesh_gnn/~_networks_builder/processor_edges_0_mesh_mlp/~/linear_0:w":
            np.arange(6, dtype=np.float32).reshape(2, 3),
        "params:mesh_gnn/~_networks_builder/processor_edges_0_mesh_mlp/~/linear_0:b":
            np.zeros(3, dtype=np.float32),
        "model_config:resolution": np.array(10.0),
        "model_config:mesh_size": np.array(2),
        "model_config:latent_size": np.array(16),
        "model_config:gnn_msg_steps": np.array(2),
        "model_config:hidden_layers": np.array(1),
        "model_config:radius_query_fraction_edge_length": np.array(0.6),
        "task_config:input_variables:0": np.array("2m_temperature"),
        "task_config:target_variables:0": np.array("2m_temperature"),
        "task_config:forcing_variables:0": np.array("toa_incident_solar_radiation"),
        "task_config:pressure_levels:0": np.array(500),
        "task_config:pressure_levels:1": np.array(850),
        "task_config:input_duration": np.array("12h"),
        "description": np.array("tiny synthetic checkpoint"),
        "license": np.array("CC BY-NC-SA 4.0"),
    }
    return arrays


def checkpoint_variant_arrays():
    """Tuples saved as one array each, the optional field present, a float where an int goes."""
    arrays = {key: value for key, value in tiny_checkpoint_arrays().items() if ":pressure_levels:" not in key}
    arrays["task_config:pressure_levels"] = np.array([500, 850], dtype="<i4")
    arrays["model_config:mesh2grid_edge_normalization_factor"] = np.array(0.6, dtype="<f4")
    arrays["model_config:latent_size"] = np.array(16.0)
    return arrays


def records(arrays):
    return b"\nNPZ\n".join(key.encode() + b"=" + npy_bytes(value) for key, value in arrays.items())


def main():
    directory = pathlib.Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    seeds = {
        "npy-f4": (0, npy_bytes(np.arange(12, dtype="<f4").reshape(3, 4))),
        "npy-f8": (0, npy_bytes(np.linspace(0, 1, 5))),
        "npy-f2": (0, npy_bytes(np.array([1.5, -2.0, np.inf], dtype="<f2"))),
        "npy-i4": (0, npy_bytes(np.array([[1, -2], [3, 4]], dtype="<i4"))),
        "npy-i8-scalar": (0, npy_bytes(np.array(37))),
        "npy-u1": (0, npy_bytes(np.array([0, 255], dtype="|u1"))),
        "npy-i1-i2": (0, npy_bytes(np.array([-1, 2], dtype="|i1"))),
        "npy-u4": (0, npy_bytes(np.array([4000000000], dtype="<u4"))),
        "npy-u8": (0, npy_bytes(np.array([2**63 + 1], dtype="<u8"))),
        "npy-i2": (0, npy_bytes(np.array([-300], dtype="<i2"))),
        "npy-b1": (0, npy_bytes(np.array([True, False]))),
        "npy-unicode": (0, npy_bytes(np.array("graphcäst"))),
        "npy-bytes": (0, npy_bytes(np.array([b"ab", b"c"]))),
        "npy-fortran": (0, npy_bytes(np.asfortranarray(np.arange(24, dtype="<f4").reshape(2, 3, 4)))),
        "npy-version2": (0, npy_bytes(np.arange(3, dtype="<f4"), version=(2, 0))),
        "npy-version3": (0, npy_bytes(np.arange(3, dtype="<f4"), version=(3, 0))),
        "npz-plain": (1, npz_bytes({"a": np.arange(4, dtype="<f4"), "s": np.array("text")})),
        "npz-compressed": (1, npz_bytes({"a": np.arange(64, dtype="<f8")}, compressed=True)),
        "checkpoint": (2, npz_bytes(tiny_checkpoint_arrays())),
        "checkpoint-records": (3, records(tiny_checkpoint_arrays())),
        "checkpoint-variants": (3, records(checkpoint_variant_arrays())),
    }
    for name, (mode, payload) in seeds.items():
        (directory / name).write_bytes(bytes([mode]) + payload)


if __name__ == "__main__":
    main()
