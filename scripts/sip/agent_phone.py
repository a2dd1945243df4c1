#!/usr/bin/env python3
"""An agent's SIP phone for the SIP agent checks (scripts/sip-agent-checks.sh): it REGISTERs with acdd using digest
authentication (RFC 2617, qop auth), then takes the INVITEs acdd sends it as its mode says:

  answer   180, then 200 after --answer-after seconds; RTP it receives is echoed back (so a caller can time the
           bridge), and it hangs up after --hang-up-after seconds unless acdd's BYE comes first;
  ignore   180 and nothing more (acdd's ring time runs out: CANCEL, answered 200 and 487);
  busy     486 Busy Here.

It runs until --seconds have passed (or SIGTERM), then unregisters (Expires: 0) unless --stay, and prints a JSON summary.
SIPp and baresip check the same REGISTER and INVITE with clients nobody here wrote; this one can be told to fail.
"""
import argparse
import hashlib
import json
import random
import re
import signal
import socket
import struct
import sys
import threading
import time


def header(message, name):
    for line in message.split("\r\n"):
        if line.lower().startswith(name.lower() + ":"):
            return line.split(":", 1)[1].strip()
    return ""


class Phone:
    def __init__(self, args):
        self.args = args
        self.server = ("127.0.0.1", args.port)
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind(("127.0.0.1", args.sip_port))
        self.sip.settimeout(0.2)
        self.me = self.sip.getsockname()[1]
        self.media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.media.bind(("127.0.0.1", 0))
        self.media.settimeout(0.2)
        self.media_port = self.media.getsockname()[1]
        self.call_id = "%x@phone-%s" % (random.getrandbits(40), args.name)
        self.cseq = 0
        self.summary = {"agent": args.name, "register": [], "invites": 0, "cancels": 0, "answered": 0, "busy": 0,
                        "byes_received": 0, "byes_sent": 0, "rtp_received": 0, "rtp_echoed": 0}
        self.dialog = None  # the INVITE we answered: (message, to-tag, acdd's RTP address)
        self.stop = False

    # REGISTER

    def register(self, expires):
        auth = ""
        for _ in range(3):
            self.cseq += 1
            self.send(
                f"REGISTER sip:127.0.0.1:{self.args.port} SIP/2.0\r\n"
                f"Via: SIP/2.0/UDP 127.0.0.1:{self.me};branch=z9hG4bK{random.getrandbits(40):x}\r\n"
                f"From: <sip:{self.args.name}@127.0.0.1>;tag=reg{self.args.name}\r\n"
                f"To: <sip:{self.args.name}@127.0.0.1>\r\nCall-ID: {self.call_id}\r\nCSeq: {self.cseq} REGISTER\r\n"
                f"Contact: <sip:{self.args.name}@127.0.0.1:{self.me}>\r\nExpires: {expires}\r\nMax-Forwards: 70\r\n"
                f"{auth}Content-Length: 0\r\n\r\n")
            if self.args.verbose:
                print(f"{time.strftime('%H:%M:%S')} {self.args.name}:{self.me} REGISTER expires {expires}",
                      file=sys.stderr)
            reply = self.wait_reply("REGISTER")
            status = int(reply.split(" ", 2)[1]) if reply else 0
            self.summary["register"].append(status)
            if status != 401:
                return status
            challenge = header(reply, "WWW-Authenticate")
            fields = dict(re.findall(r'(\w+)="?([^",]*)"?', challenge))
            uri = f"sip:127.0.0.1:{self.args.port}"
            ha1 = hashlib.md5(f"{self.args.name}:{fields['realm']}:{self.args.password}".encode()).hexdigest()
            ha2 = hashlib.md5(f"REGISTER:{uri}".encode()).hexdigest()
            cnonce, nc = "%x" % random.getrandbits(32), "00000001"
            response = hashlib.md5(f"{ha1}:{fields['nonce']}:{nc}:{cnonce}:auth:{ha2}".encode()).hexdigest()
            auth = (f'Authorization: Digest username="{self.args.name}", realm="{fields["realm"]}", '
                    f'nonce="{fields["nonce"]}", uri="{uri}", response="{response}", algorithm=MD5, qop=auth, '
                    f'nc={nc}, cnonce="{cnonce}"\r\n')
        return 0

    def wait_reply(self, method):
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                message = self.sip.recv(65535).decode(errors="replace")
            except socket.timeout:
                continue
            if message.startswith("SIP/2.0") and header(message, "CSeq").endswith(method):
                return message
            self.handle(message)
        return ""

    def send(self, text, to=None):
        self.sip.sendto(text.encode(), to or self.server)

    # INVITEs from acdd

    def reply(self, request, status, reason, tag, body="", extra=""):
        lines = [f"SIP/2.0 {status} {reason}"]
        for name in ("Via", "From", "Call-ID", "CSeq"):
            lines += [f"{name}: {v}" for v in self.all(request, name)]
        to = header(request, "To")
        lines.append(f"To: {to}" + ("" if "tag=" in to or not tag else f";tag={tag}"))
        lines.append(f"Contact: <sip:{self.args.name}@127.0.0.1:{self.me}>")
        if body:
            lines.append("Content-Type: application/sdp")
        self.send("\r\n".join(lines) + f"\r\n{extra}Content-Length: {len(body)}\r\n\r\n{body}")

    @staticmethod
    def all(message, name):
        return [line.split(":", 1)[1].strip() for line in message.split("\r\n")
                if line.lower().startswith(name.lower() + ":")]

    def handle(self, message):
        if message.startswith("INVITE "):
            self.summary["invites"] += 1
            tag = "ph%x" % random.getrandbits(24)
            if self.args.mode == "busy":
                self.summary["busy"] += 1
                self.reply(message, 486, "Busy Here", tag)
                return
            self.reply(message, 180, "Ringing", tag)
            if self.args.mode == "answer":
                threading.Timer(self.args.answer_after, self.answer, (message, tag)).start()
            else:
                self.ringing = (message, tag)
        elif message.startswith("CANCEL "):
            self.summary["cancels"] += 1
            self.reply(message, 200, "OK", None)
            invite, tag = getattr(self, "ringing", (None, None))
            if invite:
                self.reply(invite, 487, "Request Terminated", tag)
        elif message.startswith("BYE "):
            self.summary["byes_received"] += 1
            self.reply(message, 200, "OK", None)
            self.dialog = None
        elif message.startswith("ACK "):
            pass

    def answer(self, invite, tag):
        offer = invite.split("\r\n\r\n", 1)[1]
        codec = "8" if self.args.codec == "PCMA" else "0"
        sdp = ("v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               f"m=audio {self.media_port} RTP/AVP {codec}\r\na=rtpmap:{codec} {self.args.codec}/8000\r\n")
        self.reply(invite, 200, "OK", tag, sdp)
        self.summary["answered"] += 1
        port = int(re.search(r"m=audio (\d+)", offer).group(1))
        self.dialog = (invite, tag, ("127.0.0.1", port))
        if self.args.hang_up_after > 0:
            threading.Timer(self.args.hang_up_after, self.hang_up, (invite, tag)).start()

    def hang_up(self, invite, tag):
        if not self.dialog or self.dialog[0] is not invite:
            return
        contact = re.search(r"<([^>]+)>", header(invite, "Contact")).group(1)
        self.send(
            f"BYE {contact} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{self.me};branch=z9hG4bK{random.getrandbits(40):x}\r\n"
            f"From: {header(invite, 'To')};tag={tag}\r\nTo: {header(invite, 'From')}\r\n"
            f"Call-ID: {header(invite, 'Call-ID')}\r\nCSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
        self.summary["byes_sent"] += 1
        self.dialog = None

    def echo(self):
        while not self.stop:
            try:
                packet, source = self.media.recvfrom(2048)
            except socket.timeout:
                continue
            self.summary["rtp_received"] += 1
            if self.dialog and source == self.dialog[2]:
                self.media.sendto(packet, source)
                self.summary["rtp_echoed"] += 1

    def talk(self):
        """--send: while a call is up, the phone sends its own 20 ms packets (as a real phone's microphone does),
        so its leg has media whether or not the caller's does."""
        seq, next_send = 0, time.time()
        while not self.stop:
            dialog = self.dialog
            if dialog:
                header = struct.pack("!BBHII", 0x80, 8 if self.args.codec == "PCMA" else 0, seq & 0xFFFF, seq * 160,
                                     0x50484F4E)
                self.media.sendto(header + bytes([0xD5 if self.args.codec == "PCMA" else 0xFF]) * 160, dialog[2])
                self.summary["rtp_sent"] = self.summary.get("rtp_sent", 0) + 1
                seq += 1
            next_send += 0.02
            time.sleep(max(0, next_send - time.time()))

    def run(self):
        status = self.register(self.args.expires)
        if status != 200:
            return
        threading.Thread(target=self.echo, daemon=True).start()
        if self.args.send:
            threading.Thread(target=self.talk, daemon=True).start()
        self.deadline = time.time() + self.args.seconds
        # SIGTERM: hang up the phone now (unregister unless --stay), as at the end of --seconds.
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "deadline", 0))
        while time.time() < self.deadline:
            try:
                self.handle(self.sip.recv(65535).decode(errors="replace"))
            except socket.timeout:
                pass
        if not self.args.stay:
            self.register(0)
        self.stop = True


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True, help="acdd's SIP port on 127.0.0.1")
    parser.add_argument("--name", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--mode", choices=["answer", "ignore", "busy"], default="answer")
    parser.add_argument("--answer-after", type=float, default=0.5)
    parser.add_argument("--hang-up-after", type=float, default=0, help="seconds after answering; 0: never")
    parser.add_argument("--codec", choices=["PCMU", "PCMA"], default="PCMU")
    parser.add_argument("--expires", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--sip-port", type=int, default=0)
    parser.add_argument("--stay", action="store_true",
                        help="at the end vanish: no unregistering, no BYE for a call that is up")
    parser.add_argument("--send", action="store_true", help="send the phone's own RTP while a call is up")
    parser.add_argument("--verbose", action="store_true", help="say each REGISTER on stderr")
    parser.add_argument("--summary", help="write the JSON summary here (default: stdout)")
    args = parser.parse_args()
    phone = Phone(args)
    phone.run()
    text = json.dumps(phone.summary)
    if args.summary:
        with open(args.summary, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
