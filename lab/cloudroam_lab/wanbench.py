"""How faithful is the WAN emulator? Sends probe frames from c1's WAN port to c2's through the
running emulator: at 1 kpps with a configured one-way delay (delivered delay minus configured =
error; both ends share CLOCK_MONOTONIC), then as fast as the sender can (max forwarding rate).
Restores the c1-c2 rule afterwards and records the result under benchmarks/results/."""

import json
import os
import platform
import subprocess
import time

from . import lab
from .system import in_ns
from .topology import LabError, WanRule

SRC_MAC, DST_MAC = "02:ee:00:00:00:01", "02:ee:00:00:00:02"


def _probe(spec, pps, count, timeout):
    c1, c2 = spec.cloud_list()[0], spec.cloud_list()[1]
    recv = subprocess.Popen(in_ns(c2.netns, lab._py("wan", "probe-recv", "--iface", "wan0", "--mac",
                                                               DST_MAC, "--count", str(count), "--timeout",
                                                               str(timeout))),
                            stdout=subprocess.PIPE, text=True, env=lab._env())
    try:
        recv.stdout.readline()  # ready; its hello frame teaches the emulator where DST_MAC is
        time.sleep(0.2)
        send = json.loads(lab.run(lab._py("wan", "probe-send", "--iface", "wan0", "--dst", DST_MAC,
                                          "--src", SRC_MAC, "--pps", str(pps), "--count", str(count)),
                                  ns=c1.netns, env=lab._env(), timeout=timeout + 30))
        got = json.loads(recv.stdout.read())
    finally:
        recv.kill()
        recv.wait()
    return send, got


def _percentile(ordered, q):
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else None


def bench(delay_ms, count):
    spec, _ = lab.load()
    if not 20 <= count <= 1_000_000:
        raise LabError("--count must be between 20 and 1000000")
    before = spec.wan_rule(1, 2)
    try:
        lab.wan_apply(1, 2, WanRule(delay_ms))
        sent, got = _probe(spec, 1000, count, count / 1000 + delay_ms / 1000 + 10)
        errors = sorted(abs(d - delay_ms) for d in got["delays_ms"])
        delivered = sorted(got["delays_ms"])
        accuracy = {
            "configured_delay_ms": delay_ms, "pps": 1000, "sent": sent["sent"], "received": got["received"],
            "delivered_delay_ms": {"p50": _percentile(delivered, 0.5), "p99": _percentile(delivered, 0.99),
                                   "max": delivered[-1] if delivered else None},
            "abs_error_ms": {"p50": _percentile(errors, 0.5), "p99": _percentile(errors, 0.99),
                             "max": errors[-1] if errors else None},
            "within_1ms_p99": bool(errors) and _percentile(errors, 0.99) <= 1.0}
        lab.wan_apply(1, 2, WanRule())
        rate_count = 100_000
        sent_fast, got_fast = _probe(spec, 0, rate_count, 30)
        rate = {"offered": sent_fast["sent"],
                "offered_pps": round(sent_fast["sent"] / sent_fast["seconds"]) if sent_fast["seconds"] else None,
                "received": got_fast["received"],
                "forwarded_pps": round(got_fast["received"] / got_fast["span_s"]) if got_fast["span_s"] else None,
                "loss_percent": round(100 * (1 - got_fast["received"] / max(1, sent_fast["sent"])), 2)}
    finally:
        lab.wan_apply(1, 2, before)
    result = {"benchmark": "wan-emulator", "command": f"./cloudroam lab wan bench --delay {delay_ms}ms "
              f"--count {count}", "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
              "environment": {"cpus": os.cpu_count(), "python": platform.python_version(),
                              "kernel": platform.release(), "lab_clouds": spec.clouds},
              "accuracy_at_1kpps": accuracy, "max_forwarding": rate}
    results = os.path.join(os.path.dirname(lab.LAB_PATH), "benchmarks", "results")
    os.makedirs(results, exist_ok=True)
    with open(os.path.join(results, "wan-emulator.json"), "w") as f:
        json.dump(result, f, indent=1)
    return result
