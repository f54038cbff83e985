#!/usr/bin/python3
"""Write synthetic normalisation statistics in the layout of DeepMind's stats files.

Follows google-deepmind/graphcast at commit 08cf736:

- graphcast/normalization.py: `InputsAndResiduals` takes three xarray Datasets,
  stddev_by_level and mean_by_level (inputs and forcings, and targets that are not inputs) and
  diffs_stddev_by_level (the 6-hour differences of targets that are inputs). Each data variable
  is named like the model variable; atmospheric ones have the single dimension `level` (hPa,
  coordinate variable `level`), the others are scalars (no dimension). xarray aligns them with
  the inputs by the level coordinate, so the real files carry all 37 ERA5 levels
  (graphcast.PRESSURE_LEVELS_ERA5_37) and a 13-level model uses a subset; the files also hold the
  derived forcings (year_progress, year_progress_sin/cos, day_progress, day_progress_sin/cos).
- The demo notebook (graphcast_demo.ipynb) reads them as
  `xarray.load_dataset(.../stats/{diffs_stddev,mean,stddev}_by_level.nc)`.

The numbers are plausible climatological magnitudes (ERA5-like), not DeepMind's values; every
standard deviation is positive. Written with netCDF4 (NETCDF4 format), float64 data variables
(as xarray writes float64 statistics), `level` as int32.

Usage:
  make_stats.py --preset tiny --out DIR            (levels: the 37 ERA5 levels, as DeepMind's)
  make_stats.py --preset tiny --out DIR --task-levels-only
  make_stats.py --preset tiny --out DIR --levels 500,850 --drop-variable land_sea_mask   (broken)
"""

import argparse
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graphcast_layout as layout  # noqa: E402

GRAVITY = 9.80665  # m s-2


def _p(levels):
    return np.asarray(levels, dtype=np.float64)


def climatology(name, levels):
    """(mean, stddev, diffs_stddev) of a variable: arrays over levels, or scalars."""
    p = _p(levels)
    if name == "temperature":
        mean = np.maximum(288.0 * (p / 1000.0) ** 0.19, 212.0)
        return mean, 8.0 + 6.0 * (p / 1000.0), 1.0 + 0.8 * (p / 1000.0)
    if name == "geopotential":
        mean = GRAVITY * 7900.0 * np.log(1013.25 / p)
        return mean, 600.0 + 2500.0 * (1.0 - p / 1100.0), 150.0 + 250.0 * (1.0 - p / 1100.0)
    if name == "u_component_of_wind":
        return 1.0 + 14.0 * (1.0 - p / 1000.0), 8.0 + 10.0 * (1.0 - p / 1000.0), 2.5 + 2.0 * (
            1.0 - p / 1000.0)
    if name == "v_component_of_wind":
        return (0.05 * np.ones_like(p), 6.0 + 4.0 * (1.0 - p / 1000.0),
                2.5 + 2.0 * (1.0 - p / 1000.0))
    if name == "vertical_velocity":
        return 0.005 * np.ones_like(p), 0.05 + 0.15 * (p / 1000.0), 0.05 + 0.15 * (p / 1000.0)
    if name == "specific_humidity":
        mean = 1.2e-2 * (p / 1000.0) ** 3.2 + 2.5e-6
        return mean, 0.55 * mean + 1e-7, 0.25 * mean + 5e-8
    scalars = {
        "2m_temperature": (278.5, 21.3, 1.9),
        "mean_sea_level_pressure": (100960.0, 1330.0, 140.0),
        "10m_u_component_of_wind": (-0.05, 5.5, 1.4),
        "10m_v_component_of_wind": (0.19, 4.8, 1.5),
        "total_precipitation_6hr": (6.1e-4, 2.3e-3, 2.6e-3),
        "toa_incident_solar_radiation": (1.07e6, 1.25e6, 1.0e6),
        "year_progress": (0.4993, 0.2887, 2.7e-4),
        "year_progress_sin": (-2.9e-3, 0.7071, 1.2e-3),
        "year_progress_cos": (-4.3e-3, 0.7071, 1.2e-3),
        "day_progress": (0.4999, 0.2887, 0.25),
        "day_progress_sin": (-1.0e-6, 0.7071, 1.0),
        "day_progress_cos": (1.0e-6, 0.7071, 1.0),
        "geopotential_at_surface": (3723.0, 8349.0, None),
        "land_sea_mask": (0.3388, 0.4628, None),
    }
    if name not in scalars:
        raise KeyError(f"no synthetic statistics for variable {name!r}")
    return scalars[name]


def all_variables(task_config):
    names = list(task_config["input_variables"]) + list(task_config["target_variables"]) + list(
        task_config["forcing_variables"])
    # DeepMind's files also carry the progress values the sin/cos are made of.
    names += ["year_progress", "day_progress"]
    return sorted(set(names))


def write_stats_file(path, task_config, levels, which, drop=()):
    import netCDF4

    index = {"mean": 0, "stddev": 1, "diffs_stddev": 2}[which]
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("level", len(levels))
        level = nc.createVariable("level", "i4", ("level",))
        level[:] = np.asarray(levels, dtype=np.int32)
        level.units = "hPa"
        nc.description = (f"Synthetic {which}_by_level statistics for Spreadcast's tests "
                          "(plausible magnitudes, not DeepMind's values)")
        for name in all_variables(task_config):
            if name in drop:
                continue
            atmospheric = layout.is_atmospheric(name)
            value = climatology(name, levels)[index]
            if value is None:
                continue  # statics have no 6-hour differences
            variable = nc.createVariable(name, "f8", ("level",) if atmospheric else ())
            variable[...] = np.asarray(value, dtype=np.float64)
            if index > 0 and np.any(np.asarray(value) <= 0):
                raise AssertionError(f"{which} of {name} must be positive")


def write_stats(out_dir, task_config, task_levels_only=False, levels=None, drop=()):
    if levels is None:
        levels = sorted(set(task_config["pressure_levels"]) if task_levels_only else set(
            layout.PRESSURE_LEVELS_ERA5_37) | set(task_config["pressure_levels"]))
    os.makedirs(out_dir, exist_ok=True)
    for which in ("mean", "stddev", "diffs_stddev"):
        write_stats_file(os.path.join(out_dir, f"{which}_by_level.nc"), task_config, levels, which,
                         drop)
    return levels


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=sorted(layout.PRESETS), default="tiny")
    parser.add_argument("--out", required=True, help="directory for the three .nc files")
    parser.add_argument("--task-levels-only", action="store_true",
                        help="write only the task's levels instead of the 37 ERA5 levels")
    parser.add_argument("--levels", help="comma-separated levels to write instead (for tests of "
                        "files that disagree with a checkpoint)")
    parser.add_argument("--drop-variable", action="append", default=[],
                        help="leave a variable out of all three files (for tests)")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")] if args.levels else None
    levels = write_stats(args.out, layout.PRESETS[args.preset]["task_config"],
                         args.task_levels_only, levels, tuple(args.drop_variable))
    print(f"wrote {args.out}/{{mean,stddev,diffs_stddev}}_by_level.nc on {len(levels)} levels")
    return 0


if __name__ == "__main__":
    sys.exit(main())
