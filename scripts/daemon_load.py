#!/usr/bin/env python3
"""Places modelled calls on a running acdd for a while from a few threads (the caller model walks the IVR, waits and
abandons): load for the daemon's process checks. Usage: daemon_load.py BASE_URL SECONDS [THREADS]. Prints the calls
placed and the refusals."""
import json
import sys
import threading
import time
import urllib.error
import urllib.request

base, seconds = sys.argv[1], float(sys.argv[2])
threads = int(sys.argv[3]) if len(sys.argv) > 3 else 4
bodies = [{"entry": "main number", "caller": "modelled"}, {"queue": "housing", "caller": "modelled"},
          {"queue": "council-tax", "caller": "modelled"}]
placed, refused = [0], [0]
lock = threading.Lock()


def work(n):
    end = time.time() + seconds
    i = n
    while time.time() < end:
        body = json.dumps(bodies[i % len(bodies)]).encode()
        i += 1
        request = urllib.request.Request(base + "/v1/calls", data=body, method="POST")
        try:
            urllib.request.urlopen(request, timeout=5).read()
            with lock:
                placed[0] += 1
        except (urllib.error.URLError, ConnectionError, OSError):
            with lock:
                refused[0] += 1


pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
for t in pool:
    t.start()
for t in pool:
    t.join()
print(f"placed {placed[0]} refused {refused[0]}")
