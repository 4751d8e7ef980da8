"""Tools that run inside a VM's namespace: what a hypervisor announces after a migration, a UDP
stream with sequence numbers to measure loss, reordering and gaps, and a bulk TCP transfer."""

import argparse
import json
import random
import signal
import socket
import struct
import sys
import time

ETH_P_RARP = 0x8035
ETH_P_ARP = 0x0806
BROADCAST = b"\xff" * 6


def _mac(text):
    return bytes.fromhex(text.replace(":", ""))


def rarp_frame(mac):
    """QEMU announce_self: a RARP 'reverse request' from the VM MAC, sender/target = the VM."""
    m = _mac(mac)
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 3) + m + bytes(4) + m + bytes(4)
    return (BROADCAST + m + struct.pack("!H", ETH_P_RARP) + body).ljust(60, b"\0")


def garp_frame(mac, ip):
    """Gratuitous ARP request: sender and target IP are the VM's own."""
    m = _mac(mac)
    addr = socket.inet_aton(ip)
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + m + addr + bytes(6) + addr
    return (BROADCAST + m + struct.pack("!H", ETH_P_ARP) + body).ljust(60, b"\0")


def announce(iface, kind, mac, ip, gaps_ms, wait_stdin=False):
    """Sends the announcement once, then again after each gap; prints the send times (epoch s).
    With wait_stdin, everything is prepared first and the first frame leaves when a line arrives
    on stdin: the migration starts this during the pause, so resume-to-announce is not a process
    start-up."""
    frame = rarp_frame(mac) if kind == "rarp" else garp_frame(mac, ip)
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    if wait_stdin:
        # bound: the interface may be renamed now (it stays the one bound)
        print(json.dumps({"ready": True}), flush=True)
        sys.stdin.readline()
    times = []
    for gap in (0,) + tuple(gaps_ms):
        if gap:
            time.sleep(gap / 1000)
        sock.send(frame)
        times.append(time.time())
    print(json.dumps({"kind": kind, "sent_at": times}))


def reflect(port, seconds):
    """Echoes UDP datagrams back to their sender for `seconds`."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("0.0.0.0", port))
    sock.settimeout(0.2)
    print(json.dumps({"ready": True}), flush=True)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            data, peer = sock.recvfrom(2048)
            sock.sendto(data, peer)
        except socket.timeout:
            continue
        except OSError:
            continue  # the sender unreachable for a while (a move in progress): it is not our end


def stream(dst, port, pps, seconds):
    """Sends pps datagrams per second for `seconds`, each with a sequence number and send time;
    prints loss, reordering, the longest gap between replies and per-second RTT."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setblocking(False)
    count = int(pps * seconds)
    period = 1e9 / pps
    start = time.monotonic_ns()
    replies = []  # (seq, rtt_ms, receive time)
    seq = 0
    # a guest's sender goes on when the network fails it for a while (its neighbour entry failed
    # while its port had no flows yet, an ICMP error came back): counted, never fatal
    send_errors = 0
    end = start + int(seconds * 1e9) + 1_000_000_000  # one more second for late replies
    while time.monotonic_ns() < end:
        now = time.monotonic_ns()
        if seq < count and now >= start + seq * period:
            try:
                sock.sendto(struct.pack("!IQ", seq, now).ljust(64, b"\0"), (dst, port))
            except BlockingIOError:
                pass
            except OSError:
                send_errors += 1
            seq += 1
        try:
            data, _ = sock.recvfrom(2048)
            got, sent = struct.unpack("!IQ", data[:12])
            received = time.monotonic_ns()
            replies.append((got, (received - sent) / 1e6, received))
        except BlockingIOError:
            time.sleep(0.0001)
        except OSError:
            send_errors += 1  # an ICMP error for an earlier datagram
            time.sleep(0.0001)
    seen = set()
    reordered = 0
    highest = -1
    for got, _, _ in replies:
        if got < highest:
            reordered += 1
        highest = max(highest, got)
        seen.add(got)
    gaps = [(b[2] - a[2]) / 1e6 for a, b in zip(replies, replies[1:])]
    per_second = {}
    for got, rtt, _ in replies:
        per_second.setdefault(int(got / pps), []).append(rtt)
    print(json.dumps({
        "sent": count, "received": len(seen), "lost": count - len(seen), "send_errors": send_errors,
        "loss_percent": 100.0 * (count - len(seen)) / count if count else 0.0,
        "reordered": reordered, "duplicates": len(replies) - len(seen),
        "longest_gap_ms": max(gaps) if gaps else None,
        "rtt_ms_per_second": [{"second": s, "samples": len(v), "avg": sum(v) / len(v), "max": max(v)}
                              for s, v in sorted(per_second.items())]}))


