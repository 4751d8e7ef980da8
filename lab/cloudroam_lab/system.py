"""Thin wrappers over the commands the lab drives: ip, ovs-*, socat. Nothing here decides anything."""

import os
import signal
import subprocess
import time

from .topology import LabError


def in_ns(ns, cmd):
    """The command line that runs cmd (a list) inside network namespace ns, or as is for None."""
    return (["ip", "netns", "exec", ns] if ns else []) + list(cmd)


def run(cmd, ns=None, check=True, env=None, timeout=60, stdin=None):
    """Runs cmd (a list), inside network namespace ns if given, with text stdin if given; returns
    stdout as text."""
    full = in_ns(ns, cmd)
    proc = subprocess.run(full, input=stdin, capture_output=True, text=True, env=env, timeout=timeout)
    if check and proc.returncode != 0:
        raise LabError(f"command failed ({proc.returncode}): {' '.join(full)}\n{proc.stderr.strip()}")
    return proc.stdout


def joined(commands):
    """Commands of an OVSDB client (ovs-vsctl, ovn-nbctl) run as one transaction: separated by '--'."""
    args = []
    for command in commands:
        args += (["--"] if args else []) + command
    return args


def spawn(cmd, log_path, pid_path, ns=None, env=None):
    """Starts a long-running process detached from us, logging to log_path; records its pid."""
    full = in_ns(ns, cmd)
    with open(log_path, "ab") as log:
        proc = subprocess.Popen(full, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True)
    with open(pid_path, "w") as f:
        f.write(str(proc.pid))
    return proc.pid


def wait_for(predicate, timeout, what):
    """Polls predicate until it is true or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise LabError(f"timed out after {timeout}s waiting for {what}")


def netns_list(prefix):
    out = run(["ip", "netns", "list"], check=False)
    return sorted(line.split()[0] for line in out.splitlines() if line.startswith(prefix))


def processes_mentioning(text):
    """PIDs of processes whose command line contains text (our own excluded)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in (os.getpid(), os.getppid()):
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(entry))
    return pids


def kill_all(pids, grace=5.0):
    """SIGTERM, wait up to grace seconds, then SIGKILL what is left."""
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + grace
    alive = list(pids)
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in alive if _alive(pid)]
        time.sleep(0.05)
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False
