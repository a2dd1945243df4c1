"""The digital twin's verdict, from callgen's JSON summary: each queue's ASA and abandonment for the day, as the daemon
counted them, beside what `acdd simulate` predicts for the same day (callgen's `predicted`, n replications).

The intervals are distribution-free: a day served by the daemon is exchangeable with the simulator's replications
(same engine, same model, same caller model), so it lies within the range of n of them with probability
(n - 1) / (n + 1), and within callgen's 95% interval with probability at least 95%, however skewed the figure. With k
figures, about one in twenty falls outside its 95% interval even for a perfect twin, so the verdict asks each figure
to lie within the replications' range with n chosen so that (n - 1) / (n + 1) >= 1 - ALPHA / k (Bonferroni: all k hold
together with probability 1 - ALPHA); the table marks the plain 95% intervals as well. ALPHA is 1%: a CI check that a
perfect twin failed one run in twenty (as with 5%, in a CI run of 2026-12-03) cries wolf too often to be read.

Usage: python3 twin_compare.py CALLGEN.json   (prints a markdown table; exit 1 on a miss)
"""
import json
import sys

ALPHA = 0.01


def main(path):
    summary = json.load(open(path))
    rows = [q for q in summary["queues"] if q.get("predicted") and q["offered"] > 0]
    n = rows[0]["predicted"]["replications"]
    k = 2 * len(rows)
    coverage = (n - 1) / (n + 1)
    print("| queue | offered | ASA s | ASA 95% interval | ASA range | in | abandoned % | abandoned % 95% interval | "
          "abandoned % range | in |")
    print("|---|---:|---:|---|---|---|---:|---|---|---|")
    inside95, misses = 0, []
    for q in rows:
        p = q["predicted"]
        cells = []
        for key, scale, digits in [("asa", 1, 0), ("abandonment", 100, 1)]:
            value, (lo, hi), (low, high) = q[key], p[f"{key}Interval"], p[f"{key}Range"]
            within, within_range = lo <= value <= hi, low <= value <= high
            inside95 += within
            if not within_range:
                misses.append(f"{q['queue']} {key}")
            mark = "yes" if within else ("within the range" if within_range else "NO")
            fmt = f"{{:.{digits}f}}"
            cells += [fmt.format(scale * value), f"{fmt.format(scale * lo)} to {fmt.format(scale * hi)}",
                      f"{fmt.format(scale * low)} to {fmt.format(scale * high)}", mark]
        print(f"| {q['queue']} | {q['offered']} | " + " | ".join(cells) + " |")
    print(f"\n{inside95} of {k} figures within their 95% interval; {n} replications, each range covering "
          f"{100 * coverage:.2f}% of days (family-wise {100 * (1 - ALPHA):.0f}% needs {100 * (1 - ALPHA / k):.2f}%): "
          + ("pass" if not misses else "FAIL: " + ", ".join(misses)))
    if coverage < 1 - ALPHA / k:
        print(f"(too few replications for a family-wise verdict: give callgen --predict {round(2 * k / ALPHA) - 1})")
        return 1
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
