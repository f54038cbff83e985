#!/usr/bin/python3
"""Write the whole tiny GraphCast test case into one directory, in a few seconds.

Runs make_checkpoint.py, make_stats.py, make_dataset.py and reference.py (see their docstrings
for what each follows in graphcast's source) with the `tiny` preset:

  DIR/checkpoint.npz           synthetic checkpoint (10 deg, mesh 2to2, latent 16, 2 steps,
                               levels 500/850/1000, GraphCast_small's variables), seed 0
  DIR/stats/{mean,stddev,diffs_stddev}_by_level.nc   on the 37 ERA5 levels
  DIR/dataset.nc               2 input times + `--dataset-steps` target times, with forcings
  DIR/reference.nc             the reference's `--steps` predictions (float64 arithmetic)
  DIR/graphs.npz               the three graphs with their features (reference.py --dump-graphs)

Usage: make_tiny_case.py --out DIR [--steps 4] [--dataset-steps 2] [--no-forcings]
With more steps than the dataset has target times, the reference computes the forcings of the
later times itself (graphcast_forcings.py), which exercises that path too.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_checkpoint  # noqa: E402
import make_dataset  # noqa: E402
import make_stats  # noqa: E402
import reference  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--dataset-steps", type=int, default=2)
    parser.add_argument("--no-forcings", action="store_true")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    path = lambda name: os.path.join(args.out, name)  # noqa: E731
    make_checkpoint.main(["--preset", "tiny", "--out", path("checkpoint.npz")])
    make_stats.main(["--preset", "tiny", "--out", path("stats")])
    make_dataset.main(["--preset", "tiny", "--steps", str(args.dataset_steps), "--out",
                       path("dataset.nc")] + (["--no-forcings"] if args.no_forcings else []))
    reference.main(["--checkpoint", path("checkpoint.npz"), "--stats", path("stats"),
                    "--dataset", path("dataset.nc"), "--steps", str(args.steps),
                    "--out", path("reference.nc"), "--dump-graphs", path("graphs.npz")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
