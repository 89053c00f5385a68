#!/usr/bin/env python3
"""mapcmp.py VMDK_MAP_JSON CAPACITY [QEMU_MAP_JSON]

Checks `vmdk map --json` output: valid JSON, runs in order covering exactly
[0, CAPACITY), known kinds, data runs naming a file. With QEMU_MAP_JSON
(`qemu-img map --output=json`) also checks both agree on which bytes are
data (stored) and which are not (zero or hole). Exit 0 when all hold."""
import json
import sys


def merge(ranges):
    out = []
    for start, length in sorted(ranges):
        if out and out[-1][0] + out[-1][1] == start:
            out[-1][1] += length
        elif length:
            out.append([start, length])
    return out


def main():
    ours = json.load(open(sys.argv[1]))
    capacity = int(sys.argv[2])
    pos = 0
    for run in ours:
        if run["offset"] != pos or run["length"] <= 0:
            sys.exit(f"vmdk map: run {run} does not start at {pos}")
        if run["kind"] not in ("data", "zero", "hole"):
            sys.exit(f"vmdk map: bad kind in {run}")
        if run["kind"] == "data" and not isinstance(run.get("file"), str):
            sys.exit(f"vmdk map: data run without file: {run}")
        pos += run["length"]
    if pos != capacity:
        sys.exit(f"vmdk map: runs end at {pos}, capacity {capacity}")
    if len(sys.argv) < 4:
        return
    theirs = json.load(open(sys.argv[3]))
    a = merge((r["offset"], r["length"]) for r in ours if r["kind"] == "data")
    b = merge((r["start"], r["length"]) for r in theirs if r["data"])
    if a != b:
        sys.exit(f"data ranges differ:\n vmdk: {a[:8]}\n qemu: {b[:8]}")


main()
