"""RTP from an address that is not the call's must be ignored. One call to NUMBER (PCMU and telephone-event 101
offered from this client's media port). Once the menu plays, a second socket (another port: a stranger) sends key
STRANGER_KEY as RFC 4733 events to the call's RTP port; half a second later the caller's own socket sends CALLER_KEY.
Then BYE. The check reads the call's record: the flow must have taken CALLER_KEY.

Its SIP is scripts/sip/minisip.py: the check is on acdd's media, not on SIP.
Usage: python3 scripts/sip/rtp_stranger.py SIP_PORT NUMBER STRANGER_KEY CALLER_KEY [MENU_AFTER_SECONDS]
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from minisip import Call  # noqa: E402

port, number, stranger_key, caller_key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
menu_after = float(sys.argv[5]) if len(sys.argv) > 5 else 2.5
caller, stranger = (socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2))
caller.bind(("127.0.0.1", 0))
stranger.bind(("127.0.0.1", 0))
media = caller.getsockname()[1]
call = Call(port, number, "stranger-check", media, telephone_events=True)


def key_events(sock, key, seq, ts, ssrc, target):
    """Key `key` as RFC 4733: three updates and three copies of the end packet, 20 ms apart."""
    event = "0123456789*#".index(key)
    for i in range(6):
        end = i >= 3
        payload = struct.pack("!BBH", event, (0x80 if end else 0) | 10, 160 * (min(i, 3) + 1))
        header = struct.pack("!BBHII", 0x80, (0x80 if i == 0 else 0) | 101, seq + i, ts, ssrc)
        sock.sendto(header + payload, target)
        time.sleep(0.02)


rtp_port = call.dial()
time.sleep(menu_after)
key_events(stranger, stranger_key, 1000, 8000, 0x5EED, ("127.0.0.1", rtp_port))
time.sleep(0.5)
key_events(caller, caller_key, 2000, 16000, 0xCA11, ("127.0.0.1", rtp_port))
time.sleep(1.0)
call.bye()
print(f"rtp_stranger: key {stranger_key} sent from port {stranger.getsockname()[1]} (not the call's), then key "
      f"{caller_key} from the call's own port {media}, to acdd's RTP port {rtp_port}")
