"""Malformed and hostile SIP sent at acdd's SIP port (UDP and TCP), each case with the answers it may get: a 4xx
from the list, or nothing. Then the daemon must still serve: OPTIONS over UDP and TCP get 200.

Cases: random bytes; a truncated request; a Content-Length larger than the datagram, negative, or not a number;
headers of 60 KB (UDP) and 1 MB (TCP); no Via, no Call-ID; an unknown method; Max-Forwards 0; an SDP offer with no
common codec, a body that is not SDP, no body at all; a BYE for no dialog; idle and half-sent TCP connections; and
10,000 INVITEs with one Call-ID and From tag (new branches): one call rings, every other INVITE gets 482 (RFC 3261
8.2.2.2) and the call they name goes on; it is then cancelled.

Prints one line per case and exits 1 on the first case that got an answer it should not have.
Usage: python3 scripts/sip/hostile.py SIP_PORT NUMBER
"""
import os
import random
import socket
import sys
import time

port, number = int(sys.argv[1]), sys.argv[2]
server = ("127.0.0.1", port)
rng = random.Random(4733)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
udp.bind(("127.0.0.1", 0))
me = udp.getsockname()[1]
failures = []
answered_to = {}  # Call-ID: the To header (with acdd's tag) of its 200


def message(method="INVITE", call_id=None, headers=None, body=b"", content_length=None, user=None, branch=None,
            ftag="hostile", transport="UDP", drop=()):
    """A request; `headers` adds or (by name) replaces headers, `drop` leaves named ones out."""
    call_id = call_id or "%x@hostile" % rng.getrandbits(48)
    branch = branch or "z9hG4bK%x" % rng.getrandbits(48)
    fields = {
        "Via": f"SIP/2.0/{transport} 127.0.0.1:{me};branch={branch}",
        "From": f"<sip:hostile@127.0.0.1>;tag={ftag}",
        "To": f"<sip:{user or number}@127.0.0.1>",
        "Call-ID": call_id,
        "CSeq": f"1 {method}",
        "Contact": f"<sip:hostile@127.0.0.1:{me}>",
        "Max-Forwards": "70",
    }
    if body:
        fields["Content-Type"] = "application/sdp"
    fields.update(headers or {})
    fields["Content-Length"] = str(len(body)) if content_length is None else content_length
    head = f"{method} sip:{user or number}@127.0.0.1:{port} SIP/2.0\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in fields.items() if k not in drop)
    return (head + "\r\n").encode() + body, call_id


def sdp(formats="0 101", rtpmaps="a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"):
    return (
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        f"m=audio 40000 RTP/AVP {formats}\r\n{rtpmaps}"
    ).encode()


def answers(seconds=0.6, sock=udp):
    """Status codes of the responses that arrive within `seconds`, with their Call-IDs."""
    got, end = [], time.time() + seconds
    sock.settimeout(0.05)
    while time.time() < end:
        try:
            data = sock.recv(200000)
        except (socket.timeout, BlockingIOError):
            continue
        except OSError:
            break
        for part in data.split(b"SIP/2.0 ")[1:]:
            text = part.decode(errors="replace")
            call_id = next((l.split(":", 1)[1].strip() for l in text.split("\r\n")
                            if l.lower().startswith(("call-id:", "i:"))), "")
            got.append((int(text[:3]), call_id))
            if text.startswith("200"):
                answered_to[call_id] = next((l.split(":", 1)[1].strip() for l in text.split("\r\n")
                                             if l.lower().startswith(("to:", "t:"))), "")
    return got


def case(name, allowed, datagrams=(), call_id=None, seconds=0.6):
    """Sends the datagrams; every answer (for `call_id`, when given) must be a final status in `allowed` (provisional
    1xx are let through); an empty `allowed` means nothing may come back."""
    for d in datagrams:
        udp.sendto(d, server)
    got = [code for code, cid in answers(seconds) if call_id is None or cid == call_id]
    finals = [c for c in got if c >= 200]
    bad = [c for c in finals if c not in allowed]
    if bad or (allowed and not finals and None not in allowed):
        failures.append(f"{name}: got {got or 'nothing'}, expected {sorted(a for a in allowed if a) or 'nothing'}")
        print(f"hostile: FAIL {failures[-1]}")
    else:
        print(f"hostile: ok: {name}: {'answered ' + ','.join(map(str, sorted(set(finals)))) if finals else 'no answer'}")


NOTHING = set()
OR_NOTHING = {None}  # added to a set: no answer at all is also right

# Bytes that are not SIP.
case("1,000 datagrams of random bytes", {400} | OR_NOTHING,
     [os.urandom(rng.randint(1, 1400)) for _ in range(1000)])
