#!/usr/bin/python3
"""libzmq's side of a torture scenario, through pyzmq (Debian's python3-zmq,
on libzmq 4.3.4): the same flags, messages, record file and output lines as
main.go beside it, which is zring's. See main.go's doc comment."""

import argparse
import ctypes
import errno
import gc
import mmap
import os
import shutil
import signal
import struct
import sys
import tempfile
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
    p.add_argument("-mark", type=int, default=0)
    p.add_argument("-sent-file", default="")
    p.add_argument("-stats", action="store_true")
    p.add_argument("-churn", type=int, default=0)
    p.add_argument("-transport", default="tcp")
    p.add_argument("-sockets", type=int, default=0)
    p.add_argument("-ready-at", action="store_true")
    p.add_argument("-connect-timeout", type=int, default=0)
    p.add_argument("-hold", action="store_true")
    p.add_argument("-socks", type=int, default=1)
    p.add_argument("-fill", action="store_true")
    p.add_argument("-to", default="")
    p.add_argument("-mandatory", action="store_true")
    p.add_argument("-id", default="")
    p.add_argument("-wait-usr1", action="store_true")
    p.add_argument("-count-topics", action="store_true")
    p.add_argument("-echo", action="store_true")
    p.add_argument("-roundtrip", action="store_true")
    a = p.parse_args()
    if a.stats:
        serve_stats()
    if a.churn > 0:
        run_churn(a.churn, a.transport)
        os._exit(0)
    if a.sockets > 0:
        run_sockets(a)
    mark["at"], mark["topics"] = a.mark, a.topics
    if a.sent_file:
        sent["count"] = open_counter(a.sent_file)

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
    if a.connect_timeout > 0:
        s.setsockopt(zmq.CONNECT_TIMEOUT, a.connect_timeout)
    if a.type == "SUB":
        if a.topics == 0:
            s.setsockopt(zmq.SUBSCRIBE, b"")
        for i in range(a.topics):
            s.setsockopt(zmq.SUBSCRIBE, topic(i))
    if a.id:
        s.setsockopt(zmq.ROUTING_ID, a.id.encode())
    if a.mandatory:
        s.setsockopt(zmq.ROUTER_MANDATORY, 1)
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
    if a.type == "XSUB":
        s.send(b"\x01")  # subscribe to everything
    extra = more_sockets(ctx, a)
    go = threading.Event()
    if a.wait_usr1:
        signal.signal(signal.SIGUSR1, lambda *_: go.set())
    print("ready", flush=True)
    if a.ready_at:
        print("ready-at %d" % time.time_ns(), flush=True)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while a.wait_usr1 and not go.is_set() and not stop.is_set():
        go.wait(0.05)
    if a.fill:
        fill_send(s, a, stop)
    elif a.echo:
        echo_back(s, stop)
    elif a.roundtrip:
        n, longest = round_trips(s, a, stop)
        print("sent %d %d" % (n, longest), flush=True)
    elif a.count_topics:
        n = count_distinct_topics(s, a, stop)
        print("topics %d" % n, flush=True)
    elif a.socks > 1 and a.recv and not a.stall:
        n = recv_many([s] + extra, a, stop)
        print("received %d" % n, flush=True)
    elif a.send >= 0:
        n = send_seq(s, a, stop)
        print("sent %d" % n, flush=True)
        if a.hold and (n == a.send or a.send == 0):
            stop.clear()
            while not stop.wait(0.1):  # what is queued still goes out
                pass
    elif a.recv and not a.stall:
        n = recv_seq(s, a, stop)
        print("received %d" % n, flush=True)
    else:
        while not stop.wait(0.1):
            pass
    for x in extra:
        x.close(0)
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
        if sent["count"] is not None:
            struct.pack_into("<Q", sent["count"], 0, n)
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
        note_mark(seq, b)
        if rec is not None and n + 1 < a.record_cap:
            struct.pack_into("<Q", rec, 8 * (n + 1), seq)
            struct.pack_into("<Q", rec, 0, n + 1)
        n += 1
    return n


# The rest serves issue 12's death and churn scenarios (torture/death.go,
# torture/churn.go): -sent-file, -mark, -ready-at, -stats, -churn and
# -sockets, as in main.go.

sent = {"count": None}  # -sent-file's mapped counter
mark = {"at": 0, "topics": 0, "first": False, "seen": set()}


def note_mark(seq, b):
    """Print "mark <unix ns>" at the first message numbered mark["at"] or
    above, and with topics "mark-all <unix ns>" once such messages have
    carried every topic."""
    if mark["at"] == 0 or seq < mark["at"]:
        return
    if not mark["first"]:
        mark["first"] = True
        print("mark %d" % time.time_ns(), flush=True)
    seen = mark["seen"]
    if mark["topics"] > 0 and len(seen) < mark["topics"] and len(b) >= 7:
        try:
            seen.add(int(b[1:7]))
        except ValueError:
            return
        if len(seen) == mark["topics"]:
            print("mark-all %d" % time.time_ns(), flush=True)


def open_counter(path):
    with open(path, "w+b") as f:
        f.truncate(8)
        return mmap.mmap(f.fileno(), 8)


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


