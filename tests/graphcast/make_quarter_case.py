#!/usr/bin/python3
"""Write a synthetic 0.25-degree GraphCast case (checkpoint, statistics, dataset) for memory runs.

The `quarter` preset is GraphCast_operational's shapes: 0.25 deg (721 x 1440), mesh 2to6,
latent 512, 16 message-passing steps, 1 hidden layer, 13 levels with the `full` preset's
variables. Random weights (make_checkpoint.py), plausible smooth fields (make_dataset.py):
numbers for memory and time, not for skill. No reference predictions (far too slow in numpy).

  DIR/checkpoint.npz, DIR/stats/{mean,stddev,diffs_stddev}_by_level.nc, DIR/dataset.nc

Usage: make_quarter_case.py --out DIR [--dataset-steps 1]
The dataset alone is about 1 GB (2 input times + 1 target time of 13-level fields).
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import graphcast_layout as layout  # noqa: E402
import make_checkpoint  # noqa: E402
import make_dataset  # noqa: E402
import make_stats  # noqa: E402

layout.PRESETS["quarter"] = dict(
    model_config=dict(layout.PRESETS["full"]["model_config"], resolution=0.25, mesh_size=6),
    task_config=layout.PRESETS["full"]["task_config"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--dataset-steps", type=int, default=1)
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    path = lambda name: os.path.join(args.out, name)  # noqa: E731
    make_checkpoint.main(["--preset", "quarter", "--out", path("checkpoint.npz")])
    make_stats.main(["--preset", "quarter", "--out", path("stats")])
    make_dataset.main(["--preset", "quarter", "--steps", str(args.dataset_steps), "--out",
                       path("dataset.nc")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
