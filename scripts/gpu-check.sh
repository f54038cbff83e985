#!/usr/bin/env bash
# The GPU machine's one call: unpacks carry.tar.xz (made here by scripts/gpu-carry.sh), then runs
# `devices`, the selftest, and each model's section (benchmarks, controller runs compared byte for
# byte) through spreadcast-cli, each step under a time limit; writes full logs and a results file
# per model under $OUT and prints a short summary last. Under 8 minutes in all (BUDGET seconds).
# Usage (through the device tool): bash scripts/gpu-check.sh [quick|graphcast]
#   quick: selftest and a short benchmark only (for a second call after a fix);
#   graphcast: selftest and the GraphCast section only (the full mode runs it last, where the
#   budget may cut it: give it a call of its own).
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
# summary always comes back with time to spare for a rerun within the session's device time.
deadline=$((SECONDS + ${BUDGET:-480}))
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

# ----- Shallow water (gpu/shallowwater/, issue 15) -------------------------------------------
# About 5 minutes on an H200: the bench table with every goal of issue 15 part 3 (T85 and T170 at
# batch 1 and 64, T85 up to batch 256 for the best member-steps/s, the 1000-member 6-day T85
# ensemble), the DRAM bytes of one T170 × 64 step from Nsight Compute where ncu exists, the
# 64-member T85 forecast through the controller on one GPU worker, two sharing the GPU, two with
# an injected fault and the CPU cores, and the GPU runs' data compared byte for byte (ncdump at
# full precision, every variable, the member checksums included; the attributes, which hold the
# command line and the time of the run, left out). Writes $out/shallow-water-results.md, ready to
# paste into BENCHMARKS.md.
sw_common=(-T 85 --lead 2d --members 64 --store-members none --force)
sw_steps=(bench ncu-dram run-gpu run-gpu-2workers run-gpu-fault compare-runs run-cpu)
sw_ncdump() {  # the data of an output file at full precision, without its name and global attributes
    "$PWD/carry/bin/ncdump" -p 9,17 "$1" | sed -e '1d' -e '/^\/\/ global attributes:/,/^data:/{/^data:/!d;}'
}
sw_compare_runs() {  # reference, then the runs that must have the same bytes
    local reference="$1" status=0
    shift
    [[ -x "$PWD/carry/bin/ncdump" ]] || { echo "no carry/bin/ncdump (carry from an older gpu-carry.sh)"; return 2; }
    [[ -f "$reference" ]] || { echo "no $reference: its run failed"; return 2; }
    local expected
    expected="$(sw_ncdump "$reference" | md5sum | cut -d' ' -f1)"
    for file in "$@"; do
        if [[ ! -f "$file" ]]; then
            echo "$(basename "$file"): missing, its run failed"
            status=1
        elif [[ "$(sw_ncdump "$file" | md5sum | cut -d' ' -f1)" == "$expected" ]]; then
            echo "$(basename "$file"): every variable the same bytes as $(basename "$reference")"
        else
            echo "$(basename "$file"): DIFFERS from $(basename "$reference"):"
            diff <(sw_ncdump "$reference") <(sw_ncdump "$file") | head -n 8
            status=1
        fi
    done
    return "$status"
}
sw_dram() {  # the ncu log: bytes read and written by the profiled step
    sed -n 's/.*"\(dram__bytes_[a-z]*\.sum\)","[^"]*","\([^"]*\)"$/\1 \2/p' "$out/ncu-dram.txt" | tr -d , |
        awk '{ total[$1] += $2 } END { printf "%.0f %.0f\n", total["dram__bytes_read.sum"], total["dram__bytes_write.sum"] }'
}
sw_section() {  # log, extended regex: the step's log from the first line matching, or why there is none
    local first
    first="$(grep -n -m 1 -E "$2" "$out/$1.txt" 2>/dev/null | cut -d: -f1)"
    if [[ -n "$first" ]]; then
        tail -n "+$first" "$out/$1.txt"
    else
        echo "No result; the end of $1.txt:"
        echo
        tail -n 5 "$out/$1.txt" 2>/dev/null | sed 's/^/    /'
    fi
}
sw_results() {  # the Markdown for BENCHMARKS.md
    echo "## GPU model: $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)"
    echo
    echo "\`bash scripts/gpu-check.sh\` through the device tool, $(date -u +%Y-%m-%d), binary built from" \
        "$(head -n 1 carry/COMMIT 2>/dev/null | cut -c1-10), CUDA $("$CUDA_HOME/bin/nvcc" --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p')," \
        "driver $(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1)."
    echo
    echo "### spreadcast-cli bench --backend gpu --gpu-truncations 85,170 --gpu-batches 1,64,128,256 --gpu-ensemble 1000"
    echo
    sw_section bench '^GPU [0-9]*:'
    echo
    echo "### DRAM traffic of one T170 × 64 step (Nsight Compute, dram__bytes_read.sum + dram__bytes_write.sum)"
    echo
    if [[ ! -s "$out/ncu-dram.txt" ]]; then
        echo "Not measured: no ncu on the machine."
    else
        local read_bytes write_bytes ms copy
        read -r read_bytes write_bytes <<< "$(sw_dram)"
        ms="$(awk -F'|' '$2 ~ /T170/ && $5 + 0 == 64 { print $6 + 0; exit }' "$out/bench.txt")"
        copy="$(sed -n 's/.*copy bandwidth \([0-9.]*\) GB\/s.*/\1/p' "$out/bench.txt" | head -n 1)"
        if [[ -z "$read_bytes" || "$read_bytes" == 0 ]]; then
            echo "Not measured: ncu gave no DRAM figures (permissions? see ncu-dram.txt):"
            echo
            grep -m 3 -i -E "err|warn" "$out/ncu-dram.txt" | sed 's/^/    /'
        else
            awk -v r="$read_bytes" -v w="$write_bytes" -v ms="$ms" -v copy="$copy" 'BEGIN {
                printf "Read %.1f MB, written %.1f MB per step (kernels launched one by one).", r / 1e6, w / 1e6
                if (ms > 0 && copy > 0) {
                    rate = (r + w) / (ms * 1e-3) / 1e9
                    verdict = (rate >= 0.5 * copy) ? "met" : "NOT met"
                    printf " Over the %.3f ms of a step from the graphs: %.0f GB/s, %.0f %% of the measured copy bandwidth (%.0f GB/s); goal ≥ 50 %%: %s\n",
                        ms, rate, 100 * rate / copy, copy, verdict
                } else {
                    print " No T170 × 64 row in the bench to divide by."
                }
            }'
        fi
    fi
    echo
    echo "### spreadcast-cli selftest --members 64"
    echo
    sw_section selftest '^\| check'
    echo
    echo "### The 64-member, 2-day T85 forecast through the controller (\`run ${sw_common[*]}\`)"
    echo
    printf '%s\n' "${summary[@]}" | grep -E '^(run-|compare-runs)' | sed 's/^/    /'
    echo
    sed 's/^/    /' "$out/compare-runs.txt" 2>/dev/null
}
shallow_water_checks() {
    rm -f /tmp/spreadcast-gpu-*.nc /tmp/spreadcast-cpu.nc  # a warm machine's files from an earlier call
    step bench 300 "$cli" bench --backend gpu --gpu-truncations 85,170 --gpu-batches 1,64,128,256 --gpu-ensemble 1000
    local ncu
    ncu="$(command -v ncu || ls "$CUDA_HOME"/bin/ncu 2>/dev/null || true)"
    if [[ -n "$ncu" ]]; then
        # Only the bench's profiled step (cudaProfilerStart … Stop), kernel by kernel.
        step ncu-dram 150 "$ncu" --profile-from-start off --metrics dram__bytes_read.sum,dram__bytes_write.sum \
            --csv --print-units base "$cli" bench --backend gpu --gpu-truncations 170 --gpu-batches 64 \
            --gpu-ensemble 0 --gpu-seconds 0.2
    else
        summary+=("$(printf '%-22s skipped: no ncu' ncu-dram)")
    fi
    # The same forecast on one GPU worker, two sharing the GPU (one's output overlapping the
    # other's steps), two with an injected fault, and the 16 CPU cores, for the wall times.
    step run-gpu 120 "$cli" run "${sw_common[@]}" --devices gpu --out /tmp/spreadcast-gpu-1.nc
    step run-gpu-2workers 120 "$cli" run "${sw_common[@]}" --devices gpu:0,0 --out /tmp/spreadcast-gpu-2.nc
    step run-gpu-fault 120 "$cli" run "${sw_common[@]}" --devices gpu:0,0 --inject-fault device=1,after-steps=40 \
        --out /tmp/spreadcast-gpu-fault.nc
    # GPU runs only: the CPU's members differ from the GPU's in their last bits (fused multiply-adds,
    # FFT libraries), within the selftest's 1e-10.
    export -f sw_compare_runs sw_ncdump
    step compare-runs 120 bash -c 'sw_compare_runs "$@"' compare-runs /tmp/spreadcast-gpu-1.nc \
        /tmp/spreadcast-gpu-2.nc /tmp/spreadcast-gpu-fault.nc
    step run-cpu 180 "$cli" run "${sw_common[@]}" --devices cpu --out /tmp/spreadcast-cpu.nc
    sw_results > "$out/shallow-water-results.md"
}
# ----- end of shallow water -------------------------------------------------------------------

step devices 60 "$cli" devices
if [[ "$mode" == graphcast ]]; then
    step selftest 240 "$cli" selftest --members 64
    graphcast_checks
elif [[ "$mode" == quick ]]; then
    step selftest 240 "$cli" selftest --members 64
    step bench 180 "$cli" bench --backend gpu --gpu-truncations 85 --gpu-batches 1,64 --gpu-ensemble 0
else
    step selftest 240 "$cli" selftest --members 64
    shallow_water_checks
    graphcast_checks
fi

for name in devices selftest "${sw_steps[@]}" "${gc_steps[@]}"; do
    [[ -f "$out/$name.txt" ]] && { echo "===== $name"; tail -n 60 "$out/$name.txt"; }
done
echo "===== summary"
cat "$out/machine.txt"
printf '%s\n' "${summary[@]}"
[[ -f "$out/shallow-water-results.md" ]] && echo "shallow water: $out/shallow-water-results.md (for BENCHMARKS.md)"