def flood(iface, dst, pps, seconds, macs):
    """Sends `pps` frames a second for `seconds` from `macs` random unicast, locally administered
    source MACs (new ones every frame until they run out, then again from the first) to `dst`, as
    a VM whose port floods the switch with unknown sources would. Paced per millisecond; prints what
    it sent and the rate it reached."""
    rng = random.Random(seconds * pps)
    dst_mac = _mac(dst)
    head = struct.pack("!H", 0x0800)
    # IPv4/UDP to the lab subnet's broadcast 10.0.255.255, port 9 (discard), checksums left 0: the
    # frames never leave the lab's namespaces and nobody answers
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 64, 17, 0, bytes(4), b"\x0a\x00\xff\xff")
    udp = struct.pack("!HHHH", 9, 9, 8, 0)
    frames = []
    for _ in range(macs):
        src = bytes([(rng.randrange(256) & 0xFC) | 0x02]) + rng.randbytes(5)
        frames.append((dst_mac + src + head + ip + udp).ljust(60, b"\0"))
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    sent = dropped = 0
    start = time.monotonic()
    end = start + seconds
    now = start
    while now < end:
        due = int((now - start) * pps) + 1
        while sent + dropped < due:
            try:
                sock.send(frames[(sent + dropped) % macs])
                sent += 1
            except OSError:  # ENOBUFS: the veth's queue is full
                dropped += 1
        time.sleep(0.0005)
        now = time.monotonic()
    elapsed = time.monotonic() - start
    print(json.dumps({"sent": sent, "not_sent": dropped, "seconds": round(elapsed, 3),
                      "pps": round(sent / elapsed), "macs": macs}))


def classify(frame):
    """What a captured frame is, as (kind, src MAC, is broadcast ARP). VXLAN (UDP 4789 over IPv4)
    is looked into: the inner frame is classified and kind is prefixed with 'vxlan:'."""
    if len(frame) < 14:
        return "short", "", False
    dst, src, ethertype = frame[0:6], frame[6:12], struct.unpack("!H", frame[12:14])[0]
    if ethertype == 0x0800 and len(frame) >= 14 + 20 + 8 + 8 + 14:
        ihl = (frame[14] & 0x0F) * 4
        if frame[23] == 17 and struct.unpack("!H", frame[14 + ihl + 2:14 + ihl + 4])[0] == 4789:
            kind, inner_src, arp_broadcast = classify(frame[14 + ihl + 8 + 8:])
            return "vxlan:" + kind, inner_src, arp_broadcast
    src_text = ":".join(f"{b:02x}" for b in src)
    if ethertype == 0x0806:
        return "arp", src_text, dst == b"\xff" * 6
    return {0x0800: "ipv4", 0x86DD: "ipv6", 0x8035: "rarp"}.get(ethertype, f"0x{ethertype:04x}"), src_text, False


