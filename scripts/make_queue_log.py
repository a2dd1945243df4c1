#!/usr/bin/env python3
"""Writes a synthetic Asterisk queue_log for benchmarks and demonstrations of `acdd records import`: CALLS calls
over DAYS days across three queues, each ENTERQUEUE then CONNECT and COMPLETECALLER/COMPLETEAGENT (with a
RINGNOANSWER now and then), or ABANDON, EXITWITHTIMEOUT or EXITWITHKEY, in Asterisk's layout, in time order, with
agent events between. Seeded, so the same arguments give the same file.

Usage: make_queue_log.py OUT --calls N [--days D] [--seed S]
"""
import argparse
import heapq
import random

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("out")
parser.add_argument("--calls", type=int, required=True)
parser.add_argument("--days", type=int, default=28)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
rng = random.Random(args.seed)
start = 1767571200  # 2026-01-05 00:00 UTC, a Monday
queues = ["council-tax", "housing", "benefits"]
lines = []
span = args.days * 86400
for n in range(args.calls):
    day = rng.randrange(args.days)
    t = start + day * 86400 + 8 * 3600 + rng.random() * 10 * 3600
    uid = f"{int(t)}.{n}"
    q = rng.choice(queues)
    out = [(t - 0.5, f"{uid}|NONE|NONE|DID|0113222{rng.randrange(1000, 9999)}"), (t, f"{uid}|{q}|NONE|ENTERQUEUE||0113{n:07d}|1")]
    wait = rng.expovariate(1 / 90)
    patience = rng.expovariate(1 / 300)
    agent = f"PJSIP/{200 + rng.randrange(40)}"
    r = rng.random()
    if wait < patience and wait < 1200:
        if rng.random() < 0.1:
            out.append((t + wait / 2, f"{uid}|{q}|PJSIP/{200 + rng.randrange(40)}|RINGNOANSWER|15000"))
        talk = rng.lognormvariate(5.5, 0.6)
        out.append((t + wait, f"{uid}|{q}|{agent}|CONNECT|{int(wait)}|{uid}9|3"))
        out.append((t + wait + talk, f"{uid}|{q}|{agent}|{'COMPLETECALLER' if r < 0.5 else 'COMPLETEAGENT'}|{int(wait)}|{int(talk)}|1"))
    elif patience < 1200:
        if r < 0.9:
            out.append((t + patience, f"{uid}|{q}|NONE|ABANDON|1|1|{int(patience)}"))
        else:
            out.append((t + patience, f"{uid}|{q}|NONE|EXITWITHKEY|0|1|1|{int(patience)}"))
    else:
        out.append((t + 1200, f"{uid}|{q}|NONE|EXITWITHTIMEOUT|1|1|1200"))
    lines.extend(out)
    if n % 50 == 0:
        lines.append((t + 1, f"NONE|{q}|{agent}|{rng.choice(['PAUSE', 'UNPAUSE'])}|"))
lines.sort(key=lambda x: x[0])
with open(args.out, "w") as f:
    for t, rest in lines:
        f.write(f"{t:.0f}|{rest}\n" if t == int(t) else f"{int(t)}|{rest}\n")
print(f"{len(lines)} lines, {args.calls} calls")
