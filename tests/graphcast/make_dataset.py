#!/usr/bin/python3
"""Write a synthetic input dataset in the layout of DeepMind's GraphCast example datasets.

DeepMind's examples (`source-era5_date-2022-01-01_res-1.0_levels-13_steps-01.nc`, read by
graphcast_demo.ipynb with xarray.load_dataset and cut by graphcast/data_utils.py's
extract_inputs_targets_forcings) have:

- dimensions batch (1), time (2 input times + steps), level, lat, lon;
- coordinates lon (float32, 0 ... 360 - res), lat (float32, ascending -90 ... 90), level
  (int32 hPa), time (timedelta from the first time; xarray writes it as int64 with units
  "hours"), datetime (batch, time) (xarray writes int64 "hours since <first time>", calendar
  proleptic_gregorian);
- float32 data variables: atmospheric (batch, time, level, lat, lon), surface and
  toa_incident_solar_radiation (batch, time, lat, lon), statics geopotential_at_surface and
  land_sea_mask (lat, lon), year_progress_sin/cos (batch, time), day_progress_sin/cos
  (batch, time, lon).

Inputs are the first two times (input_duration 12h: times in (-12h, 0] relative to the last
input), targets and forcings the following `steps` times (data_utils.extract_input_target_times).
Forcings follow data_utils.add_derived_vars and solar_radiation (see graphcast_forcings.py); with
--no-forcings they are left out, as a dataset from another source would be, and a reader must
compute them (data_utils.extract_inputs_targets_forcings adds them when missing).

Fields are smooth, plausible and deterministic (fixed seed): each variable is its synthetic
climatological mean (make_stats.climatology) plus its standard deviation times a few low
wavenumber waves that drift by about one diffs_stddev per 6 hours.

Usage:
  make_dataset.py --preset tiny --steps 2 --out source-era5_date-2022-01-01_res-10.0_levels-3_steps-02.nc
  make_dataset.py --preset full --steps 1 --out ..._res-1.0_levels-13_steps-01.nc [--no-forcings]
  [--date 2022-01-01T00] [--seed 0]
  broken variants for tests: [--levels 500,700] [--drop-variable temperature]
"""

import argparse
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graphcast_forcings as forcings  # noqa: E402
import graphcast_layout as layout  # noqa: E402
import make_stats  # noqa: E402


def smooth_pattern(rng, lat, lon, hours, drift_per_step):
    """[time, lat, lon] sum of three low-wavenumber waves in [-1, 1], drifting eastwards."""
    lat_r = np.radians(lat.astype(np.float64))[:, None]
    lon_r = np.radians(lon.astype(np.float64))[None, :]
    field = np.zeros((len(hours), len(lat), len(lon)))
    weights = rng.uniform(0.2, 0.5, size=3)
    weights /= weights.sum()
    for weight, k in zip(weights, (1, 2, 3)):
        phase = rng.uniform(0, 2 * np.pi)
        tilt = rng.uniform(-1, 1)
        for i, h in enumerate(hours):
            shift = drift_per_step * (h / layout.STEP_HOURS)
            field[i] += weight * np.cos(lat_r) * np.sin(
                k * lon_r + tilt * lat_r + phase + shift)
    return field


def variable_values(rng, name, levels, lat, lon, hours):
    mean, std, diff = make_stats.climatology(name, levels)
    lat_r = np.radians(lat.astype(np.float64))[None, :, None]
    drift = 0.6
    if name in ("geopotential_at_surface", "land_sea_mask"):
        pattern = smooth_pattern(rng, lat, lon, [0], 0.0)[0]
        if name == "land_sea_mask":
            return (pattern > 0.1).astype(np.float32)
        return np.maximum(mean + 2.0 * std * pattern, 0.0).astype(np.float32)
    if layout.is_atmospheric(name):
        values = []
        for m, s, d in zip(np.atleast_1d(mean), np.atleast_1d(std), np.atleast_1d(diff)):
            pattern = smooth_pattern(rng, lat, lon, hours, drift * d / s * 4)
            if name == "temperature":
                pattern = pattern - 0.8 * (np.sin(lat_r) ** 2 - 0.33)
            values.append(m + s * pattern)
        data = np.stack(values, axis=1)  # [time, level, lat, lon]
        if name == "specific_humidity":
            data = np.maximum(data, 1e-7)
        return data[None].astype(np.float32)
    pattern = smooth_pattern(rng, lat, lon, hours, drift * diff / std * 4)
    if name == "total_precipitation_6hr":
        data = mean * 3.0 * np.maximum(pattern, 0.0) ** 2
    elif name == "2m_temperature":
        data = mean + std * (pattern - 0.8 * (np.sin(lat_r) ** 2 - 0.33))
    else:
        data = mean + std * pattern
    return data[None].astype(np.float32)


