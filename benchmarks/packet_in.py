"""Packet-in pipeline end to end: the rate at which cloudroam takes in packet-ins from a real switch
through openflowplugin, as a ratio of the rate at which bare openflowplugin hands them on with no
application consuming them, on the same lab, in one run.

The lab is the demo's three clouds, with the switches' packet-in limit off (what reaches the
controller is what the switch can send). vm4 floods c1's switch with frames from random unknown
source MACs: every frame misses the source table and goes to the controller. A first flood of 10 s
is not measured: cloudroam learns its first MACs (up to its cap per port), and their flows are
written and sent; the windows start once no flow has changed for 5 s.

cloudroam's latency probes are off by default here (--probe-interval 0: direct tunnels). With the
switch's packet-in limit off, probes wait behind the flood in the flooded switch's one packet-in
queue, their one-way latencies swing by tens of milliseconds, routes change every round and every
change rewrites the flows of every VM: what the windows would then measure is route churn, not
packet-in handling (docs/benchmarks.md shows that run too).

- cloudroam: packet-ins per second cloudroam's listener took in (its `packet-ins` counter: decoded,
  checked against the per-port budget, learned or refused), and what openflowplugin counted
  (`ofp:showStats`: received from the switch, published).
- bare openflowplugin (baseline): cloudroam's bundle stopped (its flows stay: they are in the
  configuration datastore, which openflowplugin keeps on the switch), the same flood: packet-ins per
  second openflowplugin received and published to no one.

Run: ./cloudroam bench packet-in [--pps 50000] [--seconds 20] [--probe-interval 0]
"""

import argparse
import os
import re
import subprocess
import threading
import time

from benchcommon import environment, run, write_result
from benchlab import cpu_seconds, karaf_pid, settle, switch_pid
from cloudroam_lab import demo, lab, restconf
from cloudroam_lab.topology import LabSpec, LabError, controller_config, parse_wan_spec

BUNDLE = "io.cloudroam.impl"
END = "__cloudroam_bench_end__"


