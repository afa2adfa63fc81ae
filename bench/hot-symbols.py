#!/usr/bin/env python3
"""Lists the functions a set of callgrind profiles executed, hottest first,
as mangled symbol names: the symbol ordering file that build.rs hands to
the linker (see bench/order-symbols.sh for how the profiles are made).

Usage: hot-symbols.py PROFILE... > bench/hot-symbols.txt
Profiles are taken in the order given: every function of the first comes
before any function only the later ones ran, so the smallest run (the one
the memory target is about) gets the most compact code.
"""
import re
import sys

DEF = re.compile(r"^c?fn=\((\d+)\)(?: (.*))?$")


def self_costs(path):
    names, costs, current = {}, {}, None
    in_call = False
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = DEF.match(line.rstrip("\n"))
            if m:
                ident, name = m.group(1), m.group(2)
                if name:
                    names[ident] = name
                if line.startswith("fn="):
                    current = ident
                    costs.setdefault(ident, 0)
                else:
                    costs.setdefault(ident, 0)
                continue
            if line.startswith("calls="):
                in_call = True  # the next cost line is inclusive cost of a call
                continue
            if line[:1].isdigit() or line[:1] in "+-*":
                if in_call:
                    in_call = False
                    continue
                parts = line.split()
                if current is not None and len(parts) >= 2:
                    costs[current] += int(parts[1])
    return {names[i]: c for i, c in costs.items() if i in names}


def main():
    seen = set()
    for path in sys.argv[1:]:
        costs = self_costs(path)
        for name, _ in sorted(costs.items(), key=lambda kv: (-kv[1], kv[0])):
            # Only symbols of the binary itself; shared libraries are named "0x..." or PLT stubs.
            if name in seen or name.startswith("0x") or " " in name or "'" in name:
                continue
            seen.add(name)
            print(name)


if __name__ == "__main__":
    main()
