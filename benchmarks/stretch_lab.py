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

With --peer ovn the same matrices and the same moves follow on the lab rebuilt with OVN as its
network (lab up --network ovn: a tunnel between every pair of chassis, traffic always on the direct
one, no latency-aware relay), measured the same way: OVN's stretch beside cloudroam's.

Run: ./cloudroam bench stretch-lab [--clouds 8] [--matrices 8] [--seed 2010] [--peer ovn]
"""

import argparse
import random
import threading
import time

from benchcommon import environment, percentile, run, write_result
from benchlab import move_timed, ovn_version, settle
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


def _plan(n, count, seed):
    """The random matrices (one-way delay 10-100 ms per pair) and where vm1 moves on each, drawn in the
    order earlier runs drew them (a matrix, then its target), so a seed gives the same plan."""
    rng, at, plan = random.Random(seed), 1, []
    for _ in range(count):
        delays = {(a, b): round(rng.uniform(10, 100), 1) for a in range(1, n + 1) for b in range(a + 1, n + 1)}
        target = rng.choice([c for c in range(2, n + 1) if c != at])
        plan.append((delays, target))
        at = target
    return plan


def _stretch(row, samples, mode, rtts, dist, hops, target, overhead):
    for peer, rtt in rtts.items():
        k = int(peer[2:])
        best = 2 * dist[(target, k)] + 2 * hops[(target, k)] * overhead
        stretch = rtt / best if rtt is not None else None
        row["pairs"].setdefault(peer, {"best_rtt_ms": round(best, 2)})[mode] = {
            "rtt_ms": rtt, "stretch": round(stretch, 4) if stretch else None}
        if stretch:
            samples.setdefault(mode, []).append(stretch)


def _ovn_phase(n, plan, samples, matrices):
    """The same plan on the lab with OVN as its network: per matrix, vm1 moved (Neutron's multi-chassis
    steps), then every other VM pinged over OVN's direct tunnel; returns OVN's per-tunnel overhead."""
    spec = LabSpec(n, n, (100,), controller=False, network="ovn")
    spec.wan = parse_wan_spec("all 20ms", n)
    lab.up(spec.validate())
    try:
        peers_all = [f"vm{k}" for k in range(2, n + 1)]
        restconf.wait("every VM reached from vm1 over OVN",
                      lambda: all(r is not None for r in _pings("vm1", peers_all).values()), 90)
        base = _pings("vm1", peers_all)
        overhead = percentile([(rtt - 40.0) / 2 for rtt in base.values() if rtt is not None], 0.5)
        for (delays, target), row in zip(plan, matrices):
            for (a, b), delay in delays.items():
                lab.wan_apply(a, b, WanRule(delay))
            lab.migrate("vm1", f"c{target}")
            dist, hops = _shortest(delays, n)
            _stretch(row, samples, "ovn", _pings("vm1", [f"vm{k}" for k in range(2, n + 1) if k != target]), dist,
                     hops, target, overhead)
    finally:
        lab.down()
    return overhead


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench stretch-lab")
    parser.add_argument("--clouds", type=int, default=8)
    parser.add_argument("--matrices", type=int, default=8)
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--peer", choices=("none", "ovn"), default="none",
                        help="ovn: the same matrices and moves on the lab rebuilt with OVN, afterwards")
    args = parser.parse_args(argv)
    n = args.clouds
    plan = _plan(n, args.matrices, args.seed)
    spec = LabSpec(n, n, (100,))
    spec.wan = parse_wan_spec("all 20ms", n)
    samples = {"optimal": [], "triangle": []}
    matrices = []
    ovn_overhead = None
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
        for m, (delays, target) in enumerate(plan):
            for (a, b), delay in delays.items():
                lab.wan_apply(a, b, WanRule(delay))
            started = time.monotonic()
            _measured(delays, n, f"probes measuring matrix {m + 1}")
            converged_s = round(time.monotonic() - started, 1)
            dist, hops = _shortest(delays, n)
            if move_timed(vm1, f"c{target}")["record"] is None:
                raise LabError(f"vm1's move to c{target} not confirmed within 30 s")
            peers = [f"vm{k}" for k in range(2, n + 1) if k != target]
            row = {"delays_ms": {f"c{a}-c{b}": d for (a, b), d in delays.items()}, "vm1_in": f"c{target}",
                   "probes_converged_s": converged_s, "pairs": {}}
            for mode in ("optimal", "triangle"):
                restconf.set_mode(spec, mode)
                settle(quiet=1, timeout=30)
                _stretch(row, samples, mode, _pings("vm1", peers), dist, hops, target, overhead)
            restconf.set_mode(spec, "optimal")
            matrices.append(row)
    finally:
        lab.down()
    if args.peer == "ovn":
        # the controller keeps running beside OVN's lab: without its configuration it has nothing to do
        restconf.call("DELETE", "/rests/data/cloudroam:cloudroam")
        ovn_overhead = _ovn_phase(n, plan, samples, matrices)

    def stats(values):
        return {"pairs": len(values), "p50": round(percentile(values, 0.5), 3), "p99": round(percentile(values, 0.99), 3),
                "max": round(max(values), 3), "mean": round(sum(values) / len(values), 4),
                "within_2_percent": round(sum(1 for v in values if abs(v - 1) <= 0.02) / len(values), 3)} \
            if values else {"pairs": 0}
    result = {
        "benchmark": "stretch-lab", "command": f"./cloudroam bench stretch-lab --clouds {n} --matrices "
                                               f"{args.matrices} --seed {args.seed}"
                                               + (" --peer ovn" if args.peer == "ovn" else ""),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "environment": dict(environment(), **({"ovn": ovn_version()} if ovn_overhead is not None else {})),
        "what": f"lab, {n} clouds, one VM each; per random matrix (10-100 ms one way per pair) vm1 moves away from "
                "home and pings every other VM; stretch = smallest RTT of 5 / best RTT of the matrix (plus the "
                "measured cost of each tunnel crossed)",
        "baseline": "triangle: traffic to vm1 through its home c1, same matrices, same run",
        "per_tunnel_overhead_ms": round(overhead, 3), "optimal": stats(samples["optimal"]),
        "triangle": stats(samples["triangle"]), "matrices": matrices,
        **({"ovn": stats(samples.get("ovn", [])), "ovn_per_tunnel_overhead_ms": round(ovn_overhead, 3),
            "peer": "OVN (lab up --network ovn), the same matrices and moves, right after"}
           if ovn_overhead is not None else {}),
    }
    # a run beside OVN has a file of its own: it does not replace the run of cloudroam alone
    out = write_result("stretch-lab-vs-ovn" if ovn_overhead is not None else "stretch-lab", result)
    print("| mode | pairs | stretch p50 | p99 | max | mean | within 2% |\n|---|---|---|---|---|---|---|")
    for mode in ("optimal", "triangle", "ovn"):
        s = result.get(mode, {"pairs": 0})
        if s["pairs"]:
            print(f"| {mode} | {s['pairs']} | {s['p50']} | {s['p99']} | {s['max']} | {s['mean']} | "
                  f"{s['within_2_percent']:.0%} |")
    print(f"per-tunnel overhead (uniform 20 ms WAN): {result['per_tunnel_overhead_ms']} ms"
          + (f"; OVN's {result['ovn_per_tunnel_overhead_ms']} ms" if ovn_overhead is not None else ""))
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "stretch-lab")
