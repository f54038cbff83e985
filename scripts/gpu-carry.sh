#!/usr/bin/env bash
# Builds the headless CUDA spreadcast-cli here and packs it, with the shared libraries the GPU
# machine lacks (netCDF, FFTW, OpenBLAS, … from this Debian system), into carry.tar.xz, which the
# `device` tool carries to the GPU machine (shared/DEVICE.md). There, scripts/gpu-check.sh
# unpacks it and runs the checks and benchmarks.
# Usage: scripts/gpu-carry.sh            (writes carry.tar.xz in the repository root)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cd "$here"
nvcc="${CUDACXX:-/usr/local/cuda/bin/nvcc}"
[[ -x "$nvcc" ]] || { echo "gpu-carry.sh: no nvcc at $nvcc; set CUDACXX" >&2; exit 2; }

cmake --preset headless -B build/headless-cuda -DCMAKE_CUDA_COMPILER="$nvcc" -DSPREADCAST_WITH_MPI=OFF > /dev/null
cmake --build build/headless-cuda --target spreadcast-cli
binary=build/headless-cuda/app/cli/spreadcast-cli

rm -rf carry carry.tar.xz
mkdir -p carry/bin carry/lib
# Which source the binary is, so the GPU session's log says what it tested.
{ git rev-parse HEAD; git status --porcelain -- gpu core app | head -5; } > carry/COMMIT
cp "$binary" carry/bin/
strip carry/bin/spreadcast-cli
# Every library the binary loads, except the C runtime and the compiler's, which the GPU machine
# (Ubuntu 24.04) has in newer versions; the CUDA runtime is linked in, and cuFFT, NVML and NCCL
# are loaded from the machine's own CUDA and driver at run time.
ldd "$binary" | awk '/=> \// { print $3 }' | while read -r library; do
    case "$(basename "$library")" in
        libc.so.*|libm.so.*|libdl.so.*|librt.so.*|libpthread.so.*|ld-linux*|libstdc++.so.*|libgcc_s.so.*) ;;
        *) cp -L "$library" carry/lib/ ;;
    esac
done
# ncdump, to compare run files on the GPU machine (its libraries are netCDF's, which the binary's
# list above has already).
if command -v ncdump > /dev/null; then
    cp "$(command -v ncdump)" carry/bin/
fi
tar cJf carry.tar.xz carry
echo "carry.tar.xz: $(du -h carry.tar.xz | cut -f1), $(ls carry/lib | wc -l) libraries; on the GPU machine:"
echo "  run(command='bash scripts/gpu-check.sh', carry=['carry.tar.xz'])"
