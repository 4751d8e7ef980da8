"""Cluster rejoin: how a SIGKILLed member comes back, over many rejoins. Three members of its own
(lab/cloudroam_lab/cluster.py, the default failover profile), the demo's lab on all three, a
stream between two VMs. Each round kills one member (the one where cloudroam is active, or
another one, in turn), moves a VM while it is gone, starts it again through the supervisor
(lab/cloudroam_lab/karaf.py) and checks that every member shows the same locations and history.
Each rejoin is classified from the rejoining member's log: clean, journal (a shard's Raft
journal could not be recovered and was set aside), downed (the cluster downed the member while
it started), hang (no RESTCONF and no AAA start for minutes, nothing else recognised), failed.
Beside the classes it counts the log lines that precede a broken journal (a leader forcing a
snapshot on a follower, a follower applying one): the mechanism docs/cluster.md describes.

Run: ./cloudroam bench cluster-rejoin [--rejoins 20]
"""

import argparse
import glob
import json
import os
import re
import shutil
import time

from benchcommon import environment, run, write_result
from cloudroam_lab import cluster, demo, karaf, lab, restconf
from cloudroam_lab.topology import LabError, LabSpec, controller_config, parse_wan_spec

SNAPSHOT_LINES = {
    "leader_forced_snapshot": re.compile(r"is ahead of our lastIndex .* forcing install snaphot"),
    "follower_applied_snapshot": re.compile(r"Applying snapshot on follower"),
    "cannot_append": re.compile(r"Cannot append new entry"),
    "downed": karaf.DOWNED,
}


def rest(host, method, path, auth, body=None):
    try:
        return restconf.call(method, path, body, host=host, auth=auth, timeout=10)
    except Exception as e:  # noqa: BLE001 - a member that does not answer is a state to record
        return None, str(e)


def active(auth):
    for host in cluster.local_hosts():
        status, body = rest(host, "GET", "/rests/data/cloudroam-cluster:active-instance", auth)
        if status == 200:
            return body["cloudroam-cluster:active-instance"]["member"]
    return None


def state(host, auth):
    """Locations (MAC -> cloud) and migration ids a member shows, or None when it cannot say."""
    status, body = rest(host, "GET", "/rests/data/cloudroam:vm-locations", auth)
    status2, body2 = rest(host, "GET", "/rests/data/cloudroam:migrations", auth)
    if status != 200 or status2 != 200:
        return None
    locations = {e["mac"]: e["cloud"] for e in body["cloudroam:vm-locations"]["vm-location"]}
    ids = sorted(e["id"] for e in body2["cloudroam:migrations"].get("migration", []))
    return locations, ids


def log_counts(base):
    counts = dict.fromkeys(SNAPSHOT_LINES, 0)
    for path in glob.glob(os.path.join(base, "member-*", cluster.DIST_NAME, "data", "log", "karaf.log*")):
        with open(path, errors="replace") as f:
            for line in f:
                for name, pattern in SNAPSHOT_LINES.items():
                    if pattern.search(line):
                        counts[name] += 1
    return counts


def wait(what, limit_s, check):
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if check():
            return round(limit_s - (deadline - time.monotonic()), 1)
        time.sleep(0.5)  # poll interval
    return None


