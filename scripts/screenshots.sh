#!/usr/bin/env bash
# Makes the documentation's pictures (docs/images/*.png) from the real program, under Xvfb: a run
# in progress with the devices dock, spread on the globe, spaghetti, postage stamps and a plume; and
# the mean-and-spread chart, a percentile map and an EPSgram from the render command; and a
# GraphCast ensemble on pressure levels from a synthetic checkpoint (random weights: the pictures
# show the views, not a forecast's skill).
# Usage: scripts/screenshots.sh [build folder, default build/default]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$here/build/default}" && pwd)"
gui="$build/app/gui/spreadcast"
cli="$build/app/cli/spreadcast-cli"
images="$here/docs/images"
for program in "$gui" "$cli"; do
    [[ -x "$program" ]] || { echo "screenshots.sh: no $program — build first (scripts/spreadcast.sh build)" >&2; exit 2; }
done
command -v xvfb-run >/dev/null || { echo "screenshots.sh: xvfb-run is missing (scripts/setup.sh installs it)" >&2; exit 2; }

# A clean home, so no earlier settings leak into the pictures.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work" XDG_CONFIG_HOME="$work/config"
mkdir -p "$images"

echo "screenshots.sh: the forecast to look at (T85, 20 members, 6 days)…"
"$cli" run --ic galewsky -T 85 --lead 6d --output-every 12h --members 20 --seed 1 \
    --probability "height>10000" --out "$work/jet.nc" --quiet >/dev/null

shoot() {
    local name="$1"
    shift
    xvfb-run -a -s "-screen 0 1400x900x24" "$gui" "$@" --screenshot "$images/$name.png" | grep -v '^spreadcast: window shown'
}
# The run panel's defaults (Galewsky jet, T85, 8 members, 6 days) started at once, caught mid-way.
(cd "$work" && shoot run-in-progress --start-run --screenshot-delay 6000)
shoot spread "$work/jet.nc" --field height --product spread --time-index 8
shoot spaghetti "$work/jet.nc" --field height --product spaghetti --time-index 8
shoot stamps "$work/jet.nc" --field vorticity --product stamps --time-index 8
shoot plume "$work/jet.nc" --field height --product mean --time-index 8 --plume 45,30
# The forecaster's views, from the render command (maps and EPSgrams need no display).
"$cli" render "$work/jet.nc" --field height --product mean-and-spread --time 96h --projection polar-north \
    --wind --size 1200x900 --out "$images/mean-and-spread.png" >/dev/null
"$cli" render "$work/jet.nc" --field height --product p90 --time 96h --projection platecarree --region europe \
    --size 1200x700 --out "$images/p90-europe.png" >/dev/null
"$cli" render "$work/jet.nc" --field height --product epsgram --lat 45 --lon 30 --size 1200x600 \
    --out "$images/epsgram.png" >/dev/null
# GraphCast on pressure levels: the "demo" synthetic checkpoint (13 levels, 2°, a small network
# with random weights) and a synthetic analysis in DeepMind's layout, from tests/graphcast.
python=/usr/bin/python3
if "$python" -c "import numpy, netCDF4" 2>/dev/null; then
    echo "screenshots.sh: a GraphCast ensemble from a synthetic checkpoint (8 members, 2 days)…"
    generators="$here/tests/graphcast"
    "$python" "$generators/make_checkpoint.py" --preset demo --init haiku --out "$work/demo.npz" >/dev/null
    "$python" "$generators/make_stats.py" --preset demo --out "$work/stats" >/dev/null
    "$python" "$generators/make_dataset.py" --preset demo --steps 0 --out "$work/analysis.nc" >/dev/null
    "$cli" run --model graphcast --checkpoint "$work/demo.npz" --stats "$work/stats" --ic "$work/analysis.nc" \
        --members 8 --lead 2d --output-every 12h --out "$work/graphcast.nc" --quiet >/dev/null
    shoot z500-mean "$work/graphcast.nc" --field geopotential --level 500 --product mean --time-index 4
    shoot t850-spread "$work/graphcast.nc" --field temperature --level 850 --product spread --time-index 4 \
        --plume 50,10
    "$cli" render "$work/graphcast.nc" --field geopotential --level 500 --product mean-and-spread --time 48h \
        --projection polar-north --size 1200x900 --out "$images/z500-mean-and-spread.png" >/dev/null
else
    echo "screenshots.sh: no /usr/bin/python3 with numpy and netCDF4: the GraphCast pictures are left as they are" >&2
fi
ls -l "$images"
