"""A caller who speaks: one call to NUMBER; after AFTER seconds (the prompt), says PHRASE (espeak-ng in VOICE, sent
as PCMU RTP paced at 20 ms), then keeps sending quiet audio; BYE after HOLD seconds in all. The check reads the
call's record to see which way the speech menu routed it.

This test client has its own minimal SIP, because the check is on acdd's speech path, not on SIP.
Usage: python3 scripts/sip/say.py SIP_PORT NUMBER PHRASE [VOICE [AFTER [HOLD]]]
"""
import array
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import warnings
import wave

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  (in Python 3.11, Debian 12's)

port, number, phrase = int(sys.argv[1]), sys.argv[2], sys.argv[3]
voice = sys.argv[4] if len(sys.argv) > 4 else "en-gb"
after = float(sys.argv[5]) if len(sys.argv) > 5 else 2.5
hold = float(sys.argv[6]) if len(sys.argv) > 6 else 6.0
server = ("127.0.0.1", port)

with tempfile.TemporaryDirectory() as scratch:
    path = os.path.join(scratch, "say.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", path, phrase], check=True)
    with wave.open(path) as w:
        frames, rate = w.readframes(w.getnframes()), w.getframerate()
speech = audioop.lin2ulaw(audioop.ratecv(frames, 2, 1, rate, 8000, None)[0], 2)

sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(("127.0.0.1", 0))
sip.settimeout(10)
rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtp.bind(("127.0.0.1", 0))
me, media = sip.getsockname()[1], rtp.getsockname()[1]
call_id = "%x@say" % random.getrandbits(40)


def request(method, cseq, to, body=b"", extra=""):
    head = (
        f"{method} sip:{number}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK{random.getrandbits(40):x}\r\n"
        f"From: <sip:say@127.0.0.1>;tag=say\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n"
        f"Contact: <sip:say@127.0.0.1:{me}>\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
    )
    sip.sendto(head.encode() + body, server)


sdp = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    f"m=audio {media} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
).encode()
request("INVITE", 1, f"<sip:{number}@127.0.0.1>", sdp, "Content-Type: application/sdp\r\n")
to = remote = None
while to is None:
    message = sip.recv(65535).decode(errors="replace")
    status = message.split(" ", 2)[1] if message.startswith("SIP/2.0") else ""
    if status.startswith(("4", "5", "6")):
        sys.exit(f"say: the INVITE got {message.splitlines()[0]}")
    if status == "200":
        to = next(line.split(":", 1)[1].strip() for line in message.split("\r\n") if line.lower().startswith("to:"))
        remote = ("127.0.0.1", int(message.split("m=audio ", 1)[1].split(" ", 1)[0]))
request("ACK", 1, to)
start = time.monotonic()
sequence, stamp, sent = 0, 0, 0
quiet = b"\xff" * 160
while time.monotonic() - start < hold:
    due = start + sequence * 0.02
    time.sleep(max(0.0, due - time.monotonic()))
    t = time.monotonic() - start
    if t >= after and sent < len(speech):
        payload = speech[sent : sent + 160].ljust(160, b"\xff")
        sent += 160
    else:
        payload = quiet
    header = bytes([0x80, 0]) + sequence.to_bytes(2, "big") + stamp.to_bytes(4, "big") + (0x5A1D).to_bytes(4, "big")
    rtp.sendto(header + payload, remote)
    sequence, stamp = (sequence + 1) & 0xFFFF, (stamp + 160) & 0xFFFFFFFF
request("BYE", 2, to)
print(f"say: '{phrase}' ({voice}, {len(speech) / 8000:.2f} s) said {after} s into the call to {number}")
