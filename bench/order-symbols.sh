#!/usr/bin/env bash
# Regenerates bench/hot-symbols.txt, the order in which the linker lays out the
# functions of a release build (see order_hot_functions in build.rs): runs the
# release binary under callgrind on --version, every shipped example and 100
# applications, and lists the functions each run executed, smallest run first.
#
#   bash bench/order-symbols.sh          # builds the release binary first
#   HUBGW=/path/to/hubgw bash bench/order-symbols.sh
#
# The release binary is `cargo release-static`'s (.cargo/config.toml): its
# flags are part of every symbol's name, so the list is made from that build.
# Then rebuild it. Needs valgrind and python3.
set -euo pipefail

cd "$(dirname "$0")/.."
if [[ -z ${HUBGW:-} ]]; then
  cargo release-static --quiet
  HUBGW=target/x86_64-unknown-linux-gnu/release/hubgw
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

profile() { # name args...
  valgrind --tool=callgrind --demangle=no --dump-instr=no \
    --callgrind-out-file="$work/$1.cg" "$HUBGW" "${@:2}" >/dev/null 2>&1
}
# shellcheck source=bench/inputs.sh
source bench/inputs.sh
apps 100 >"$work/apps-100.yaml"

profile 0-version --version
profile 1-east-west render -f values/examples/east-west.yaml
n=2
for example in values/examples/*.yaml; do
  profile "$n-$(basename "$example" .yaml)" render -f "$example"
  n=$((n + 1))
done
profile "$n-apps" render -f "$work/apps-100.yaml"
# shellcheck disable=SC2046
python3 bench/hot-symbols.py $(ls "$work"/*.cg | sort -V) >bench/hot-symbols.txt
wc -l bench/hot-symbols.txt
