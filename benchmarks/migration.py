"""Migration: many moves of one VM on a large lab, timed on the clocks traffic and the switches keep,
and packets lost across a move per mode on the demo's lab, with the running controller, in one run.

Reconvergence: four clouds and 100 VMs on one virtual network by default, WAN one way c1-c2 40 ms,
c1-c3 10 ms, c2-c3 10 ms (the demo's), 20 ms on every link to c4; every VM is located, so every
switch holds flows for all of them. vm1 (home c1) moves between c1 and c3, 200 times in each mode
(optimal, triangle, reactive), in libvirt's order (destination port plugged first, source removed
after the resume), while vm5 (c2) streams to it at 1 kpps, echoed. Per move: the switches'
reconvergence (vm1's first announcement -> the last flow added or changed for vm1 on any switch,
from their own flow monitors), the stream's outage (longest gap) minus the VM's measured pause, packets lost,
and cloudroam's record (signal seen -> flows confirmed, a diagnostic). The reactive baseline forgets
the VM and relearns it from its next frames: its outage ends when it answers again.

Loss, on the demo's lab (three clouds, six VMs): vm5 (c2) streams to vm1 at 1 kpps for 3 s, the
move starts 1 s in; the pause itself (about 100 ms: a packet per ms) is lost in every mode and
reported beside it; 'optimal' is compared to the 'reactive' baseline. Nearest-rank percentiles
with their sample counts. Writes benchmarks/results/migration.json and prints Markdown tables.

Mode optimal-unprepared is optimal with mobility/prepare-migrations false (the move applied at the VM's
first frame at its destination, nothing prepared when the port was plugged): the baseline of the
preparation, in the same run.

With --flow-programming datastore,direct every mode is measured with both methods in the same run
(cases MODE@METHOD; --rounds 0 leaves the loss comparison out).

With --peer ovn the reconvergence moves are repeated on the same lab rebuilt with OVN as its
network (lab up --network ovn, no OpenDaylight): cases ovn-multichassis (Neutron's binding steps with
activation-strategy=rarp) and ovn-plain (the binding moved at the resume), the same stream, the
same pause; OVN's switch clock is any flow change (benchlab.any_flow_clock_ms).

Run: ./cloudroam bench migration [--migrations 200] [--rounds 3] [--clouds 4] [--vms 100]
     [--modes optimal,triangle,reactive] [--flow-programming datastore] [--peer ovn]
"""

import argparse
import statistics
import threading
import time

from benchcommon import environment, run, summary as stats, write_result
from benchlab import locate_all, move_timed, ovn_version, reconverged_ms, switch_clocks
from cloudroam_lab import demo, lab, restconf
from cloudroam_lab.topology import LabSpec, LabError, controller_config, parse_wan_spec


STREAM_S, LEAD_S = 2.5, 0.7


def _under_stream(move):
    """Runs a move while vm5 streams to vm1 at 1 kpps (echoed), the move LEAD_S into the stream;
    returns what the move answered and the stream's account."""
    streamed = {}
    streamer = threading.Thread(target=lambda: streamed.update(lab.stream("vm5", "vm1", 1000, STREAM_S)))
    streamer.start()
    time.sleep(LEAD_S)  # the move starts into the stream: an offset, not a wait for state
    try:
        return move(), streamed
    finally:
        streamer.join()


def _outage(target, moved, streamed):
    """A move's figures from the stream: its longest gap (the outage), that minus the VM's pause, loss."""
    gap = streamed.get("longest_gap_ms")
    return {"to": target, "paused_ms": moved["paused_ms"], "lost": streamed.get("lost"),
            "outage_ms": round(gap, 1) if gap is not None else None,
            "outage_minus_pause_ms": round(gap - moved["paused_ms"], 1) if gap is not None else None}


