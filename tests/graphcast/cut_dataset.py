#!/usr/bin/python3
"""Copy a dataset in DeepMind's GraphCast example layout (make_dataset.py), keeping a part of it.

For the tests of initial-condition assembly (tests/app/TestGraphCastRun.cpp): the same values cut
into one file per time, a subset of times, without some variables, only the statics, or a
regional domain. Values are copied bit for bit; only what is asked for is left out.

Usage:
  cut_dataset.py --in dataset.nc --out part.nc [--times 0,1] [--drop-variable NAME ...]
                 [--only-statics] [--latitudes MIN,MAX]
"""

import argparse
import sys

import numpy as np

STATICS = ("geopotential_at_surface", "land_sea_mask")


def main(argv=None):
    import netCDF4

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--in", dest="source", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--times", help="comma-separated time indices to keep (default: all)")
    parser.add_argument("--drop-variable", action="append", default=[])
    parser.add_argument("--only-statics", action="store_true",
                        help="keep the statics and the coordinates, no time-dependent variable")
    parser.add_argument("--latitudes", help="MIN,MAX: keep only these latitudes (a regional domain)")
    args = parser.parse_args(argv)

    with netCDF4.Dataset(args.source) as source, netCDF4.Dataset(args.out, "w", format="NETCDF4") as out:
        times = (np.arange(len(source.dimensions["time"])) if args.times is None
                 else np.array([int(t) for t in args.times.split(",")]))
        latitudes = np.arange(len(source.dimensions["lat"]))
        if args.latitudes:
            low, high = (float(x) for x in args.latitudes.split(","))
            lat = source.variables["lat"][:]
            latitudes = np.nonzero((lat >= low) & (lat <= high))[0]
        out.setncatts({name: source.getncattr(name) for name in source.ncattrs()})
        for name, dimension in source.dimensions.items():
            size = {"time": len(times), "lat": len(latitudes)}.get(name, len(dimension))
            out.createDimension(name, size)
        for name, variable in source.variables.items():
            if name in args.drop_variable:
                continue
            coordinate = name in source.dimensions or name == "datetime"
            if args.only_statics and not coordinate and name not in STATICS:
                continue
            index = tuple(times if dim == "time" else latitudes if dim == "lat" else slice(None)
                          for dim in variable.dimensions)
            copy = out.createVariable(name, variable.dtype, variable.dimensions)
            copy.setncatts({attribute: variable.getncattr(attribute) for attribute in variable.ncattrs()})
            values = variable[...]
            for axis, selection in enumerate(index):
                if not isinstance(selection, slice):
                    values = np.take(values, selection, axis=axis)
            copy[...] = values
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
