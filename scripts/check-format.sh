#!/usr/bin/env bash
# Checks that the C++ and CUDA sources are formatted as .clang-format says:
#
#   scripts/check-format.sh [PATH...]         list the files that clang-format would change; exit 1 if any
#   scripts/check-format.sh --fix [PATH...]   rewrite those files in place
#
# Files: those git tracks or would track (not ignored) under PATH (default: the whole tree), named
# *.cpp, *.h, *.cu or *.cuh. Environment: CLANG_FORMAT names the program (default: clang-format-14,
# the version .clang-format is written for; else clang-format).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

usage()
{
    sed -n '2,9s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

fix=0
paths=()
for arg in "$@"; do
    case "$arg" in
    --fix) fix=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) usage >&2; exit 2 ;;
    *) paths+=("$arg") ;;
    esac
done

clang_format=${CLANG_FORMAT:-}
if [ -z "$clang_format" ]; then
    if command -v clang-format-14 >/dev/null; then
        clang_format=clang-format-14
    else
        clang_format=clang-format
    fi
fi
if ! command -v "$clang_format" >/dev/null; then
    echo "check-format.sh: $clang_format is not installed (Debian: clang-format; scripts/setup.sh installs it)" >&2
    exit 2
fi

differing=()
while IFS= read -r -d '' file; do
    [ -f "$file" ] || continue  # deleted but not yet staged
    if ! "$clang_format" --style=file "$file" | cmp -s - "$file"; then
        differing+=("$file")
    fi
done < <(git ls-files -z --cached --others --exclude-standard -- "${paths[@]}" |
    grep -zE '\.(cpp|h|cu|cuh)$' || true)

if [ ${#differing[@]} -eq 0 ]; then
    exit 0
fi
if [ $fix = 1 ]; then
    "$clang_format" --style=file -i "${differing[@]}"
    printf 'formatted %s\n' "${differing[@]}"
    exit 0
fi
printf '%s\n' "${differing[@]}"
echo "check-format.sh: ${#differing[@]} file(s) differ from .clang-format; scripts/check-format.sh --fix rewrites them" >&2
exit 1
