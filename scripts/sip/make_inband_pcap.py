"""Writes a pcap of RTP (PCMU, payload 0) carrying DTMF digits as in-band tones, for SIPp's play_pcap_audio. Each
digit is 120 ms of its two ITU-T Q.23 frequencies followed by 200 ms of silence, in 20 ms packets, after 100 ms of
silence. Usage: python3 scripts/sip/make_inband_pcap.py OUT.pcap DIGITS"""
import math
import struct
import sys
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)
import audioop  # noqa: E402

LOW = {"1": 697, "2": 697, "3": 697, "4": 770, "5": 770, "6": 770, "7": 852, "8": 852, "9": 852, "*": 941, "0": 941, "#": 941}
HIGH = {"1": 1209, "2": 1336, "3": 1477, "4": 1209, "5": 1336, "6": 1477, "7": 1209, "8": 1336, "9": 1477, "*": 1209,
        "0": 1336, "#": 1477}
out, digits = sys.argv[1], sys.argv[2]
samples = [0] * 800
for d in digits:
    samples += [int(6000 * (math.sin(2 * math.pi * LOW[d] * i / 8000) + math.sin(2 * math.pi * HIGH[d] * i / 8000)))
                for i in range(960)]
    samples += [0] * 1600
pcm = struct.pack("<%dh" % len(samples), *samples)
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet link type
    for k in range(0, len(samples) // 160):
        payload = audioop.lin2ulaw(pcm[k * 320:(k + 1) * 320], 2)
        rtp = struct.pack(">BBHII", 0x80, 0, k, k * 160, 0x1234) + payload
        udp = struct.pack(">HHHH", 6000, 6002, 8 + len(rtp), 0) + rtp
        ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), k, 0, 64, 17, 0, bytes([127, 0, 0, 1]),
                         bytes([127, 0, 0, 1])) + udp
        frame = b"\x00" * 12 + b"\x08\x00" + ip
        t = k * 20000
        f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(frame), len(frame)) + frame)
