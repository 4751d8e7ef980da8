"""Packet-in flood: reconvergence of migrations while a VM floods its cloud's switch with frames from
random unknown source MACs, beside the same migrations on an idle lab, in one run; plus what the
flood cost the controller (packet-ins, refused locations, live heap).

The lab is the demo's (three clouds, WAN c1-c2 40 ms, c1-c3 10 ms, c2-c3 10 ms). vm1 moves between
c1 and c3; vm4 (also in c1) floods c1's switch at --pps frames a second, each from a new source MAC,
addressed to itself (so the frames reach no other VM: this is a packet-in flood, not a bandwidth
one). Reconvergence is on the switches' clock: vm1's first announcement -> the last flow added or
changed for vm1 on any switch (their own flow monitors); cloudroam's records give where the time goes (signal
seen -> verified -> flows sent -> confirmed). The idle run is the baseline and the flooded p99 is
reported as a ratio of it; nearest-rank percentiles with their sample counts.

Run: ./cloudroam bench flood [--migrations 50] [--pps 5000,20000,50000]
"""

import argparse
import os
import re
import subprocess
import threading
import time

from benchcommon import environment, percentile, run, write_result
from benchlab import cpu_seconds, instant, karaf_pid, move_timed, reconverged_ms, switch_clocks, switch_pid
from cloudroam_lab import demo, lab, restconf
from cloudroam_lab.topology import LabSpec, controller_config, parse_wan_spec


