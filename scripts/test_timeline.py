#!/usr/bin/env python3
"""Sum a timing file written by oneseal.testing.timing (ONESEAL_TEST_TIMING=<file>): the wall
time of the run, each worker's busy time and idle tail, and the slowest modules and tests.

    scripts/test_timeline.py var/timing.tsv [--top 25]
"""

import argparse
import collections
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    rows = []
    with open(args.file, encoding="utf-8") as lines:
        for line in lines:
            worker, phase, start, seconds, nodeid = line.rstrip("\n").split("\t")
            rows.append((worker, phase, float(start), float(seconds), nodeid))
    starts = [r[2] for r in rows if r[1] == "sessionstart"]
    ends = [r[2] + r[3] for r in rows]
    begin, end = min(starts), max(ends)
    print(f"wall {end - begin:.0f} s over {len({r[0] for r in rows if r[0] != 'main'})} workers")
    busy, first, last = collections.Counter(), {}, {}
    modules, tests, phases = collections.Counter(), collections.Counter(), collections.Counter()
    for worker, phase, start, seconds, nodeid in rows:
        if not nodeid:
            continue
        busy[worker] += seconds
        first[worker] = min(first.get(worker, start), start)
        last[worker] = max(last.get(worker, 0.0), start + seconds)
        modules[nodeid.split("::")[0]] += seconds
        tests[nodeid] += seconds
        phases[phase] += seconds
    for worker in sorted(busy):
        print(
            f"  {worker}: first test at +{first[worker] - begin:.0f} s, busy {busy[worker]:.0f} s,"
            f" last test ends at +{last[worker] - begin:.0f} s (idle tail {end - last[worker]:.0f} s)"
        )
    print("  phases: " + ", ".join(f"{p} {s:.0f} s" for p, s in phases.most_common()))
    print(f"slowest modules (of {len(modules)}):")
    for name, seconds in modules.most_common(args.top):
        print(f"  {seconds:7.1f}  {name}")
    print(f"slowest tests (of {len(tests)}):")
    for name, seconds in tests.most_common(args.top):
        print(f"  {seconds:7.1f}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
