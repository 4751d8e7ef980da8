"""What the lab benchmarks share (each of them is a script: none imports another): moving a VM and
timing the move on cloudroam's migration records and on the switches' own clocks, waiting until
cloudroam's flows settle, and the processes whose CPU they count. They talk to RESTCONF through
cloudroam_lab.restconf; benchcommon holds what every benchmark records, lab or not."""

import os
import subprocess
import time
from datetime import datetime

from cloudroam_lab import lab, restconf
from cloudroam_lab.topology import LabError


def instant(text):
    """A migration record's time (RFC 3339 with nanoseconds) as a datetime: microseconds kept."""
    head, _, frac = text.rstrip("Z").partition(".")
    return datetime.fromisoformat(f"{head}.{(frac + '000000')[:6]}+00:00")


def reconverged_ms(record):
    """Signal seen -> all flows confirmed, from a migration record."""
    return (instant(record["flows-confirmed"]) - instant(record["signal-seen"])).total_seconds() * 1000


def confirmed(known, macs, target, timeout=30):
    """cloudroam's records of these MACs' moves to target (ids not in `known`), by MAC, once every one
    is confirmed; after `timeout`, those there are."""
    def mine():
        return {m["mac"]: m for i, m in restconf.migrations().items() if i not in known and m["mac"] in macs
                and m["to-cloud"] == target}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        records = mine()
        if len(records) == len(macs) and all("flows-confirmed" in m for m in records.values()):
            return records
        time.sleep(0.05)  # poll interval
    return mine()


def move_timed(vm, target, timeout=30):
    """Moves a VM (lab migrate) and waits for cloudroam's record of that move to be confirmed:
    {record (None after `timeout`), seen (whether cloudroam recorded the move at all), started
    (epoch s, before the move), moved (the lab's answer: pause, first announcement)}."""
    known = set(restconf.migrations())
    started = time.time()
    moved = lab.migrate(vm["name"], target)
    record = confirmed(known, {vm["mac"]}, target, timeout).get(vm["mac"])
    done = record is not None and "flows-confirmed" in record
    return {"record": record if done else None, "seen": record is not None, "started": started, "moved": moved}


def switch_clocks(events, moves, any_flow=False):
    """switch_clock_ms of each move ({started, moved: the lab's answer}, one after the other, in
    order), for the MAC that moved, or with any_flow (a peer whose flows do not name the MAC)
    any_flow_clock_ms: each move's window ends where the next one starts."""
    out = []
    for k, move in enumerate(moves):
        until, moved = moves[k + 1]["started"] if k + 1 < len(moves) else float("inf"), move["moved"]
        out.append(any_flow_clock_ms(events, move["started"], until, moved["first_announcement"],
                                     moved.get("unplugged_at")) if any_flow else
                   switch_clock_ms(events, moved["mac"], move["started"], until, moved["first_announcement"]))
    return out


def switch_clock_ms(events, mac, since, until, signal):
    """The last flow added or modified that mentions the MAC (or any of a collection of MACs), on any
    switch, between since and until (epoch s), minus the signal (the VM's first announcement):
    reconvergence on the switches' own clock. Deletions do not count: make-before-break removes the
    old flows after the new ones carry the traffic, and the source port's removal later cleans up
    after it; traffic waits for neither."""
    if signal is None:
        return None
    macs = (mac,) if isinstance(mac, str) else tuple(mac)
    times = [e["time"] for cloud in events.values() for e in cloud.get("events", [])
             if e["time"] is not None and since <= e["time"] < until and "event=DELETED" not in e["text"]
             and any(m in e["text"] for m in macs)]
    return round((max(times) - signal) * 1000, 1) if times else None


def any_flow_clock_ms(events, since, until, signal, unplugged=None):
    """For a peer whose flows do not name the VM's MAC (OVN: its bindings change flows keyed on
    logical ports, and its activation deletes the flows that blocked the port): the last flow
    change of any kind on any switch between since and until (epoch s), minus the signal.
    Deletions count until the source port is removed (unplugged): the clean-up after the move,
    which traffic does not wait for, starts there."""
    if signal is None:
        return None
    cut = unplugged or float("inf")
    times = [e["time"] for cloud in events.values() for e in cloud.get("events", [])
             if e["time"] is not None and since <= e["time"] < until
             and ("event=DELETED" not in e["text"] or e["time"] < cut)]
    return round((max(times) - signal) * 1000, 1) if times else None


def ovn_version():
    """The OVN the peer ran (ovn-controller's own account), for a result's environment."""
    out = subprocess.run(["ovn-controller", "--version"], capture_output=True, text=True).stdout.splitlines()
    return " / ".join(out[:2]) if out else None


def locate_all(vms):
    """Every VM speaks once (a ping to a VM of its network), so cloudroam knows all of them."""
    for v in vms:
        peer = next(p for p in vms if p["vni"] == v["vni"] and p["name"] != v["name"])
        lab.ping(v["name"], peer["name"], count=1)
    restconf.wait(f"all {len(vms)} VMs located", lambda: len(restconf.vm_locations()) >= len(vms), 120)


def settle(quiet=5, timeout=180):
    """Waits until cloudroam has sent no flow change for `quiet` seconds."""
    deadline, last, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        now = restconf.counters().get("flow-changes")
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.5)  # poll interval
    raise LabError(f"cloudroam still changing flows after {timeout} s")


def karaf_pid():
    """The running controller's process id."""
    out = subprocess.run(["pgrep", "-f", "org.apache.karaf.main.Main"], capture_output=True, text=True).stdout.split()
    if not out:
        raise LabError("no running Karaf (./cloudroam run)")
    return out[0]


def switch_pid(cloud):
    """The process id of a cloud's switch (ovs-vswitchd)."""
    with open(f"/run/cloudroam-lab/{cloud}/ovs-vswitchd.pid") as f:
        return f.read().strip()


def cpu_seconds(pid):
    """CPU time a process has used so far (user + system), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