def _reconvergence(spec, count, modes, methods):
    """vm1 moves between c1 and c3 `count` times per mode while every other VM is located (its flows on
    every switch) and vm5 (c2) streams to it at 1 kpps (echoed): per move, the stream's outage beside
    the VM's pause, the switches' reconvergence (first announcement -> last flow added or changed for vm1 on any
    switch, from their flow monitors) and cloudroam's own record (signal seen -> confirmed)."""
    up = lab.up(spec.validate())
    config = controller_config(spec)
    # preparation on unless the mode says otherwise (set here, so that a run does not depend on the default)
    config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000, "prepare-migrations": True}
    restconf.put_config(config)
    vms = up["vms"]
    vm = next(v for v in vms if v["name"] == "vm1")
    locate_all(vms)
    samples = {}
    for method, mode in ((method, mode) for method in methods for mode in modes):
        if config["cloudroam:cloudroam"].get("flow-programming") != method:
            config["cloudroam:cloudroam"]["flow-programming"] = method
            restconf.put_config(config)
        # optimal-unprepared: optimal with mobility/prepare-migrations false, the preparation's baseline
        prepare = mode != "optimal-unprepared"
        if config["cloudroam:cloudroam"]["mobility"].get("prepare-migrations", True) != prepare:
            config["cloudroam:cloudroam"]["mobility"]["prepare-migrations"] = prepare
            restconf.put_config(config)
        restconf.set_mode(spec, "optimal" if mode == "optimal-unprepared" else mode)
        restconf.wait("vm5 to reach vm1", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1, 60)
        at = restconf.locate(vm["mac"])["cloud"]
        moves = []
        lab.flow_events_start()
        try:
            for _ in range(count):
                target = "c3" if at == "c1" else "c1"
                timed, streamed = _under_stream(lambda target=target: move_timed(vm, target))
                if timed["record"] is None:
                    raise LabError(f"{vm['name']}'s move to {target} not confirmed within 30 s")
                timed.update(_outage(target, timed["moved"], streamed),
                             record_ms=round(reconverged_ms(timed["record"]), 1),
                             verification=timed["record"].get("verification"))
                moves.append(timed)
                at = target
                if mode == "reactive" and not restconf.locate(vm["mac"]):
                    lab.ping("vm1", "vm5", count=1)  # not relearned from its announcements: its traffic teaches it
        finally:
            events = lab.flow_events_stop(with_events=True)["clouds"]
        for move, ms in zip(moves, switch_clocks(events, moves)):
            move["switch_ms"] = ms
            move["first_announcement"] = move.pop("moved")["first_announcement"]
            move.pop("record")
        samples[mode if len(methods) == 1 else f"{mode}@{method}"] = moves
    return vm, samples


def _ovn_reconvergence(spec, count, modes):
    """The same moves of vm1 (c1 <-> c3 under vm5's 1 kpps echoed stream) on the lab rebuilt with OVN
    as its network: per move the stream's outage beside the VM's pause, and OVN's switch clock."""
    ovn_spec = LabSpec(spec.clouds, spec.vms, spec.vnis, controller=False, network="ovn", wan=dict(spec.wan))
    lab.up(ovn_spec.validate())
    samples = {}
    try:
        restconf.wait("vm5 to reach vm1 over OVN", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1, 60)
        at = "c1"
        for mode in modes:
            moves = []
            lab.flow_events_start()
            try:
                for _ in range(count):
                    target = "c3" if at == "c1" else "c1"
                    started = time.time()
                    moved, streamed = _under_stream(
                        lambda target=target: lab.migrate("vm1", target, ovn_binding=mode.removeprefix("ovn-")))
                    moves.append(dict(_outage(target, moved, streamed), started=started, moved=moved, record_ms=None,
                                      verification=None))
                    at = target
            finally:
                events = lab.flow_events_stop(with_events=True)["clouds"]
            for move, ms in zip(moves, switch_clocks(events, moves, any_flow=True)):
                move["switch_ms"] = ms
                move["first_announcement"] = move.pop("moved")["first_announcement"]
            samples[mode] = moves
    finally:
        lab.down()
    return samples


def _loss(spec, vm, mode, announce):
    at = restconf.locate(vm["mac"])["cloud"]
    row = demo.move(mode, spec, vm, "c3" if at == "c1" else "c1", announce=announce)
    return row["lost"], row["paused"], row["longest_gap"]


def ratio(summary, figure, q):
    mine, theirs = summary["optimal"][figure].get(q), summary["reactive"][figure].get(q)
    return round(mine / theirs, 2) if mine is not None and theirs else None


