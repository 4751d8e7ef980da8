"""QEMU migration: real live migrations of a QEMU guest between two clouds through cloudroam, timed
on the clocks traffic and the switches keep. The demo's lab (three clouds, one way c1-c2 40 ms,
c1-c3 10 ms, c2-c3 10 ms) with one QEMU guest, qvm1, moving c1 <-> c3 while vm5 (c2) streams to it
at 1 kpps (each datagram echoed by the guest: both directions).

Per case, --moves migrations back and forth:
- optimal-preplugged: the destination port plugged with the VM's identity first (libvirt's order),
  no RPC; cloudroam prepares the migration when the port appears (mobility/prepare-migrations);
- optimal-unprepared: the same with prepare-migrations false (the move applied at the guest's first
  frame, as before 2026-12-07): the step's baseline, same run;
- optimal-announced: the same, after `announce-migration`;
- optimal-no-evidence: the destination bound by its interface name only (`--identity none`), the
  source port lingering as before: the old port probed before the move (verify-strategy
  probe-then-apply, the default);
- optimal-no-evidence-apply-first: the same with verify-strategy apply-then-probe (the move applied
  at the first frame, the old port asked meanwhile);
- triangle, reactive: the baselines (VNI 100 in that mode), destination plugged as in the first.

With --peer ovn, the same moves follow on the same lab rebuilt with OVN as its network (lab up
--network ovn: no OpenDaylight; lab/cloudroam_lab/ovn.py), the peer an operator would pick instead:
- ovn-multichassis: the port bound at both ends when the destination is plugged, activated there by
  the guest's RARP (requested-chassis=src,dst, activation-strategy=rarp), the destination alone once
  the migration completed: what Nova with Neutron's OVN driver does;
- ovn-plain: the binding moved to the destination when the migration completed (OVN without
  multi-chassis bindings).
OVN's switch clock counts every flow change (its binding changes touch flows that do not name the
MAC; its activation removes the flows that blocked the port), deletions only before the source port
is removed. Per case also the control plane's CPU seconds per migration (Karaf; OVN's northd, its
two databases and every ovn-controller), as used and above what it used idle (measured for IDLE_S
after the cases, warm), and the flows on each switch after it. Written to
benchmarks/results/qemu-migration-vs-ovn.json (a run without --peer to qemu-migration.json).

Per migration: QEMU's own downtime; the pause as the taps see it (the guest's last own frame at the
source tap -> QEMU's announcement on the destination tap); the stream's longest gap (the outage) and
loss; outage minus downtime, the figure of merit, and outage minus the pause seen; the RTT before and after; reconvergence on the switches' clock:
from the guest's first announcement on the destination tap to the last flow added or changed on any switch
that mentions the guest's MAC (`ovs-ofctl --timestamp monitor`, the switches' own account), and the
same on the destination cloud's switch alone (all a prepared migration's traffic waits for);
cloudroam's record (trigger, verification) beside it, for diagnosis. The outage is the stream's
clock in every case: for the reactive baseline too it ends only when the guest answers again,
relearned. Nearest-rank percentiles with
their sample counts. Writes benchmarks/results/qemu-migration.json (summary keyed by case) and
prints a Markdown table.

A migration after which the guest no longer answers (its kernel has crashed: seen under TCG after
19 and after 77 migrations on 2026-12-02) is marked invalid with QEMU's account of the guest and left
out of the summary; the guest is restarted where it is (`lab reboot`) and the run goes on, up to
MAX_CRASHES times. The JSON lists every crash (guest_crashes).

Run: ./cloudroam bench qemu-migration [--moves 20] [--cases optimal-preplugged,...] [--peer ovn
[--peer-cases ovn-multichassis,ovn-plain]]
"""

import argparse
import glob
import json
import re
import sys
import threading
import time

from benchcommon import environment, run, summary, write_result
from benchlab import any_flow_clock_ms, cpu_seconds, karaf_pid, ovn_version, switch_clock_ms
from cloudroam_lab import demo, lab, ovn, restconf
from cloudroam_lab.topology import LabError, LabSpec, controller_config, parse_wan_spec

CASES = ("optimal-preplugged", "optimal-unprepared", "optimal-announced", "optimal-no-evidence",
         "optimal-no-evidence-apply-first", "triangle", "reactive")
PEER_CASES = ("ovn-multichassis", "ovn-plain")
GUEST, GUEST_MAC, PEER = "qvm1", "02:c0:0e:00:00:01", "vm5"
STREAM_S, LEAD_S = 4.0, 1.0
IDLE_S = 10.0  # the control plane's idle CPU is measured over this long after the cases
MAX_CRASHES = 10  # a guest that stops answering more often than this ends the run


