#!/usr/bin/env python3
"""Medians of run.sh's raw output: msg/s for thr, average and p50 for lat."""
import re, statistics, sys, collections

runs = collections.defaultdict(list)
key = None
for line in open(sys.argv[1]):
    m = re.match(r"== (\S+) (\S+) size=(\d+)", line)
    if m:
        key = (m[1], int(m[3]), m[2]); cur = {}; runs[key].append(cur); continue
    if line.startswith("HUNG"): cur["hung"] = 1
    m = re.match(r"mean throughput: (\d+) \[msg/s\]", line)
    if m: cur["msg/s"] = int(m[1])
    m = re.match(r"(average|p50|p99) latency: ([\d.]+)", line)
    if m: cur[m[1]] = float(m[2])

for (kind, size, who), rs in sorted(runs.items()):
    cols = ["msg/s"] if kind == "thr" else ["average", "p50", "p99"]
    out = []
    for c in cols:
        v = [r[c] for r in rs if c in r]
        if v:
            out.append(f"{c} median {statistics.median(v):.6g} (n={len(v)}: {', '.join(f'{x:g}' for x in v)})")
    hung = sum(1 for r in rs if r.get("hung"))
    if hung: out.append(f"HUNG {hung} of {len(rs)}")
    print(f"{kind} {size:>6} B  {who:22} " + "; ".join(out))
