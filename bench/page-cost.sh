#!/usr/bin/env bash
# What one mapped page costs this machine, the figure behind docs/performance.md's
# "Where the time goes": a static C program maps a file (the hubgw binary,
# whose pages are in the page cache after a run) and reads one byte per
# 64 KiB, so that fault-around maps every page; hyperfine compares mapping
# 4.5 MiB with mapping nothing. Also an anonymous page, written once.
# Needs gcc and hyperfine.
#
#   bash bench/page-cost.sh [FILE]     # default: the `cargo build --release` binary
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-${CARGO_TARGET_DIR:-target}/release/hubgw}
[[ -r $file ]] || { echo "no $file: build it (cargo build --release) or name a file of 4.5 MiB or more" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/touch.c" <<'C'
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
/* touch FILE KIB STEP ANON: map KIB KiB of FILE (or of anonymous memory when
   ANON is 1) and touch one byte every STEP bytes. */
int main(int argc, char **argv) {
  size_t n = (size_t)atol(argv[2]) * 1024, step = (size_t)atol(argv[3]);
  int anon = atoi(argv[4]);
  int fd = anon ? -1 : open(argv[1], O_RDONLY);
  char *p = mmap(0, n ? n : 4096, anon ? PROT_READ | PROT_WRITE : PROT_READ,
                 anon ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return 1;
  volatile char sum = 0;
  for (size_t i = 0; i < n; i += step) { if (anon) p[i] = 1; else sum += p[i]; }
  return 0;
}
C
gcc -O2 -static -o "$work/touch" "$work/touch.c"
cat "$file" >/dev/null # into the page cache
hyperfine -N -w 50 -r 500 --export-json "$work/t.json" \
  "$work/touch $file 0 65536 0" "$work/touch $file 4608 65536 0" "$work/touch $file 1024 4096 1" >/dev/null
python3 - "$work/t.json" <<'PY'
import json, sys
r = [x["median"] * 1e6 for x in json.load(open(sys.argv[1]))["results"]]
print(f"file page (page cache, fault-around): {(r[1] - r[0]) / 1152:.2f} µs")
print(f"anonymous page (written once):        {(r[2] - r[0]) / 256:.2f} µs")
PY
