#!/usr/bin/env python3
"""Registers many agents' phones with acdd at one Contact (the bridged-call benchmark's single SIPp UAS answers for
all of them): agent names PREFIX001..., passwords pw-NAME, digest as scripts/sip/agent_phone.py does it. With
--flood N it instead sends N REGISTERs with wrong credentials as fast as it can (a REGISTER flood), and reports how
many got 403 and how fast. Prints a JSON summary.
"""
import argparse
import hashlib
import json
import random
import re
import socket
import time


def register(sock, server, name, password, contact, expires=300, wrong=False):
    call_id = "%x@many" % random.getrandbits(48)
    auth = ""
    for cseq in (1, 2):
        sock.sendto((
            f"REGISTER sip:{server[0]}:{server[1]} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{sock.getsockname()[1]};branch=z9hG4bK{random.getrandbits(48):x}\r\n"
            f"From: <sip:{name}@127.0.0.1>;tag=m{cseq}\r\nTo: <sip:{name}@127.0.0.1>\r\nCall-ID: {call_id}\r\n"
            f"CSeq: {cseq} REGISTER\r\nContact: <sip:{name}@{contact}>\r\nExpires: {expires}\r\nMax-Forwards: 70\r\n"
            f"{auth}Content-Length: 0\r\n\r\n").encode(), server)
        while True:
            reply = sock.recv(65535).decode(errors="replace")
            if f"Call-ID: {call_id}" in reply:
                break
        status = int(reply.split(" ", 2)[1])
        if status != 401:
            return status
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', reply.split("WWW-Authenticate:", 1)[1].split("\r\n")[0]))
        uri = f"sip:{server[0]}:{server[1]}"
        secret = "not-" + password if wrong else password
        ha1 = hashlib.md5(f"{name}:{fields['realm']}:{secret}".encode()).hexdigest()
        ha2 = hashlib.md5(f"REGISTER:{uri}".encode()).hexdigest()
        response = hashlib.md5(f"{ha1}:{fields['nonce']}:00000001:abc:auth:{ha2}".encode()).hexdigest()
        auth = (f'Authorization: Digest username="{name}", realm="{fields["realm"]}", nonce="{fields["nonce"]}", '
                f'uri="{uri}", response="{response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"\r\n')
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--contact", default="127.0.0.1:5060", help="HOST:PORT the phones answer at")
    parser.add_argument("--prefix", default="agent")
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--flood", type=int, default=0, help="send this many wrongly authenticated REGISTERs")
    args = parser.parse_args()
    server = ("127.0.0.1", args.port)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(5)
    codes = {}
    start = time.time()
    if args.flood:
        for i in range(args.flood):
            name = f"{args.prefix}{i % max(1, args.count) + 1:03d}"
            code = register(sock, server, name, f"pw-{name}", args.contact, wrong=True)
            codes[code] = codes.get(code, 0) + 1
    else:
        for i in range(args.count):
            name = f"{args.prefix}{i + 1:03d}"
            code = register(sock, server, name, f"pw-{name}", args.contact)
            codes[code] = codes.get(code, 0) + 1
    seconds = time.time() - start
    n = args.flood or args.count
    print(json.dumps({"requests": n, "codes": codes, "seconds": round(seconds, 2), "per_second": round(n / seconds)}))


if __name__ == "__main__":
    main()
