#!/usr/bin/python3
"""libzmq's side of a torture scenario, through pyzmq (Debian's python3-zmq,
on libzmq 4.3.4): the same flags, messages, record file and output lines as
main.go beside it, which is zring's. See main.go's doc comment."""

import argparse
import mmap
import os
import signal
import struct
import sys
import threading
import time

import zmq
from zmq.utils.monitor import recv_monitor_message


def main():
    p = argparse.ArgumentParser()
    p.add_argument("-type", default="PULL")
    p.add_argument("-bind", default="")
    p.add_argument("-connect", default="")
    p.add_argument("-sndhwm", type=int, default=1000)
    p.add_argument("-rcvhwm", type=int, default=1000)
    p.add_argument("-hb-ivl", type=int, default=0)
    p.add_argument("-hb-timeout", type=int, default=0)
    p.add_argument("-hb-ttl", type=int, default=0)
    p.add_argument("-reconnect-ivl", type=int, default=100)
    p.add_argument("-linger", type=int, default=0)
    p.add_argument("-sndtimeo", type=int, default=-1)
    p.add_argument("-topics", type=int, default=0)
    p.add_argument("-send", type=int, default=-1)
    p.add_argument("-start", type=int, default=0)
    p.add_argument("-size", type=int, default=16)
    p.add_argument("-rate", type=int, default=0)
    p.add_argument("-recv", action="store_true")
    p.add_argument("-record", default="")
    p.add_argument("-record-cap", type=int, default=1 << 22)
    p.add_argument("-stall", action="store_true")
    p.add_argument("-events", action="store_true")
    a = p.parse_args()

    ctx = zmq.Context()
    s = ctx.socket(getattr(zmq, a.type))
    s.setsockopt(zmq.SNDHWM, a.sndhwm)
    s.setsockopt(zmq.RCVHWM, a.rcvhwm)
    s.setsockopt(zmq.HEARTBEAT_IVL, a.hb_ivl)
    s.setsockopt(zmq.HEARTBEAT_TIMEOUT, a.hb_timeout)
    s.setsockopt(zmq.HEARTBEAT_TTL, a.hb_ttl)
    s.setsockopt(zmq.RECONNECT_IVL, a.reconnect_ivl)
    s.setsockopt(zmq.LINGER, a.linger)
    s.setsockopt(zmq.SNDTIMEO, a.sndtimeo)
    if a.type == "SUB":
        if a.topics == 0:
            s.setsockopt(zmq.SUBSCRIBE, b"")
        for i in range(a.topics):
            s.setsockopt(zmq.SUBSCRIBE, topic(i))
    if a.events:
        mon = s.get_monitor_socket()

        def watch():
            while True:
                try:
                    e = recv_monitor_message(mon)
                except zmq.ZMQError:
                    return
                print("event %s %d %d" % (zmq.Event(e["event"]).name, e["value"], time.time_ns()), flush=True)

        threading.Thread(target=watch, daemon=True).start()
    if a.bind:
        s.bind(a.bind)
    if a.connect:
        s.connect(a.connect)
    print("ready", flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if a.send >= 0:
        n = send_seq(s, a, stop)
        print("sent %d" % n, flush=True)
    elif a.recv and not a.stall:
        n = recv_seq(s, a, stop)
        print("received %d" % n, flush=True)
    else:
        while not stop.wait(0.1):
            pass
    s.close(0)
    os._exit(0)  # the monitor thread holds the context


def topic(i):
    return b"t%06d" % i


def send_seq(s, a, stop):
    every = 1.0 / a.rate if a.rate > 0 else 0
    nxt = time.monotonic()
    n = 0
    pad = b"\0" * a.size
    while (a.send == 0 or n < a.send) and not stop.is_set():
        seq = a.start + n
        head = topic(seq % a.topics) if a.topics > 0 else b""
        body = head + struct.pack(">Q", seq)
        body += pad[: max(0, a.size - len(body))]
        try:
            s.send(body)
        except zmq.Again:
            continue
        n += 1
        if every:
            nxt += every
            d = nxt - time.monotonic()
            if d > 0:
                time.sleep(d)
    return n


def recv_seq(s, a, stop):
    s.setsockopt(zmq.RCVTIMEO, 100)
    at = 7 if a.topics > 0 else 0
    rec = None
    if a.record:
        size = 8 * (a.record_cap + 1)
        with open(a.record, "w+b") as f:
            f.truncate(size)
            rec = mmap.mmap(f.fileno(), size)
    n = 0
    while not stop.is_set():
        try:
            b = s.recv()
        except zmq.Again:
            continue
        if n == 0:
            print("first %d" % time.time_ns(), flush=True)
        if len(b) < at + 8:
            continue
        (seq,) = struct.unpack_from(">Q", b, at)
        if rec is not None and n + 1 < a.record_cap:
            struct.pack_into("<Q", rec, 8 * (n + 1), seq)
            struct.pack_into("<Q", rec, 0, n + 1)
        n += 1
    return n


if __name__ == "__main__":
    main()
