#!/usr/bin/env python3
"""Registers many agents' phones with acdd at one Contact (the bridged-call benchmark's single SIPp UAS answers for
all of them): agent names PREFIX001..., passwords pw-NAME, digest as scripts/sip/agent_phone.py does it. With
--flood N it instead sends N REGISTERs with wrong credentials as fast as it can (a REGISTER flood), each answering
acdd's 401 challenge with a wrong digest, and reports how many got 403 and how fast. Once acdd stops answering (its
lockout of an address that keeps guessing), the rest are sent without waiting, each with the last challenge's nonce,
and the answers that still come are counted. Prints a JSON summary ("unanswered": sent and never answered).
"""
import argparse
import hashlib
import json
import random
import re
import socket
import time


def request(sock, name, contact, expires, cseq, call_id, auth):
    return (f"REGISTER sip:{SERVER[0]}:{SERVER[1]} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{sock.getsockname()[1]};branch=z9hG4bK{random.getrandbits(48):x}\r\n"
            f"From: <sip:{name}@127.0.0.1>;tag=m{cseq}\r\nTo: <sip:{name}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
            f"CSeq: {cseq} REGISTER\r\nContact: <sip:{name}@{contact}>\r\nExpires: {expires}\r\n"
            f"Max-Forwards: 70\r\n{auth}Content-Length: 0\r\n\r\n").encode()


def digest(name, password, nonce, realm):
    uri = f"sip:{SERVER[0]}:{SERVER[1]}"
    ha1 = hashlib.md5(f"{name}:{realm}:{password}".encode()).hexdigest()
    ha2 = hashlib.md5(f"REGISTER:{uri}".encode()).hexdigest()
    response = hashlib.md5(f"{ha1}:{nonce}:00000001:abc:auth:{ha2}".encode()).hexdigest()
    return (f'Authorization: Digest username="{name}", realm="{realm}", nonce="{nonce}", '
            f'uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"\r\n')


LAST_CHALLENGE = {}


def register(sock, server, name, password, contact, expires=300, wrong=False):
    """The status acdd answered with, or None when it did not answer within the socket's timeout."""
    call_id = "%x@many" % random.getrandbits(48)
    auth = ""
    for cseq in (1, 2):
        sock.sendto(request(sock, name, contact, expires, cseq, call_id, auth), server)
        while True:
            try:
                reply = sock.recv(65535).decode(errors="replace")
            except socket.timeout:
                return None
            if f"Call-ID: {call_id}" in reply:
                break
        status = int(reply.split(" ", 2)[1])
        if status != 401:
            return status
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', reply.split("WWW-Authenticate:", 1)[1].split("\r\n")[0]))
        LAST_CHALLENGE.update(fields)
        auth = digest(name, "not-" + password if wrong else password, fields["nonce"], fields["realm"])
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--contact", default="127.0.0.1:5060", help="HOST:PORT the phones answer at")
    parser.add_argument("--prefix", default="agent")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--flood", type=int, default=0, help="send this many wrongly authenticated REGISTERs")
    args = parser.parse_args()
    global SERVER
    server = SERVER = ("127.0.0.1", args.port)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    codes = {}
    start = time.time()
    unanswered = 0
    if args.flood:
        sock.settimeout(1)
        sent = 0
        for i in range(args.flood):
            name = f"{args.prefix}{i % max(1, args.count) + 1:03d}"
            code = register(sock, server, name, f"pw-{name}", args.contact, wrong=True)
            sent += 1
            if code is None:
                unanswered += 1
                break
            codes[code] = codes.get(code, 0) + 1
        # Not answered any more: the rest as fast as the socket takes them, then whatever answers still come.
        rest = args.flood - sent
        for i in range(rest):
            name = f"{args.prefix}{i % max(1, args.count) + 1:03d}"
            auth = digest(name, "wrong", LAST_CHALLENGE.get("nonce", "0" * 32), LAST_CHALLENGE.get("realm", "acdd"))
            sock.sendto(request(sock, name, args.contact, 300, 2, "%x@flood" % random.getrandbits(48), auth), server)
        sock.settimeout(0.5)
        answers = 0
        while rest:
            try:
                reply = sock.recv(65535).decode(errors="replace")
            except socket.timeout:
                break
            code = int(reply.split(" ", 2)[1])
            codes[code] = codes.get(code, 0) + 1
            answers += 1
        unanswered += rest - answers
    else:
        for i in range(args.count):
            name = f"{args.prefix}{i + 1:03d}"
            code = register(sock, server, name, f"pw-{name}", args.contact)
            codes[code] = codes.get(code, 0) + 1
    seconds = time.time() - start
    n = args.flood or args.count
    print(json.dumps({"requests": n, "codes": codes, "unanswered": unanswered, "seconds": round(seconds, 2),
                      "per_second": round(n / seconds)}))


if __name__ == "__main__":
    main()
