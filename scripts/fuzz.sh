#!/bin/bash
# Builds the libFuzzer targets with clang into build/fuzz and runs FuzzNpz (the .npz/.npy and
# checkpoint readers) for SECONDS seconds (default 60) on a seed corpus made by
# tests/fuzz/make_npz_corpus.py (build/fuzz/seeds-npz). Findings (crash-*, leak-*, oom-*,
# timeout-*) land in build/fuzz/findings; the corpus grows in build/fuzz/corpus-npz and is kept
# between runs. Afterwards llvm-cov reports the readers' line and branch coverage by the corpus.
# Usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer flags…]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
build=build/fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSPREADCAST_BUILD_FUZZERS=ON \
    -DSPREADCAST_BUILD_GUI=OFF -DSPREADCAST_BUILD_TESTS=OFF -DSPREADCAST_WITH_CUDA=OFF -DSPREADCAST_WITH_MPI=OFF
fi
cmake --build "$build" --target FuzzNpz FuzzNpzCoverage -j"${JOBS:-2}"
corpus=$build/corpus-npz
seeds=$build/seeds-npz
/usr/bin/python3 tests/fuzz/make_npz_corpus.py "$seeds"
mkdir -p "$corpus" "$build/findings"
# The RSS limit catches any allocation sized from a header instead of from data really present.
"$build/tests/fuzz/FuzzNpz" "$corpus" "$seeds" -dict=tests/fuzz/npz.dict -max_total_time="$seconds" \
  -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/findings/" "$@"

profile=$build/coverage-npz
rm -rf "$profile" && mkdir -p "$profile"
LLVM_PROFILE_FILE="$profile/%p.profraw" "$build/tests/fuzz/FuzzNpzCoverage" "$corpus" "$seeds" -runs=0 >/dev/null 2>&1
llvm-profdata merge -sparse "$profile"/*.profraw -o "$profile/merged.profdata"
llvm-cov report "$build/tests/fuzz/FuzzNpzCoverage" -instr-profile="$profile/merged.profdata" \
  core/graphcast/NpyArray.cpp core/graphcast/NpzArchive.cpp core/graphcast/CheckpointReader.cpp
