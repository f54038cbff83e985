#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), configures and builds Spreadcast, then:
#
#   scripts/spreadcast.sh run [PRESET]    open the workstation; without a display, or while the GUI is
#                                         not built, run the default ensemble headless into
#                                         out/galewsky-ensemble.nc (preset: default)
#   scripts/spreadcast.sh test [PRESET]   run the whole test suite, under Xvfb when there is no display
#                                         (preset: ci, i.e. warnings are errors)
#   scripts/spreadcast.sh build [PRESET]  build only (preset: default)
#
# Presets are in CMakePresets.json; each builds into build/PRESET.
# Environment: SPREADCAST_SKIP_SETUP=1 skips setup.sh; SPREADCAST_JOBS=N builds with N jobs (default: nproc).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

usage()
{
    sed -n '2,12s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die()
{
    printf 'spreadcast.sh: %s\n' "$*" >&2
    exit 1
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    usage >&2
    exit 2
fi
action=$1
case "$action" in
run | build) preset=${2:-default} ;;
test) preset=${2:-ci} ;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac
build_dir="$repo/build/$preset"
jobs=${SPREADCAST_JOBS:-$(nproc)}

if [ "${SPREADCAST_SKIP_SETUP:-0}" != 1 ]; then
    "$repo/scripts/setup.sh"
fi

# CUDA is optional: presets cannot test for a file, so the compiler is named here when it exists and
# CMakeLists.txt's check_language(CUDA) does the rest (presets without CUDA simply ignore it).
configure_args=(--preset "$preset" --no-warn-unused-cli)
nvcc=/usr/local/cuda/bin/nvcc
if [ -x "$nvcc" ]; then
    configure_args+=("-DCMAKE_CUDA_COMPILER=$nvcc")
fi
cmake "${configure_args[@]}"
cmake --build --preset "$preset" -j "$jobs"

# Executables live where their CMakeLists put them; look them up rather than hard-code the layout.
built_program()
{
    find "$build_dir" \( -name CMakeFiles -o -name _CPack_Packages \) -prune -o -type f -name "$1" -perm -u+x -print -quit
}

case "$action" in
build)
    echo "spreadcast.sh: built preset '$preset' in $build_dir"
    ;;
test)
    if [ -n "${DISPLAY:-}" ]; then
        exec ctest --preset "$preset"
    fi
    # 24-bit colour: the default 8-bit screen has no OpenGL visual that Qt or VTK can use.
    exec xvfb-run -a -s "-screen 0 1920x1080x24" ctest --preset "$preset"
    ;;
run)
    gui=$(built_program spreadcast)
    if [ -n "${DISPLAY:-}" ] && [ -n "$gui" ]; then
        exec "$gui"
    fi
    if [ -z "$gui" ]; then
        echo "spreadcast.sh: this build has no workstation GUI (SPREADCAST_BUILD_GUI=OFF); running the default ensemble headless."
    else
        echo "spreadcast.sh: no \$DISPLAY, so no GUI; running the default ensemble headless."
    fi
    cli=$(built_program spreadcast-cli)
    [ -n "$cli" ] || die "the build produced no spreadcast-cli under $build_dir"
    output="$repo/out/galewsky-ensemble.nc"
    mkdir -p "$(dirname "$output")"
    # --force: the same spec and seed give the same file byte for byte, so the last one holds nothing new.
    "$cli" run --ic galewsky --truncation 85 --lead 6d --output-every 6h --members 8 --out "$output" --force
    cat <<EOF

Forecast written to $output
Look inside it with any of:
  ncdump -h $output
  cdo sinfon $output
  /usr/bin/python3 -c 'import xarray; print(xarray.open_dataset("$output"))'
EOF
    ;;
esac