def write_dataset(path, task_config, resolution, steps, start, seed, with_forcings, levels=None,
                  drop=()):
    import netCDF4

    rng = np.random.default_rng(seed)
    lat, lon = layout.grid_coordinates(resolution)
    levels = tuple(task_config["pressure_levels"]) if levels is None else tuple(levels)
    num_times = layout.input_duration_steps(task_config) + steps
    hours = [layout.STEP_HOURS * i for i in range(num_times)]
    start_seconds = int(np.datetime64(start, "s").astype(np.int64))
    seconds = [start_seconds + 3600 * h for h in hours]

    names = sorted((set(task_config["input_variables"]) | set(task_config["target_variables"])
                    | set(task_config["forcing_variables"])) - set(drop))
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.description = ("Synthetic GraphCast input dataset written by Spreadcast's "
                          "tests/graphcast/make_dataset.py (smooth plausible fields, not ERA5)")
        for dim, size in (("batch", 1), ("time", num_times), ("level", len(levels)),
                          ("lat", len(lat)), ("lon", len(lon))):
            nc.createDimension(dim, size)
        v = nc.createVariable("lon", "f4", ("lon",))
        v[:] = lon
        v.units, v.long_name = "degrees_east", "longitude"
        v = nc.createVariable("lat", "f4", ("lat",))
        v[:] = lat
        v.units, v.long_name = "degrees_north", "latitude"
        v = nc.createVariable("level", "i4", ("level",))
        v[:] = np.asarray(levels, dtype=np.int32)
        v.units = "hPa"
        v = nc.createVariable("time", "i8", ("time",))
        v[:] = np.asarray(hours, dtype=np.int64)
        v.units = "hours"
        start_text = str(np.datetime64(start, "s")).replace("T", " ")
        v = nc.createVariable("datetime", "i8", ("batch", "time"))
        v[:] = np.asarray(hours, dtype=np.int64)[None, :]
        v.units = f"hours since {start_text}"
        v.calendar = "proleptic_gregorian"

        for name in names:
            if name in layout.FORCING_VARS:
                if not with_forcings:
                    continue
                per_time = [forcings.forcings_at(s, lat, lon)[name] for s in seconds]
                if name.startswith("year_progress"):
                    data, dims = np.array(per_time, np.float32)[None], ("batch", "time")
                elif name.startswith("day_progress"):
                    data, dims = np.stack(per_time)[None], ("batch", "time", "lon")
                else:
                    data, dims = np.stack(per_time)[None], ("batch", "time", "lat", "lon")
            elif name in layout.STATIC_VARS:
                data, dims = variable_values(rng, name, levels, lat, lon, hours), ("lat", "lon")
            elif layout.is_atmospheric(name):
                data = variable_values(rng, name, levels, lat, lon, hours)
                dims = ("batch", "time", "level", "lat", "lon")
            else:
                data = variable_values(rng, name, levels, lat, lon, hours)
                dims = ("batch", "time", "lat", "lon")
            var = nc.createVariable(name, "f4", dims)
            var[...] = data.astype(np.float32)
    return num_times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=sorted(layout.PRESETS), default="tiny")
    parser.add_argument("--resolution", type=float,
                        help="grid spacing in degrees (default: the preset's)")
    parser.add_argument("--steps", type=int, default=1, help="target times after the inputs")
    parser.add_argument("--date", default="2022-01-01T00", help="first input time (UTC)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-forcings", action="store_true",
                        help="leave out the 5 forcing variables")
    parser.add_argument("--levels", help="comma-separated levels instead of the task's (tests)")
    parser.add_argument("--drop-variable", action="append", default=[],
                        help="leave a variable out (for tests)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")] if args.levels else None
    preset = layout.PRESETS[args.preset]
    resolution = args.resolution or preset["model_config"]["resolution"]
    if args.steps < 0:
        parser.error("--steps must be >= 0")
    n = write_dataset(args.out, preset["task_config"], resolution, args.steps, args.date, args.seed,
                      not args.no_forcings, levels, tuple(args.drop_variable))
    print(f"wrote {args.out}: {n} times at {resolution} degrees")
    return 0


if __name__ == "__main__":
    sys.exit(main())
