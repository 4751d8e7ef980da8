"""What every benchmark records beside its numbers: percentiles and the machine it ran on."""

import json
import math
import os
import platform
import subprocess
import sys


def percentile(values, q):
    """The nearest-rank percentile: the smallest value with at least q of all values at or below
    it (p99 of 100 values is the 99th smallest, not the largest)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no values")
    # rounded first: 0.07 * 100 is 7.000000000000001 in binary floating point
    return ordered[max(0, math.ceil(round(q * len(ordered), 9)) - 1)]


def summary(values):
    """{p50, p99, n} of a list of numbers (nearest rank), rounded to 0.1; n = 0 and no percentiles
    for none."""
    if not values:
        return {"n": 0}
    return {"p50": round(percentile(values, 0.5), 1), "p99": round(percentile(values, 0.99), 1), "n": len(values)}


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor()


def environment():
    java = subprocess.run([os.environ.get("JAVA_HOME", "/usr") + "/bin/java", "-version"], capture_output=True,
                          text=True).stderr.splitlines()[0]
    return {"cpus": os.cpu_count(), "cpu": cpu(), "kernel": platform.release(), "java": java,
            "openflowplugin": "0.20.1"}


def write_result(name, result):
    """Writes a benchmark's result to results/NAME.json; returns the path."""
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", f"{name}.json")
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    return out


def run(main, name):
    """Runs a benchmark's main(): its exit status, or 2 with the lab's message on a LabError."""
    from cloudroam_lab.topology import LabError
    try:
        sys.exit(main())
    except LabError as e:
        print(f"bench {name}: error: {e}", file=sys.stderr)
        sys.exit(2)
