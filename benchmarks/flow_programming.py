"""Flow programming: configuration datastore + forwarding rules manager (FRM) against flow RPCs
closed by a barrier, on the real lab and the running controller, in the same run.

Per round and method: the bindings of cloud c1's VMs are withdrawn (their flows leave c1), then
put back; the time from the RESTCONF PUT to the last flow-mod c1's switch applies is taken from
`ovs-ofctl monitor` events (OpenFlow flow monitor: one event per flow the switch adds or
removes, read as it happens). Everything but the programming path is the same for both methods:
the PUT, the configuration listener, the compilation and the diff. Writes
benchmarks/results/flow-programming.json and prints a table.

Run: ./cloudroam bench flow-programming [--clouds 3] [--vms 30] [--rounds 7]
"""

import argparse
import copy
import os
import select
import statistics
import subprocess
import sys
import time

from benchcommon import environment, percentile, run, write_result
from cloudroam_lab import lab, restconf
from cloudroam_lab.system import in_ns
from cloudroam_lab.topology import controller_config

QUIET_S = 1.0


def monitor(cloud):
    """ovs-ofctl flow monitor on a cloud's br-int: one line per flow event."""
    env = dict(os.environ, OVS_RUNDIR=cloud.rundir)
    # ovs-ofctl answers the request on stdout (stdio: line-buffer it) and reports events on stderr
    proc = subprocess.Popen(in_ns(cloud.netns, ["stdbuf", "-oL", "ovs-ofctl", "-O", "OpenFlow13", "monitor", "br-int",
                                                "watch:!initial"]),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, bufsize=0)
    # the reply to the monitor request (empty: !initial) says the switch now reports every change;
    # the header ends with ':'; what follows it is read by events_until_quiet
    header = b""
    while not (b"FLOW_MONITOR reply" in header and header.endswith(b":")):
        byte = proc.stdout.read(1)
        if not byte:
            raise SystemExit(f"ovs-ofctl monitor ended before it was registered: {header!r}")
        header += byte
    return proc


def events_until_quiet(proc, limit_s=30.0):
    """(arrival time, line) of every flow event until none came for QUIET_S."""
    events, buffer = [], b""
    deadline = time.monotonic() + limit_s
    last = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - last < QUIET_S:
        ready, _, _ = select.select([proc.stdout], [], [], 0.05)
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        now = time.monotonic()
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if b"event=" in line:
                events.append((now, line.decode()))
                last = now
    return events


def measured_put(cloud, body):
    proc = monitor(cloud)
    try:
        started = time.monotonic()
        restconf.put_config(body)
        events = events_until_quiet(proc)
    finally:
        proc.kill()
        proc.wait()
    if not events:
        return None, 0
    return (events[-1][0] - started) * 1000, len(events)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench flow-programming")
    parser.add_argument("--clouds", type=int, default=3)
    parser.add_argument("--vms", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    spec_args = ["--clouds", str(args.clouds), "--vms", str(args.vms), "--wan", "all 1ms"]
    lab_up = subprocess.run([sys.executable, "-m", "cloudroam_lab", "up", *spec_args], stdout=subprocess.DEVNULL)
    if lab_up.returncode != 0:
        raise SystemExit("lab up failed")
    try:
        spec, _ = lab.load()
        c1 = spec.cloud_list()[0]
        full = controller_config(spec)
        restconf.put_config(full)
        # every VM speaks once, so locations (and their flows) exist
        vms = spec.vm_list()
        for vm in vms:
            peer = next(p for p in vms if p.vni == vm.vni and p.name != vm.name)
            lab.ping(vm.name, peer.name, count=1, interval=0.2)
        without_c1 = copy.deepcopy(full)
        without_c1["cloudroam:cloudroam"]["port-binding"] = [
            b for b in full["cloudroam:cloudroam"]["port-binding"] if b["cloud"] != c1.name]
        results = {"datastore": [], "rpc": []}
        flow_mods = {"datastore": [], "rpc": []}
        for round_no in range(args.rounds):
            order = ("datastore", "rpc") if round_no % 2 == 0 else ("rpc", "datastore")
            for method in order:
                for body in (without_c1, full):
                    body["cloudroam:cloudroam"]["flow-programming"] = method
                # settle: switch method (all flows re-sent) and withdraw c1's bindings, unmeasured
                restconf.put_config(without_c1)
                proc = monitor(c1)
                events_until_quiet(proc)
                proc.kill()
                proc.wait()
                ms, count = measured_put(c1, full)
                if ms is not None:
                    results[method].append(ms)
                    flow_mods[method].append(count)
        restconf.put_config({**full, "cloudroam:cloudroam": {
            **full["cloudroam:cloudroam"], "flow-programming": "datastore"}})
    finally:
        subprocess.run([sys.executable, "-m", "cloudroam_lab", "down"], stdout=subprocess.DEVNULL)
    summary = {}
    for method, values in results.items():
        summary[method] = {"samples": len(values), "flow_mods_per_sample": sorted(set(flow_mods[method])),
                           "p50_ms": round(percentile(values, 0.5), 1), "p99_ms": round(percentile(values, 0.99), 1),
                           "mean_ms": round(statistics.mean(values), 1), "all_ms": [round(v, 1) for v in values]}
    ratio = summary["rpc"]["p50_ms"] / summary["datastore"]["p50_ms"]
    result = {"benchmark": "flow-programming",
              "command": f"./cloudroam bench flow-programming --clouds {args.clouds} --vms {args.vms} "
                         f"--rounds {args.rounds}",
              "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "environment": environment(),
              "what": "RESTCONF PUT that re-binds c1's VMs -> last flow-mod applied by c1's switch",
              "baseline": "datastore", "datastore": summary["datastore"], "rpc": summary["rpc"],
              "rpc_over_datastore_p50": round(ratio, 2)}
    out = write_result("flow-programming", result)
    print(f"| method | samples | flow-mods | p50 ms | p99 ms |\n|---|---|---|---|---|")
    for method in ("datastore", "rpc"):
        s = summary[method]
        print(f"| {method} | {s['samples']} | {s['flow_mods_per_sample']} | {s['p50_ms']} | {s['p99_ms']} |")
    print(f"rpc / datastore (p50): {ratio:.2f}   -> {out}")


if __name__ == "__main__":
    run(main, "flow-programming")