_libc = ctypes.CDLL("libc.so.6")
_libc.mallinfo2.restype = _Mallinfo2


def read_stats():
    """fds, resident memory, heap (malloc's bytes in use: libzmq's and
    Python's larger objects) and threads, after gc.collect and malloc_trim
    (main.go collects and frees to the system the same way)."""
    gc.collect()
    _libc.malloc_trim(0)
    mi = _libc.mallinfo2()
    st = {"fds": len(os.listdir("/proc/self/fd")), "rss": 0, "heap": mi.uordblks + mi.hblkhd, "threads": 0}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k == "VmRSS":
                st["rss"] = int(v.split()[0]) << 10
            elif k == "Threads":
                st["threads"] = int(v.split()[0])
    return st


def format_stats(st):
    return "fds %d rss %d heap %d threads %d" % (st["fds"], st["rss"], st["heap"], st["threads"])


def serve_stats():
    """Print "stats <stats>" at each SIGUSR1 (from a thread: the handler
    only wakes it)."""
    want = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_: want.set())

    def serve():
        while True:
            want.wait()
            want.clear()
            print("stats " + format_stats(read_stats()), flush=True)

    threading.Thread(target=serve, daemon=True).start()


def run_churn(cycles, transport):
    """-churn, as runChurn in main.go; it waits for fds and threads (libzmq's
    own) to come back, where main.go waits for fds and goroutines."""
    print("ready", flush=True)
    ctx = zmq.Context()
    d = tempfile.mkdtemp(prefix="zring-churn-")

    def endpoint(i):
        if transport == "ipc":
            return "ipc://%s/c%d" % (d, i)
        if transport == "inproc":
            return "inproc://churn-%d" % i
        return "tcp://127.0.0.1:*"

    def cycle(i):
        pull = ctx.socket(zmq.PULL)
        push = None
        try:
            pull.setsockopt(zmq.LINGER, 0)
            pull.setsockopt(zmq.RCVTIMEO, 5000)
            pull.bind(endpoint(i))
            ep = pull.getsockopt(zmq.LAST_ENDPOINT).decode()
            push = ctx.socket(zmq.PUSH)
            push.setsockopt(zmq.LINGER, 0)
            push.setsockopt(zmq.SNDTIMEO, 5000)
            push.connect(ep)
            msg = b"cycle %d" % i
            push.send(msg)
            got = pull.recv()
            if got != msg:
                raise RuntimeError("received %r, sent %r" % (got, msg))
        finally:
            if push is not None:
                push.close()
            pull.close()

    try:
        for i in range(200):
            cycle(-1 - i)
    except Exception as e:
        shutil.rmtree(d, ignore_errors=True)
        print("error warm-up %s" % e, flush=True)
        os._exit(1)
    base = read_stats()
    print("base " + format_stats(base), flush=True)
    began = time.monotonic()
    for i in range(cycles):
        try:
            cycle(i)
        except Exception as e:
            shutil.rmtree(d, ignore_errors=True)
            print("error %d %s" % (i, e), flush=True)
            os._exit(1)
    took = time.monotonic() - began
    end = read_stats()
    while end["fds"] > base["fds"] or end["threads"] > base["threads"]:
        if time.monotonic() - began - took > 5:
            break
        time.sleep(0.05)
        end = read_stats()
    left = len(os.listdir(d))
    shutil.rmtree(d, ignore_errors=True)  # now: the scenario may end the peer once it has read "end"
    print("end %s settle %d cycles %d took %d ipc-left %d" % (
        format_stats(end), (time.monotonic() - began - took) * 1000, cycles, took * 1000, left), flush=True)
    ctx.term()


def run_sockets(a):
    """-sockets, as runSockets in main.go."""
    ctx = zmq.Context()
    socks = []
    for _ in range(a.sockets):
        s = ctx.socket(getattr(zmq, a.type))
        s.setsockopt(zmq.RECONNECT_IVL, a.reconnect_ivl)
        s.setsockopt(zmq.LINGER, 0)
        s.connect(a.connect)
        socks.append(s)
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.1):
        pass
    for s in socks:
        s.close(0)
    os._exit(0)


# The rest serves issue 12's stalled-peer, resubscription and hostile-bytes
# scenarios (torture/stalled.go, resub.go, hostile.go): -socks, -fill,
# -to, -mandatory, -id, -wait-usr1, -count-topics, -echo and -roundtrip,
# as in main.go.


def open_record(path, cap):
    if not path:
        return None
    size = 8 * (cap + 1)
    with open(path, "w+b") as f:
        f.truncate(size)
        return mmap.mmap(f.fileno(), size)


def more_sockets(ctx, a):
    """-socks: a.socks - 1 more sockets like the first, connected and
    subscribed alike."""
    socks = []
    for _ in range(a.socks - 1):
        s = ctx.socket(getattr(zmq, a.type))
        s.setsockopt(zmq.SNDHWM, a.sndhwm)
        s.setsockopt(zmq.RCVHWM, a.rcvhwm)
        s.setsockopt(zmq.RECONNECT_IVL, a.reconnect_ivl)
        s.setsockopt(zmq.LINGER, a.linger)
        if a.type == "SUB":
            if a.topics == 0:
                s.setsockopt(zmq.SUBSCRIBE, b"")
            for i in range(a.topics):
                s.setsockopt(zmq.SUBSCRIBE, topic(i))
        if a.connect:
            s.connect(a.connect)
        socks.append(s)
    return socks


