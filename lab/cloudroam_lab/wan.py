"""Userspace WAN emulator: forwards Ethernet frames between the clouds' WAN ports with per-pair
one-way delay, jitter and loss, changeable at run time over a Unix control socket.

The kernel here has no netem, so this process (in its own namespace, one veth per cloud) does
what netem would: learn MACs like a switch, hold each frame for its pair's delay, drop by loss.
Each frame's delay counts from the kernel's receive timestamp (SO_TIMESTAMPNS), not from when
this process got round to reading it, and the last fraction of a millisecond before a deadline is
spun rather than slept: together that keeps the p99 error under a millisecond at 1 kpps.
"""

import argparse
import gc
import heapq
import json
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SPIN_NS = 400_000  # spin (not sleep) the last 0.4 ms before a deadline
SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)
_TIMESPEC = struct.Struct("@qq")
_ANCILLARY = socket.CMSG_SPACE(_TIMESPEC.size)


def _recv_stamped(sock):
    """One frame and its kernel receive time on CLOCK_MONOTONIC (ns), or None when none waits."""
    try:
        frame, ancillary, _, addr = sock.recvmsg(65535, _ANCILLARY)
    except BlockingIOError:
        return None
    stamp = None
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(data) >= _TIMESPEC.size:
            sec, nsec = _TIMESPEC.unpack(data[:_TIMESPEC.size])
            stamp = sec * 1_000_000_000 + nsec - (time.time_ns() - time.monotonic_ns())
    return frame, addr, stamp if stamp is not None else time.monotonic_ns()
PROBE_ETHERTYPE = 0x88B5  # IEEE local experimental; used by the accuracy probe only
PROBE_MAGIC = b"CRWAN"


class Emulator:
    def __init__(self, ports, rules, control_path, seed=None):
        """ports: {interface name: cloud index}; rules: {(a, b): (delay_ms, jitter_ms, loss)}."""
        self.ports = dict(ports)
        self.rules = {}
        for (a, b), rule in rules.items():
            self.set_rule(a, b, *rule)
        self.random = random.Random(seed)
        self.macs = {}  # source MAC -> interface
        self.heap = []
        self.seq = 0
        self.counters = {"received": 0, "forwarded": 0, "lost": 0, "flooded": 0, "too_big": 0}
        self.socks = {}
        for name in self.ports:
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.bind((name, 0))
            sock.setblocking(False)
            self.socks[name] = sock
        self.by_fd = {sock.fileno(): name for name, sock in self.socks.items()}
        if os.path.exists(control_path):
            os.unlink(control_path)
        self.control = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.control.bind(control_path)
        self.control.listen(8)
        self.control.setblocking(False)

    def set_rule(self, a, b, delay_ms, jitter_ms, loss, mtu=0):
        if a == b or delay_ms < 0 or jitter_ms < 0 or jitter_ms > delay_ms or not 0 <= loss <= 1 \
                or not (mtu == 0 or 68 <= mtu <= 65535):
            raise ValueError(f"bad rule c{a}-c{b}: delay={delay_ms} jitter={jitter_ms} loss={loss} mtu={mtu}")
        self.rules[(min(a, b), max(a, b))] = (delay_ms * 1e6, jitter_ms * 1e6, loss, mtu)

    def rule_json(self):
        return {f"c{a}-c{b}": {"delay_ms": d / 1e6, "jitter_ms": j / 1e6, "loss_percent": loss * 100,
                               **({"mtu": mtu} if mtu else {})}
                for (a, b), (d, j, loss, mtu) in sorted(self.rules.items())}

    def forward(self, in_name, frame, now):
        self.counters["received"] += 1
        if len(frame) < 14:
            return
        self.macs[frame[6:12]] = in_name
        out = self.macs.get(frame[0:6])
        if out is None or frame[0] & 1:
            outs = [name for name in self.ports if name != in_name]
            self.counters["flooded"] += 1
        elif out == in_name:
            return
        else:
            outs = [out]
        src_cloud = self.ports[in_name]
        for name in outs:
            dst_cloud = self.ports[name]
            delay, jitter, loss, mtu = self.rules.get((min(src_cloud, dst_cloud), max(src_cloud, dst_cloud)),
                                                      (0.0, 0.0, 0.0, 0))
            if mtu and len(frame) - 14 > mtu:
                self.counters["too_big"] += 1  # a narrower hop that sends no ICMP back
                continue
            if loss and self.random.random() < loss:
                self.counters["lost"] += 1
                continue
            if jitter:
                delay += self.random.uniform(-jitter, jitter)
            self.seq += 1
            heapq.heappush(self.heap, (now + int(delay), self.seq, name, frame))

    def send_due(self):
        now = time.monotonic_ns()
        while self.heap and self.heap[0][0] <= now:
            _, _, name, frame = heapq.heappop(self.heap)
            try:
                self.socks[name].send(frame)
                self.counters["forwarded"] += 1
            except OSError:
                self.counters["lost"] += 1

    def handle_control(self):
        try:
            conn, _ = self.control.accept()
        except BlockingIOError:
            return
        with conn:
            conn.settimeout(2)
            try:
                request = json.loads(_read_line(conn))
                applied_at = None
                if request["cmd"] == "set":
                    self.set_rule(request["a"], request["b"], request["delay_ms"], request["jitter_ms"],
                                  request["loss"], request.get("mtu", 0))
                    applied_at = time.time()  # frames from now on follow the new rule
                reply = {"ok": True, "rules": self.rule_json(), "counters": self.counters,
                         "queued": len(self.heap)}
                if applied_at is not None:
                    reply["applied_at"] = applied_at
            except (ValueError, KeyError, TypeError) as e:
                reply = {"ok": False, "error": str(e)}
            conn.sendall(json.dumps(reply).encode() + b"\n")

    def serve(self):
        gc.disable()  # the loop makes no reference cycles; a collection would stall every queued frame
        fds = list(self.by_fd) + [self.control.fileno()]
        while True:
            self.send_due()
            if self.heap:
                wait_ns = self.heap[0][0] - time.monotonic_ns()
                timeout = max(0.0, (wait_ns - SPIN_NS) / 1e9)
            else:
                timeout = 0.5
            readable, _, _ = select.select(fds, [], [], timeout)
            for fd in readable:
                if fd == self.control.fileno():
                    self.handle_control()
                    continue
                name = self.by_fd[fd]
                sock = self.socks[name]
                while True:
                    got = _recv_stamped(sock)
                    if got is None:
                        break
                    frame, addr, stamp = got
                    if addr[2] != PACKET_OUTGOING:
                        self.forward(name, frame, stamp)
            if not readable and self.heap:
                # close to the next deadline: spin instead of sleeping past it
                deadline = self.heap[0][0]
                while time.monotonic_ns() < deadline:
                    pass


