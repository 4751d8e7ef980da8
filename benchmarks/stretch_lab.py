"""Path stretch on the lab: after a migration, the round trip between the moved VM and a VM in every
other cloud, through the real switches and the WAN emulator, divided by the best round trip the
emulated WAN allows, for random WAN latency matrices; `optimal` beside `triangle` (the baseline), in
one run.

The lab: eight clouds (--clouds), one VM in each (vm1 in c1, ..., all on VNI 100). For each random
matrix (one-way delay 10-100 ms per pair, both ways alike, drawn independently, set in the running
WAN emulator), the benchmark waits until cloudroam's probes have measured every link within 15% (or
5 ms; routes follow a link's latency once it moved by more than 10%), moves vm1 to a random cloud other than its home c1, then, in each mode, pings every other
VM from vm1 (5 pings, the smallest round trip). The best round trip is the shortest path of the
matrix there and back (Floyd-Warshall); each tunnel crossed also costs the emulator and the
userspace switches a little, measured first on a uniform WAN (every pair 20 ms) and added per
tunnel of the best path. Triangle: traffic to vm1 goes through its home c1.

Run: ./cloudroam bench stretch-lab [--clouds 8] [--matrices 8] [--seed 2010]
"""

import argparse
import random
import threading
import time

from benchcommon import environment, percentile, run, write_result
from benchlab import move_timed, settle
from cloudroam_lab import lab, restconf
from cloudroam_lab.topology import LabSpec, LabError, WanRule, controller_config, parse_wan_spec


def _links():
    links = (restconf.overlay_routing() or {}).get("link", [])
    return {(int(l["cloud"][1:]), int(l["remote-cloud"][1:])): l for l in links}


def _off(delays, clouds):
    """Directed links whose smoothed one-way latency is not yet within 15% (or 5 ms) of the matrix."""
    links, off = _links(), []
    for a in range(1, clouds + 1):
        for b in range(1, clouds + 1):
            if a == b:
                continue
            link = links.get((a, b))
            want = delays[(min(a, b), max(a, b))] * 1000
            have = int(link["one-way-latency"]) if link and "one-way-latency" in link else None
            if have is None or abs(have - want) > max(5000, 0.15 * want):
                off.append((f"c{a}->c{b}", want / 1000, have / 1000 if have is not None else None))
    return off