def capture(seconds, iface=None):
    """Counts the frames seen on one interface (or all of the namespace) for a while. Prints
    'capturing' on stderr once the socket is open, so a caller can start traffic after it."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    if iface:
        sock.bind((iface, 0))
    sock.settimeout(0.05)
    print("capturing", file=sys.stderr, flush=True)
    kinds, sources, arp_broadcasts, total = {}, {}, 0, 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            frame, address = sock.recvfrom(65535)
        except socket.timeout:
            continue
        if address[2] == socket.PACKET_OUTGOING and not iface:
            continue  # with every interface, a forwarded frame would count twice
        total += 1
        kind, src, arp_broadcast = classify(frame)
        kinds[kind] = kinds.get(kind, 0) + 1
        sources[src] = sources.get(src, 0) + 1
        arp_broadcasts += arp_broadcast
    print(json.dumps({"frames": total, "kinds": kinds, "sources": sources, "arp_broadcasts": arp_broadcasts}))


def sniff(iface, ethertype, seconds, mac=None):
    """Counts the frames of one EtherType on an interface, with the time of the first (epoch s); with
    `mac`, also the first and the last IPv4 frame that MAC sent there (a guest's own traffic, where
    QEMU's announcements are not). On SIGTERM, after `seconds`, or when the interface goes down or
    away (a QEMU that quit takes its tap), prints {"first", "count", "first_ipv4_from", "last_ipv4_from",
    "ended"}."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    sock.bind((iface, 0))
    sock.settimeout(0.1)
    seen = {"first": None, "count": 0, "first_ipv4_from": None, "last_ipv4_from": None, "ended": None}
    source = bytes.fromhex(mac.replace(":", "")) if mac else None

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    print(json.dumps({"ready": True}), flush=True)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            try:
                frame = sock.recv(2048)
            except socket.timeout:
                continue
            except OSError as e:  # the interface went down or away
                seen["ended"] = str(e)
                break
            if len(frame) < 14:
                continue
            now, kind = time.time(), struct.unpack("!H", frame[12:14])[0]
            if kind == ethertype:
                if seen["first"] is None:
                    seen["first"] = now
                seen["count"] += 1
            elif kind == 0x0800 and source is not None and frame[6:12] == source:
                if seen["first_ipv4_from"] is None:
                    seen["first_ipv4_from"] = now
                seen["last_ipv4_from"] = now
    finally:
        print(json.dumps(seen), flush=True)


TCP_CHUNK = 64 * 1024


def tcp_sink(port, stall_s):
    """Accepts one TCP connection and reads it to the end; prints what arrived and how fast. Gives up
    when nothing arrives for stall_s (a path that drops full-size segments delivers nothing)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", port))
    server.listen(1)
    server.settimeout(stall_s)
    print(json.dumps({"ready": True}), flush=True)
    received, first, last, stalled, mss = 0, None, None, False, 0
    try:
        conn, _ = server.accept()
    except socket.timeout:
        print(json.dumps({"received": 0, "seconds": 0.0, "stalled": True, "connected": False}), flush=True)
        return
    with conn:
        conn.settimeout(stall_s)
        mss = conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        while True:
            try:
                data = conn.recv(TCP_CHUNK)
            except socket.timeout:
                stalled = True
                break
            if not data:
                break
            now = time.monotonic()
            first = first if first is not None else now
            last = now
            received += len(data)
    seconds = (last - first) if first is not None and last is not None else 0.0
    print(json.dumps({"received": received, "seconds": round(seconds, 3), "stalled": stalled, "connected": True,
                      "mss": mss, "mbit_per_s": round(received * 8 / seconds / 1e6, 2) if seconds else 0.0}),
          flush=True)


def tcp_send(dst, port, count, stall_s):
    """Connects and sends count bytes; prints how many went out and how long it took."""
    sock = socket.create_connection((dst, port), timeout=stall_s)
    sock.settimeout(stall_s)
    chunk = bytes(random.getrandbits(8) for _ in range(256)) * (TCP_CHUNK // 256)
    sent, stalled = 0, False
    start = time.monotonic()
    try:
        while sent < count:
            sent += sock.send(chunk[:min(len(chunk), count - sent)])
        sock.shutdown(socket.SHUT_WR)
        sock.recv(1)  # the sink closes once it read everything
    except socket.timeout:
        stalled = True
    finally:
        sock.close()
    print(json.dumps({"sent": sent, "seconds": round(time.monotonic() - start, 3), "stalled": stalled}),
          flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cloudroam_lab.vmtools")
    sub = parser.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("announce")
    a.add_argument("--iface", default="eth0")
    a.add_argument("--kind", choices=("rarp", "garp"), required=True)
    a.add_argument("--mac", required=True)
    a.add_argument("--ip", required=True)
    a.add_argument("--gaps-ms", default="50,150,250,350")
    a.add_argument("--wait-stdin", action="store_true")
    r = sub.add_parser("reflect")
    r.add_argument("--port", type=int, default=7777)
    r.add_argument("--seconds", type=float, required=True)
    s = sub.add_parser("stream")
    s.add_argument("--dst", required=True)
    s.add_argument("--port", type=int, default=7777)
    s.add_argument("--pps", type=float, default=1000)
    s.add_argument("--seconds", type=float, default=5)
    f = sub.add_parser("flood")
    f.add_argument("--iface", default="eth0")
    f.add_argument("--dst", required=True)
    f.add_argument("--pps", type=float, required=True)
    f.add_argument("--seconds", type=float, required=True)
    f.add_argument("--macs", type=int, default=65536)
    n = sub.add_parser("sniff")
    n.add_argument("--iface", required=True)
    n.add_argument("--ethertype", required=True, type=lambda text: int(text, 0))
    n.add_argument("--seconds", type=float, default=60)
    n.add_argument("--mac", help="also time the first and last IPv4 frame from this MAC")
    c = sub.add_parser("capture")
    c.add_argument("--seconds", type=float, required=True)
    c.add_argument("--iface")
    t = sub.add_parser("tcp-sink")
    t.add_argument("--port", type=int, default=7800)
    t.add_argument("--stall-seconds", type=float, default=15)
    t = sub.add_parser("tcp-send")
    t.add_argument("--dst", required=True)
    t.add_argument("--port", type=int, default=7800)
    t.add_argument("--bytes", type=int, required=True)
    t.add_argument("--stall-seconds", type=float, default=15)
    args = parser.parse_args(argv)
    if args.cmd == "tcp-sink":
        tcp_sink(args.port, args.stall_seconds)
    elif args.cmd == "tcp-send":
        tcp_send(args.dst, args.port, args.bytes, args.stall_seconds)
    elif args.cmd == "announce":
        gaps = tuple(float(g) for g in args.gaps_ms.split(",") if g)
        announce(args.iface, args.kind, args.mac, args.ip, gaps, args.wait_stdin)
    elif args.cmd == "sniff":
        sniff(args.iface, args.ethertype, args.seconds, args.mac)
    elif args.cmd == "capture":
        capture(args.seconds, args.iface)
    elif args.cmd == "flood":
        flood(args.iface, args.dst, args.pps, args.seconds, args.macs)
    elif args.cmd == "reflect":
        reflect(args.port, args.seconds)
    else:
        stream(args.dst, args.port, args.pps, args.seconds)


if __name__ == "__main__":
    sys.exit(main())
