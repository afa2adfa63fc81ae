#!/usr/bin/env bash
# Builds the shipped binary: the `dist` profile (fat LTO, one codegen unit,
# stripped) and, on a Linux gnu host, glibc linked in statically, so that it
# runs without a libc in the image (Containerfile) and on any distribution.
# Prints the binary's path, then its sha256.
#
#   scripts/dist.sh               # static where the host is *-linux-gnu
#   STATIC=0 scripts/dist.sh      # dynamically linked
#   PROFILE=dev scripts/dist.sh   # another Cargo profile: a quick static
#                                 # binary for checking the image (.ci/run)
set -euo pipefail

cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
static=0
[[ ${STATIC:-1} != 0 && $host == *-linux-gnu ]] && static=1
args=(build --profile "${PROFILE:-dist}" --locked --bin hubgw)
if ((static)); then
  # --target keeps the flag off build scripts and proc-macros, which cannot be static.
  args+=(--target "$host" --config "target.$host.rustflags = ['-C', 'target-feature=+crt-static']")
fi
# The binary's own artifact (its path ends in /hubgw), not a test's.
bin=$(cargo "${args[@]}" --message-format json-render-diagnostics |
  sed -n 's/.*"executable":"\([^"]*\/hubgw\)".*/\1/p' | tail -1)
[[ -x $bin ]] || { echo "dist.sh: cargo named no binary" >&2; exit 1; }
"$bin" --version >/dev/null
echo "$bin"
sha256sum "$bin" | cut -d' ' -f1
