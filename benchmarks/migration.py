"""Migration: reconvergence (signal seen -> all flows confirmed) over many moves, and packets lost
by a 1 kpps echo stream across a move per mode, on the real lab and the running controller, in one
run.

The lab: four clouds and 100 VMs on one virtual network by default, WAN one way c1-c2 40 ms, c1-c3 10 ms, c2-c3 10 ms (the
demo's), 20 ms on every link to c4; every VM is located, so every switch holds flows for all of them.
vm1 (home c1) moves between c1 and c3, 200 times in each mode (optimal, triangle, reactive). Reconvergence comes from cloudroam's own migration records (signal-seen,
flows-confirmed) with the default flow programming ('datastore': confirmed = committed; the 'rpc'
method's barrier-confirmed figure needs a controller started fresh for it, see docs/flows.md). Loss, on the demo's lab (three clouds, six VMs): vm5 (c2) streams to vm1 at 1 kpps for 3 s, the move starts 1 s in; the pause itself
(about 100 ms: a packet per ms) is lost in every mode and reported beside it; 'optimal' is compared
to the 'reactive' baseline. Writes benchmarks/results/migration.json and prints Markdown tables.

Run: ./cloudroam bench migration [--migrations 200] [--rounds 3] [--clouds 4] [--vms 100]
     [--modes optimal,triangle,reactive]
"""

import argparse
import statistics
import time
from datetime import datetime

from benchcommon import environment, percentile, run, write_result
from cloudroam_lab import demo, lab
from cloudroam_lab.topology import LabSpec, LabError, controller_config, parse_wan_spec


def _instant(text):
    # RFC 3339 with nanoseconds: keep microseconds
    head, _, frac = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(frac + '000000')[:6]}+00:00")


def _records():
    status, body = demo._call("GET", "/rests/data/cloudroam:migrations")
    return {int(m["id"]): m for m in body["cloudroam:migrations"]["migration"]} if status == 200 else {}


def _set(path, body):
    status, answer = demo._call("PUT", path, body)
    if status not in (200, 201, 204):
        raise LabError(f"PUT {path} refused: {answer}")


def _reconverged_ms(record):
    """Signal seen -> all flows confirmed, from a migration record."""
    return (_instant(record["flows-confirmed"]) - _instant(record["signal-seen"])).total_seconds() * 1000


def _confirmed(known, macs, target, timeout=30):
    """cloudroam's records of these MACs' moves to target (ids not in `known`), by MAC, once every one
    is confirmed; after `timeout`, those there are."""
    def mine():
        return {m["mac"]: m for i, m in _records().items() if i not in known and m["mac"] in macs
                and m["to-cloud"] == target}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = mine()
        if len(records) == len(macs) and all("flows-confirmed" in m for m in records.values()):
            return records
        time.sleep(0.05)  # poll interval
    return mine()


def _move_and_wait(vm, target, timeout=30):
    """Moves a VM (lab migrate) and waits for cloudroam's record of that move to be confirmed.
    Returns the record, or None after `timeout` with whether cloudroam recorded the move at all."""
    known = set(_records())
    lab.migrate(vm["name"], target)
    record = _confirmed(known, {vm["mac"]}, target, timeout).get(vm["mac"])
    return (record, True) if record and "flows-confirmed" in record else (None, record is not None)


def _locate_all(vms):
    """Every VM speaks once (a ping to a VM of its network), so cloudroam knows all of them."""
    for v in vms:
        peer = next(p for p in vms if p["vni"] == v["vni"] and p["name"] != v["name"])
        lab.ping(v["name"], peer["name"], count=1)
    demo._wait(f"all {len(vms)} VMs located", lambda: len(demo._call("GET", "/rests/data/cloudroam:vm-locations")[1]
               .get("cloudroam:vm-locations", {}).get("vm-location", [])) >= len(vms), 120)


def _reconvergence(spec, count, modes):
    """vm1 moves between c1 and c3 `count` times per mode while every other VM is located (its flows on
    every switch): the time from the signal to all flows confirmed, from cloudroam's migration records."""
    up = lab.up(spec.validate())
    config = controller_config(spec)
    config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000}
    _set("/rests/data/cloudroam:cloudroam", config)
    vms = up["vms"]
    vm = next(v for v in vms if v["name"] == "vm1")
    _locate_all(vms)
    samples = {}
    for mode in modes:
        demo._set_mode(spec, mode)
        demo._wait("vm5 to reach vm1", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1, 60)
        at = demo._locate(vm["mac"])["cloud"]
        samples[mode] = []
        for _ in range(count):
            target = "c3" if at == "c1" else "c1"
            record, _ = _move_and_wait(vm, target)
            if record is None:
                raise LabError(f"{vm['name']}'s move to {target} not confirmed within 30 s")
            samples[mode].append(_reconverged_ms(record))
            at = target
            if mode == "reactive":
                lab.ping("vm1", "vm5", count=1)  # the baseline forgot vm1: its traffic teaches it again
            time.sleep(0.3)  # let the announcement burst end before the next move
    return vm, samples