def one_rejoin(base, archive, auth, round_no, victim_rule):
    was = active(auth)
    if victim_rule == "active" or was is None:
        victim = int(was.split("-")[1]) if was else 1
    else:
        victim = 1 + (int(was.split("-")[1]) % 3)
    survivor = cluster.local_hosts()[victim % 3]
    before = log_counts(base)
    cluster.kill(base, victim)
    took_over = wait("take-over", 60, lambda: (active(auth) or was) != was) if victim_rule == "active" else 0
    now_in = next(vm["cloud"] for vm in lab.status()["vms"] if vm["name"] == "vm5")
    moved_to = {"c1": "c2", "c2": "c3", "c3": "c1"}[now_in]
    lab.migrate("vm5", moved_to)
    # the guest talks as a running VM does: a move made while its switch has no master is seen from
    # its next frame (docs/cluster.md)
    seen = wait("the move", 60, lambda: (state(survivor, auth) or ({}, []))[0].get("02:c0:00:00:00:05") == moved_to
                or (lab.ping("vm5", "vm1", count=1) and False))
    started = time.monotonic()
    outcome = {"round": round_no, "killed": f"member-{victim}", "was_active": was == f"member-{victim}",
               "takeover_s": took_over, "move_seen_s": seen}
    try:
        answer = cluster.rejoin(base, victim, archive, auth, timeout=600)
        restarts = answer.get("restarts", {}).get(f"member-{victim}", [])
        outcome.update(rejoin_s=round(time.monotonic() - started, 1),
                       restarts=[{k: v for k, v in r.items() if k != "set_aside"} for r in restarts],
                       set_aside=[m["moved-to"] for r in restarts for m in r.get("set_aside", [])])
        reasons = [r["reason"] for r in restarts]
        outcome["class"] = reasons[0] if reasons else "clean"
    except LabError as e:
        outcome.update(rejoin_s=round(time.monotonic() - started, 1), error=str(e)[:2000])
        outcome["class"] = "failed"
    same = wait("the same state on every member", 60, lambda: len({json.dumps(state(h, auth))
                                                                    for h in cluster.local_hosts()}) == 1
                and state(survivor, auth) is not None)
    outcome["same_state_s"] = same
    after = log_counts(base)
    outcome["log_lines"] = {k: after[k] - before[k] for k in SNAPSHOT_LINES}
    return outcome


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench cluster-rejoin")
    parser.add_argument("--rejoins", type=int, default=20)
    parser.add_argument("--failover", default=cluster.DEFAULT_FAILOVER)
    args = parser.parse_args(argv)
    base, archive = os.environ["CLOUDROAM_CLUSTER_DIR"], os.environ["CLOUDROAM_ARCHIVE"]
    auth = os.environ.get("CLOUDROAM_AUTH", "admin:admin")
    cluster.down(base)
    for member in glob.glob(os.path.join(base, "member-*")):
        shutil.rmtree(member)
    up = cluster.up(base, archive, auth, failover=args.failover)
    spec = LabSpec(3, 6, controllers=tuple(f"{h}:{cluster.OPENFLOW_PORT}" for h in cluster.local_hosts()))
    spec.wan = parse_wan_spec(demo.WAN, 3)
    rounds = []
    try:
        lab.up(spec.validate())
        status, _ = rest("127.0.0.1", "PUT", "/rests/data/cloudroam:cloudroam", auth, controller_config(spec))
        if status not in (200, 201, 204):
            raise LabError(f"configuration refused: {status}")
        wait("every VM located", 120, lambda: [lab.ping(a, b, count=1) for a, b in
                                               (("vm1", "vm4"), ("vm2", "vm5"), ("vm3", "vm6"))]
             and len((state("127.0.0.1", auth) or ({}, []))[0]) == 6)
        for n in range(1, args.rejoins + 1):
            rounds.append(one_rejoin(base, archive, auth, n, "active" if n % 2 else "other"))
            r = rounds[-1]
            print(f"rejoin {n}: {r['killed']} ({'active' if r['was_active'] else 'standby'}) -> {r['class']} in "
                  f"{r['rejoin_s']} s; same state after {r['same_state_s']} s; {r['log_lines']}", flush=True)
    finally:
        lab.down()
        cluster.down(base)
    classes = {}
    for r in rounds:
        classes[r["class"]] = classes.get(r["class"], 0) + 1
    result = {"benchmark": "cluster-rejoin", "command": f"./cloudroam bench cluster-rejoin --rejoins {args.rejoins}",
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
              "failover": args.failover, "formed": {"seconds": up["seconds"], "restarts": up.get("restarts", {})},
              "classes": classes, "rounds": rounds}
    out = write_result("cluster-rejoin", result)
    print(f"formed in {up['seconds']} s (restarts: {up.get('restarts') or 'none'}); {len(rounds)} rejoins: {classes}")
    print(f"-> {out}")
    return 0 if "failed" not in classes and all(r["same_state_s"] is not None for r in rounds) else 1


if __name__ == "__main__":
    run(main, "cluster-rejoin")