def cell(figures):
    return f"{figures.get('p50', '-')} / {figures.get('p99', '-')} ({figures['n']})"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench migration")
    parser.add_argument("--migrations", type=int, default=200, help="moves per mode for reconvergence")
    parser.add_argument("--rounds", type=int, default=3, help="moves per mode for the loss comparison")
    parser.add_argument("--clouds", type=int, default=4)
    parser.add_argument("--vms", type=int, default=100)
    parser.add_argument("--modes", default="optimal,triangle,reactive", help="modes measured for reconvergence")
    parser.add_argument("--peer", choices=("none", "ovn"), default="none",
                        help="ovn: the reconvergence moves again on the lab rebuilt with OVN, afterwards")
    parser.add_argument("--flow-programming", default="datastore",
                        help="flow programming methods, each measured with every mode in the same run "
                             "(datastore, direct, rpc); with more than one a case is MODE@METHOD")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    if not modes or any(m not in ("optimal", "optimal-unprepared", "triangle", "reactive") for m in modes):
        raise SystemExit(f"--modes: optimal, optimal-unprepared, triangle or reactive, comma-separated "
                         f"(not {args.modes!r})")
    methods = [m for m in args.flow_programming.split(",") if m]
    if not methods or any(m not in ("datastore", "direct", "rpc") for m in methods):
        raise SystemExit(f"--flow-programming: datastore, direct or rpc, comma-separated (not {args.flow_programming!r})")
    # one network, every cloud holds VMs of it; the demo's WAN, every link to a fourth cloud or beyond 20 ms
    spec = LabSpec(args.clouds, args.vms, (100,),
                   wan=parse_wan_spec(("all 20ms, " if args.clouds > 3 else "") + demo.WAN, args.clouds))
    try:
        _, reconvergence = _reconvergence(spec, args.migrations, modes, methods)
        losses = {}
        if args.rounds > 0:
            # the loss comparison on the demo's lab (vm5 in c2 streams to vm1), as in earlier runs
            loss_spec = LabSpec(3, 6, wan=parse_wan_spec(demo.WAN, 3))
            up = lab.up(loss_spec.validate())
            config = controller_config(loss_spec)
            config["cloudroam:cloudroam"]["flow-programming"] = methods[-1]
            # vm1 just moved hundreds of times: the flap guard must not hold it now; 'optimal' prepared, as in
            # the reconvergence part
            config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000, "prepare-migrations": True}
            restconf.put_config(config)
            vm = next(v for v in up["vms"] if v["name"] == "vm1")
            restconf.wait("vm1 and vm5 located", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1
                          and restconf.located_in(vm["mac"], "c1"), 60)
            for _ in range(args.rounds):
                for mode, announce in (("optimal", False), ("triangle", False), ("reactive", False), ("optimal", True)):
                    label = mode + (" + announce" if announce else "")
                    losses.setdefault(label, []).append(_loss(loss_spec, vm, mode, announce))
    finally:
        lab.down()
    if args.peer == "ovn":
        # the controller keeps running beside OVN's lab: without its configuration it has nothing to do
        restconf.call("DELETE", "/rests/data/cloudroam:cloudroam")
        reconvergence.update(_ovn_reconvergence(spec, args.migrations, ["ovn-multichassis", "ovn-plain"]))
    summary = {}
    for mode, moves in reconvergence.items():
        def pick(key, moves=moves):
            return [m[key] for m in moves if m[key] is not None]
        summary[mode] = {"moves": len(moves), "reconvergence_switch_ms": stats(pick("switch_ms")),
                         "outage_minus_pause_ms": stats(pick("outage_minus_pause_ms")),
                         "outage_ms": stats(pick("outage_ms")), "paused_ms": stats(pick("paused_ms")),
                         "lost": stats(pick("lost")), "record_signal_to_confirmed_ms": stats(pick("record_ms")),
                         "verifications": sorted({m["verification"] or "none" for m in moves}),
                         "samples": moves}
    # the echo stream's longest silence, replies included: what an application sees of the move
    loss = {label: {"moves": len(v), "lost": [x[0] for x in v], "paused_ms": [round(x[1]) for x in v],
                    "beyond_pause": [x[0] - round(x[1]) for x in v],
                    "beyond_pause_mean": round(statistics.mean(x[0] - x[1] for x in v), 1),
                    "longest_gap_ms": [round(x[2], 1) if x[2] is not None else None for x in v],
                    "gap_beyond_pause_ms": [round(x[2] - x[1], 1) if x[2] is not None else None for x in v]}
            for label, v in losses.items()}
    result = {"benchmark": "migration",
              "command": f"./cloudroam bench migration --migrations {args.migrations} --rounds {args.rounds} "
                         f"--clouds {args.clouds} --vms {args.vms} --modes {args.modes} "
                         f"--flow-programming {args.flow_programming}"
                         + (" --peer ovn" if args.peer == "ovn" else ""),
              "lab": f"reconvergence: {args.clouds} clouds, {args.vms} VMs on VNI 100, all located; loss: the demo's "
                     "3 clouds, 6 VMs",
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "environment": dict(environment(), **({"ovn": ovn_version()} if args.peer == "ovn" else {})),
              "wan": ("all 20ms, " if args.clouds > 3 else "") + demo.WAN,
              "reconvergence": {"what": "vm1 c1 <-> c3 while vm5 (c2) streams to it at 1 kpps (echoed): per move the "
                                        "switches' reconvergence (vm1's first announcement -> the last flow added or "
                                        "changed for vm1 on any switch, their flow monitors), the stream's outage "
                                        "minus the VM's pause, and cloudroam's record (signal seen -> confirmed) "
                                        "for diagnosis",
                                "baseline": "reactive (the VM forgotten, then relearned from its next frames; its "
                                            "outage ends when it answers again), same run", **summary,
                                **({"optimal_over_reactive_outage_p50": ratio(summary, "outage_ms", "p50"),
                                    "optimal_over_reactive_switch_p99": ratio(summary, "reconvergence_switch_ms",
                                                                              "p99")}
                                   if "optimal" in summary and "reactive" in summary else {}),
                                **({"prepared_over_unprepared_outage_minus_pause_p50": round(
                                    summary["optimal"]["outage_minus_pause_ms"]["p50"]
                                    / summary["optimal-unprepared"]["outage_minus_pause_ms"]["p50"], 2)}
                                   if "optimal" in summary and summary.get("optimal-unprepared", {}).get(
                                       "outage_minus_pause_ms", {}).get("p50") else {})},
              **({"loss": {"what": "1 kpps echo stream vm5 (c2) -> vm1 across vm1's move c1 <-> c3; lost packets "
                                   "and the longest gap between replies",
                           "baseline": "reactive", **loss,
                           "optimal_over_reactive_lost": round(statistics.mean(loss["optimal"]["lost"])
                                                               / statistics.mean(loss["reactive"]["lost"]), 2),
                           "reactive_minus_optimal_beyond_pause": round(loss["reactive"]["beyond_pause_mean"]
                                                                        - loss["optimal"]["beyond_pause_mean"], 1)}}
                 if loss else {})}
    if args.peer == "ovn":
        result["reconvergence"]["peer"] = ("OVN (lab up --network ovn), the same lab and moves right after: "
                                           "ovn-multichassis, ovn-plain; switch clock: any flow change")
        for case in ("ovn-multichassis", "ovn-plain"):
            mine, theirs = summary.get("optimal", {}), summary.get(case, {})
            if mine and theirs.get("outage_minus_pause_ms", {}).get("p50"):
                result["reconvergence"][f"optimal_over_{case}_outage_minus_pause_p50"] = round(
                    mine["outage_minus_pause_ms"]["p50"] / theirs["outage_minus_pause_ms"]["p50"], 2)
    # a run beside OVN has a file of its own: it does not replace the run of cloudroam alone
    out = write_result("migration-vs-ovn" if args.peer == "ovn" else "migration", result)
    print("| mode | moves | switches' reconvergence p50 / p99 (n) | outage - pause p50 / p99 (n) | outage p50 | "
          "record p50 | verification |\n|---|---|---|---|---|---|---|")
    for mode, s in summary.items():
        print(f"| {mode} | {s['moves']} | {cell(s['reconvergence_switch_ms'])} ms | {cell(s['outage_minus_pause_ms'])} "
              f"ms | {s['outage_ms'].get('p50')} ms | {s['record_signal_to_confirmed_ms'].get('p50')} ms | "
              f"{', '.join(s['verifications'])} |")
    if loss:
        print("\n| mode | moves | lost (each) | VM paused ms (each) | lost beyond the pause, mean | longest gap ms "
              "(each) | gap beyond the pause ms (each) |\n|---|---|---|---|---|---|---|")
        for label, s in loss.items():
            print(f"| {label} | {s['moves']} | {s['lost']} | {s['paused_ms']} | {s['beyond_pause_mean']} | "
                  f"{s['longest_gap_ms']} | {s['gap_beyond_pause_ms']} |")
        print(f"optimal / reactive (packets lost, mean): {result['loss']['optimal_over_reactive_lost']}; reactive "
              f"loses {result['loss']['reactive_minus_optimal_beyond_pause']} more beyond the pause")
    if len(methods) > 1:
        for mode in modes:
            base, fast = summary.get(f"{mode}@{methods[0]}"), summary.get(f"{mode}@{methods[-1]}")
            for figure in ("reconvergence_switch_ms", "outage_minus_pause_ms"):
                b, f = base[figure].get("p50"), fast[figure].get("p50")
                if b and f is not None:
                    print(f"{mode}: {figure} p50 {methods[-1]} / {methods[0]} = {f / b:.2f}")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "migration")
