"""What a SIP caller hears. One call to NUMBER at acdd's SIP port on loopback. Records the RTP it receives for
SECONDS and compares it with the prompt the caller should hear first (a WAV, resampled to 8 kHz).

Prints the packets' spacing and the best correlation of the received audio with the prompt. Given the prompt that
follows it (NEXT_WAV), also finds where that one starts in what was heard, so the first prompt's heard duration is
the gap between the two onsets. Exits 1 if either correlation (the next prompt's over its first 1.5 s) is below
0.95, or the heard duration is more than 40 ms from the file's.

Its SIP is scripts/sip/minisip.py: the check is on acdd's audio, not on SIP.
Usage: python3 scripts/sip/rtp_capture.py SIP_PORT NUMBER WAV [SECONDS [NEXT_WAV]]
"""
import array
import math
import os
import socket
import sys
import time
import warnings
import wave

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  (in Python 3.11, Debian 12's)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from minisip import Call  # noqa: E402

port, number, wav = int(sys.argv[1]), sys.argv[2], sys.argv[3]
seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 4.0
next_wav = sys.argv[5] if len(sys.argv) > 5 else None
rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtp.bind(("127.0.0.1", 0))
rtp.settimeout(0.5)
call = Call(port, number, "capture", rtp.getsockname()[1])
call.dial()
packets = []
start = time.time()
while time.time() - start < seconds:
    try:
        data, source = rtp.recvfrom(2000)
    except socket.timeout:
        continue
    packets.append((time.time(), data))
    rtp.sendto(data[:12] + b"\xff" * 160, source)  # the caller's own (silent) audio, so the call stays up
call.bye()
if len(packets) < 10:
    sys.exit(f"rtp_capture: only {len(packets)} RTP packets in {seconds} s")
received = array.array("h", b"".join(audioop.ulaw2lin(d[12:], 2) for _, d in packets))
if os.environ.get("RTP_CAPTURE_RAW"):
    open(os.environ["RTP_CAPTURE_RAW"], "wb").write(received.tobytes())
gaps = sorted((packets[i + 1][0] - packets[i][0]) * 1000 for i in range(len(packets) - 1))


def load(path):
    """The WAV as 16-bit mono samples at 8 kHz."""
    with wave.open(path) as w:
        frames, rate, width, channels = w.readframes(w.getnframes()), w.getframerate(), w.getsampwidth(), w.getnchannels()
    if channels == 2:
        frames = audioop.tomono(frames, width, 0.5, 0.5)
    return array.array("h", audioop.ratecv(audioop.lin2lin(frames, width, 2), 2, 1, rate, 8000, None)[0])


def correlation(reference, lag, step=2):
    """The normalised correlation of `reference` with what was heard from sample `lag` on (every `step`th sample)."""
    n = len(reference)
    part = received[lag : lag + n]
    if len(part) < n:
        return 0.0
    num = sum(part[i] * reference[i] for i in range(0, n, step))
    den = math.sqrt(sum(part[i] ** 2 for i in range(0, n, step)) * sum(reference[i] ** 2 for i in range(0, n, step)))
    return num / den if den else 0.0


def envelope(samples):
    """Mean magnitude over each 1 ms (8 samples): smooth enough to search at 1 ms steps."""
    return [sum(abs(v) for v in samples[i : i + 8]) / 8 for i in range(0, len(samples) - 7, 8)]


def best_lag(reference, first, last):
    """The lag (samples) in [first, last) where `reference` starts in what was heard, and the correlation there.
    Speech at 8 kHz decorrelates within a few samples, so: the best 1 ms step by the envelopes' correlation, then
    the best sample within 2 ms of it by the samples' own."""
    env_ref, env_rx = envelope(reference), envelope(received)
    mean_ref = sum(env_ref) / len(env_ref)
    coarse, best_env = first // 8, -2.0
    for k in range(first // 8, last // 8):
        part = env_rx[k : k + len(env_ref)]
        if len(part) < len(env_ref):
            break
        mean = sum(part) / len(part)
        num = sum((p - mean) * (r - mean_ref) for p, r in zip(part, env_ref))
        den = math.sqrt(sum((p - mean) ** 2 for p in part) * sum((r - mean_ref) ** 2 for r in env_ref))
        if den and num / den > best_env:
            coarse, best_env = k, num / den
    return max((correlation(reference, lag), lag) for lag in range(max(0, coarse * 8 - 16), coarse * 8 + 17))


reference = load(wav)
n = len(reference)
best = best_lag(reference, 0, 1600)  # it starts in the first 200 ms
report = (
    f"rtp_capture: {len(packets)} packets in {seconds:.1f} s, spacing p50 {gaps[len(gaps) // 2]:.2f} ms, "
    f"p99 {gaps[int(len(gaps) * 0.99)]:.2f} ms; the {n / 8000:.3f} s prompt correlates {best[0]:.3f} with what "
    f"was heard from {best[1] / 8:.0f} ms"
)
ok = best[0] >= 0.95
if next_wav:
    following = load(next_wav)[:12000]  # its first 1.5 s
    found = best_lag(following, max(0, best[1] + n - 2400), best[1] + n + 2400)
    heard = (found[1] - best[1]) / 8
    report += (
        f"; the next prompt (correlation {found[0]:.3f}) starts {heard:.0f} ms after it, so it was heard for "
        f"{heard:.0f} ms of its {n / 8:.0f} ms"
    )
    ok = ok and found[0] >= 0.95 and abs(heard - n / 8) <= 40
print(report)
sys.exit(0 if ok else 1)