def live_heap_mib():
    """Heap in use right after a full collection: what the controller keeps, not what it has not freed yet."""
    jcmd = os.path.join(os.environ.get("JAVA_HOME", "/usr"), "bin", "jcmd")
    pid = karaf_pid()
    subprocess.run([jcmd, pid, "GC.run"], capture_output=True, check=True, timeout=60)
    info = subprocess.run([jcmd, pid, "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    used = re.search(r"used (\d+)K", info)
    return round(int(used.group(1)) / 1024, 1) if used else None


def moves(vm, count, timeout=20):
    """Moves vm back and forth under the switches' flow monitors; a move not confirmed within timeout
    is counted as missed, with whether cloudroam had seen its signal at all, and vm is made to speak
    to be found again. Returns the switches' reconvergence of each confirmed move (first
    announcement -> last flow added or changed for vm), the misses, and cloudroam's records."""
    timed, missed = [], []
    at = restconf.locate(vm["mac"])["cloud"]
    lab.flow_events_start()
    try:
        for _ in range(count):
            target = "c3" if at == "c1" else "c1"
            move = move_timed(vm, target, timeout)
            timed.append(move)
            if move["record"] is None:
                missed.append({"to": target, "signal_seen": move["seen"]})
                lab.ping(vm["name"], "vm5", count=3)
            at = target
            time.sleep(0.3)  # let the announcement burst end before the next move
    finally:
        events = lab.flow_events_stop(with_events=True)["clouds"]
    samples = [ms for move, ms in zip(timed, switch_clocks(events, timed))
               if move["record"] is not None and ms is not None]
    return samples, missed, [move["record"] for move in timed if move["record"] is not None]


STAGES = (("signal-seen", "verified"), ("verified", "flows-sent"), ("flows-sent", "flows-confirmed"))


def stages(records):
    """Where the reconvergence time goes: p50/p99 of each step of cloudroam's migration records
    (signal seen -> verified -> flows sent -> flows confirmed), and the slowest move's steps."""
    out = {}
    for a, b in STAGES:
        ms = [(instant(r[b]) - instant(r[a])).total_seconds() * 1000 for r in records if a in r and b in r]
        if ms:
            out[f"{a}->{b}"] = {"p50_ms": round(percentile(ms, 0.5), 1), "p99_ms": round(percentile(ms, 0.99), 1)}
    if records:
        slowest = max(records, key=reconverged_ms)
        out["slowest"] = {f"{a}->{b}": round((instant(slowest[b]) - instant(slowest[a])).total_seconds() * 1000, 1)
                          for a, b in STAGES if a in slowest and b in slowest}
        out["slowest"].update({k: slowest.get(k) for k in ("trigger", "verification", "switch-touched")})
    return out


def summary(samples):
    if not samples:
        return {"samples": 0, "p50_ms": None, "p99_ms": None, "all_ms": []}
    return {"samples": len(samples), "p50_ms": round(percentile(samples, 0.5), 1),
            "p99_ms": round(percentile(samples, 0.99), 1), "all_ms": [round(x, 1) for x in samples]}


def controller_status(cloud):
    out = lab.switch_tool(cloud, "vsctl", ["get", "controller", "br-int", "status"])["output"]
    return dict(re.findall(r'([\w-]+)="?([^",}]*)"?', out))


def phase(vm1, pps, migrations):
    """Migrations of vm1 while vm4 floods at pps (0: idle), with what the flood cost."""
    java, ovs = karaf_pid(), switch_pid("c1")
    outcome = {}
    flooder = None
    if pps:
        seconds = 10 + migrations * 3
        flooder = threading.Thread(target=lambda: outcome.update(lab.flood("vm4", pps=pps, seconds=seconds)),
                                   daemon=True)
        flooder.start()
        time.sleep(3)  # the flood at full rate before the first move
    started, cpu0 = time.monotonic(), (cpu_seconds(java), cpu_seconds(ovs))
    first = restconf.counters()
    samples, missed, records = moves(vm1, migrations)
    last = restconf.counters()
    wall = time.monotonic() - started
    cpu = {"controller": round((cpu_seconds(java) - cpu0[0]) / wall, 2),
           "c1_switch": round((cpu_seconds(ovs) - cpu0[1]) / wall, 2)}
    reachable = lab.ping("vm5", "vm1", count=3)["received"]
    status = controller_status("c1")
    if flooder:
        flooder.join()
    delta = {k: int(last[k]) - int(first.get(k, 0)) for k in ("packet-ins", "packet-ins-over-budget",
                                                               "locations-refused", "locations-learned")}
    return {"offered_pps": pps, "flood": outcome, **summary(samples), "stages": stages(records), "missed": missed,
            "cpu_cores": cpu,
            "controller_packet_ins_per_s": round(delta["packet-ins"] / wall), "counters": delta,
            "located_after": len(restconf.vm_locations()), "vm1_reachable_from_vm5": f"{reachable}/3",
            "c1_packet_in_queue": {k: status.get(k) for k in ("packet-in-miss-bypassed", "packet-in-miss-queued",
                                                              "packet-in-miss-dropped", "sec_since_connect")}}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench flood")
    parser.add_argument("--migrations", type=int, default=50, help="moves idle and again under each flood")
    parser.add_argument("--pps", default="5000,20000,50000", help="flood rates offered by the flooding VM")
    args = parser.parse_args(argv)
    rates = [int(x) for x in args.pps.split(",") if x]
    spec = LabSpec(3, 6)
    spec.wan = parse_wan_spec(demo.WAN, 3)
    try:
        up = lab.up(spec.validate())
        config = controller_config(spec)
        config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000}
        restconf.put_config(config)
        vms = {v["name"]: v for v in up["vms"]}
        vm1 = vms["vm1"]
        restconf.wait("vm1 and vm5 located", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1
                      and restconf.locate(vm1["mac"]) is not None, 60)
        heap_before = live_heap_mib()
        phases = [phase(vm1, 0, args.migrations)]
        for pps in rates:
            phases.append(phase(vm1, pps, args.migrations))
        heap_after = live_heap_mib()
    finally:
        lab.down()
    idle = phases[0]
    for p in phases[1:]:
        if not p["samples"]:
            continue
        p["p99_ratio"] = round(p["p99_ms"] / idle["p99_ms"], 2)
        p["p50_ratio"] = round(p["p50_ms"] / idle["p50_ms"], 2)
    result = {
        "benchmark": "flood", "command": f"./cloudroam bench flood --migrations {args.migrations} --pps {args.pps}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
        "wan": demo.WAN,
        "what": "vm1 moves c1 <-> c3; reconvergence = signal seen -> all flows confirmed; vm4 (c1) floods c1's "
                "switch with frames from random unknown source MACs; switches limit packet-ins to "
                f"{lab.PACKET_IN_RATE}/s, {lab.PACKET_IN_BURST} queued, per-port fair",
        "baseline": "idle (same lab, same run, no flood)", "phases": phases,
        "live_heap_mib": {"before": heap_before, "after": heap_after},
    }
    out = write_result("flood", result)
    print("| flood offered | reached | migrations confirmed | p50 ms | p99 ms | missed | p99 / idle p99 | packet-ins/s at the controller "
          "| CPU cores controller / c1 switch |\n|---|---|---|---|---|---|---|---|---|")
    for p in phases:
        print(f"| {p['offered_pps'] or 'none (baseline)'} | {p['flood'].get('pps', '-')} | {p['samples']} | "
              f"{p['p50_ms']} | {p['p99_ms']} | {len(p['missed'])} | {p.get('p99_ratio', 1.0)} | {p['controller_packet_ins_per_s']} | "
              f"{p['cpu_cores']['controller']} / {p['cpu_cores']['c1_switch']} |")
    for p in phases:
        print(f"stages at {p['offered_pps'] or 'idle'}: {p['stages']}")
    print(f"live heap before/after: {heap_before}/{heap_after} MiB; located after: {phases[-1]['located_after']}")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "flood")