def recv_many(socks, a, stop):
    """-socks with -recv: receive on every socket (one poller), each into
    a record of its own (path.i); return how many messages came in all."""
    at = 7 if a.topics > 0 else 0
    recs = [open_record(a.record + ".%d" % i if a.record else "", a.record_cap) for i in range(len(socks))]
    counts = [0] * len(socks)
    poller = zmq.Poller()
    for s in socks:
        poller.register(s, zmq.POLLIN)
    index = {s: i for i, s in enumerate(socks)}
    total = 0
    while not stop.is_set():
        for s, _ in poller.poll(100):
            i = index[s]
            while True:
                try:
                    b = s.recv(zmq.NOBLOCK)
                except zmq.Again:
                    break
                if total == 0:
                    print("first %d" % time.time_ns(), flush=True)
                total += 1
                if len(b) < at + 8:
                    continue
                n, rec = counts[i], recs[i]
                if rec is not None and n + 1 < a.record_cap:
                    rec[8 * (n + 1):8 * (n + 2)] = b[at:at + 8][::-1]
                    struct.pack_into("<Q", rec, 0, n + 1)
                counts[i] = n + 1
    return total


def err_name(e):
    """The errno name of a send's error, as main.go's errName prints it."""
    return {zmq.EFSM: "EFSM", zmq.ETERM: "ETERM"}.get(e.errno) or errno.errorcode.get(e.errno, repr(str(e)))


def fill_send(s, a, stop):
    """-fill, as fillSend in main.go."""
    n = 0
    last = longest = 0
    failed = "none"
    pad = b"\0" * max(0, a.size - 8)
    to = a.to.encode()
    body = b""
    while a.send <= 0 or n < a.send:
        body = struct.pack(">Q", a.start + n) + pad
        t = time.monotonic_ns()
        try:
            if to:
                s.send_multipart([to, body])
            else:
                s.send(body)
        except zmq.ZMQError as e:
            last = time.monotonic_ns() - t
            failed = err_name(e)
            break
        last = time.monotonic_ns() - t
        longest = max(longest, last)
        n += 1
    print("filled %d %s %d %d" % (n, failed, last, longest), flush=True)
    if to:
        failed = "none"
        try:
            s.send_multipart([b"zt-nobody", body], zmq.DONTWAIT)
        except zmq.ZMQError as e:
            failed = err_name(e)
        print("unroutable %s" % failed, flush=True)
    while not stop.wait(0.1):
        pass


def echo_back(s, stop):
    """-echo, as echoBack in main.go."""
    s.setsockopt(zmq.RCVTIMEO, 100)
    while not stop.is_set():
        try:
            parts = s.recv_multipart()
        except zmq.Again:
            continue
        try:
            s.send_multipart(parts)
        except zmq.ZMQError as e:
            print("echo: %s" % e, file=sys.stderr, flush=True)


def round_trips(s, a, stop):
    """-roundtrip, as roundTrips in main.go."""
    s.setsockopt(zmq.RCVTIMEO, 100)
    rec = open_record(a.record, a.record_cap)
    pad = b"\0" * max(0, a.size - 8)
    n = 0
    longest = 0
    while True:
        body = struct.pack(">Q", n) + pad
        t = time.monotonic_ns()
        while True:
            if stop.is_set():
                return n, longest
            try:
                s.send(body)
                break
            except zmq.Again:
                continue
        n += 1
        while True:
            if stop.is_set():
                return n, longest
            try:
                b = s.recv()
            except zmq.Again:
                continue
            if n == 1:
                print("first %d" % time.time_ns(), flush=True)
            if len(b) >= 8 and rec is not None and n < a.record_cap:
                rec[8 * n:8 * (n + 1)] = b[:8][::-1]
                struct.pack_into("<Q", rec, 0, n)
            break
        longest = max(longest, time.monotonic_ns() - t)


def count_distinct_topics(s, a, stop):
    """-count-topics, as countDistinctTopics in main.go."""
    s.setsockopt(zmq.RCVTIMEO, 100)
    seen = bytearray(a.topics)
    distinct = 0
    while not stop.is_set():
        try:
            b = s.recv()
        except zmq.Again:
            continue
        if len(b) < 15 or struct.unpack_from(">Q", b, 7)[0] < a.start:
            continue
        try:
            t = int(b[1:7])
        except ValueError:
            continue
        if t < 0 or t >= a.topics or seen[t]:
            continue
        if distinct == 0:
            print("first %d" % time.time_ns(), flush=True)
        seen[t] = 1
        distinct += 1
        if distinct == a.topics:
            print("all-topics %d" % time.time_ns(), flush=True)
    return distinct


if __name__ == "__main__":
    main()
