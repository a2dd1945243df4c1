"""The least SIP a test client needs to place one call to acdd on loopback over UDP: INVITE with a G.711 offer,
wait for the 200, ACK, BYE. The SIP checks' own clients (rtp_capture.py, rtp_stranger.py, say.py) use it: they
check acdd's media and speech, not its SIP, which SIPp and baresip check.
"""
import random
import re
import socket
import sys


class Call:
    def __init__(self, port, number, name, media_port, telephone_events=False):
        self.server = ("127.0.0.1", port)
        self.port, self.number, self.name = port, number, name
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", 0))
        self.sip.settimeout(10)
        self.me = self.sip.getsockname()[1]
        self.media_port = media_port
        self.telephone_events = telephone_events
        self.call_id = "%x@%s" % (random.getrandbits(40), name)
        self.to = None
        self.answer = ""

    def request(self, method, cseq, to, body=b"", extra=""):
        head = (
            f"{method} sip:{self.number}@127.0.0.1:{self.port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{self.me};branch=z9hG4bK{random.getrandbits(40):x}\r\n"
            f"From: <sip:{self.name}@127.0.0.1>;tag={self.name}\r\nTo: {to}\r\nCall-ID: {self.call_id}\r\n"
            f"CSeq: {cseq} {method}\r\nContact: <sip:{self.name}@127.0.0.1:{self.me}>\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        self.sip.sendto(head.encode() + body, self.server)

    def dial(self):
        """INVITE, wait for the 200 (exits with the status on a 4xx-6xx), ACK. Returns acdd's RTP port."""
        formats, maps = ("0 101", "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n") \
            if self.telephone_events else ("0", "")
        sdp = (
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            f"m=audio {self.media_port} RTP/AVP {formats}\r\na=rtpmap:0 PCMU/8000\r\n{maps}"
        ).encode()
        self.request("INVITE", 1, f"<sip:{self.number}@127.0.0.1>", sdp, "Content-Type: application/sdp\r\n")
        while self.to is None:
            message = self.sip.recv(65535).decode(errors="replace")
            status = message.split(" ", 2)[1] if message.startswith("SIP/2.0") else ""
            if status.startswith(("4", "5", "6")):
                sys.exit(f"{self.name}: the INVITE got {message.splitlines()[0]}")
            if status == "200":
                self.answer = message
                self.to = next(
                    line.split(":", 1)[1].strip() for line in message.split("\r\n") if line.lower().startswith("to:"))
        self.request("ACK", 1, self.to)
        return int(re.search(r"m=audio (\d+)", self.answer).group(1))

    def bye(self):
        self.request("BYE", 2, self.to)
