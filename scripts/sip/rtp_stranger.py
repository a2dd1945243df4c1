"""RTP from an address that is not the call's must be ignored. One call to NUMBER (PCMU and telephone-event 101
offered from this client's media port). Once the menu plays, a second socket (another port: a stranger) sends key
STRANGER_KEY as RFC 4733 events to the call's RTP port; half a second later the caller's own socket sends CALLER_KEY.
Then BYE. The check reads the call's record: the flow must have taken CALLER_KEY.

This test client has its own minimal SIP, because the check is on acdd's media, not on SIP.
Usage: python3 scripts/sip/rtp_stranger.py SIP_PORT NUMBER STRANGER_KEY CALLER_KEY [MENU_AFTER_SECONDS]
"""
import random
import re
import socket
import struct
import sys
import time

port, number, stranger_key, caller_key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
menu_after = float(sys.argv[5]) if len(sys.argv) > 5 else 2.5
server = ("127.0.0.1", port)
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(("127.0.0.1", 0))
sip.settimeout(10)
caller, stranger = (socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2))
caller.bind(("127.0.0.1", 0))
stranger.bind(("127.0.0.1", 0))
me, media = sip.getsockname()[1], caller.getsockname()[1]
call_id = "%x@rtp-stranger" % random.getrandbits(40)


def request(method, cseq, to, body=b"", extra=""):
    head = (
        f"{method} sip:{number}@127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{me};branch=z9hG4bK{random.getrandbits(40):x}\r\n"
        f"From: <sip:stranger-check@127.0.0.1>;tag=check\r\nTo: {to}\r\nCall-ID: {call_id}\r\nCSeq: {cseq} {method}\r\n"
        f"Contact: <sip:check@127.0.0.1:{me}>\r\n{extra}Content-Length: {len(body)}\r\n\r\n"
    )
    sip.sendto(head.encode() + body, server)


def key_events(sock, key, seq, ts, ssrc, target):
    """Key `key` as RFC 4733: three updates and three copies of the end packet, 20 ms apart."""
    event = "0123456789*#".index(key)
    for i in range(6):
        end = i >= 3
        payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, 160 * (min(i, 3) + 1))
        header = struct.pack("!BBHII", 0x80, (0x80 if i == 0 else 0) | 101, seq + i, ts, ssrc)
        sock.sendto(header + payload, target)
        time.sleep(0.02)


sdp = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    f"m=audio {media} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-15\r\n"
).encode()
request("INVITE", 1, f"<sip:{number}@127.0.0.1>", sdp, "Content-Type: application/sdp\r\n")
to = None
while to is None:
    message = sip.recv(65535).decode(errors="replace")
    status = message.split(" ", 2)[1] if message.startswith("SIP/2.0") else ""
    if status.startswith(("4", "5", "6")):
        sys.exit(f"rtp_stranger: the INVITE got {message.splitlines()[0]}")
    if status == "200":
        to = next(line.split(":", 1)[1].strip() for line in message.split("\r\n") if line.lower().startswith("to:"))
        rtp_port = int(re.search(r"m=audio (\d+)", message).group(1))
request("ACK", 1, to)
time.sleep(menu_after)
key_events(stranger, stranger_key, 1000, 8000, 0x5EED, ("127.0.0.1", rtp_port))
time.sleep(0.5)
key_events(caller, caller_key, 2000, 16000, 0xCA11, ("127.0.0.1", rtp_port))
time.sleep(1.0)
request("BYE", 2, to)
print(f"rtp_stranger: key {stranger_key} sent from port {stranger.getsockname()[1]} (not the call's), then key "
      f"{caller_key} from the call's own port {media}, to acdd's RTP port {rtp_port}")
