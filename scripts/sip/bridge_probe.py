#!/usr/bin/env python3
"""A caller for the SIP agent checks: dials NUMBER on acdd, and once answered sends 20 ms PCMU packets whose payload
carries a mark and a sequence number. An agent phone that echoes its RTP (scripts/sip/agent_phone.py) sends them
back through acdd's bridge, so the caller sees its own packets return: how many came back, and the round trip
caller -> acdd -> agent -> acdd -> caller. Hangs up (BYE) after --seconds of sending, unless acdd's BYE comes first.
Prints a JSON summary.
"""
import argparse
import json
import socket
import struct
import threading
import time

from minisip import Call

MARK = b"ACDDPROBE"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--number", required=True)
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--wait", type=float, default=30, help="longest wait for the echo to begin")
    parser.add_argument("--no-bye", action="store_true", help="stay on the line; acdd or the agent ends the call")
    args = parser.parse_args()
    media = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    media.bind(("127.0.0.1", 0))
    media.settimeout(0.02)
    call = Call(args.port, args.number, "probe", media.getsockname()[1])
    acdd = ("127.0.0.1", call.dial())
    sent = {}
    rtts = []
    received = 0
    ended = threading.Event()

    def watch_sip():  # acdd's BYE (the agent hung up)
        call.sip.settimeout(0.2)
        while not ended.is_set():
            try:
                message = call.sip.recv(65535).decode(errors="replace")
            except socket.timeout:
                continue
            if message.startswith("BYE "):
                lines = [l for l in message.split("\r\n") if l.split(":", 1)[0].lower() in ("via", "from", "to",
                                                                                             "call-id", "cseq")]
                call.sip.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(lines) + "\r\nContent-Length: 0\r\n\r\n").encode(),
                                call.server)
                ended.set()

    threading.Thread(target=watch_sip, daemon=True).start()
    start = time.time()
    first_echo = None
    seq = 0
    next_send = time.time()
    while not ended.is_set():
        now = time.time()
        if first_echo is None and now - start > args.wait:
            break
        if first_echo is not None and now - first_echo > args.seconds:
            break
        if now >= next_send:
            payload = MARK + struct.pack("!I", seq) + bytes([0xFF]) * (160 - len(MARK) - 4)
            header = struct.pack("!BBHII", 0x80, 0, seq & 0xFFFF, seq * 160, 0x4D4D4D4D)
            media.sendto(header + payload, acdd)
            sent[seq] = time.time()
            seq += 1
            next_send += 0.02
        try:
            packet = media.recv(2048)
        except socket.timeout:
            continue
        received += 1
        body = packet[12:]
        if body.startswith(MARK):
            (n,) = struct.unpack("!I", body[len(MARK):len(MARK) + 4])
            if n in sent:
                rtts.append((time.time() - sent[n]) * 1000)
                first_echo = first_echo or time.time()
    vanished = time.time()
    bye = not ended.is_set() and not args.no_bye
    if bye:
        call.bye()
    got_bye = ended.wait(20) if args.no_bye else ended.is_set()
    ended.set()
    rtts.sort()

    def q(p):
        return round(rtts[min(len(rtts) - 1, int(len(rtts) * p))], 2) if rtts else None

    print(json.dumps({"sent": seq, "received": received, "echoed": len(rtts), "rtt_ms_p50": q(0.5),
                      "rtt_ms_p99": q(0.99), "rtt_ms_max": q(1.0), "caller_bye": bye,
                      "acdd_bye": got_bye, "waited_for_bye": round(time.time() - vanished, 2)}))


if __name__ == "__main__":
    main()
