"""Cluster stall: what each failover profile (lab/cloudroam_lab/cluster.py) does when nothing fails
but the machine is starved of CPU. Per profile, in one run: the three members on this machine, the
demo's lab connected to all three, then a quiet period and a loaded one of the same length (vm4
floods c1's switch at --pps frames/s from random unknown MACs, vm5 moves every 2 s, a stream
vm1 -> vm3). Counted from the members' own logs and RESTCONF, over each period: members wrongly
seen unreachable, members downed, take-overs of cloudroam's active instance, switch mastership
requests. The quiet period is the baseline; a profile that is right never downs a live member.

Run: ./cloudroam bench cluster-stall [--pps 50000] [--seconds 90] [--profiles fast,tolerant]
"""

import argparse
import glob
import os
import re
import shutil
import threading
import time

from benchcommon import environment, run, write_result
from cloudroam_lab import cluster, demo, lab, restconf
from cloudroam_lab.topology import LabSpec, controller_config, parse_wan_spec

EVENTS = {
    "unreachable": re.compile(r"Marking node as UNREACHABLE"),
    "downed": re.compile(r"SBR took decision Down"),
    "mastership_requests": re.compile(r"SetRole called with input"),
    "delayed_heartbeats": re.compile(r"heartbeat interval is growing too large|Scheduled sending of heartbeat was delayed"),
}


def log_counts(base):
    counts = dict.fromkeys(EVENTS, 0)
    for path in glob.glob(os.path.join(base, "member-*", cluster.DIST_NAME, "data", "log", "karaf.log*")):
        with open(path, errors="replace") as f:
            for line in f:
                for name, pattern in EVENTS.items():
                    if pattern.search(line):
                        counts[name] += 1
    return counts


def takeovers():
    status, body = restconf.call("GET", "/rests/data/cloudroam-cluster:active-instance")
    return int(body["cloudroam-cluster:active-instance"]["takeovers"]) if status == 200 else None


def period(base, seconds, pps):
    """Counts over `seconds`; with pps, under a flood, moves every 2 s and a stream."""
    before, taken = log_counts(base), takeovers()
    outcome = {}
    workers = []
    if pps:
        workers = [threading.Thread(target=lambda: outcome.update(flood=lab.flood("vm4", pps=pps, seconds=seconds))),
                   threading.Thread(target=lambda: outcome.update(stream=lab.stream("vm1", "vm3", 200, seconds)))]
        for w in workers:
            w.start()
    deadline, moves, at = time.monotonic() + seconds, 0, "c3"
    while time.monotonic() < deadline:
        if pps:
            lab.migrate("vm5", at)
            moves += 1
            at = {"c1": "c2", "c2": "c3", "c3": "c1"}[at]
        time.sleep(2)  # pacing the moves (and the quiet period's length), not synchronisation
    for w in workers:
        w.join()
    after = log_counts(base)
    result = {k: after[k] - before[k] for k in EVENTS}
    result["takeovers"] = (takeovers() or 0) - (taken or 0)
    result.update({"seconds": seconds, "offered_pps": pps, "moves": moves})
    if pps:
        result["flood_sent"] = outcome.get("flood", {}).get("sent")
        result["stream_lost"] = f"{outcome.get('stream', {}).get('lost')}/{outcome.get('stream', {}).get('sent')}"
    return result


def settled(base, quiet_s=10, limit_s=90):
    """Waits until the switches' first mastership requests are over (openflowplugin gives a
    connection 20 s to get a role): no new one for quiet_s."""
    last, since, deadline = None, time.monotonic(), time.monotonic() + limit_s
    while time.monotonic() < deadline:
        now = log_counts(base)["mastership_requests"]
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return
        time.sleep(1)  # poll interval


def profile_run(base, archive, auth, name, seconds, pps):
    cluster.down(base)
    for member in glob.glob(os.path.join(base, "member-*")):
        shutil.rmtree(member)  # every profile starts from a fresh install, as the first did
    up = cluster.up(base, archive, auth, failover=name)
    spec = LabSpec(3, 6, controllers=tuple(f"{h}:{cluster.OPENFLOW_PORT}" for h in cluster.local_hosts()))
    spec.wan = parse_wan_spec(demo.WAN, 3)
    try:
        lab.up(spec.validate())
        restconf.put_config(controller_config(spec))
        for a, b in (("vm1", "vm4"), ("vm2", "vm5"), ("vm3", "vm6")):
            lab.ping(a, b, count=1)
        settled(base)
        return {"profile": name, "settings": cluster.FAILOVER[name], "formed_in_s": up["seconds"],
                "quiet": period(base, seconds, 0), "loaded": period(base, seconds, pps)}
    finally:
        lab.down()
        cluster.down(base)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench cluster-stall")
    parser.add_argument("--pps", type=int, default=50000, help="flood rate offered in the loaded period")
    parser.add_argument("--seconds", type=int, default=90, help="length of each period")
    parser.add_argument("--profiles", default="fast,tolerant")
    args = parser.parse_args(argv)
    base, archive = os.environ["CLOUDROAM_CLUSTER_DIR"], os.environ["CLOUDROAM_ARCHIVE"]
    auth = os.environ.get("CLOUDROAM_AUTH", "admin:admin")
    runs = [profile_run(base, archive, auth, name, args.seconds, args.pps) for name in args.profiles.split(",")]
    result = {"benchmark": "cluster-stall",
              "command": f"./cloudroam bench cluster-stall --pps {args.pps} --seconds {args.seconds} "
                         f"--profiles {args.profiles}",
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
              "baseline": "the quiet period of the same profile, same run", "runs": runs}
    out = write_result("cluster-stall", result)
    print("| profile | period | unreachable (false) | downed | take-overs | mastership requests | delayed heartbeats "
          "| moves | stream lost |\n|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        for name in ("quiet", "loaded"):
            p = r[name]
            print(f"| {r['profile']} | {name} ({p['offered_pps']} pps) | {p['unreachable']} | {p['downed']} | "
                  f"{p['takeovers']} | {p['mastership_requests']} | {p['delayed_heartbeats']} | {p['moves']} | "
                  f"{p.get('stream_lost', '-')} |")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "cluster-stall")