def _loss(spec, vm, mode, announce):
    at = demo._locate(vm["mac"])["cloud"]
    row = demo._move(mode, spec, vm, "c3" if at == "c1" else "c1", announce=announce)
    return row["lost"], row["paused"], row["longest_gap"]


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench migration")
    parser.add_argument("--migrations", type=int, default=200, help="moves per mode for reconvergence")
    parser.add_argument("--rounds", type=int, default=3, help="moves per mode for the loss comparison")
    parser.add_argument("--clouds", type=int, default=4)
    parser.add_argument("--vms", type=int, default=100)
    parser.add_argument("--modes", default="optimal,triangle,reactive", help="modes measured for reconvergence")
    args = parser.parse_args(argv)
    modes = [m for m in args.modes.split(",") if m]
    spec = LabSpec(args.clouds, args.vms, (100,))  # one network: every cloud holds VMs of it
    spec.wan = parse_wan_spec(("all 20ms, " if args.clouds > 3 else "") + demo.WAN, args.clouds)
    try:
        _, reconvergence = _reconvergence(spec, args.migrations, modes)
        # the loss comparison on the demo's lab (vm5 in c2 streams to vm1), as in earlier runs
        spec = LabSpec(3, 6)
        spec.wan = parse_wan_spec(demo.WAN, 3)
        up = lab.up(spec.validate())
        config = controller_config(spec)
        # vm1 just moved hundreds of times: the flap guard must not hold it now
        config["cloudroam:cloudroam"]["mobility"] = {"flap-moves": 1000}
        _set("/rests/data/cloudroam:cloudroam", config)
        vm = next(v for v in up["vms"] if v["name"] == "vm1")
        demo._wait("vm1 and vm5 located", lambda: lab.ping("vm5", "vm1", count=1)["received"] == 1
                   and (lambda o: o is not None and o["cloud"] == "c1")(demo._locate(vm["mac"])), 60)
        losses = {}
        for _ in range(args.rounds):
            for mode, announce in (("optimal", False), ("triangle", False), ("reactive", False), ("optimal", True)):
                label = mode + (" + announce" if announce else "")
                losses.setdefault(label, []).append(_loss(spec, vm, mode, announce))
    finally:
        lab.down()
    summary = {mode: {"samples": len(v), "p50_ms": round(percentile(v, 0.5), 1),
                        "p99_ms": round(percentile(v, 0.99), 1), "mean_ms": round(statistics.mean(v), 1),
                        "all_ms": [round(x, 1) for x in v]} for mode, v in reconvergence.items()}
    # the echo stream's longest silence, replies included: what an application sees of the move
    loss = {label: {"moves": len(v), "lost": [x[0] for x in v], "paused_ms": [round(x[1]) for x in v],
                    "beyond_pause": [x[0] - round(x[1]) for x in v],
                    "beyond_pause_mean": round(statistics.mean(x[0] - x[1] for x in v), 1),
                    "longest_gap_ms": [round(x[2], 1) if x[2] is not None else None for x in v],
                    "gap_beyond_pause_ms": [round(x[2] - x[1], 1) if x[2] is not None else None for x in v]}
            for label, v in losses.items()}
    result = {"benchmark": "migration",
              "command": f"./cloudroam bench migration --migrations {args.migrations} --rounds {args.rounds} "
                         f"--clouds {args.clouds} --vms {args.vms} --modes {args.modes}",
              "lab": f"reconvergence: {args.clouds} clouds, {args.vms} VMs on VNI 100, all located; loss: the demo's "
                     "3 clouds, 6 VMs",
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "environment": environment(),
              "wan": ("all 20ms, " if args.clouds > 3 else "") + demo.WAN,
              "reconvergence": {"what": "vm1 c1 <-> c3: signal seen -> all flows confirmed (both phases of "
                                        "make-before-break; datastore commit), from cloudroam's migration records",
                                "baseline": "reactive", **summary,
                                **({"optimal_over_reactive_p99": round(summary["optimal"]["p99_ms"]
                                                                       / summary["reactive"]["p99_ms"], 2)}
                                   if "optimal" in summary and "reactive" in summary else {})},
              "loss": {"what": "1 kpps echo stream vm5 (c2) -> vm1 across vm1's move c1 <-> c3; lost packets and the "
                               "longest gap between replies",
                       "baseline": "reactive", **loss,
                       "optimal_over_reactive_lost": round(statistics.mean(loss["optimal"]["lost"])
                                                           / statistics.mean(loss["reactive"]["lost"]), 2),
                       "reactive_minus_optimal_beyond_pause": round(loss["reactive"]["beyond_pause_mean"]
                                                                    - loss["optimal"]["beyond_pause_mean"], 1)}}
    out = write_result("migration", result)
    print("| mode | migrations | p50 ms | p99 ms |\n|---|---|---|---|")
    for mode, s in summary.items():
        print(f"| {mode} | {s['samples']} | {s['p50_ms']} | {s['p99_ms']} |")
    print("\n| mode | moves | lost (each) | VM paused ms (each) | lost beyond the pause, mean | longest gap ms (each) "
          "| gap beyond the pause ms (each) |\n|---|---|---|---|---|---|---|")
    for label, s in loss.items():
        print(f"| {label} | {s['moves']} | {s['lost']} | {s['paused_ms']} | {s['beyond_pause_mean']} | "
              f"{s['longest_gap_ms']} | {s['gap_beyond_pause_ms']} |")
    print(f"optimal / reactive (packets lost, mean): {result['loss']['optimal_over_reactive_lost']}; reactive loses "
          f"{result['loss']['reactive_minus_optimal_beyond_pause']} more beyond the pause   -> {out}")
    return 0


if __name__ == "__main__":
    run(main, "migration")
