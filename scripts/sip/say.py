"""A caller who speaks: one call to NUMBER; after AFTER seconds (the prompt), says PHRASE (espeak-ng in VOICE, sent
as PCMU RTP paced at 20 ms), then keeps sending quiet audio; BYE after HOLD seconds in all. The check reads the
call's record to see which way the speech menu routed it.

Its SIP is scripts/sip/minisip.py: the check is on acdd's speech path, not on SIP.
Usage: python3 scripts/sip/say.py SIP_PORT NUMBER PHRASE [VOICE [AFTER [HOLD]]]
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import warnings
import wave

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402  (in Python 3.11, Debian 12's)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from minisip import Call  # noqa: E402

port, number, phrase = int(sys.argv[1]), sys.argv[2], sys.argv[3]
voice = sys.argv[4] if len(sys.argv) > 4 else "en-gb"
after = float(sys.argv[5]) if len(sys.argv) > 5 else 2.5
hold = float(sys.argv[6]) if len(sys.argv) > 6 else 6.0

with tempfile.TemporaryDirectory() as scratch:
    path = os.path.join(scratch, "say.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", path, phrase], check=True)
    with wave.open(path) as w:
        frames, rate = w.readframes(w.getnframes()), w.getframerate()
speech = audioop.lin2ulaw(audioop.ratecv(frames, 2, 1, rate, 8000, None)[0], 2)

rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtp.bind(("127.0.0.1", 0))
call = Call(port, number, "say", rtp.getsockname()[1])
remote = ("127.0.0.1", call.dial())
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
call.bye()
print(f"say: '{phrase}' ({voice}, {len(speech) / 8000:.2f} s) said {after} s into the call to {number}")
