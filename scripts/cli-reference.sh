#!/usr/bin/env bash
# Writes docs/CLI.md, the reference of every spreadcast-cli option, from the program's own --help.
# Usage: scripts/cli-reference.sh [path/to/spreadcast-cli] [output.md]
# tests/app/TestCliReference fails when docs/CLI.md and --help disagree; rerun this then.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cli="${1:-$here/build/default/app/cli/spreadcast-cli}"
out="${2:-$here/docs/CLI.md}"
[[ -x "$cli" ]] || { echo "cli-reference.sh: no spreadcast-cli at $cli — build first (scripts/spreadcast.sh build)" >&2; exit 2; }

help() { "$cli" "$@" --help | sed "s|$cli|spreadcast-cli|g"; }
{
    echo "# spreadcast-cli reference"
    echo
    echo "Generated from \`spreadcast-cli --help\` by \`scripts/cli-reference.sh\`; do not edit by hand."
    echo "Exit status of every command: 0 done, 1 a member, the output or rendering failed, 2 bad input,"
    echo "130 cancelled; selftest: 1 a check failed, 77 skipped (no GPU)."
    echo
    echo '```text'
    help
    echo '```'
    for command in run render devices bench selftest keys; do
        echo
        echo "## spreadcast-cli $command"
        echo
        echo '```text'
        help "$command"
        echo '```'
    done
} > "$out"
