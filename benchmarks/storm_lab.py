"""Migration storm on the lab: every VM of one cloud moves to another at once (an evacuation), on
the real lab and distribution, timed on the switches' clock: from the first VM's first
announcement to the last flow added or changed for any of the movers on any switch (their own flow
monitors); baseline: the same VMs moved one at a time, each awaited, in the same run (the sum of
their reconvergence on the same clock). cloudroam's records (first signal seen -> last flows
confirmed) are kept beside it for diagnosis.

The lab: four clouds, 240 VMs on one virtual network (60 per cloud; the lab allows 250), WAN as
`bench migration`'s; every VM located, so every switch holds flows for all of them. One at a time:
c1's VMs move to c3, one move awaited before the next. The storm: they all move back to c1 at
once, in libvirt's order (every destination port plugged in one OVSDB transaction, then each VM
paused for 100 ms, resumed on its new port and announced with RARPs as QEMU does, its pause
starting a few ms after the previous VM's; the source ports removed in one transaction after
the resume), then to c3 again, `--rounds` storms in all. Each VM's own pause is measured and
reported. The in-process storm (`bench storm`) does 1,000.

Run: ./cloudroam bench storm-lab [--clouds 4] [--vms 240] [--rounds 4]
"""

import argparse
import time

from benchcommon import environment, percentile, run, summary as stats, write_result
from benchlab import confirmed, instant, locate_all, move_timed, reconverged_ms, switch_clock_ms, switch_clocks
from cloudroam_lab import demo, lab, restconf
from cloudroam_lab.topology import LabSpec, controller_config, parse_wan_spec


def _span_ms(records):
    first = min(instant(m["signal-seen"]) for m in records)
    last = max(instant(m["flows-confirmed"]) for m in records)
    return (last - first).total_seconds() * 1000


def _each_ms(records):
    return [reconverged_ms(m) for m in records]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench storm-lab")
    parser.add_argument("--clouds", type=int, default=4)
    parser.add_argument("--vms", type=int, default=240, help="the lab allows 250")
    parser.add_argument("--rounds", type=int, default=4, help="storms, alternating direction")
    args = parser.parse_args(argv)
    spec = LabSpec(args.clouds, args.vms, (100,))
    spec.wan = parse_wan_spec(("all 20ms, " if args.clouds > 3 else "") + demo.WAN, args.clouds)
    try:
        up = lab.up(spec.validate())
        config = controller_config(spec)
        config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000}
        restconf.put_config(config)
        vms = up["vms"]
        locate_all(vms)
        movers = [v for v in vms if (int(v["name"][2:]) - 1) % args.clouds == 0]  # c1's
        macs = {v["mac"] for v in movers}
        # baseline: one at a time, each awaited
        moves, records_single = [], []
        lab.flow_events_start()
        try:
            for v in movers:
                move = move_timed(v, "c3")
                moves.append(move)
                if move["record"]:
                    records_single.append(reconverged_ms(move["record"]))
        finally:
            events = lab.flow_events_stop(with_events=True)["clouds"]
        # every move's window ends where the next one starts, a missed one's too
        singles = [move for move in moves if move["record"]]
        missed_single = len(moves) - len(singles)
        single_ms = [ms for move, ms in zip(moves, switch_clocks(events, moves))
                     if move["record"] and ms is not None]
        storms = []
        at = "c3"
        for _ in range(args.rounds):
            target = "c1" if at == "c3" else "c3"
            known = set(restconf.migrations())
            lab.flow_events_start()
            started = time.time()
            try:
                moved = lab.migrate_many([v["name"] for v in movers], target)
                records = confirmed(known, macs, target, 120)
            finally:
                events = lab.flow_events_stop(with_events=True)["clouds"]
            done = [m for m in records.values() if "flows-confirmed" in m]
            first_signal = min((m["first_announcement"] for m in moved if m["first_announcement"]), default=None)
            storms.append({"to": target, "vms": len(movers), "confirmed": len(done),
                           "paused_ms": stats([m["paused_ms"] for m in moved]),
                           "first_announcement_to_last_switch_change_ms": switch_clock_ms(
                               events, macs, started, float("inf"), first_signal),
                           "record_first_signal_to_last_confirmed_ms": round(_span_ms(done), 1) if done else None,
                           "record_each_ms": stats(_each_ms(done))})
            at = target
            time.sleep(1)  # the announcement bursts end before the next storm
    finally:
        lab.down()
    baseline = sum(single_ms)
    spans = [s["first_announcement_to_last_switch_change_ms"] for s in storms
             if s["first_announcement_to_last_switch_change_ms"] is not None]
    p50 = percentile(spans, 0.5) if spans else None
    result = {
        "benchmark": "storm-lab", "command": f"./cloudroam bench storm-lab --clouds {args.clouds} --vms {args.vms} "
                                             f"--rounds {args.rounds}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
        "what": f"{len(movers)} VMs (all of c1's) move between c1 and c3 at once; from the first VM's first "
                "announcement to the last flow added or changed for any of them on any switch (the switches' flow "
                "monitors)",
        "baseline": "the same VMs moved one at a time, each awaited: the sum of their reconvergence on the same clock",
        "one_at_a_time": {"moves": len(singles), "missed": missed_single, "sum_ms": round(baseline, 1),
                          "each_switch_ms": stats(single_ms), "record_each_ms": stats(records_single)},
        "storms": storms, "storm_p50_ms": round(p50, 1) if p50 is not None else None, "storms_n": len(spans),
        "ratio_storm_to_one_at_a_time": round(p50 / baseline, 2) if p50 is not None and baseline else None,
    }
    out = write_result("storm-lab", result)
    print("| storm | VMs | confirmed | each VM paused p50 / p99 | first announcement -> last switch change | "
          "record: first signal -> last confirmed |\n|---|---|---|---|---|---|")
    for k, s in enumerate(storms, 1):
        print(f"| {k} (to {s['to']}) | {s['vms']} | {s['confirmed']} | {s['paused_ms'].get('p50')} / "
              f"{s['paused_ms'].get('p99')} ms | {s['first_announcement_to_last_switch_change_ms']} ms | "
              f"{s['record_first_signal_to_last_confirmed_ms']} ms |")
    one = result["one_at_a_time"]
    print(f"one at a time (baseline): {one['moves']} moves, sum {one['sum_ms']} ms on the switches' clock, each "
          f"{one['each_switch_ms']}, missed {one['missed']}; storm p50 / baseline: "
          f"{result['ratio_storm_to_one_at_a_time']}")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "storm-lab")
