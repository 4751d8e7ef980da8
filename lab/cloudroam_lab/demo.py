"""The main job, after the controller is up: a three-cloud lab whose WAN makes the direct path and
the path through a VM's home cloud very different, cloudroam configured over RESTCONF, VMs
located from their own packets, and a live migration after which traffic takes the direct path to
the VM's new cloud instead of a triangle through its home.

WAN (one way): c1-c2 40 ms, c1-c3 10 ms, c2-c3 10 ms. vm1 lives in c1, vm5 in c2 (both VNI 100).
cloudroam's probes find that c2 reaches c1 faster through c3 (10 + 10 ms): before the move vm5 -> vm1
is about 40 ms round trip. vm1 then migrates to c3 while vm5 streams to it at 1 kpps, once per mode:
optimal (the direct c2 -> c3 path, about 20 ms), triangle (through vm1's home c1: c2 -> c1 -> c3, back
c3 -> c2, about 60 ms), reactive (the VM and its flows are forgotten and relearned), and optimal
after an announce-migration call. A table gives RTT before and after and the packets lost.
"""

import os
import subprocess
import sys
import threading
import time

from . import lab, restconf
from .topology import LabError, LabSpec, controller_config, parse_wan_spec

WAN = "c1-c2 40ms, c1-c3 10ms, c2-c3 10ms"


def _step(title):
    print(f"\n== {title}", flush=True)


def _rtt(a, b):
    result = lab.ping(a, b, count=10, interval=0.1)
    if result["received"] == 0:
        raise LabError(f"demo: {a} cannot reach {b}")
    return result["rtt_ms"]["p50"]


def _max_rtt(a, b):
    result = lab.ping(a, b, count=2, interval=0.1)
    return result["rtt_ms"]["max"] if result["received"] else float("inf")


def _move_quietly(vm, target):
    """Puts a VM back where the next measurement starts from (optimal mode)."""
    lab.migrate(vm["name"], target)
    restconf.wait(f"{vm['name']} located in {target}", lambda: restconf.located_in(vm["mac"], target))


def move(mode, spec, vm, target, announce=False):
    """Migrates a VM in a mode while vm5 streams to it; RTT before and after, packets lost (also
    `bench migration`'s loss comparison)."""
    restconf.set_mode(spec, mode)
    restconf.wait("vm5 to reach the VM", lambda: _max_rtt("vm5", vm["name"]) < 200)
    before = _rtt("vm5", vm["name"])
    if announce:
        status, body = restconf.call("POST", "/rests/operations/cloudroam:announce-migration",
                                     {"input": {"mac": vm["mac"], "target-cloud": target}})
        print(f"   announce-migration {vm['name']} -> {target}: HTTP {status}")
    streamed = {}
    streamer = threading.Thread(target=lambda: streamed.update(lab.stream("vm5", vm["name"], pps=1000, seconds=3)))
    streamer.start()
    time.sleep(1)  # the move starts about a second into the stream
    moved = lab.migrate(vm["name"], target)
    streamer.join()
    restconf.wait(f"cloudroam to see {vm['name']} in {target}", lambda: restconf.located_in(vm["mac"], target))
    restconf.wait("traffic to settle", lambda: _max_rtt("vm5", vm["name"]) < 200)
    after = _rtt("vm5", vm["name"])
    label = mode + (", announced" if announce else "")
    print(f"   {label}: {vm['name']} {moved['from']} -> {target}, paused {moved['paused_ms']:.0f} ms, "
          f"lost {streamed['lost']} of {streamed['sent']}, RTT {before:.1f} -> {after:.1f} ms")
    return {"mode": label, "before": before, "after": after, "lost": streamed["lost"], "sent": streamed["sent"],
            "paused": moved["paused_ms"], "longest_gap": streamed.get("longest_gap_ms")}


