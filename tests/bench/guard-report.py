#!/usr/bin/env python3
"""The table of tests/bench/guard.sh: medians of guardwatch's key=value
lines, WORK/res.ROW (one line per run), which source saw each bomb
(WORK/seen.ROW, one line per run, from cgwardend's spike lines), and the
targets, met or not."""
import os
import statistics
import sys

def report_dv2(path):
    """The rows of tests/bench/guard-docker-v2.sh: "<row>.dv2 key=value..."."""
    rows = {}
    with open(path) as f:
        for line in f:
            name, _, rest = line.partition(" ")
            if not name.endswith(".dv2"):
                continue
            rows.setdefault(name[:-4], []).append(dict(x.split("=", 1) for x in rest.split()))

    def num(r, k):
        v = int(r[k])
        return v if v >= 0 else None

    def since(r, a, b):
        x, y = num(r, a), num(r, b)
        return (x - y) / 1000 if x is not None and y is not None else None

    def md(xs):
        xs = [x for x in xs if x is not None]
        return "-" if not xs else "%.1f" % statistics.median(xs)

    fmt = "%-30s %4s %10s %10s %10s %9s %8s  %s"
    print(fmt % ("", "", "start->", "refused->", "refused->", "handoff", "handoff", ""))
    print(fmt % ("row", "runs", "contained", "contained", "decision", "SIGSTOP", "CPU", "seen by"))
    print(fmt % ("", "", "ms", "ms", "ms", "ms", "us", ""))
    for key, label in (("young", "new container, bomb at start"),
                       ("old", "old container (7 s idle)")):
        rs = rows.get(key, [])
        if not rs:
            continue
        seen = {}
        for r in rs:
            s = r["seen"].replace("_", " ")
            seen[s] = seen.get(s, 0) + 1
        c = [num(r, "contained") for r in rs]
        print(fmt % (label, len(rs), md([x / 1000 if x is not None else None for x in c]),
                     md([since(r, "contained", "refused") for r in rs]),
                     md([since(r, "asked", "refused") for r in rs]),
                     md([num(r, "gap_ms") for r in rs]), md([num(r, "gap_cpu_us") for r in rs]),
                     ", ".join("%s %d/%d" % (k, v, len(rs)) for k, v in seen.items())))
    for key in ("young", "old"):
        if rows.get(key):
            print("  each run, %s: %s" % (key, ", ".join(
                "%s/%s ms, handoff %s ms %s us" % (md([num(r, "contained") / 1000
                                                        if num(r, "contained") is not None else None]),
                                                   md([since(r, "contained", "refused")]),
                                                   r["gap_ms"], r["gap_cpu_us"]) for r in rows[key])))


if len(sys.argv) > 2 and sys.argv[1] == "--dv2":
    report_dv2(sys.argv[2])
    sys.exit(0)


work = sys.argv[1]
ROWS = [("docker", "Docker --pids-limit alone"), ("freeze", "cgwarden freeze"),
        ("kill", "cgwarden kill"), ("old", "cgwarden freeze, old container (*)"),
        ("oldhit", "  old, limit hit once before (*)"),
        ("freezev2", "cgwarden freeze, v2 event path (**)"),
        ("killv2", "cgwarden kill, v2 event path (**)"),
        ("freeze1v2", "  freeze, v2, threshold 1 (***)")]


def load(name):
    runs = []
    try:
        with open(os.path.join(work, "res." + name)) as f:
            for line in f:
                runs.append({k: int(v) for k, v in (kv.split("=") for kv in line.split())})
    except FileNotFoundError:
        pass
    return runs


def med(xs):
    return statistics.median(xs) if xs else None


def ms(v):
    return "-" if v is None else "%.1f" % v


