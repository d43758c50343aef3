#!/usr/bin/env python3
"""Summarizes dotnet-counters' System.Runtime CSV (from bench/run-load-test.sh with COUNTERS=file) per signing step.

Usage: counters-summary.py COUNTERS.csv LOAD.json
Rates are averaged over the samples; "per step" divides by the signing requests per second of the same run.
"""
import csv
import json
import sys
from collections import defaultdict


def main(counters_path, load_path):
    with open(load_path) as f:
        steps = json.load(f)["requests_per_second"]
    series = defaultdict(list)
    with open(counters_path) as f:
        for row in csv.DictReader(f):
            try:
                series[row["Counter Name"]].append(float(row["Mean/Increment"]))
            except ValueError:
                pass
    mean = lambda name: sum(series[name]) / len(series[name]) if series.get(name) else float("nan")

    gen = {g: mean(f"dotnet.gc.collections ({{collection}} / 1 sec)[gc.heap.generation={g}]") for g in ("gen0", "gen1", "gen2")}
    allocated = mean("dotnet.gc.heap.total_allocated (By / 1 sec)")
    cpu = mean("dotnet.process.cpu.time (s / 1 sec)[cpu.mode=user]") + mean("dotnet.process.cpu.time (s / 1 sec)[cpu.mode=system]")
    rows = [
        ("signing steps/s (load generator)", f"{steps:,.0f}"),
        ("silo CPU (cores)", f"{cpu:.2f}"),
        ("allocated per step", f"{allocated / steps / 1024:,.1f} KB ({allocated / 1048576:,.0f} MB/s)"),
        ("GC pause", f"{100 * mean('dotnet.gc.pause.time (s / 1 sec)'):.1f}% of wall time"),
        ("GCs per second (gen0 / gen1 / gen2)", f"{gen['gen0']:.1f} / {gen['gen1']:.2f} / {gen['gen2']:.2f}"),
        ("lock contentions", f"{mean('dotnet.monitor.lock_contentions ({contention} / 1 sec)'):,.0f}/s, {mean('dotnet.monitor.lock_contentions ({contention} / 1 sec)') / steps:.2f} per step"),
        ("thread-pool work items", f"{mean('dotnet.thread_pool.work_item.count ({work_item} / 1 sec)') / steps:.1f} per step"),
        ("thread-pool threads / queue length", f"{mean('dotnet.thread_pool.thread.count ({thread} / 1 sec)'):.0f} / {mean('dotnet.thread_pool.queue.length ({work_item} / 1 sec)'):.0f}"),
        ("JIT compilation", f"{100 * mean('dotnet.jit.compilation.time (s / 1 sec)'):.1f}% of wall time (should be near 0 after the warm-up)"),
        ("working set", f"{mean('dotnet.process.memory.working_set (By)') / 1048576:,.0f} MB"),
    ]
    print("silo runtime counters over the measured window (dotnet-counters, System.Runtime)")
    for name, value in rows:
        print(f"  {name:38} {value}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
