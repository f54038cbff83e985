#!/usr/bin/env bash
# The GPU machine's one call: unpacks carry.tar.xz (made here by scripts/gpu-carry.sh), then runs
# the selftest, the benchmark and two controller runs through spreadcast-cli, each under a time
# limit, writes full logs under $OUT and prints a short summary last.
# Usage (through the device tool): bash scripts/gpu-check.sh [quick]
#   quick: selftest and a short benchmark only (for a second call after a fix).
set -uo pipefail
out="${OUT:-/tmp/spreadcast-gpu-check}"
mkdir -p "$out"
# Always the archive's binary: a machine still warm from an earlier call keeps the old carry/.
if [[ -f carry.tar.xz ]]; then
    rm -rf carry && tar xJf carry.tar.xz
fi
cli="$PWD/carry/bin/spreadcast-cli"
[[ -x "$cli" ]] || { echo "gpu-check.sh: no carry/bin/spreadcast-cli; run scripts/gpu-carry.sh here first" >&2; exit 2; }
export LD_LIBRARY_PATH="$PWD/carry/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export CUDA_HOME="${CUDA_HOME:-/usr/local/cuda}"
mode="${1:-full}"
summary=()

# One device call may run 600 s: every step is cut to what is left of BUDGET seconds, so the
# summary always comes back.
deadline=$((SECONDS + ${BUDGET:-540}))
step() {  # name, seconds, command…
    local name="$1" limit="$2"
    shift 2
    local left=$((deadline - SECONDS - 15))
    if ((left < 20)); then
        summary+=("$(printf '%-22s skipped: no time left' "$name")")
        return 0
    fi
    ((limit > left)) && limit=$left
    local start=$SECONDS
    timeout -k 10 "$limit" "$@" > "$out/$name.txt" 2>&1
    local status=$?
    summary+=("$(printf '%-22s exit %-3s %4ss' "$name" "$status" "$((SECONDS - start))")")
    return 0
}

{
    echo "source: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo "binary built from: $(head -n 1 carry/COMMIT 2>/dev/null || echo unknown)"
    date -u
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,power.limit --format=csv 2>&1
} > "$out/machine.txt"

step devices 60 "$cli" devices
if [[ "$mode" == quick ]]; then
    step selftest 240 "$cli" selftest --members 64
    step bench 180 "$cli" bench --backend gpu --gpu-truncations 85 --gpu-batches 1,64 --gpu-ensemble 0
else
    step selftest 240 "$cli" selftest --members 64
    step bench 300 "$cli" bench --backend gpu --gpu-truncations 85,170 --gpu-batches 1,7,64 --gpu-ensemble 1000
    # The same forecast on one GPU worker, two sharing the GPU (one's output overlapping the
    # other's steps), two with an injected fault, and the 16 CPU cores, for the wall times.
    common=(-T 85 --lead 2d --members 64 --store-members none --force)
    step run-gpu 120 "$cli" run "${common[@]}" --devices gpu --out /tmp/spreadcast-gpu-1.nc
    step run-gpu-2workers 120 "$cli" run "${common[@]}" --devices gpu:0,0 --out /tmp/spreadcast-gpu-2.nc
    step run-gpu-fault 120 "$cli" run "${common[@]}" --devices gpu:0,0 --inject-fault device=1,after-steps=40 \
        --out /tmp/spreadcast-gpu-fault.nc
    step run-cpu 180 "$cli" run "${common[@]}" --devices cpu --out /tmp/spreadcast-cpu.nc
fi

for name in devices selftest bench run-gpu run-gpu-2workers run-gpu-fault run-cpu; do
    [[ -f "$out/$name.txt" ]] && { echo "===== $name"; tail -n 60 "$out/$name.txt"; }
done
echo "===== summary"
cat "$out/machine.txt"
printf '%s\n' "${summary[@]}"
