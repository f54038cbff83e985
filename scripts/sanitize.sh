#!/usr/bin/env bash
# Builds Spreadcast under a sanitizer and runs tests under it:
#
#   scripts/sanitize.sh asan [CTEST ARGS...]   AddressSanitizer + UndefinedBehaviorSanitizer: every test
#                                              but those labelled slow
#   scripts/sanitize.sh tsan [CTEST ARGS...]   ThreadSanitizer: the tests labelled threads (the run
#                                              controller, placement, MPI, the GUI's run controller)
#
# CTEST ARGS narrow the selection further (e.g. -R TestMainWindow); only the programs of the selected
# tests are built. Presets asan and tsan (CMakePresets.json) build into build/asan and build/tsan.
# Any finding fails its test. Suppressions (third-party code only): scripts/sanitizers/*.supp.
# Environment: SPREADCAST_JOBS=N builds with N jobs (default: nproc); ASAN_OPTIONS, UBSAN_OPTIONS and
# TSAN_OPTIONS given by the caller are appended to the ones set here (later options win).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

usage()
{
    sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

die()
{
    printf 'sanitize.sh: %s\n' "$*" >&2
    exit 1
}

if [ $# -lt 1 ]; then
    usage >&2
    exit 2
fi
preset=$1
shift
case "$preset" in
asan | tsan) ;;
-h | --help) usage; exit 0 ;;
*) usage >&2; exit 2 ;;
esac
jobs=${SPREADCAST_JOBS:-$(nproc)}
suppressions="$repo/scripts/sanitizers"

# Leaks are off: Qt, fontconfig, Mesa, VTK and Open MPI keep process-lifetime allocations that
# LeakSanitizer reports as leaks, and none of them is ours to free.
export ASAN_OPTIONS="detect_leaks=0:check_initialization_order=1:strict_init_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:suppressions=$suppressions/ubsan.supp${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# TSan reports every race and then exits with status 66, so a test with a race fails. A report's
# second stack needs the longer history of a long run.
export TSAN_OPTIONS="suppressions=$suppressions/tsan.supp:history_size=4:second_deadlock_stack=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
# QtTest gives up a test function after 5 minutes; the sanitizers make some take longer on a busy
# machine. CTest's own limit (the test presets' timeout) still applies.
export QTEST_FUNCTION_TIMEOUT=${QTEST_FUNCTION_TIMEOUT:-3600000}
if [ "$preset" = tsan ]; then
    # The code sets OpenBLAS to one thread anyway (SpectralTransform.cpp); this also stops the
    # library from starting its uninstrumented thread pool when it is loaded.
    export OPENBLAS_NUM_THREADS=1
fi

cmake --preset "$preset"

# Build only what the selected tests run: a test layer.TestX runs the program TestX (tests/CMakeLists.txt);
# the others run spreadcast-cli, on which every test program depends anyway.
targets=$(ctest --preset "$preset" --show-only=json-v1 "$@" 2>/dev/null | python3 -c '
import json, sys
tests = [test["name"].partition(".")[2] for test in json.load(sys.stdin)["tests"]]
print(" ".join(sorted({name for name in tests if name.startswith("Test")} | {"spreadcast-cli"} if tests else set())))')
[ -n "$targets" ] || die "no test matches the preset's filter and the arguments: $*"
# shellcheck disable=SC2086  # one word per target
cmake --build --preset "$preset" -j "$jobs" --target $targets

if [ -n "${DISPLAY:-}" ]; then
    exec ctest --preset "$preset" "$@"
fi
# 24-bit colour: the default 8-bit screen has no OpenGL visual that Qt or VTK can use.
exec xvfb-run -a -s "-screen 0 1920x1080x24" ctest --preset "$preset" "$@"
