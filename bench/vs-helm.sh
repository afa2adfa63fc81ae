#!/usr/bin/env bash
# Issue 16's budget, side by side in one hyperfine run: hubgw against
# `helm template` of the hub-gateway chart it replaces.
#
#   CHART=/path/to/charts/all/hub-gateway HUBGW=target/release/hubgw bash bench/vs-helm.sh
#   HUBGW="target/release/hubgw $(scripts/dist.sh | sed -n 1p)" ...  # both, in one run
#
# CHART: the chart at commit 9e6d644 of maximilianoPizarro/hybrid-mesh-platform
# (the one tests/fixtures/chart/ was rendered from; `git archive 9e6d644
# charts/all/hub-gateway`). Needs helm, hyperfine and GNU time. HELM: the
# helm binary (default: `helm` on PATH); a shim script in front of it (pyenv,
# asdf) costs about 60 ms a run and is refused.
#
# east-west: the chart's 12 objects against hubgw's east-west example (13).
# 500 apps x 4 spokes: the chart has one application of two spokes, so each
# of its templates is rendered LOOPS times (`range until`, the root context
# kept), about as many objects as hubgw's 500 apps make.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${CHART:?set CHART to the chart directory (see the header)}"
# HUBGW: one or more hubgw binaries (space-separated), each timed in the same
# hyperfine run as helm; the budget is the shipped binary's (scripts/dist.sh).
read -ra hubgws <<<"${HUBGW:-target/release/hubgw}"
HELM=$(command -v "${HELM:-helm}") || { echo "vs-helm.sh: no helm on PATH (set HELM)" >&2; exit 2; }
if [[ $(head -c 4 "$HELM") != $'\x7fELF' ]]; then
  echo "vs-helm.sh: $HELM is a script, not helm itself (a version manager's shim?); set HELM to the binary" >&2
  exit 2
fi
RUNS=${RUNS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# shellcheck source=bench/inputs.sh
source bench/inputs.sh
apps 500 >"$work/apps-500x4.yaml"
hubgw_objects=$("${hubgws[0]}" render -f "$work/apps-500x4.yaml" | grep -c '^kind:')
loops=$(( (hubgw_objects + 11) / 12 ))

cp -r "$CHART" "$work/looped"
for t in "$work"/looped/templates/*.yaml; do
  { printf '{{- range $i, $_ := until %d }}{{- with $ }}\n---\n' "$loops"
    cat "$t"
    printf '\n{{- end }}{{- end }}\n'; } >"$t.new"
  mv "$t.new" "$t"
done
domains=clusterDomain=apps.hub.example.com,clusters.east.domain=apps.east.example.com,clusters.west.domain=apps.west.example.com
helm_ew="$HELM template hub-gateway $CHART -f tests/fixtures/chart/values.yaml --set $domains"
helm_500="$HELM template hub-gateway $work/looped -f tests/fixtures/chart/values.yaml --set $domains"
echo "objects: helm looped $($helm_500 | grep -c '^kind:'), hubgw 500 apps $hubgw_objects"

# Median wall time and mean CPU time (user + system), each hubgw over helm:
# on a loaded machine CPU time is the steadier of the two.
ratio() { # name json
  python3 - "$1" "$2" <<'PY'
import json, sys
h, *gs = json.load(open(sys.argv[2]))["results"]
cpu = lambda r: r["user"] + r["system"]
for g in gs:
    print(f"{sys.argv[1]}: helm median {h['median']*1e3:.1f} ms, {g['command'].split()[0]} {g['median']*1e3:.1f} ms, "
          f"wall {g['median']/h['median']:.3f} of helm's, CPU {cpu(g)/cpu(h):.3f}")
PY
}
hyperfine -N -w 5 -r "$RUNS" --export-json "$work/ew.json" \
  "$helm_ew" "${hubgws[@]/%/ render -f values/examples/east-west.yaml}" >/dev/null
ratio east-west "$work/ew.json"
hyperfine -N -w 2 -r "$(( RUNS / 2 ))" --export-json "$work/500.json" \
  "$helm_500" "${hubgws[@]/%/ render -f $work/apps-500x4.yaml}" >/dev/null
ratio "500 apps x 4 spokes" "$work/500.json"
for cmd in "$helm_500" "${hubgws[@]/%/ render -f $work/apps-500x4.yaml}"; do
  # shellcheck disable=SC2086
  kb=$(/usr/bin/time -f '%M' $cmd 2>&1 >/dev/null | tail -1)
  echo "peak $(awk -v k="$kb" 'BEGIN { printf "%.1f", k / 1024 }') MB: ${cmd%% *} $(sed "s|$work|TMP|g" <<<"${cmd#* }" | cut -c1-60)"
done
