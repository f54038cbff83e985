#!/bin/bash
# Builds and runs the libFuzzer targets of the initial-condition readers (tests/fuzz/FuzzGrib.cpp,
# FuzzCdsNetcdf.cpp) for SECONDS seconds (default 60), as scripts/fuzz.sh does for FuzzNpz.
# Seeds: ecCodes' GRIB samples (libeccodes-data) behind FuzzGrib's "raw file" mode byte 0, and a
# few random recipes (mode byte 1; FuzzCdsNetcdf reads every input as a recipe). Findings land in build/fuzz/findings; corpora grow in build/fuzz/corpus-*.
# Usage: scripts/fuzz-ic.sh grib|cds [SECONDS] [extra libFuzzer flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
reader=${1:?usage: scripts/fuzz-ic.sh grib|cds [SECONDS] [libFuzzer flags…]}
seconds=${2:-60}
shift $(($# < 2 ? $# : 2))
case "$reader" in
  grib) target=FuzzGrib ;;
  cds) target=FuzzCdsNetcdf ;;
  *) echo "scripts/fuzz-ic.sh: reader must be grib or cds, not '$reader'" >&2; exit 2 ;;
esac
build=build/fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPREADCAST_BUILD_FUZZERS=ON \
    -DSPREADCAST_BUILD_GUI=OFF -DSPREADCAST_BUILD_TESTS=OFF -DSPREADCAST_WITH_CUDA=OFF -DSPREADCAST_WITH_MPI=OFF
fi
cmake --build "$build" --target "$target" -j"${JOBS:-2}"

seeds=$build/seeds-$reader
corpus=$build/corpus-$reader
mkdir -p "$seeds" "$corpus" "$build/findings"
if [ "$reader" = grib ]; then
  for sample in /usr/share/eccodes/samples/{GRIB1,GRIB2,regular_ll_pl_grib1,regular_ll_pl_grib2,regular_ll_sfc_grib2,reduced_gg_pl_32_grib2,regular_gg_pl_grib2}.tmpl; do
    { printf '\0'; cat "$sample"; } > "$seeds/$(basename "$sample" .tmpl)"
  done
fi
for recipe in 1 2 3 4; do
  { printf '\1'; head -c 512 /dev/urandom; } > "$seeds/recipe-$recipe"
done
# ecCodes' own leaks on damaged messages are not the reader's (tests/fuzz/eccodes-leaks.supp).
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/eccodes-leaks.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# The RSS limit catches any allocation sized from a header instead of from data really present.
"$build/tests/fuzz/$target" "$corpus" "$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 \
  -print_final_stats=1 -artifact_prefix="$build/findings/" "$@"
