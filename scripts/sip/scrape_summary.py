#!/usr/bin/env python3
"""Benchmarks/sip-bridge.sh's summary of several /metrics scrapes: the median over scrapes of the relay delay's p50
and p99, the largest max, and the median beat lateness p99, in milliseconds, on one line."""
import statistics
import sys


def scrape(path):
    values = {}
    for line in open(path):
        if not line.startswith("#") and " " in line:
            name, value = line.rsplit(" ", 1)
            values[name] = float(value) * 1000
    return values


s = [scrape(p) for p in sys.argv[1:]]
med = lambda name: statistics.median(x.get(name, 0) for x in s)
print(f"{med('acd_sip_relay_delay_p50_seconds'):.2f} {med('acd_sip_relay_delay_p99_seconds'):.2f}",
      f"{max(x.get('acd_sip_relay_delay_max_seconds', 0) for x in s):.2f}",
      f"{med('acd_sip_tick_lateness_p99_seconds'):.2f}")
