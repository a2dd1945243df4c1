#!/usr/bin/env python3
"""Writes volumes.csv: calls per day and line for the Leeds model, 1 Nov 2019 to 31 Oct 2020.

Every number here is an assumption stated in README.md ("Call volumes"); change it here and run
`python3 flows/leeds/volumes.py` to rewrite the file. The only published figures used are the gross calls for the
year (1,374,774), the Covid line's 28,500 calls from 23 March to 31 August 2020, and Local Welfare Support's 24,573
calls in the same period (seed 001). The output is deterministic: the same assumptions give the same file.
"""
import csv
import datetime as dt
import os

START, END = dt.date(2019, 11, 1), dt.date(2020, 10, 31)
LOCKDOWN = dt.date(2020, 3, 23)          # Covid line opens, non-priority lines close
AUG31 = dt.date(2020, 8, 31)
GROSS = 1_374_774
# The flows' call_back shares add repeat calls (contained callers who ring again) on top of these first calls;
# `acdd calibrate flows/leeds` measured about 13,500 a year, so the file holds the published gross less those.
REPEAT_CALLS = 13_500
FIRST_CALLS = GROSS - REPEAT_CALLS

# English bank holidays in the year: the weekday lines are closed (callers hear the closed message).
BANK_HOLIDAYS = {dt.date(2019, 12, 25), dt.date(2019, 12, 26), dt.date(2020, 1, 1), dt.date(2020, 4, 10),
                 dt.date(2020, 4, 13), dt.date(2020, 5, 8), dt.date(2020, 5, 25), dt.date(2020, 8, 31)}

# Relative calls by weekday (Mon..Sun). Weekday lines still get a few weekend calls; they hear the closed message.
WEEKDAY_LINE = [1.25, 1.08, 1.0, 0.97, 0.9, 0.06, 0.04]
SEVEN_DAY = [1.15, 1.05, 1.0, 1.0, 0.95, 0.75, 0.65]
OUT_OF_HOURS = [1.0, 1.0, 1.0, 1.0, 1.1, 1.3, 1.25]
HOLIDAY_FACTOR = 0.3                     # weekday lines on a bank holiday, relative to that weekday

# Month index (Nov..Oct) per line: council tax bills in March and April, the Covid hardship spike from late March.
MONTHS = [11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
SEASON = {
    "council-tax":  [1.00, 0.75, 0.95, 0.95, 1.25, 1.30, 1.05, 1.00, 0.95, 0.90, 0.95, 1.00],
    "housing":      [1.05, 0.85, 1.05, 1.00, 1.00, 0.90, 0.95, 1.00, 1.05, 1.00, 1.05, 1.10],
    "social-care":  [1.00, 0.90, 1.00, 1.00, 1.05, 1.00, 1.00, 1.00, 1.00, 0.95, 1.05, 1.05],
    "general":      [1.00, 0.85, 1.05, 1.00, 1.10, 1.10, 1.00, 0.95, 0.95, 0.95, 1.00, 1.05],
    "environment":  [1.05, 0.95, 1.05, 1.00, 1.10, 0.90, 0.90, 0.90, 0.90, 0.85, 0.85, 0.85],
    "out-of-hours": [1.00, 1.15, 1.05, 1.00, 0.95, 0.90, 0.95, 0.95, 1.00, 1.00, 1.00, 1.05],
}

# Gross calls a year per line, as shares of the published gross (the split is an assumption; README.md).
SHARES = {"council-tax": 0.320, "housing": 0.255, "social-care": 0.066, "general": 0.124, "environment": 0.151,
          "out-of-hours": 0.030}
COVID_TO_AUG31 = 28_500                  # published
LWS_TO_AUG31 = 24_573                    # published
AFTER_AUG = 0.55                         # Covid and LWS calls in Sep-Oct relative to the Mar-Aug daily rate
LWS_BEFORE = 40                          # Local Welfare Support calls per weekday before lockdown
ENVIRONMENT_AFTER_CLOSURE = 0.55         # environment callers who still ring once the lines are signposted


def days():
    d = START
    while d <= END:
        yield d
        d += dt.timedelta(days=1)


def raw_weights(line, d):
    """Unscaled relative calls on day d."""
    month = SEASON.get(line)
    m = month[MONTHS.index(d.month)] if month else 1.0
    if line == "out-of-hours":
        return OUT_OF_HOURS[d.weekday()] * m * (1.3 if d in BANK_HOLIDAYS else 1.0)
    if line in ("covid", "lws"):
        if line == "lws" and d < LOCKDOWN:
            return LWS_BEFORE * WEEKDAY_LINE[d.weekday()] / WEEKDAY_LINE[2]
        if d < LOCKDOWN:
            return 0.0
        # The spike of the first weeks, then a steady level.
        weeks = (d - LOCKDOWN).days / 7
        level = 1.0 + 2.0 * max(0.0, 1 - weeks / 6)
        level *= AFTER_AUG if d > AUG31 else 1.0
        return level * SEVEN_DAY[d.weekday()]
    w = WEEKDAY_LINE[d.weekday()] * m
    if d in BANK_HOLIDAYS:
        w *= HOLIDAY_FACTOR
    if line == "environment" and d >= LOCKDOWN:
        w *= ENVIRONMENT_AFTER_CLOSURE
    return w


def main():
    all_days = list(days())
    lines = ["council-tax", "housing", "social-care", "general", "environment", "covid", "lws", "out-of-hours"]
    table = {}
    for line in ["covid", "lws"]:
        w = [raw_weights(line, d) for d in all_days]
        published = COVID_TO_AUG31 if line == "covid" else LWS_TO_AUG31
        in_window = sum(x for x, d in zip(w, all_days) if LOCKDOWN <= d <= AUG31)
        scale = published / in_window
        if line == "lws":  # the pre-lockdown calls are absolute
            table[line] = [x if d < LOCKDOWN else x * scale for x, d in zip(w, all_days)]
        else:
            table[line] = [x * scale for x in w]
    fixed = sum(sum(table[l]) for l in ["covid", "lws"])
    rest = FIRST_CALLS - fixed
    total_share = sum(SHARES.values())
    for line, share in SHARES.items():
        w = [raw_weights(line, d) for d in all_days]
        target = rest * share / total_share
        table[line] = [x * target / sum(w) for x in w]
    # Whole calls, with the year's total exactly the published gross (largest remainders).
    cells = [(l, i) for l in lines for i in range(len(all_days))]
    floors = {c: int(table[c[0]][c[1]]) for c in cells}
    short = FIRST_CALLS - sum(floors.values())
    by_remainder = sorted(cells, key=lambda c: (-(table[c[0]][c[1]] - floors[c]), lines.index(c[0]), c[1]))
    for c in by_remainder[:short]:
        floors[c] += 1
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "volumes.csv")
    with open(out, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["date"] + lines)
        for i, d in enumerate(all_days):
            writer.writerow([d.isoformat()] + [floors[(l, i)] for l in lines])
    totals = {l: sum(floors[(l, i)] for i in range(len(all_days))) for l in lines}
    print(f"wrote {out}: {len(all_days)} days, {sum(totals.values()):,} calls")
    for l in lines:
        print(f"  {l:14s} {totals[l]:>9,}")


if __name__ == "__main__":
    main()
