#!/usr/bin/env bash
# Whole-process wall time (hyperfine, median) and peak memory (GNU time,
# maximum resident set size) of `hubgw render` on generated inputs, against
# the targets of issue 7. Needs: apt-get install -y hyperfine time
#
#   bash bench/compare.sh            # builds the shipped binary first (scripts/dist.sh)
#   HUBGW=/path/to/hubgw bash bench/compare.sh
#   RUNS=50 bash bench/compare.sh    # more runs per input (default 30)
#   CORPUS=1 bash bench/compare.sh   # also run the bad-input corpus against it
set -euo pipefail

cd "$(dirname "$0")/.."
runs=${RUNS:-30}
for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y hyperfine time" >&2; exit 2; }
done
if [[ -z ${HUBGW:-} ]]; then
  HUBGW=$(scripts/dist.sh | sed -n 1p)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# shellcheck source=bench/inputs.sh
source bench/inputs.sh
cp values/examples/east-west.yaml "$work/east-west.yaml"
spokes 16 >"$work/16-spokes.yaml"
for n in 10 100 500; do apps "$n" >"$work/apps-${n}x4.yaml"; done

# name | command | target ms | target MB
cases=(
  "--version (floor)|$HUBGW --version|-|-"
  "east-west --no-validate|$HUBGW render --no-validate -f $work/east-west.yaml|-|-"
  "east-west|$HUBGW render -f $work/east-west.yaml|2|10"
  "16 spokes|$HUBGW render -f $work/16-spokes.yaml|-|-"
  "10 apps x 4 spokes|$HUBGW render -f $work/apps-10x4.yaml|-|-"
  "100 apps x 4 spokes|$HUBGW render -f $work/apps-100x4.yaml|-|-"
  "500 apps x 4 spokes|$HUBGW render -f $work/apps-500x4.yaml|400|128"
)

declare -A median
failed=0
printf '\n%s on %s (%s cores), %s runs each\n\n' "$($HUBGW --version)" "$(uname -m)" "$(nproc)" "$runs"
printf '| input | objects | median ms | peak MB | target |\n|---|---:|---:|---:|---|\n'
for case in "${cases[@]}"; do
  IFS='|' read -r name cmd target_ms target_mb <<<"$case"
  # shellcheck disable=SC2086
  if ! out=$($cmd 2>"$work/err"); then
    printf '| %s | - | - | - | FAILED: %s |\n' "$name" "$(head -1 "$work/err")"
    failed=1
    continue
  fi
  objects=$(grep -c '^kind:' <<<"$out" || true)
  hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/h.json" "$cmd" >/dev/null 2>&1
  ms=$(sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p' "$work/h.json" | head -1 | awk '{printf "%.1f", $1 * 1000}')
  # shellcheck disable=SC2086
  kb=$(/usr/bin/time -f '%M' $cmd 2>&1 >/dev/null | tail -1)
  mb=$(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }')
  median[$name]=$ms
  verdict=-
  if [[ $target_ms != - ]]; then
    verdict=$(awk -v m="$ms" -v b="$mb" -v tm="$target_ms" -v tb="$target_mb" \
      'BEGIN { printf "%s ms %s, %s MB %s", tm, (m <= tm) ? "met" : "MISSED", tb, (b <= tb) ? "met" : "MISSED" }')
  fi
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$objects" "$ms" "$mb" "$verdict"
done

if [[ -n ${median["500 apps x 4 spokes"]:-} && -n ${median["10 apps x 4 spokes"]:-} ]]; then
  awk -v a="${median["100 apps x 4 spokes"]}" -v b="${median["500 apps x 4 spokes"]}" -v c="${median["10 apps x 4 spokes"]}" 'BEGIN {
    printf "\nscaling: 100 apps / 10 apps = %.1fx, 500 apps / 100 apps = %.1fx (target: 10x apps within 12x time)\n", a / c, b / a }'
fi

if [[ -n ${CORPUS:-} ]]; then
  echo
  HUBGW_BIN=$HUBGW cargo test --quiet --test bad_input -- --nocapture 2>&1 | grep -E 'cases;|floor|test result'
fi

exit "$failed"
