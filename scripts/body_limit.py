"""Bodies over the API's 64 KB limit (docs/api.md) get 413 at once and a closed connection, on every POST path.

usage: body_limit.py BASE_URL

Each case opens a socket, sends a request whose body is over the limit (declared by Content-Length, with and without
`Expect: 100-continue`, sent whole or not at all, or chunked with no declared length) and must read a 413 problem and
then the end of the connection within 5 s. Then a request under the limit with `Expect: 100-continue` must get
`100 Continue` within 0.5 s (curl otherwise waits a second before every such upload). Exits 1 naming the first case that
does not.
"""
import json
import socket
import sys
import time
from urllib.parse import urlparse

LIMIT = 64 * 1024
BIG = 5 * 1024 * 1024


def exchange(host, port, head, body):
    """Sends head and body; returns (status line, problem code, seconds until the server closed)."""
    s = socket.create_connection((host, port))
    s.settimeout(5)
    start = time.monotonic()
    s.sendall(head.encode())
    if body:
        try:
            s.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking it all: what we want
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except ConnectionResetError:
        pass
    except socket.timeout:
        return None, None, None
    finally:
        s.close()
    elapsed = time.monotonic() - start
    status, _, rest = data.partition(b"\r\n")
    body_text = rest.partition(b"\r\n\r\n")[2]
    try:
        code = json.loads(body_text).get("code")
    except ValueError:
        code = None
    return status.decode(errors="replace"), code, elapsed


def main():
    url = urlparse(sys.argv[1])
    host, port = url.hostname, url.port
    paths = ["/v1/calls", "/v1/calls/0/input", "/v1/calls/0/hangup", "/v1/agents/a/login", "/v1/agents/a/ready",
             "/v1/agents/a/not-ready", "/v1/agents/a/logout", "/v1/reload"]
    chunk = b"%x\r\n" % (LIMIT * 2) + b"x" * (LIMIT * 2) + b"\r\n"
    cases = []
    for path in paths:
        cases += [
            (f"{path}: 5 MB declared and sent", f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {BIG}\r\n\r\n",
             b"{" + b" " * (BIG - 2) + b"}"),
            (f"{path}: 5 MB declared, Expect: 100-continue, nothing sent",
             f"POST {path} HTTP/1.1\r\nHost: t\r\nContent-Length: {BIG}\r\nExpect: 100-continue\r\n\r\n", None),
            (f"{path}: 128 KB chunked, no length declared",
             f"POST {path} HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", chunk),
        ]
    for name, head, body in cases:
        status, code, elapsed = exchange(host, port, head, body)
        if status is None:
            print(f"body_limit: {name}: no answer and no close within 5 s", file=sys.stderr)
            return 1
        if " 413 " not in status + " " or code != "body-too-large":
            print(f"body_limit: {name}: got {status!r} code {code!r}, wanted 413 body-too-large", file=sys.stderr)
            return 1
    s = socket.create_connection((host, port))
    s.settimeout(0.5)
    s.sendall(b"POST /v1/calls HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
              b"Expect: 100-continue\r\n\r\n")
    try:
        first = s.recv(65536)
    except socket.timeout:
        first = b""
    s.close()
    if not first.startswith(b"HTTP/1.1 100"):
        print(f"body_limit: a 2-byte body with Expect: 100-continue got {first[:40]!r} within 0.5 s, "
              f"wanted 100 Continue", file=sys.stderr)
        return 1
    print(f"body_limit: {len(cases)} over-limit requests on {len(paths)} POST paths: 413 and closed, "
          f"slowest within 5 s; 100 Continue at once under the limit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
