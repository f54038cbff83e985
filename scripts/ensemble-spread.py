#!/usr/bin/python3
"""Print the global, area-weighted ensemble spread of a Spreadcast forecast file per output time.

For each <variable>_spread field (the members' standard deviation that spreadcast-cli writes for
runs of 2 or more members) and each pressure level, the spread is sqrt(sum_j w_j s_j^2 / sum_j w_j)
with w = cos(latitude): the root of the globally averaged ensemble variance. Variables are picked
with --variables NAME[@LEVEL],... (default: all); a level is in hPa.

Usage: ensemble-spread.py FILE.nc [--variables geopotential@500,temperature@850,...]
Needs numpy and netCDF4 (python3-numpy, python3-netcdf4).
"""

import argparse
import sys

import netCDF4
import numpy as np


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file")
    parser.add_argument("--variables", default="")
    args = parser.parse_args(argv)
    with netCDF4.Dataset(args.file) as nc:
        hours = np.asarray(nc.variables["time"][:], dtype=np.float64)
        weights = np.cos(np.deg2rad(np.asarray(nc.variables["lat"][:], dtype=np.float64)))[:, None]
        levels = list(np.asarray(nc.variables["level"][:]).astype(int)) if "level" in nc.variables else []
        wanted = [item for item in args.variables.split(",") if item]
        if not wanted:
            for name in nc.variables:
                if name.endswith("_spread"):
                    base = name[: -len("_spread")]
                    on_levels = "level" in nc.variables[name].dimensions
                    wanted += [f"{base}@{level}" for level in levels] if on_levels else [base]
        columns = []
        for item in wanted:
            name, _, level = item.partition("@")
            variable = nc.variables.get(name + "_spread")
            if variable is None:
                sys.exit(f"{args.file} has no '{name}_spread': run with 2 or more members, or pick another name")
            data = np.asarray(variable[:], dtype=np.float64)
            if level:
                if int(level) not in levels:
                    sys.exit(f"{args.file} has no level {level} hPa (it has {levels})")
                data = data[:, levels.index(int(level))]
            spread = np.sqrt((weights * data**2).sum(axis=(1, 2)) / (weights.sum() * data.shape[2]))
            unit = getattr(variable, "units", "")
            columns.append((f"{item} [{unit}]", spread))
        print("lead_h " + " ".join(f"{title:>26}" for title, _ in columns))
        for t, hour in enumerate(hours):
            print(f"{hour:6.0f} " + " ".join(f"{values[t]:26.5g}" for _, values in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