def _read_line(sock):
    """Reads one newline-terminated message (the control protocol: one JSON object a line)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def control_request(path, request, timeout=5):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(path)
        sock.sendall(json.dumps(request).encode() + b"\n")
        return json.loads(_read_line(sock))


# ------------------------------------------------------------------ accuracy probe

def probe_send(iface, dst_mac, src_mac, pps, count):
    """Sends count probe frames at pps (0 = as fast as possible); prints JSON."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.bind((iface, 0))
    header = bytes.fromhex(dst_mac.replace(":", "")) + bytes.fromhex(src_mac.replace(":", "")) \
        + struct.pack("!H", PROBE_ETHERTYPE)
    period = 1e9 / pps if pps else 0
    start = time.monotonic_ns()
    sent = 0
    for seq in range(count):
        if period:
            due = start + int(seq * period)
            while time.monotonic_ns() < due:
                pass
        payload = PROBE_MAGIC + struct.pack("!IQ", seq, time.monotonic_ns())
        try:
            sock.send(header + payload + bytes(46 - len(payload)))
            sent += 1
        except OSError:
            pass
    print(json.dumps({"sent": sent, "seconds": (time.monotonic_ns() - start) / 1e9}))


def probe_recv(iface, own_mac, count, timeout):
    """Announces own_mac (so the emulator learns it), then receives probes; prints JSON with the
    one-way delay of each (monotonic clock, same host)."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(PROBE_ETHERTYPE))
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((iface, 0))
    hello = b"\xff" * 6 + bytes.fromhex(own_mac.replace(":", "")) + struct.pack("!H", PROBE_ETHERTYPE)
    sock.send(hello + b"HELLO" + bytes(41))
    print(json.dumps({"ready": True}), flush=True)
    sock.setblocking(False)
    delays, seqs = [], []
    first = last = None
    deadline = time.monotonic() + timeout
    while len(delays) < count and time.monotonic() < deadline:
        got = _recv_stamped(sock)
        if got is None:
            select.select([sock], [], [], 0.2)
            continue
        frame, addr, now = got
        if addr[2] == PACKET_OUTGOING or frame[14:19] != PROBE_MAGIC:
            continue
        seq, sent_ns = struct.unpack("!IQ", frame[19:31])
        delays.append((now - sent_ns) / 1e6)
        seqs.append(seq)
        first = first or now
        last = now
    print(json.dumps({"received": len(delays), "delays_ms": delays, "seqs": seqs,
                      "span_s": ((last - first) / 1e9) if first and last else 0}))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cloudroam_lab.wan")
    sub = parser.add_subparsers(dest="cmd", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--ports", required=True, help="iface=cloud,... e.g. c1=1,c2=2")
    serve.add_argument("--rules", default="{}", help="JSON {'a-b': [delay_ms, jitter_ms, loss, mtu]} (mtu 0: no limit)")
    serve.add_argument("--control", required=True)
    send = sub.add_parser("probe-send")
    send.add_argument("--iface", required=True)
    send.add_argument("--dst", required=True)
    send.add_argument("--src", required=True)
    send.add_argument("--pps", type=float, default=1000)
    send.add_argument("--count", type=int, default=1000)
    recv = sub.add_parser("probe-recv")
    recv.add_argument("--iface", required=True)
    recv.add_argument("--mac", required=True)
    recv.add_argument("--count", type=int, default=1000)
    recv.add_argument("--timeout", type=float, default=10)
    args = parser.parse_args(argv)
    if args.cmd == "serve":
        ports = {name: int(cloud) for name, cloud in (item.split("=") for item in args.ports.split(","))}
        rules = {tuple(int(x) for x in pair.split("-")): tuple(rule)
                 for pair, rule in json.loads(args.rules).items()}
        Emulator(ports, rules, args.control).serve()
    elif args.cmd == "probe-send":
        probe_send(args.iface, args.dst, args.src, args.pps, args.count)
    else:
        probe_recv(args.iface, args.mac, args.count, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
