"""What every benchmark records beside its numbers: percentiles and the machine it ran on."""

import os
import platform
import subprocess


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