data = {k: load(k) for k, _ in ROWS}
base = med([r["cpu_ns"] for r in data["docker"] if r["cpu_ns"] >= 0])
fmt = "%-36s %4s %11s %11s %11s %9s %9s"
print(fmt % ("", "", "(a) start", "(b) refused", "refused->", "(c) CPU-s", "(c) % of"))
print(fmt % ("row", "runs", "->contained", "->contained", "decision", "in 10 s", "Docker"))
print(fmt % ("", "", "ms", "ms", "ms", "", "alone"))
summary = {}
for key, label in ROWS:
    runs = data[key]
    if not runs:
        continue
    cont = [r for r in runs if r["contained"] >= 0]
    a = med([r["contained"] / 1000 for r in cont])
    b = med([(r["contained"] - r["refused"]) / 1000 for r in cont if r["refused"] >= 0])
    d = med([(r["asked"] - r["refused"]) / 1000 for r in cont
             if r["refused"] >= 0 and r["asked"] >= 0])
    c = med([r["cpu_ns"] for r in runs if r["cpu_ns"] >= 0])
    summary[key] = (a, b, c)
    if not cont:
        a_s = b_s = d_s = "never"
    else:
        a_s, b_s, d_s = ms(a), ms(b), ms(d)
        if len(cont) < len(runs):
            a_s += " (%d/%d)" % (len(cont), len(runs))
    c_s = "-" if c is None else "%.3f" % (c / 1e9)
    if c is not None and any(0 <= r["watched_us"] < 9900000 for r in runs if r["cpu_ns"] >= 0):
        c_s += "+"  # watched for less than 10 s: see the row's note
    pct = "-" if c is None or not base else "%.2f %%" % (100 * c / base)
    print(fmt % (label, len(runs), a_s, b_s, d_s, c_s, pct))

print()
print("each run, ms: (a)/(b), and CPU-s in 10 s")
for key, _ in ROWS:
    if not data[key]:
        continue
    cells = []
    for r in data[key]:
        if r["contained"] < 0:
            cell = "never"
        else:
            cell = "%.1f/%s" % (r["contained"] / 1000, "%.1f" % ((r["contained"] - r["refused"]) / 1000)
                                if r["refused"] >= 0 else "-")
        if r["cpu_ns"] >= 0:
            cell += " %.2fs" % (r["cpu_ns"] / 1e9)
        cells.append(cell)
    print("  %-10s %s" % (key, ", ".join(cells)))
if data["docker"]:
    print("Docker alone: never contained; at 10 s, %s processes still spin on refused forks"
          % ms(med([r["pids_end"] for r in data["docker"]])).replace(".0", ""))
odd = [(k, r["pids_max"]) for k in data for r in data[k] if r.get("pids_max", 200) != 200]
if odd:
    print("WARNING: pids.max was not 200 at the bomb's start in %d runs: %s" % (len(odd), odd))
host = [r for k in ("docker", "freeze", "kill", "old", "oldhit") for r in data[k]]
if host:
    w = sum(r["watched_us"] for r in host)
    print("the watcher's own CPU: %.0f %% of one CPU while watching; longest gap between polls %.1f ms"
          % (100 * sum(r["self_cpu_us"] for r in host) / w, max(r["max_gap_us"] for r in host) / 1000))


def seen(name):
    try:
        with open(os.path.join(work, "seen." + name)) as f:
            return [line.strip() for line in f if line.strip()]
    except FileNotFoundError:
        return []


tally = [(key, seen(key)) for key, _ in ROWS]
if any(s for _, s in tally):
    print()
    print("which source saw each bomb (cgwardend's spike line ends in \"; seen by SOURCE\"):")
    for key, sources in tally:
        if not sources:
            continue
        counts = {}
        for src in sources:
            counts[src] = counts.get(src, 0) + 1
        print("  %-10s seen by: %s" % (key, ", ".join("%s %d" % kv for kv in counts.items())))

print()
print("targets (reported, not asserted):")


def verdict(what, v, limit, unit, why=""):
    if v is None:
        return
    ok = v <= limit
    print("  %-38s %8.2f %-2s <= %g %-2s %s" % (what, v, unit, limit, unit,
                                               "met" if ok else "NOT met" + why))


for key, what, limit, why in (
        ("freeze", "(b) freeze, v1 adaptive sampling", 50, ""),
        ("kill", "(b) kill, v1 adaptive sampling", 50, ""),
        ("old", "(b) old container, v1", 50, ": out of the hot set, the 1 s interval"),
        ("oldhit", "(b) old container, hit before, v1", 50, ": out of the hot set, the 1 s interval"),
        ("freezev2", "(b) freeze, v2 event path", 5, ": see (**)"),
        ("killv2", "(b) kill, v2 event path", 5, ": see (**)")):
    if key in summary:
        verdict(what, summary[key][1], limit, "ms", why)
for key, what in (("freeze", "(c) freeze"), ("kill", "(c) kill"), ("old", "(c) old container"),
                  ("oldhit", "(c) old, hit before")):
    if key in summary and summary[key][2] is not None and base:
        verdict(what + ", % of Docker alone", 100 * summary[key][2] / base, 1, "%",
                ": the bomb ran until the 1 s sample saw it" if key in ("old", "oldhit") else "")
