#!/usr/bin/env bash
# The GPU machine's one call: unpacks carry.tar.xz (made here by scripts/gpu-carry.sh), then runs
# the selftest, the benchmark and two controller runs through spreadcast-cli, each under a time
# limit, writes full logs under $OUT and prints a short summary last.
# Usage (through the device tool): bash scripts/gpu-check.sh [quick|graphcast]
#   quick: selftest and a short benchmark only (for a second call after a fix);
#   graphcast: selftest and the GraphCast section only.
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

# ----- GraphCast (gpu/graphcast/) -----------------------------------------------------------
# The selftest (above, in every mode) checks GraphCast's network and its batched executor against
# the CPU. Here, at most 200 + 3 × 60 + 30 + 60 s by the steps' limits (not yet timed on a GPU;
# the tiny runs take seconds on a CPU): the network's forward pass at 1° (mesh 2to5) and
# 0.25° (mesh 2to6), float32 and bf16, with the memory it allocates and the device's peak
# (cudaMemGetInfo); then the tiny synthetic case of tests/graphcast (carried as
# carry/graphcast-tiny by scripts/gpu-carry.sh) as an 8-member, 2-day ensemble on the CPU, on one
# GPU worker and on two workers sharing the GPU in batches of 3. GPU against GPU: the same member
# checksums (a member's bits never depend on its batch or worker). GPU against CPU: not bitwise
# (float32 GEMMs summed in cuBLAS's order) but within 1e-4 of each field's range over 8 steps:
# the host twin of the GPU's pass (GraphCastHostExecutor.h) in place of the CPU network measured
# at most 5e-6 of the range over these 8 steps, the GPU rounds as much in another order, and an
# error of indexing or normalisation is of the order of the range.
gc_case="$PWD/carry/graphcast-tiny"
gc_run=(run --model graphcast --checkpoint "$gc_case/checkpoint.npz" --stats "$gc_case/stats"
        --ic "$gc_case/dataset.nc" --lead 2d --output-every 6h --members 8 --perturbation-scale 0.1
        --precision double --force)
gc_variables=(2m_temperature mean_sea_level_pressure 10m_u_component_of_wind total_precipitation_6hr
              temperature geopotential u_component_of_wind specific_humidity)
gc_steps=(gc-bench gc-run-cpu gc-run-gpu gc-run-gpu-2workers gc-gpu-bitwise gc-gpu-vs-cpu)
graphcast_checks() {
    export PATH="$PWD/carry/bin:$PATH"  # ncdump, for graphcast-compare.sh
    rm -f /tmp/spreadcast-gc-*.nc       # a warm machine's files from an earlier call
    step gc-bench 200 "$cli" bench --model graphcast --backend gpu --graphcast-resolutions 1,0.25 \
        --graphcast-passes 10
    if [[ ! -f "$gc_case/checkpoint.npz" ]]; then
        summary+=("graphcast runs         skipped: no carry/graphcast-tiny (carry from an older gpu-carry.sh)")
        return 0
    fi
    step gc-run-cpu 60 "$cli" "${gc_run[@]}" --devices cpu:8 --out /tmp/spreadcast-gc-cpu.nc
    step gc-run-gpu 60 "$cli" "${gc_run[@]}" --devices gpu --out /tmp/spreadcast-gc-gpu.nc
    step gc-run-gpu-2workers 60 "$cli" "${gc_run[@]}" --devices gpu:0,0 --batch-size 3 \
        --out /tmp/spreadcast-gc-gpu2.nc
    step gc-gpu-bitwise 30 bash scripts/graphcast-compare.sh bitwise /tmp/spreadcast-gc-gpu.nc \
        /tmp/spreadcast-gc-gpu2.nc
    step gc-gpu-vs-cpu 60 bash scripts/graphcast-compare.sh tolerance /tmp/spreadcast-gc-gpu.nc \
        /tmp/spreadcast-gc-cpu.nc 1e-4 "${gc_variables[@]}"
}
# ----- end of GraphCast ----------------------------------------------------------------------

step devices 60 "$cli" devices
if [[ "$mode" == graphcast ]]; then
    step selftest 240 "$cli" selftest --members 64
    graphcast_checks
elif [[ "$mode" == quick ]]; then
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
    graphcast_checks
fi

for name in devices selftest bench run-gpu run-gpu-2workers run-gpu-fault run-cpu "${gc_steps[@]}"; do
    [[ -f "$out/$name.txt" ]] && { echo "===== $name"; tail -n 60 "$out/$name.txt"; }
done
echo "===== summary"
cat "$out/machine.txt"
printf '%s\n' "${summary[@]}"