invite, cid = message(body=sdp())
case("a request cut off in its headers", {400} | OR_NOTHING, [invite[: invite.index(b"Call-ID")]], cid)
invite, cid = message(body=sdp(), content_length="5000")
case("Content-Length larger than the datagram", {400} | OR_NOTHING, [invite], cid)
invite, cid = message(body=sdp(), content_length="-1")
case("Content-Length -1", {400} | OR_NOTHING, [invite], cid)
invite, cid = message(body=sdp(), content_length="lots")
case("Content-Length not a number", {400} | OR_NOTHING, [invite], cid)
invite, cid = message(body=sdp(), headers={"Subject": "x" * 60000})
case("a 60 KB header in one datagram", {400, 413, 513} | OR_NOTHING, [invite], cid)
invite, cid = message(body=sdp(), drop=("Via",))
case("no Via", {400} | OR_NOTHING, [invite], cid)
invite, cid = message(body=sdp(), drop=("Call-ID",))
case("no Call-ID", {400} | OR_NOTHING, [invite], "")
request, cid = message(method="FROBNICATE")
case("an unknown method", {405, 501}, [request], cid)
invite, cid = message(body=sdp(), headers={"Max-Forwards": "0"})
case("Max-Forwards 0", {483}, [invite], cid)
invite, cid = message(body=sdp("18", "a=rtpmap:18 G729/8000\r\n"))
case("an offer of G.729 only", {488}, [invite], cid)
invite, cid = message(body=b"this is not a session description\r\n")
case("a body that is not SDP", {400, 488}, [invite], cid)
invite, cid = message()
case("an INVITE with no offer", {488}, [invite], cid)
bye, cid = message(method="BYE", headers={"To": f"<sip:{number}@127.0.0.1>;tag=nosuchdialog"})
case("a BYE for no dialog", {481}, [bye], cid)
invite, cid = message(body=sdp(), user="no-such-line")
case("an unknown number", {404}, [invite], cid)

# One Call-ID and From tag, 10,000 INVITEs on new branches: the first is a call (it rings, then is answered), every
# other one gets 482.
flood_id = "%x@flood" % rng.getrandbits(48)
first, _ = message(body=sdp(), call_id=flood_id, ftag="flood", branch="z9hG4bKflood0")
udp.sendto(first, server)
got = answers(0.3)
codes = []
start = time.time()
for i in range(1, 10001):
    again, _ = message(body=sdp(), call_id=flood_id, ftag="flood", branch=f"z9hG4bKflood{i}")
    udp.sendto(again, server)
    if i % 100 == 0:  # keep the socket buffers from overflowing: read what came back so far
        got += answers(0.01)
got += answers(1.0)
flood_seconds = time.time() - start
codes = [c for c, cid in got if cid == flood_id]
refused = sum(1 for c in codes if c == 482)
other = sorted(set(c for c in codes if c >= 200 and c not in (482, 200)))
if refused < 9000 or other:
    failures.append(f"10,000 INVITEs with one Call-ID: {refused} got 482, other final answers {other}")
    print(f"hostile: FAIL {failures[-1]}")
else:
    print(f"hostile: ok: 10,000 INVITEs with one Call-ID in {flood_seconds:.1f} s: {refused} answered 482 (any others "
          f"lost in the socket buffers), no other final answer but the first call's own")
# The first call goes on: cancelled if it still rings, else acknowledged and hung up.
if 200 in codes:
    flood_to = answered_to[flood_id]
    ack, _ = message(method="ACK", call_id=flood_id, ftag="flood", headers={"CSeq": "1 ACK", "To": flood_to})
    bye, _ = message(method="BYE", call_id=flood_id, ftag="flood", headers={"CSeq": "2 BYE", "To": flood_to})
    udp.sendto(ack, server)
    udp.sendto(bye, server)
    want, what = 200, "acknowledged and hung up"
else:
    cancel, _ = message(method="CANCEL", call_id=flood_id, ftag="flood", branch="z9hG4bKflood0",
                        headers={"CSeq": "1 CANCEL"})
    udp.sendto(cancel, server)
    want, what = 487, "cancelled"
after = [c for c, cid in answers(1.0) if cid == flood_id]
if want not in after:
    failures.append(f"the flooded call could not be {what}: got {after}")
    print(f"hostile: FAIL {failures[-1]}")
else:
    print(f"hostile: ok: the flooded call went on as one call and was {what}")

# TCP: bytes that are not SIP, a header of 1 MB, a request cut off, and 50 connections left open and idle.
def tcp_case(name, payload, allowed):
    s = socket.create_connection(server, timeout=2)
    try:
        s.sendall(payload)
    except OSError:
        pass  # the daemon may close the connection while a huge payload is still going out: that is an answer
    got = [c for c, _ in answers(1.0, s)]
    s.close()
    bad = [c for c in got if c >= 200 and c not in allowed]
    if bad:
        failures.append(f"TCP {name}: got {got}")
        print(f"hostile: FAIL {failures[-1]}")
    else:
        print(f"hostile: ok: TCP {name}: {'answered ' + ','.join(map(str, sorted(set(got)))) if got else 'no answer'}")


tcp_case("64 KB of random bytes", os.urandom(65536), {400})
invite, _ = message(body=sdp(), headers={"Subject": "y" * 1_000_000}, transport="TCP")
tcp_case("a 1 MB header", invite, {400, 413, 513})
invite, _ = message(body=sdp(), transport="TCP")
tcp_case("a request cut off, then the connection closed", invite[:200], {400})
idle = [socket.create_connection(server, timeout=2) for _ in range(50)]
for s in idle[:25]:
    s.sendall(b"INVITE sip:")
print("hostile: ok: 50 TCP connections opened and left idle (25 with half a request line)")

# Still serving: OPTIONS over UDP and over TCP (while the idle connections stay open).
options, cid = message(method="OPTIONS")
udp.sendto(options, server)
udp_ok = any(c == 200 and i == cid for c, i in answers(1.0))
s = socket.create_connection(server, timeout=2)
options, cid = message(method="OPTIONS", transport="TCP")
s.sendall(options)
tcp_ok = any(c == 200 for c, _ in answers(1.0, s))
s.close()
for s in idle:
    s.close()
if not (udp_ok and tcp_ok):
    failures.append(f"after the corpus, OPTIONS got 200 over UDP: {udp_ok}, over TCP: {tcp_ok}")
    print(f"hostile: FAIL {failures[-1]}")
else:
    print("hostile: ok: still serving: OPTIONS answered 200 over UDP and TCP")
sys.exit(1 if failures else 0)