def _mode(mode):
    restconf.put("/rests/data/cloudroam:cloudroam/virtual-network=100", {"cloudroam:virtual-network": [
        {"vni": 100, "name": "vni-100", "cloud": ["c1", "c2", "c3"], "mode": mode}]})


def _mobility(case="optimal-preplugged"):
    # many moves of one VM in a few minutes: more than the default flap guard allows
    restconf.put("/rests/data/cloudroam:cloudroam/mobility", {"cloudroam:mobility": {
        "flap-moves": 1000, "prepare-migrations": case != "optimal-unprepared",
        "verify-strategy": "apply-then-probe" if case == "optimal-no-evidence-apply-first" else "probe-then-apply"}})


def _record_after(known, target, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for mid, record in sorted(restconf.migrations().items()):
            if mid not in known and record["mac"] == GUEST_MAC and record["to-cloud"] == target:
                if "flows-confirmed" in record:
                    return record
        time.sleep(0.05)  # poll interval
    return None


def _reachable(timeout_s=60):
    """Until vm5 reaches the guest again (a rebooted guest is relearned from its first frames)."""
    deadline = time.monotonic() + timeout_s
    while _rtt() is None:
        if time.monotonic() > deadline:
            raise LabError(f"the rebooted qvm1 did not answer vm5 within {timeout_s} s")


def _reflects():
    """Whether the guest's UDP reflector answers (a quarter of a second at 200 pps)."""
    return (lab.stream(PEER, GUEST, 200, 0.25).get("received") or 0) > 0


def _rtt():
    result = lab.ping(PEER, GUEST, count=10, interval=0.05)
    return result.get("rtt_ms", {}).get("p50")


def one(case, target):
    peer = case in PEER_CASES
    stream_result = {}
    lab.flow_events_start()
    streamer = threading.Thread(target=lambda: stream_result.update(lab.stream(PEER, GUEST, 1000, STREAM_S)))
    streamer.start()
    time.sleep(LEAD_S)  # the move starts a second into the stream: an offset, not a wait for state
    if case == "optimal-announced":
        restconf.call_ok("POST", "/rests/operations/cloudroam:announce-migration",
                         {"input": {"mac": GUEST_MAC, "target-cloud": target}})
    known = set() if peer else set(restconf.migrations())
    prepared_before = 0 if peer else int(restconf.counters().get("migrations-prepared", 0))
    started = time.time()
    try:
        moved = lab.migrate_qemu(GUEST, target, identity="none" if case.startswith("optimal-no-evidence") else "libvirt",
                                 ovn_binding=case.removeprefix("ovn-") if peer else "multichassis")
    finally:
        streamer.join()
        events = lab.flow_events_stop(with_events=True)["clouds"]
    record = None if peer else _record_after(known, target)
    prepared = 0 if peer else int(restconf.counters().get("migrations-prepared", 0)) - prepared_before
    clock = _any_flow_clock_ms if peer else _mac_clock_ms
    downtime = moved["downtime_ms"]
    gap = stream_result.get("longest_gap_ms")
    return {"case": case, "to": target, "downtime_ms": downtime, "total_time_ms": moved["total_time_ms"],
            "outage_ms": round(gap, 1) if gap is not None else None,
            "outage_minus_downtime_ms": round(gap - downtime, 1) if gap is not None and downtime is not None else None,
            # the pause as the taps see it: the guest's last frame at the source -> QEMU's announcement at the
            # destination (under TCG longer than QEMU's own downtime figure, which ends before the destination runs)
            "pause_seen_ms": moved.get("pause_seen_ms"),
            "outage_minus_pause_seen_ms": round(gap - moved["pause_seen_ms"], 1)
            if gap is not None and moved.get("pause_seen_ms") is not None else None,
            "lost": stream_result.get("lost"), "sent": stream_result.get("sent"),
            "reconvergence_switch_ms": clock(events, started, moved),
            # the destination cloud's own switch: what a prepared migration's traffic waits for
            "destination_switch_ms": clock({target: events.get(target, {})}, moved["first_announcement"] or started,
                                           moved),
            "trigger": record.get("trigger") if record else None,
            "verification": record.get("verification") if record else None, "prepared": prepared,
            "first_announcement": moved["first_announcement"], "plugged_at": moved["plugged_at"],
            "last_guest_frame_at_source": moved.get("last_guest_frame_at_source"),
            "first_guest_frame_at_destination": moved.get("first_guest_frame_at_destination"),
            "completed_at": moved["completed_at"], "unplugged_at": moved["unplugged_at"]}


def _mac_clock_ms(events, since, moved):
    """cloudroam: the last flow added or changed that names the guest's MAC (benchlab.switch_clock_ms)."""
    return switch_clock_ms(events, GUEST_MAC, since, float("inf"), moved["first_announcement"])


def _any_flow_clock_ms(events, since, moved):
    """OVN: the last flow change of any kind (benchlab.any_flow_clock_ms)."""
    return any_flow_clock_ms(events, since, float("inf"), moved["first_announcement"], moved.get("unplugged_at"))


def _control_plane_pids(peer):
    """The processes that make up the control plane: Karaf, or OVN's northd, databases and controllers."""
    if not peer:
        return [karaf_pid()]
    pids = []
    for path in [f"{ovn.OVN_DIR}/{name}.pid" for name in ("nb", "sb", "ovn-northd")] + sorted(
            glob.glob(f"{lab.STATE_DIR}/c*/ovn-controller.pid")):
        with open(path) as f:
            pids.append(f.read().strip())
    return pids


def _control_plane_cpu(pids):
    return sum(cpu_seconds(pid) for pid in pids)


def _flows_per_switch(spec):
    """Each switch's flow count (br-int, every table)."""
    counts = {}
    for cloud in spec.cloud_list():
        out = lab.switch_tool(cloud.name, "ofctl", ["dump-aggregate", "br-int"])["output"]
        match = re.search(r"flow_count=(\d+)", out)
        counts[cloud.name] = int(match.group(1)) if match else None
    return counts


def _run_case(case, moves, at, samples, crashes):
    """--moves migrations of the guest back and forth between c1 and c3, each measured (one());
    returns where the guest ended, and why the run stopped early (None when it did not)."""
    for k in range(moves):
        target = "c3" if at == "c1" else "c1"
        before = _rtt()
        sample = one(case, target)
        at = target
        deadline = time.monotonic() + 20
        after = _rtt()
        while after is None and time.monotonic() < deadline:
            after = _rtt()
        sample.update(rtt_before_ms=before, rtt_after_ms=after)
        samples.append(sample)
        print(f"{case} {k + 1}/{moves} -> {target}: downtime {sample['downtime_ms']} ms, outage "
              f"{sample['outage_ms']} ms, lost {sample['lost']}, switches {sample['reconvergence_switch_ms']} "
              f"ms, {sample['trigger']}/{sample['verification']}, RTT {before} -> {after} ms", flush=True)
        # a guest whose kernel a TCG migration damaged may still answer pings while its reflector is dead
        # (2026-12-07: "BUG: Bad page state" on its console, the reflector's UDP gone): ask it too
        reflects = after is not None and _reflects()
        if not reflects:
            # the guest no longer answers: this sample means nothing. Say what QEMU says about the
            # guest, restart it where it is (as an operator would) and go on; after MAX_CRASHES, stop
            sample["invalid"] = (f"qvm1 did not answer vm5 within 20 s after this migration; "
                                 f"{_guest_state(target)}" if after is None else
                                 "qvm1 answers pings but its UDP reflector no longer answers (see its console "
                                 "log: lab.console_log)")
            crashes.append({"case": case, "migration": k + 1, "after_migrations": len(samples),
                            "state": sample["invalid"]})
            print(f"  {sample['invalid']}", flush=True)
            if len(crashes) >= MAX_CRASHES:
                return at, f"{case} migration {k + 1}: the guest stopped answering {len(crashes)} times"
            try:
                print(f"  rebooted: {lab.reboot_qemu(GUEST)}", flush=True)
                _reachable()
            except LabError as e:
                # the samples so far are still written
                return at, f"{case} migration {k + 1}: the guest could not be restarted: {e}"
    return at, None


def _lab_spec(network):
    spec = LabSpec(3, 6, qemu_vms=1, controller=network == "cloudroam", network=network)
    spec.wan = parse_wan_spec(demo.WAN, 3)
    return spec.validate()


def _system_phase(network, cases, moves, samples, crashes, per_case):
    """Brings the lab up with this network, runs its cases; fills per_case (CPU, flows); returns why
    it stopped early, or None."""
    spec = _lab_spec(network)
    lab.up(spec)
    aborted = None
    try:
        if network == "cloudroam":
            restconf.put_config(controller_config(spec))
            _mobility()
            # until the probes have measured the WAN and c2 reaches c1 through c3 (RTT about 42 ms; 82 direct)
            deadline = time.monotonic() + 90
            while (rtt := _rtt()) is None or rtt > 60:
                if time.monotonic() > deadline:
                    raise LabError(f"qvm1 not reached from vm5 through c3 within 90 s (RTT {rtt} ms)")
        else:
            _reachable()  # OVN: one tunnel per pair, c2 -> c1 direct (RTT about 82 ms)
        pids = _control_plane_pids(network == "ovn")
        at, spent = "c1", {}
        for case in cases:
            if network == "cloudroam":
                _mode(case if case in ("triangle", "reactive") else "optimal")
                _mobility(case)
            cpu_before, done_before, case_started = _control_plane_cpu(pids), len(samples), time.monotonic()
            at, aborted = _run_case(case, moves, at, samples, crashes)
            spent[case] = (len(samples) - done_before, _control_plane_cpu(pids) - cpu_before,
                           time.monotonic() - case_started)
            per_case[case] = {"flows_per_switch": _flows_per_switch(spec)}
            if aborted:
                break
        # what the control plane burns with nothing moving (cloudroam's probe rounds, OVN's keep-alives),
        # measured warm, after the moves (right after the start a JVM is still compiling): the window
        # below is the measurement itself
        cpu_before = _control_plane_cpu(pids)
        time.sleep(IDLE_S)
        idle_rate = (_control_plane_cpu(pids) - cpu_before) / IDLE_S
        for case, (done, used, elapsed) in spent.items():
            per_case[case].update({
                "control_plane_cpu_s_per_migration": round(used / done, 3) if done else None,
                "control_plane_cpu_s_per_migration_above_idle": round((used - idle_rate * elapsed) / done, 3)
                if done else None,
                "control_plane_idle_cpu_s_per_s": round(idle_rate, 3)})
        if network == "cloudroam":
            _mode("optimal")
            _mobility()
    finally:
        lab.down()
    return aborted


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench qemu-migration")
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--cases", default=",".join(CASES), help="cloudroam's cases (empty: none)")
    parser.add_argument("--peer", choices=("none", "ovn"), default="none",
                        help="ovn: the same moves on the same lab with OVN as its network, afterwards")
    parser.add_argument("--peer-cases", default=",".join(PEER_CASES))
    args = parser.parse_args(argv)
    cases = [c for c in args.cases.split(",") if c]
    peer_cases = [c for c in args.peer_cases.split(",") if c] if args.peer == "ovn" else []
    unknown = [c for c in cases if c not in CASES] + [c for c in peer_cases if c not in PEER_CASES]
    if unknown or not 1 <= args.moves <= 200 or not cases + peer_cases:
        raise LabError(f"--cases from {', '.join(CASES)}, --peer-cases from {', '.join(PEER_CASES)} (unknown: "
                       f"{unknown}; at least one case); --moves 1..200")
    if peer_cases:
        ovn.check_installed()  # before a long cloudroam phase, not after it
    started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    samples, crashes, per_case, aborted = [], [], {}, None
    if cases:
        aborted = _system_phase("cloudroam", cases, args.moves, samples, crashes, per_case)
    if peer_cases and not aborted:
        # the controller keeps running beside OVN's lab: without its configuration it has nothing to do
        restconf.call("DELETE", "/rests/data/cloudroam:cloudroam")
        aborted = _system_phase("ovn", peer_cases, args.moves, samples, crashes, per_case)
    cases = cases + peer_cases
    result_summary = {}
    for case in cases:
        mine = [s for s in samples if s["case"] == case and "invalid" not in s]
        result_summary[case] = {
            "outage_minus_downtime_ms": summary([s["outage_minus_downtime_ms"] for s in mine
                                                 if s["outage_minus_downtime_ms"] is not None]),
            "reconvergence_switch_ms": summary([s["reconvergence_switch_ms"] for s in mine
                                                if s["reconvergence_switch_ms"] is not None]),
            "destination_switch_ms": summary([s["destination_switch_ms"] for s in mine
                                              if s.get("destination_switch_ms") is not None]),
            "downtime_ms": summary([s["downtime_ms"] for s in mine if s["downtime_ms"] is not None]),
            "pause_seen_ms": summary([s["pause_seen_ms"] for s in mine if s.get("pause_seen_ms") is not None]),
            "outage_minus_pause_seen_ms": summary([s["outage_minus_pause_seen_ms"] for s in mine
                                                   if s.get("outage_minus_pause_seen_ms") is not None]),
            "lost": summary([s["lost"] for s in mine if s["lost"] is not None]),
            "rtt_after_ms": summary([s["rtt_after_ms"] for s in mine if s["rtt_after_ms"] is not None]),
            # vm5 (c2) -> the guest in c1: 40 ms one way direct, 20 through c3
            "rtt_guest_in_c1_ms": summary([s["rtt_after_ms"] for s in mine
                                           if s["rtt_after_ms"] is not None and s["to"] == "c1"]),
            "verifications": sorted({s["verification"] or "none" for s in mine}),
            "prepared": sum(1 for s in mine if s.get("prepared")),
            "system": "ovn" if case in PEER_CASES else "cloudroam", **per_case.get(case, {})}
    command = (f"./cloudroam bench qemu-migration --moves {args.moves} --cases {args.cases}"
               + (f" --peer ovn --peer-cases {','.join(peer_cases)}" if peer_cases else ""))
    result = {"benchmark": "qemu-migration", "command": command, "when": started,
              "environment": dict(environment(), **({"ovn": ovn_version()} if peer_cases else {})),
              "baseline": "reactive (the VM forgotten and relearned; its clock ends when it answers again), "
                          "triangle; same run" + ("; OVN (ovn-multichassis, ovn-plain) on the same lab, rebuilt "
                                                  "with OVN as its network, right after" if peer_cases else ""),
              "summary": result_summary, "samples": samples,
              "invalid_samples": sum(1 for s in samples if "invalid" in s), "guest_crashes": crashes,
              "aborted": aborted}
    # a run beside OVN has a file of its own: it does not replace the run of every cloudroam case
    out = write_result("qemu-migration-vs-ovn" if peer_cases else "qemu-migration", result)
    print("| case | outage - QEMU downtime p50 / p99 (n) | switches' reconvergence p50 / p99 (n) | destination switch "
          "p50 / p99 (n) | QEMU downtime p50 | pause seen at the taps p50 | outage - pause seen p50 / p99 (n) | lost p50 "
          "| RTT after p50 | RTT vm5 -> guest in c1 p50 | verification | prepared | control plane CPU s / migration "
          "(above idle) | flows per switch |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for case, row in result_summary.items():
        def cell(stats):
            return f"{stats.get('p50', '-')} / {stats.get('p99', '-')} ({stats['n']})"
        print(f"| {case} | {cell(row['outage_minus_downtime_ms'])} ms | {cell(row['reconvergence_switch_ms'])} ms | "
              f"{cell(row['destination_switch_ms'])} ms | {row['downtime_ms'].get('p50', '-')} ms | "
              f"{row['pause_seen_ms'].get('p50', '-')} ms | {cell(row['outage_minus_pause_seen_ms'])} ms | "
              f"{row['lost'].get('p50', '-')} | {row['rtt_after_ms'].get('p50', '-')} ms | "
              f"{row['rtt_guest_in_c1_ms'].get('p50', '-')} ms | "
              f"{', '.join(row['verifications'])} | {row['prepared']} | "
              f"{row.get('control_plane_cpu_s_per_migration', '-')} "
              f"({row.get('control_plane_cpu_s_per_migration_above_idle', '-')}) | {row.get('flows_per_switch', '-')} |")
    mine = result_summary.get("optimal-preplugged", {}).get("outage_minus_downtime_ms", {})
    for case in peer_cases:
        theirs = result_summary[case]["outage_minus_downtime_ms"]
        if mine.get("n") and theirs.get("n") and theirs["p50"] and theirs["p99"]:
            print(f"optimal-preplugged / {case}, outage - QEMU downtime: p50 {mine['p50'] / theirs['p50']:.2f}, "
                  f"p99 {mine['p99'] / theirs['p99']:.2f} (n {mine['n']} / {theirs['n']})")
    print(f"-> {out}")
    if crashes:
        print(f"the guest stopped answering {len(crashes)} times in {len(samples)} migrations (samples left out): "
              + "; ".join(f"{c['case']} migration {c['migration']}" for c in crashes))
    if aborted:
        print(f"bench qemu-migration: stopped early: {aborted}", file=sys.stderr)
        return 1
    return 0


def _guest_state(cloud):
    """What QEMU says about the guest in `cloud` (its run state, and the CPU's flags register: IF clear and
    not halted is a kernel spinning with interrupts off), for the message of a run that stopped."""
    try:
        return "QEMU: " + lab.qemu_state(GUEST, cloud)
    except (LabError, OSError) as e:
        return f"QEMU state unknown ({e})"


if __name__ == "__main__":
    run(main, "qemu-migration")
