"""What every benchmark records beside its numbers: percentiles and the machine it ran on."""

import json
import os
import platform
import subprocess
import sys


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


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
