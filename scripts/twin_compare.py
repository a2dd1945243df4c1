"""The digital twin's verdict: each queue's ASA and abandonment for one day as the daemon served it, against the
simulator's 95% prediction interval for one such day (from `acdd simulate --day --format json`: mean m, half-width h
of the mean's 95% confidence interval over n replications; the spread of one day is s = h * sqrt(n) / t, and one more
day falls within m +- t * s * sqrt(1 + 1/n) with 95% probability).

With k figures, each inside its 95% interval by chance 95% of the time, about one in twenty falls outside even for a
perfect twin; so the verdict (exit status) asks each to lie within its 1 - 0.05/k interval (Bonferroni: all k hold
together with 95% probability), and the table shows both.

Usage: python3 twin_compare.py SIMULATED.json DAEMON_QUEUES.json   (prints a markdown table; exit 1 on a miss)
"""
import json
import math
import sys
from statistics import NormalDist


def t_quantile(p, dof):
    """Student's t quantile by the Cornish-Fisher expansion (to 1e-3 for dof >= 10)."""
    z = NormalDist().inv_cdf(p)
    return (z + (z**3 + z) / (4 * dof) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * dof**2)
            + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * dof**3))


def interval(metric, n, level=0.95):
    """The `level` prediction interval for one more day."""
    spread = metric["half_width"] * math.sqrt(n) / t_quantile(0.975, n - 1)
    width = t_quantile(0.5 + level / 2, n - 1) * spread * math.sqrt(1 + 1 / n)
    return metric["mean"] - width, metric["mean"] + width


def main(simulated_path, daemon_path):
    simulated = json.load(open(simulated_path))
    daemon = {q["name"]: q["today"] for q in json.load(open(daemon_path))["queues"]}
    n = simulated["replications"]
    rows = [(q["name"], q["metrics"]) for q in simulated["queues"]
            if q["name"] in daemon and q["metrics"]["offered"]["mean"] >= 1]
    family = 1 - 0.05 / (2 * len(rows))
    print("| queue | offered (daemon) | offered (sim. mean) | ASA s (daemon) | ASA 95% interval | in | "
          "abandoned % (daemon) | abandoned % 95% interval | in |")
    print("|---|---:|---:|---:|---|---|---:|---|---|")
    inside95, misses = 0, []
    for name, m in rows:
        live = daemon[name]
        cells = []
        for key, value, scale, digits in [("asa", live["asa"], 1, 0), ("abandonment", live["abandonment"], 100, 1)]:
            lo, hi = interval(m[key], n)
            wide_lo, wide_hi = interval(m[key], n, family)
            within, within_family = lo <= value <= hi, wide_lo <= value <= wide_hi
            inside95 += within
            if not within_family:
                misses.append(f"{name} {key}")
            mark = "yes" if within else ("no, within the family-wise interval" if within_family else "NO")
            cells.append((f"{scale * value:.{digits}f}", f"{scale * max(0, lo):.{digits}f} to {scale * hi:.{digits}f}",
                          mark))
        print(f"| {name} | {live['offered']} | {m['offered']['mean']:.0f} | {' | '.join(' | '.join(c) for c in cells)} |")
    print(f"\n{inside95} of {2 * len(rows)} figures within their 95% interval; verdict at "
          f"{100 * family:.2f}% each (family-wise 95%): {'pass' if not misses else 'FAIL: ' + ', '.join(misses)}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
