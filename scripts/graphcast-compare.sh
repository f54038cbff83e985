#!/usr/bin/env bash
# Compares the output files of two runs of the same GraphCast forecast with ncdump (the GPU check,
# scripts/gpu-check.sh, runs it on the GPU machine, which has no Python netCDF):
#   graphcast-compare.sh bitwise A.nc B.nc
#       the member checksums (variable `checksum`, one per output time and member) are equal;
#   graphcast-compare.sh tolerance A.nc B.nc BOUND VARIABLE…
#       for each variable, max |A − B| over every time, member, level and point ≤ BOUND × the
#       range (max − min) of B's values.
# Prints one line per comparison; exits 1 when one fails, 2 for bad use or an unreadable file.
set -uo pipefail
ncdump="$(command -v ncdump || true)"
[[ -n "$ncdump" ]] || { echo "graphcast-compare.sh: no ncdump (netcdf-bin)" >&2; exit 2; }

values() {  # file variable: the variable's values, one a line, full precision
    "$ncdump" -p 9,17 -v "$2" "$1" | awk -v name="$2" '
        # CDL escapes a name that starts with a digit: \2m_temperature.
        ($1 == name || $1 == ("\\" name)) && $2 == "=" { inside = 1; sub(/^[^=]*=/, "") }
        inside {
            done = index($0, ";") > 0
            gsub(/[;,]/, " ")
            for (i = 1; i <= NF; ++i) print $i
            if (done) exit
        }'
}

mode="${1:-}"
for file in "${2:-}" "${3:-}"; do
    [[ -f "$file" ]] || { echo "graphcast-compare.sh: no file '$file' (did its run fail?)" >&2; exit 2; }
done
case "$mode" in
bitwise)
    (($# == 3)) || { echo "usage: graphcast-compare.sh bitwise A.nc B.nc" >&2; exit 2; }
    a="$(values "$2" checksum)" && b="$(values "$3" checksum)" || exit 2
    [[ -n "$a" ]] || { echo "graphcast-compare.sh: $2 has no checksums" >&2; exit 2; }
    if [[ "$a" == "$b" ]]; then
        echo "checksums: $(wc -l <<< "$a") (time, member) pairs, all the same bits"
        exit 0
    fi
    echo "checksums: DIFFERENT ($(diff <(echo "$a") <(echo "$b") | grep -c '^<') of $(wc -l <<< "$a") differ)"
    exit 1
    ;;
tolerance)
    (($# >= 5)) || { echo "usage: graphcast-compare.sh tolerance A.nc B.nc BOUND VARIABLE…" >&2; exit 2; }
    a_file="$2" b_file="$3" bound="$4"
    shift 4
    status=0
    for variable in "$@"; do
        line="$(paste <(values "$a_file" "$variable") <(values "$b_file" "$variable") | awk -v bound="$bound" '
            NF != 2 || $1 == "_" || $2 == "_" { bad = 1; next }
            {
                d = $1 - $2; if (d < 0) d = -d
                if (d > worst) worst = d
                if (n == 0 || $2 < low) low = $2
                if (n == 0 || $2 > high) high = $2
                ++n
            }
            END {
                if (n == 0 || bad) { print "UNREADABLE or missing values"; exit 2 }
                range = high - low; relative = range > 0 ? worst / range : (worst > 0 ? 1 : 0)
                printf "%d values, max |Δ| %.3g = %.2e of the range %.6g (bound %.1e)%s\n", n, worst, relative, range,
                       bound, relative <= bound ? "" : " FAILED"
                exit relative <= bound ? 0 : 1
            }')"
        code=$?
        echo "$variable: $line"
        ((code > status)) && status=$code
    done
    exit "$status"
    ;;
*)
    echo "usage: graphcast-compare.sh bitwise A.nc B.nc | tolerance A.nc B.nc BOUND VARIABLE…" >&2
    exit 2
    ;;
esac
