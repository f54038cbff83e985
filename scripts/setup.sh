#!/usr/bin/env bash
# Installs the Debian 12 / Ubuntu 24.04 packages that Spreadcast builds, tests and runs with —
# only those missing, so a second run is a quick no-op that needs no network.
#
#   scripts/setup.sh            install what is missing (as root, or through sudo)
#   scripts/setup.sh --dry-run  say what is missing and print the commands instead of running them
#   scripts/setup.sh --list     print the package list, one a line
#
# CUDA is optional and not installed here: the build uses /usr/local/cuda/bin/nvcc when it exists.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build pkg-config git
    # the format check (scripts/check-format.sh): clang-format 14, the version .clang-format is written for
    clang-format
    # core: transforms, BLAS, NetCDF output, command line, JSON run specs, checksums
    libfftw3-dev libopenblas-dev libnetcdf-dev netcdf-bin libcli11-dev nlohmann-json3-dev libxxhash-dev
    # workstation: Qt 6 Widgets + OpenGL widgets, VTK 9 (its Qt module is not used)
    qt6-base-dev libqt6opengl6-dev libvtk9-dev
    # the globe's coastlines: GSHHG crude shorelines (read at run time by viz/Coastlines.cpp), and Xlib,
    # which viz/GlobeScene.cpp calls itself for its one shared X connection
    gmt-gshhg-low libx11-dev
    # animated GIF export of the globe and maps (viz/GifAnimation.cpp)
    libgif-dev
    # MP4 export of the animation (viz/Mp4Animation.cpp): FFmpeg's muxer, encoders (H.264 via libx264) and scaler
    libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
    # HDF5's headers, to turn off its stderr error stacks under netCDF (core/io/Hdf5Diagnostics.cpp)
    libhdf5-dev
    # a display for GUI tests and software OpenGL (Mesa llvmpipe)
    xvfb xauth libgl1-mesa-dri libglx-mesa0
    # reading the output the way forecasters do
    python3-xarray python3-netcdf4 cdo
    # learned models: GraphCast checkpoints (npz = zip of .npy, libzip), k-d trees for its graphs
    # (nanoflann), and numpy for the tests' synthetic checkpoints and reference forward pass
    libzip-dev libnanoflann-dev python3-numpy
    # initial conditions in GRIB 1 and 2 (ECMWF open data, IFS/HRES and ERA5 from MARS): ecCodes,
    # with its definitions and samples (libeccodes-data), which the tests write GRIB files from
    libeccodes-dev
    # fuzzing the file readers (scripts/fuzz.sh): clang with libFuzzer's runtime, llvm-cov for coverage
    clang libclang-rt-dev llvm
    # several nodes under MPI
    openmpi-bin libopenmpi-dev
    # the Debian package: CPack's dpkg-shlibdeps step needs `file`; tests/installer checks the
    # desktop entry and the AppStream metadata
    file desktop-file-utils appstream
)

die()
{
    printf 'setup.sh: %s\n' "$*" >&2
    exit 1
}

dry_run=0
for arg in "$@"; do
    case "$arg" in
    --dry-run) dry_run=1 ;;
    --list)
        printf '%s\n' "${packages[@]}"
        exit 0
        ;;
    -h | --help)
        sed -n '2,9s/^# \{0,1\}//p' "$0"
        exit 0
        ;;
    *) die "unknown argument '$arg' (try --help)" ;;
    esac
done

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    die "this is not a Debian or Ubuntu system (no dpkg-query/apt-get). Install the equivalents of
  ${packages[*]}
yourself, then run scripts/spreadcast.sh with SPREADCAST_SKIP_SETUP=1."
fi

# One dpkg-query for the lot; packages it has never heard of are simply absent from its output.
installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for package in "${packages[@]}"; do
    grep -qx "$package installed" <<<"$installed" || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "setup.sh: all ${#packages[@]} packages are installed."
    exit 0
fi

os_id=unknown
os_version=unknown
if [ -r /etc/os-release ]; then
    # shellcheck source=/dev/null
    os_id=$(. /etc/os-release && echo "${ID:-unknown}")
    # shellcheck source=/dev/null
    os_version=$(. /etc/os-release && echo "${VERSION_ID:-unknown}")
fi
case "$os_id $os_version" in
"debian 12" | "ubuntu 24.04") ;;
*) echo "setup.sh: warning: tested on Debian 12 and Ubuntu 24.04, this is $os_id $os_version; package names may differ." >&2 ;;
esac

echo "setup.sh: missing ${#missing[@]} of ${#packages[@]} packages: ${missing[*]}"

# Root runs apt-get itself; anyone else goes through sudo, which may only ask for a password
# when there is a terminal to ask on (CI has no standard input).
as_root=()
if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        die "installing packages needs root, and this is neither root nor has sudo. As root, run:
  apt-get update && apt-get install --no-install-recommends ${missing[*]}
then run this again."
    fi
    if [ -t 0 ]; then
        as_root=(sudo)
    else
        as_root=(sudo -n)
        if [ "$dry_run" -eq 0 ] && ! sudo -n true 2>/dev/null; then
            die "sudo needs a password and there is no terminal to ask on. Run this from a terminal, or as root:
  apt-get update && apt-get install --no-install-recommends ${missing[*]}"
        fi
    fi
fi

as_admin()
{
    # `env` rather than sudo's VAR=value, which sudoers may refuse.
    local command=("${as_root[@]}" env DEBIAN_FRONTEND=noninteractive "$@")
    if [ "$dry_run" -eq 1 ]; then
        printf 'would run:'
        printf ' %q' "${command[@]}"
        printf '\n'
    else
        "${command[@]}"
    fi
}

as_admin apt-get update -q || die "apt-get update failed: is a package mirror reachable?"

if [ "$dry_run" -eq 0 ]; then
    # Ubuntu keeps VTK, CLI11, CDO and xarray in 'universe'; say so rather than let apt-get fail.
    unavailable=()
    for package in "${missing[@]}"; do
        policy=$(apt-cache policy "$package" 2>/dev/null || true)
        case "$policy" in
        "" | *"Candidate: (none)"*) unavailable+=("$package") ;;
        esac
    done
    if [ ${#unavailable[@]} -gt 0 ]; then
        hint=""
        [ "$os_id" = ubuntu ] && hint=" On Ubuntu, enable the universe component first:
  sudo apt-get install software-properties-common && sudo add-apt-repository universe"
        die "no installable version of: ${unavailable[*]}.$hint"
    fi
fi

as_admin apt-get install -y -q --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
[ "$dry_run" -eq 1 ] || echo "setup.sh: installed ${missing[*]}"