def console(command, timeout=90):
    """One Karaf console command over the loopback SSH console; its output, colours removed."""
    client = os.path.join(os.environ["CLOUDROAM_KARAF_HOME"], "bin", "client")
    proc = subprocess.Popen([client, "-u", "karaf", "-p", "karaf", "-r", "10", "-d", "2"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    # stdin stays open until the end marker is back: closing it ends the session before the output
    proc.stdin.write(f"{command}\necho {END}\n")
    proc.stdin.flush()
    lines = []
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        for line in proc.stdout:
            plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", line).rstrip()
            if plain.strip() == END:
                break
            lines.append(plain)
    finally:
        timer.cancel()
        proc.stdin.close()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return lines


def ofp_packet_ins():
    """openflowplugin's own cumulative packet-in counts, by statistics group (ofp:showStats)."""
    result = {}
    for line in console("ofp:showStats"):
        match = re.search(r"(\w+): MSG\[(\w*PacketIn\w*)\] -> \+\d+ \| (\d+)", line)
        if match:
            result[match.group(1)] = result.get(match.group(1), 0) + int(match.group(3))
    return result


def bundle_state():
    for line in console(f"bundle:list -s {BUNDLE}"):
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) > 2 and cells[-1] == BUNDLE:
            return cells[1]
    return "absent"


def stop_cloudroam():
    """Stops cloudroam's bundle (bundle:stop needs the manager role, which the console's user has)."""

    def stopped():
        console(f"bundle:stop {BUNDLE}")
        return bundle_state() == "Resolved"
    restconf.wait("cloudroam's bundle stopped", stopped, 60)


def window(pps, seconds):
    """vm4 floods c1 at pps; counts over `seconds` once the flood runs at full rate."""
    outcome = {}
    flooder = threading.Thread(target=lambda: outcome.update(lab.flood("vm4", pps=pps, seconds=seconds + 8)),
                               daemon=True)
    flooder.start()
    time.sleep(3)
    java, ovs = karaf_pid(), switch_pid("c1")
    ofp0, ours0 = ofp_packet_ins(), restconf.counters()
    started, cpu0 = time.monotonic(), (cpu_seconds(java), cpu_seconds(ovs))
    time.sleep(seconds)
    wall = time.monotonic() - started
    cpu = {"controller": round((cpu_seconds(java) - cpu0[0]) / wall, 2),
           "c1_switch": round((cpu_seconds(ovs) - cpu0[1]) / wall, 2)}
    ofp1, ours1 = ofp_packet_ins(), restconf.counters()
    flooder.join()
    rate = lambda a, b, k: round((int(b.get(k, 0)) - int(a.get(k, 0))) / wall)
    return {"offered_pps": pps, "flood": outcome, "seconds": round(wall, 1), "cpu_cores": cpu,
            "openflowplugin_per_s": {group: rate(ofp0, ofp1, group) for group in sorted(set(ofp0) | set(ofp1))},
            "cloudroam_per_s": {k: rate(ours0, ours1, k) for k in ("packet-ins", "packet-ins-over-budget",
                                                                    "locations-learned", "locations-refused",
                                                                    "flow-changes")}}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench packet-in")
    parser.add_argument("--pps", type=int, default=50000, help="frames a second the flooding VM offers")
    parser.add_argument("--seconds", type=int, default=20, help="length of each measured window")
    parser.add_argument("--probe-interval", type=int, default=0,
                        help="cloudroam's routing probes, ms (default 0: off, direct tunnels; see the docstring)")
    args = parser.parse_args(argv)
    if "CLOUDROAM_KARAF_HOME" not in os.environ:
        raise LabError("CLOUDROAM_KARAF_HOME unset: run this through ./cloudroam bench packet-in")
    lab.PACKET_IN_RATE = 0  # no switch limit: what reaches the controller is what the switch can send
    spec = LabSpec(3, 6)
    spec.wan = parse_wan_spec(demo.WAN, 3)
    try:
        up = lab.up(spec.validate())
        config = controller_config(spec)
        config["cloudroam:cloudroam"]["routing"] = {"probe-interval": args.probe_interval}
        restconf.put_config(config)
        vm1 = next(v for v in up["vms"] if v["name"] == "vm1")
        restconf.wait("vm1 and vm5 located", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1
                      and restconf.locate(vm1["mac"]) is not None, 60)
        # the flood's first MACs are learned (up to the cap per port: 256) and their flows written,
        # sent and polled for statistics; that settles first, so both windows see the same steady
        # state and the same flows on the switch
        lab.flood("vm4", pps=args.pps, seconds=10)
        settle()
        with_cloudroam = window(args.pps, args.seconds)
        stop_cloudroam()
        bare = window(args.pps, args.seconds)
        console(f"bundle:start {BUNDLE}")
    finally:
        lab.down()
    published = bare["openflowplugin_per_s"].get("FROM_SWITCH_PUBLISHED_SUCCESS", 0)
    taken = with_cloudroam["cloudroam_per_s"]["packet-ins"]
    ratio = round(taken / published, 3) if published else None
    result = {
        "benchmark": "packet-in", "command": f"./cloudroam bench packet-in --pps {args.pps} --seconds {args.seconds} "
                   f"--probe-interval {args.probe_interval}",
        "probe_interval_ms": args.probe_interval,
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
        "what": "vm4 (c1) floods c1's switch with frames from random unknown source MACs, no switch packet-in "
                "limit; packet-ins/s taken in by cloudroam's listener, beside what openflowplugin published with "
                "cloudroam's bundle stopped (the baseline), same lab, same run",
        "baseline": "bare openflowplugin: cloudroam's bundle stopped, same flood",
        "with_cloudroam": with_cloudroam, "bare_openflowplugin": bare,
        "cloudroam_packet_ins_per_s": taken, "bare_published_per_s": published, "ratio": ratio, "target": 0.9,
    }
    out = write_result("packet-in", result)
    print("| run | offered | reached | openflowplugin received/s | published/s | cloudroam took in/s "
          "| CPU cores controller / c1 switch |\n|---|---|---|---|---|---|---|")
    for name, run in (("cloudroam", with_cloudroam), ("bare openflowplugin (baseline)", bare)):
        ofp = run["openflowplugin_per_s"]
        print(f"| {name} | {run['offered_pps']} | {run['flood'].get('pps', '-')} | {ofp.get('FROM_SWITCH', '-')} | "
              f"{ofp.get('FROM_SWITCH_PUBLISHED_SUCCESS', '-')} | {run['cloudroam_per_s']['packet-ins'] if run is with_cloudroam else '-'} | "
              f"{run['cpu_cores']['controller']} / {run['cpu_cores']['c1_switch']} |")
    print(f"ratio (cloudroam took in / bare openflowplugin published): {ratio}")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "packet-in")
