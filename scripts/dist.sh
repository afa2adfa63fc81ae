#!/usr/bin/env bash
# Builds the shipped binary: the `dist` profile (fat LTO, one codegen unit,
# stripped) and, on a Linux gnu host, glibc linked in statically, so that it
# runs without a libc in the image (Containerfile) and on any distribution.
# Prints the binary's path, then its sha256.
#
#   scripts/dist.sh               # static where the host is *-linux-gnu
#   STATIC=0 scripts/dist.sh      # dynamically linked
#   PROFILE=test scripts/dist.sh  # quick, for checking the image: see below
#
# PROFILE=test: the binary `cargo test` builds (target/debug/hubgw), relinked
# with glibc static and without debug info, in seconds after `cargo test`. A
# plain `cargo build` would rebuild every dependency (without dev-dependencies
# their features differ), and so would flags in RUSTFLAGS; so this touches
# src/main.rs and reruns `cargo test --no-run` with this script as
# RUSTC_WRAPPER, which adds the flags to the hubgw binary alone (cargo keeps
# no wrapper in its fingerprints). `.ci/run` uses it: dist takes ~10 minutes
# on 2 cores. The binary stays static until main.rs changes; tests pass on it.
set -euo pipefail

# As RUSTC_WRAPPER ($1 is rustc): the flags go to the hubgw binary only.
if [[ ${HUBGW_DIST_WRAPPER:-} == 1 ]]; then
  case " $* " in
    *" --crate-name hubgw "*" --crate-type bin "*)
      exec "$@" -C target-feature=+crt-static -C strip=debuginfo ;;
  esac
  exec "$@"
fi

cd "$(dirname "$0")/.."
host=$(rustc -vV | sed -n 's/^host: //p')
static=0
[[ ${STATIC:-1} != 0 && $host == *-linux-gnu ]] && static=1
case ${PROFILE:-dist} in
  dist)
    args=(build --profile dist --locked --bin hubgw)
    if ((static)); then
      # --target keeps the flag off build scripts and proc-macros, which cannot be static.
      args+=(--target "$host" --config "target.$host.rustflags = ['-C', 'target-feature=+crt-static']")
    fi
    ;;
  test)
    args=(test --no-run --locked)
    if ((static)); then
      touch src/main.rs
      export RUSTC_WRAPPER=$PWD/scripts/dist.sh HUBGW_DIST_WRAPPER=1
    fi
    ;;
  *) echo "dist.sh: PROFILE is dist or test, not '$PROFILE'" >&2; exit 2 ;;
esac
# The binary's own artifact (its path ends in /hubgw), not a test's.
bin=$(cargo "${args[@]}" --message-format json-render-diagnostics |
  sed -n 's/.*"executable":"\([^"]*\/hubgw\)".*/\1/p' | tail -1)
[[ -x $bin ]] || { echo "dist.sh: cargo named no binary" >&2; exit 1; }
"$bin" --version >/dev/null
echo "$bin"
sha256sum "$bin" | cut -d' ' -f1