def _dashboard():
    """What the dashboard shows now (its own state document), and a screenshot of it when Debian's
    chromium is there."""
    _step(f"the dashboard: {restconf.BASE}/cloudroam/ (same login as RESTCONF)")
    status, state = restconf.call("GET", "/cloudroam/api/state")
    if status != 200:
        raise LabError(f"demo: the dashboard's state answered HTTP {status}")
    print(f"   map: {len(state['clouds'])} clouds, {len(state['edges'])} tunnels "
          f"({', '.join(e['a'] + '-' + e['b'] + ' ' + e['state'] for e in state['edges'])}), "
          f"{len(state['vms'])} VMs")
    print("   timeline (newest last):")
    for m in state["migrations"][-4:]:
        paths = "; ".join(f"from {p['cloud']}: {' > '.join(p['before'])} => {' > '.join(p['after'])}"
                          for p in m["paths"])
        print(f"   #{m['id']} {m['mac']} {m['fromCloud']} -> {m['toCloud']} ({m['trigger']}), reconverged in "
              f"{m.get('reconvergenceMs', float('nan')):.1f} ms; {paths}")
    chromium = "/usr/bin/chromium"
    if os.path.exists(chromium):
        shot = os.path.join(os.environ.get("CLOUDROAM_RUN_DIR", "."), "demo-dashboard.png")
        user = restconf.credentials()
        result = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                                 "--disable-dev-shm-usage", "--window-size=1500,1100", f"--screenshot={shot}",
                                 "--timeout=4000", restconf.BASE.replace("://", f"://{user}@") + "/cloudroam/"],
                                capture_output=True, text=True, timeout=60)
        if result.returncode == 0 and os.path.exists(shot):
            print(f"   screenshot of the dashboard: {shot}")
        else:
            print(f"   (no screenshot: chromium exited {result.returncode})")


