"""Migration storm on the lab: every VM of one cloud moves to another at once (an evacuation), on
the real lab and distribution: time from the first signal seen to the last move's flows confirmed;
baseline: the same VMs moved one at a time, each awaited, in the same run.

The lab: four clouds, 240 VMs on one virtual network (60 per cloud; the lab allows 250), WAN as
`bench migration`'s;
every VM located, so every switch holds flows for all of them. One at a time: c1's VMs move to c3,
one move awaited before the next (the baseline is the sum of their reconvergence times). The storm:
they all move back to c1 at once (one OVSDB transaction removes their ports in c3, one adds them in
c1 after the 100 ms pause, then each announces itself with RARPs, as QEMU does), then to c3 again,
`--rounds` storms in all. The in-process storm (`bench storm`) does 1,000.

Run: ./cloudroam bench storm-lab [--clouds 4] [--vms 240] [--rounds 4]
"""

import argparse
import time

from benchcommon import environment, percentile, run, write_result
from cloudroam_lab import demo, lab
from cloudroam_lab.topology import LabSpec, controller_config, parse_wan_spec

from migration import _confirmed, _instant, _locate_all, _move_and_wait, _reconverged_ms, _records, _set


def _span_ms(records):
    first = min(_instant(m["signal-seen"]) for m in records)
    last = max(_instant(m["flows-confirmed"]) for m in records)
    return (last - first).total_seconds() * 1000


def _each_ms(records):
    return [_reconverged_ms(m) for m in records]


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
        _set("/rests/data/cloudroam:cloudroam", config)
        vms = up["vms"]
        _locate_all(vms)
        movers = [v for v in vms if (int(v["name"][2:]) - 1) % args.clouds == 0]  # c1's
        macs = {v["mac"] for v in movers}
        # baseline: one at a time, each awaited
        singles, missed_single = [], 0
        for v in movers:
            record, _ = _move_and_wait(v, "c3")
            if record:
                singles.append(_reconverged_ms(record))
            else:
                missed_single += 1
        storms = []
        at = "c3"
        for _ in range(args.rounds):
            target = "c1" if at == "c3" else "c3"
            known = set(_records())
            moved = lab.migrate_many([v["name"] for v in movers], target)
            records = _confirmed(known, macs, target, 120)
            done = [m for m in records.values() if "flows-confirmed" in m]
            storms.append({"to": target, "vms": len(movers), "confirmed": len(done),
                           "paused_ms": moved[0]["paused_ms"],
                           "first_signal_to_last_confirmed_ms": round(_span_ms(done), 1) if done else None,
                           "each_p50_ms": round(percentile(_each_ms(done), 0.5), 1) if done else None,
                           "each_p99_ms": round(percentile(_each_ms(done), 0.99), 1) if done else None})
            at = target
            time.sleep(1)  # the announcement bursts end before the next storm
    finally:
        lab.down()
    baseline = sum(singles)
    spans = [s["first_signal_to_last_confirmed_ms"] for s in storms if s["first_signal_to_last_confirmed_ms"]]
    p50 = percentile(spans, 0.5) if spans else None
    result = {
        "benchmark": "storm-lab", "command": f"./cloudroam bench storm-lab --clouds {args.clouds} --vms {args.vms} "
                                             f"--rounds {args.rounds}",
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
        "what": f"{len(movers)} VMs (all of c1's) move between c1 and c3 at once; time from the first signal seen "
                "to the last move's flows confirmed (cloudroam's migration records)",
        "baseline": "the same VMs moved one at a time, each awaited: the sum of their reconvergence times",
        "one_at_a_time": {"moves": len(singles), "missed": missed_single, "sum_ms": round(baseline, 1),
                          "each_p50_ms": round(percentile(singles, 0.5), 1) if singles else None,
                          "each_p99_ms": round(percentile(singles, 0.99), 1) if singles else None},
        "storms": storms, "storm_p50_ms": round(p50, 1) if p50 else None,
        "ratio_storm_to_one_at_a_time": round(p50 / baseline, 2) if p50 and baseline else None,
    }
    out = write_result("storm-lab", result)
    print("| storm | VMs | confirmed | first signal -> last confirmed | per move p50 (p99) |\n|---|---|---|---|---|")
    for k, s in enumerate(storms, 1):
        print(f"| {k} (to {s['to']}) | {s['vms']} | {s['confirmed']} | {s['first_signal_to_last_confirmed_ms']} ms | "
              f"{s['each_p50_ms']} ms ({s['each_p99_ms']}) |")
    one = result["one_at_a_time"]
    print(f"one at a time (baseline): {one['moves']} moves, sum {one['sum_ms']} ms, each p50 {one['each_p50_ms']} ms "
          f"(p99 {one['each_p99_ms']}), missed {one['missed']}; storm p50 / baseline: "
          f"{result['ratio_storm_to_one_at_a_time']}")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    run(main, "storm-lab")