def _measured(delays, clouds, what, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        off = _off(delays, clouds)
        if not off:
            return
        time.sleep(1)  # poll interval: a probe round
    raise LabError(f"{what}: links still off (link, wanted ms, measured ms): {off[:8]}")


def _shortest(delays, clouds):
    """Floyd-Warshall over one-way delays: distance and tunnels crossed, per ordered pair."""
    inf = float("inf")
    dist = {(a, b): 0.0 if a == b else delays[(min(a, b), max(a, b))] for a in range(1, clouds + 1)
            for b in range(1, clouds + 1)}
    hops = {(a, b): 0 if a == b else 1 for (a, b) in dist}
    for k in range(1, clouds + 1):
        for a in range(1, clouds + 1):
            for b in range(1, clouds + 1):
                through = dist.get((a, k), inf) + dist.get((k, b), inf)
                if through < dist[(a, b)] - 1e-9:
                    dist[(a, b)], hops[(a, b)] = through, hops[(a, k)] + hops[(k, b)]
    return dist, hops


def _pings(src, peers):
    """Smallest round trip from src to each peer, 5 pings each, all peers at once."""
    out = {}

    def one(peer):
        result = lab.ping(src, peer, count=5)
        out[peer] = result.get("rtt_ms", {}).get("min")
    threads = [threading.Thread(target=one, args=(p,)) for p in peers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench stretch-lab")
    parser.add_argument("--clouds", type=int, default=8)
    parser.add_argument("--matrices", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2010)
    args = parser.parse_args(argv)
    n = args.clouds
    rng = random.Random(args.seed)
    spec = LabSpec(n, n, (100,))
    spec.wan = parse_wan_spec("all 20ms", n)
    samples = {"optimal": [], "triangle": []}
    matrices = []
    try:
        up = lab.up(spec.validate())
        config = controller_config(spec)
        config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000}
        restconf.put_config(config)
        vm1 = next(v for v in up["vms"] if v["name"] == "vm1")
        peers_all = [f"vm{k}" for k in range(2, n + 1)]
        restconf.wait("every VM reached from vm1",
                      lambda: all(r is not None for r in _pings("vm1", peers_all).values()), 90)
        # what a tunnel crossing costs beyond the emulated delay: uniform WAN, every best path direct
        uniform = {(a, b): 20.0 for a in range(1, n + 1) for b in range(a + 1, n + 1)}
        _measured(uniform, n, "probes measuring the uniform WAN")
        base = _pings("vm1", peers_all)
        overhead = percentile([(rtt - 40.0) / 2 for rtt in base.values() if rtt is not None], 0.5)
        at = 1
        for m in range(args.matrices):
            delays = {(a, b): round(rng.uniform(10, 100), 1) for a in range(1, n + 1) for b in range(a + 1, n + 1)}
            for (a, b), delay in delays.items():
                lab.wan_apply(a, b, WanRule(delay))
            started = time.monotonic()
            _measured(delays, n, f"probes measuring matrix {m + 1}")
            converged_s = round(time.monotonic() - started, 1)
            dist, hops = _shortest(delays, n)
            target = rng.choice([c for c in range(2, n + 1) if c != at])
            if move_timed(vm1, f"c{target}")["record"] is None:
                raise LabError(f"vm1's move to c{target} not confirmed within 30 s")
            at = target
            peers = [f"vm{k}" for k in range(2, n + 1) if k != target]
            row = {"delays_ms": {f"c{a}-c{b}": d for (a, b), d in delays.items()}, "vm1_in": f"c{target}",
                   "probes_converged_s": converged_s, "pairs": {}}
            for mode in ("optimal", "triangle"):
                restconf.set_mode(spec, mode)
                settle(quiet=1, timeout=30)
                rtts = _pings("vm1", peers)
                for peer, rtt in rtts.items():
                    k = int(peer[2:])
                    best = 2 * dist[(target, k)] + 2 * hops[(target, k)] * overhead
                    stretch = rtt / best if rtt is not None else None
                    row["pairs"].setdefault(peer, {"best_rtt_ms": round(best, 2)})[mode] = {
                        "rtt_ms": rtt, "stretch": round(stretch, 4) if stretch else None}
                    if stretch:
                        samples[mode].append(stretch)
            restconf.set_mode(spec, "optimal")
            matrices.append(row)
    finally:
        lab.down()

    def stats(values):
        return {"pairs": len(values), "p50": round(percentile(values, 0.5), 3), "p99": round(percentile(values, 0.99), 3),
                "max": round(max(values), 3), "mean": round(sum(values) / len(values), 4),
                "within_2_percent": round(sum(1 for v in values if abs(v - 1) <= 0.02) / len(values), 3)} \
            if values else {"pairs": 0}
    result = {
        "benchmark": "stretch-lab", "command": f"./cloudroam bench stretch-lab --clouds {n} --matrices "
                                               f"{args.matrices} --seed {args.seed}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
        "what": f"lab, {n} clouds, one VM each; per random matrix (10-100 ms one way per pair) vm1 moves away from "
                "home and pings every other VM; stretch = smallest RTT of 5 / best RTT of the matrix (plus the "
                "measured cost of each tunnel crossed)",
        "baseline": "triangle: traffic to vm1 through its home c1, same matrices, same run",
        "per_tunnel_overhead_ms": round(overhead, 3), "optimal": stats(samples["optimal"]),
        "triangle": stats(samples["triangle"]), "matrices": matrices,
    }
    out = write_result("stretch-lab", result)
    print("| mode | pairs | stretch p50 | p99 | max | mean | within 2% |\n|---|---|---|---|---|---|---|")
    for mode in ("optimal", "triangle"):
        s = result[mode]
        if s["pairs"]:
            print(f"| {mode} | {s['pairs']} | {s['p50']} | {s['p99']} | {s['max']} | {s['mean']} | "
                  f"{s['within_2_percent']:.0%} |")
    print(f"per-tunnel overhead (uniform 20 ms WAN): {result['per_tunnel_overhead_ms']} ms")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "stretch-lab")
