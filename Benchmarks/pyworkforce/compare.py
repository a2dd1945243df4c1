#!/usr/bin/env python3
"""acdd's shift covering MIP (GLPK) side by side with pyworkforce's MinRequiredResources (OR-Tools CP-SAT).

Both get the same per-interval requirement (need.csv: one month of the Leeds weekly requirement per team, from
`acdd staff flows/leeds --by month --meet month --format csv`) and the same shifts (shifts.yaml: every start and
lunch placement of its patterns becomes one pyworkforce shift, cost = paid hours). Prints, per team and in total,
paid hours a week, intervals under the requirement, and solve time.

Usage: Benchmarks/pyworkforce/compare.py [ACDD]   (default .build/release/acdd; run from the repository root)
Sets up .venv-pyworkforce with pyworkforce from PyPI on first use.
"""
import csv
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, "..", "..", ".venv-pyworkforce")
if sys.prefix != os.path.abspath(VENV):
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "pyworkforce==0.5.1"], check=True)
    os.execv(python, [python] + sys.argv)

from pyworkforce.scheduling import MinRequiredResources  # noqa: E402

ACDD = sys.argv[1] if len(sys.argv) > 1 else ".build/release/acdd"
NEED = os.path.join(HERE, "need.csv")
SHIFTS = os.path.join(HERE, "shifts.yaml")
PERIODS = 48
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def clock(text):
    h, m = text.split(":")
    return (int(h) * 60 + int(m)) // 30


def needs():
    """Per group: [7][48] agents needed."""
    out = {}
    for row in csv.DictReader(open(NEED)):
        week = out.setdefault(row["group"], [[0] * PERIODS for _ in DAYS])
        week[DAYS.index(row["weekday"])][clock(row["time"])] = int(row["agents"])
    return out


def shifts_for(group):
    """The shifts of shifts.yaml as pyworkforce coverage arrays, named, with their paid hours."""
    out = {}
    full = [(s, lunch) for s in range(14, 25) for lunch in range(7, 11)]  # 07:00-12:00; lunch +3h30..+5h
    for s, lunch in full:
        out[f"full {s}/{lunch}"] = ([1 if s <= p < s + 16 and p != s + lunch else 0 for p in range(PERIODS)], 7.5)
    for s in range(14, 33):  # 07:00-16:00
        out[f"half {s}"] = ([1 if s <= p < s + 8 else 0 for p in range(PERIODS)], 4.0)
    if group == "Out of hours team":
        for h in range(17):  # 00:00-16:00, so that no shift runs past midnight
            for lunch in (7, 8, 9):
                s = 2 * h
                out[f"night {h}/{lunch}"] = ([1 if s <= p < s + 16 and p != s + lunch else 0 for p in range(PERIODS)],
                                              7.5)
    return out


def pyworkforce(group, week):
    shifts = shifts_for(group)
    coverage = {name: cover for name, (cover, _) in shifts.items()}
    cost = {name: int(hours * 2) for name, (_, hours) in shifts.items()}
    solver = MinRequiredResources(
        num_days=7, periods=PERIODS, shifts_coverage=coverage, required_resources=week,
        max_period_concurrency=500, max_shift_concurrency=200, cost_dict=cost, max_search_time=60.0,
        num_search_workers=2)
    start = time.perf_counter()
    solution = solver.solve()
    seconds = time.perf_counter() - start
    covered = [[0] * PERIODS for _ in DAYS]
    paid = 0.0
    for item in solution.get("resources_shifts", []):
        n = item["resources"]
        if n:
            paid += n * shifts[item["shift"]][1]
            for p, c in enumerate(coverage[item["shift"]]):
                covered[item["day"]][p] += n * c
    under = sum(1 for d in range(7) for p in range(PERIODS) if covered[d][p] < week[d][p])
    return paid, under, seconds, solution["status"]


def acdd():
    start = time.perf_counter()
    run = subprocess.run([ACDD, "shifts", NEED, SHIFTS, "--format", "json"], capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"acdd shifts failed: {run.stderr}")
    wall = time.perf_counter() - start
    return {p["group"]: p for p in json.loads(run.stdout)}, wall


def main():
    weeks = needs()
    ours, wall = acdd()
    print(f"{'team':28} {'acdd paid h':>11} {'under':>5} {'s':>6} {'status':>11}   "
          f"{'pyworkforce paid h':>18} {'under':>5} {'s':>6} {'status':>8}")
    totals = [0.0, 0, 0.0, 0.0, 0, 0.0]
    for group, week in weeks.items():
        if not any(any(day) for day in week):
            continue
        mine = ours[group]
        paid, under, seconds, status = pyworkforce(group, week)
        print(f"{group:28} {mine['paid_hours_per_week']:11.1f} {mine['intervals_under']:5d} "
              f"{mine['seconds']:6.2f} {mine['status']:>11}   {paid:18.1f} {under:5d} {seconds:6.2f} {status:>8}")
        for k, v in enumerate([mine["paid_hours_per_week"], mine["intervals_under"], mine["seconds"], paid, under,
                               seconds]):
            totals[k] += v
    print(f"{'Total':28} {totals[0]:11.1f} {totals[1]:5d} {totals[2]:6.2f} {'':>11}   "
          f"{totals[3]:18.1f} {totals[4]:5d} {totals[5]:6.2f}")
    print(f"(acdd shifts, whole run: {wall:.2f} s wall)")


main()
