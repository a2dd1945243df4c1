"""What a SIP caller hears. One call to NUMBER at acdd's SIP port on loopback. Records the RTP it receives for
SECONDS and compares it with the prompt the caller should hear first (a WAV, resampled to 8 kHz).

Prints the packets' spacing and the best correlation of the received audio with the prompt. Exits 1 if that
correlation is below 0.95.

This test client has its own minimal SIP, because the check is on acdd's audio, not on SIP.
Usage: python3 scripts/sip/rtp_capture.py SIP_PORT NUMBER WAV [SECONDS]
"""
import array
import math
import random
import socket
import sys
import time
import warnings
import wave

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  (in Python 3.11, Debian 12's)

port, number, wav = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 4.0
server = ("127.0.0.1", port)
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(("127.0.0.1", 0))
sip.settimeout(10)
rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtp.bind(("127.0.0.1", 0))
rtp.settimeout(0.5)
me, media = sip.getsockname()[1], rtp.getsockname()[1]
call_id = "%x@rtp-capture" % random.getrandbits(40)


def request(method, cseq, to, body=b"", extra=""):
    head = (
        f"{method} sip:{number}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK{random.getrandbits(40):x}\r\n"
        f"From: <sip:capture@127.0.0.1>;tag=capture\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n"
        f"Contact: <sip:capture@127.0.0.1:{me}>\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
    )
    sip.sendto(head.encode() + body, server)


sdp = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    f"m=audio {media} RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
).encode()
request("INVITE", 1, f"<sip:{number}@127.0.0.1>", sdp, "Content-Type: application/sdp\r\n")
to = None
while to is None:
    message = sip.recv(65535).decode(errors="replace")
    status = message.split(" ", 2)[1] if message.startswith("SIP/2.0") else ""
    if status.startswith(("4", "5", "6")):
        sys.exit(f"rtp_capture: the INVITE got {message.splitlines()[0]}")
    if status == "200":
        to = next(line.split(":", 1)[1].strip() for line in message.split("\r\n") if line.lower().startswith("to:"))
request("ACK", 1, to)
packets = []
start = time.time()
while time.time() - start < seconds:
    try:
        data, source = rtp.recvfrom(2000)
    except socket.timeout:
        continue
    packets.append((time.time(), data))
    rtp.sendto(data[:12] + b"\xff" * 160, source)  # the caller's own (silent) audio, so the call stays up
request("BYE", 2, to)
if len(packets) < 10:
    sys.exit(f"rtp_capture: only {len(packets)} RTP packets in {seconds} s")
received = array.array("h", b"".join(audioop.ulaw2lin(d[12:], 2) for _, d in packets))
gaps = sorted((packets[i + 1][0] - packets[i][0]) * 1000 for i in range(len(packets) - 1))
with wave.open(wav) as w:
    frames, rate, width = w.readframes(w.getnframes()), w.getframerate(), w.getsampwidth()
if w.getnchannels() == 2:
    frames = audioop.tomono(frames, width, 0.5, 0.5)
reference = array.array("h", audioop.ratecv(audioop.lin2lin(frames, width, 2), 2, 1, rate, 8000, None)[0])
n = len(reference)
best = (0.0, 0)
for lag in range(0, 1600, 8):  # the first 200 ms
    part = received[lag : lag + n]
    if len(part) < n:
        break
    num = sum(part[i] * reference[i] for i in range(0, n, 2))
    den = math.sqrt(sum(part[i] ** 2 for i in range(0, n, 2)) * sum(reference[i] ** 2 for i in range(0, n, 2)))
    if den and num / den > best[0]:
        best = (num / den, lag)
print(
    f"rtp_capture: {len(packets)} packets in {seconds:.1f} s, spacing p50 {gaps[len(gaps) // 2]:.2f} ms, "
    f"p99 {gaps[int(len(gaps) * 0.99)]:.2f} ms; the {n / 8000:.3f} s prompt correlates {best[0]:.3f} with what "
    f"was heard from {best[1] / 8:.0f} ms"
)
sys.exit(0 if best[0] >= 0.95 else 1)
