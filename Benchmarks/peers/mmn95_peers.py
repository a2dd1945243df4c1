"""The benchmark model, M/M/100+M at 95% load, in Ciw and in SimPy, timed the same way.

Arrivals at 0.95 * 100 / 180 per second, exponential handle time of mean 180 s, exponential patience of mean 300 s,
100 agents, first come first served. Prints one JSON object per simulator: calls, seconds, calls per second, ASA and
abandoned share (for a sanity check against Erlang A, which gives ASA 4.81 s and 1.64% abandoned).
"""

import json
import random
import sys
import time

LAM = 0.95 * 100 / 180.0
MU = 1 / 180.0
THETA = 1 / 300.0
AGENTS = 100


def run_ciw(horizon):
    import ciw

    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=LAM)],
        service_distributions=[ciw.dists.Exponential(rate=MU)],
        number_of_servers=[AGENTS],
        reneging_time_distributions=[ciw.dists.Exponential(rate=THETA)],
    )
    ciw.seed(1)
    start = time.perf_counter()
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(horizon)
    elapsed = time.perf_counter() - start
    records = sim.get_all_records()
    served = [r for r in records if r.record_type == "service"]
    reneged = [r for r in records if r.record_type == "renege"]
    calls = len(served) + len(reneged)
    asa = sum(r.waiting_time for r in served) / max(1, len(served))
    return {"simulator": "ciw", "calls": calls, "seconds": elapsed, "calls_per_second": calls / elapsed,
            "asa_s": asa, "abandoned": len(reneged) / max(1, calls)}


def run_simpy(horizon):
    import simpy

    rng = random.Random(1)
    env = simpy.Environment()
    agents = simpy.Resource(env, capacity=AGENTS)
    stats = {"answered": 0, "abandoned": 0, "wait": 0.0}

    def caller(env):
        arrived = env.now
        patience = rng.expovariate(THETA)
        with agents.request() as request:
            outcome = yield request | env.timeout(patience)
            if request in outcome:
                stats["answered"] += 1
                stats["wait"] += env.now - arrived
                yield env.timeout(rng.expovariate(MU))
            else:
                stats["abandoned"] += 1

    def source(env):
        while True:
            yield env.timeout(rng.expovariate(LAM))
            env.process(caller(env))

    env.process(source(env))
    start = time.perf_counter()
    env.run(until=horizon)
    elapsed = time.perf_counter() - start
    calls = stats["answered"] + stats["abandoned"]
    return {"simulator": "simpy", "calls": calls, "seconds": elapsed, "calls_per_second": calls / elapsed,
            "asa_s": stats["wait"] / max(1, stats["answered"]), "abandoned": stats["abandoned"] / max(1, calls)}


if __name__ == "__main__":
    hours = float(sys.argv[1]) if len(sys.argv) > 1 else 50
    for runner in (run_ciw, run_simpy):
        print(json.dumps(runner(hours * 3600)))
        sys.stdout.flush()