def main():
    _step(f"lab: 3 clouds, 6 VMs on VNIs 100 and 200, WAN one way {WAN}")
    spec = LabSpec(3, 6)
    spec.wan = parse_wan_spec(WAN, 3)
    up = lab.up(spec.validate())
    for vm in up["vms"]:
        print(f"   {vm['name']}  {vm['mac']}  {vm['ip']:<10} VNI {vm['vni']}  in {vm['cloud']}")

    _step("configure cloudroam over RESTCONF: clouds, virtual networks, port bindings")
    status, body = restconf.call("PUT", restconf.CONFIG, controller_config(spec))
    print(f"   PUT {restconf.CONFIG} -> HTTP {status}")
    restconf.ensure_ok("PUT", restconf.CONFIG, status, body)

    _step("cloudroam creates the VXLAN tunnels over OVSDB (the lab made none)")
    tunnels = restconf.wait("six tunnels with port numbers", lambda: (lambda ts: ts if len(ts) == 6 else None)(
        [t for t in restconf.tunnels() if t.get("ofport")]))
    for t in sorted(tunnels, key=lambda t: (t["cloud"], t["remote-cloud"])):
        print(f"   {t['cloud']} -> {t['remote-cloud']}  port {t['port-name']} (OpenFlow {t['ofport']})"
              f"  remote {t['remote-ip']}  BFD {t.get('bfd-state', '-')}")

    _step("VMs talk; cloudroam learns where they are from their packets")
    for a, b in (("vm1", "vm3"), ("vm1", "vm5"), ("vm3", "vm5"), ("vm2", "vm4"), ("vm4", "vm6")):
        result = lab.ping(a, b, count=2, interval=0.2)
        print(f"   ping {a} -> {b}: {result['received']}/{result['sent']} answered")
    print(f"   ping vm1 -> vm2 (other VNI): {lab.ping('vm1', 'vm2', count=2, interval=0.2)['received']}/2 "
          "answered: virtual networks are isolated")
    for loc in sorted(restconf.vm_locations(), key=lambda x: x["mac"]):
        print(f"   VNI {loc['vni']}  {loc['mac']}  in {loc['cloud']} (switch {loc['switch']} port {loc['port']})"
              f"  {' '.join(loc.get('ip-address', []))}")

    vm1 = next(vm for vm in up["vms"] if vm["name"] == "vm1")
    # the demo moves vm1 seven times within a minute: more than the flap guard allows by default
    # (5 moves in 30 s quarantine a MAC), so it is raised for this run
    restconf.put("/rests/data/cloudroam:cloudroam/mobility", {"cloudroam:mobility": {"flap-moves": 50}})
    _step("cloudroam measures the WAN (a probe over every tunnel each second) and routes over it")
    routing = restconf.wait("routes through c3 between c1 and c2 (10 + 10 ms beats 40 ms)", lambda: (lambda r: r if (
        restconf.next_hop(r, "c2", "c1") == "c3" and restconf.next_hop(r, "c1", "c2") == "c3") else None)(
        restconf.overlay_routing()), 30)
    for link in sorted(routing.get("link", []), key=lambda x: (x["cloud"], x["remote-cloud"])):
        print(f"   {link['cloud']} -> {link['remote-cloud']}  one way {link.get('one-way-latency', 0) / 1000:5.1f} ms"
              f"  ({link['samples']} probes)")
    print("   c2 -> c1 and c1 -> c2 go through c3; the 40 ms link is not used")

    _step("full-size packets cross: each tunnel's path MTU measured, guests at their network's MTU")
    measured = restconf.wait("every tunnel's path MTU measured", lambda: (lambda ts: ts if len(ts) == 6 and all(
        t.get("path-mtu-state") == "measured" for t in ts) else None)(restconf.tunnels()), 60)
    for t in sorted(measured, key=lambda t: (t["cloud"], t["remote-cloud"])):
        print(f"   {t['cloud']} -> {t['remote-cloud']}  path MTU {t['path-mtu']}, carries VM packets of "
              f"{t['overlay-mtu']} bytes")
    mtus = (restconf.call("GET", "/rests/data/cloudroam:virtual-network-mtus")[1] or {}).get(
        "cloudroam:virtual-network-mtus", {}).get("virtual-network", [])
    for network in mtus:
        print(f"   VNI {network['vni']}: MTU {network['mtu']} ({network['source']}), fits: {network['fits']}")
    transfer = lab.tcp("vm5", "vm1", 20_000_000)
    print(f"   TCP vm5 (c2) -> vm1 (c1, through c3): {transfer['received']:,} of {transfer['bytes']:,} bytes, "
          f"{transfer['mbit_per_s']} Mbit/s, MSS {transfer['mss']}")

    rows = []
    rows.append(move("optimal", spec, vm1, "c3"))
    _move_quietly(vm1, "c1")
    rows.append(move("triangle", spec, vm1, "c3"))
    _move_quietly(vm1, "c1")
    rows.append(move("reactive", spec, vm1, "c3"))
    _move_quietly(vm1, "c1")
    rows.append(move("optimal", spec, vm1, "c3", announce=True))

    _step("vm5 (c2) -> vm1 (home c1) across vm1's move to c3, a 1 kpps echo stream during the move")
    print(f"   {'mode':<22} {'RTT before':>10} {'RTT after':>10} {'lost':>6} {'of':>6} {'VM paused':>10}")
    for row in rows:
        print(f"   {row['mode']:<22} {row['before']:>7.1f} ms {row['after']:>7.1f} ms {row['lost']:>6} "
              f"{row['sent']:>6} {row['paused']:>7.0f} ms")
    print("   optimal: straight to c3 (2 x 10 ms); triangle: through the home c1 (c2 -> c1 40 ms, c1 -> c3 10,")
    print("   back c3 -> c2 10); reactive: the VM is forgotten and relearned; announced: announce-migration")
    print("   first, the flows move while the VM is paused")

    _dashboard()

    _step("errors are RFC 8040")
    status, body = restconf.call("POST", "/rests/operations/cloudroam:locate-vm",
                                 {"input": {"mac": "02:c0:00:00:00:99"}})
    print(f"   locate-vm of an unknown MAC -> HTTP {status} {body['errors']['error'][0]['error-tag']}: "
          f"{body['errors']['error'][0]['error-message']}")
    bad = controller_config(spec)
    bad["cloudroam:cloudroam"]["port-binding"].append({"cloud": "c9", "port": "vm9", "vni": 100})
    status, body = restconf.call("PUT", restconf.CONFIG, bad)
    error = body['errors']['error'][0]
    print(f"   a binding to an unknown cloud -> HTTP {status} {error['error-tag']}: {error['error-message']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LabError as e:
        print(f"demo: error: {e}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
