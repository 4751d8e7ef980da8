"""The main job, after the controller is up: a three-cloud lab whose WAN makes the direct path and
the path through a VM's home cloud very different, cloudroam configured over RESTCONF, VMs
located from their own packets, and a live migration after which traffic takes the direct path to
the VM's new cloud instead of a triangle through its home.

WAN (one way): c1-c2 40 ms, c1-c3 10 ms, c2-c3 10 ms. vm1 lives in c1, vm5 in c2 (both VNI 100).
Before the move vm5 -> vm1 is c2 -> c1: about 80 ms round trip. vm1 then migrates to c3. The direct
path c2 -> c3 is about 20 ms, and that is what cloudroam sets up; switching the virtual network to
the triangle baseline (through the VM's home: c2 -> c1 -> c3, back c3 -> c2) measures about 60 ms.
"""

import base64
import json
import os
import sys
import time
import urllib.error
import urllib.request

from . import lab
from .topology import LabError, LabSpec, controller_config, parse_wan_spec

RESTCONF = "http://127.0.0.1:8181"
WAN = "c1-c2 40ms, c1-c3 10ms, c2-c3 10ms"


def _call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(RESTCONF + path, data=data, method=method, headers={
        "Authorization": "Basic " + base64.b64encode(os.environ.get("CLOUDROAM_AUTH", "admin:admin").encode())
        .decode(),
        "Content-Type": "application/yang-data+json", "Accept": "application/yang-data+json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read().decode()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        return e.code, json.loads(text) if text else None


def _step(title):
    print(f"\n== {title}", flush=True)


def _wait(what, check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.2)  # poll interval
    raise LabError(f"demo: {what} did not happen within {seconds} s")


def _locate(mac):
    status, body = _call("POST", "/rests/operations/cloudroam:locate-vm", {"input": {"mac": mac}})
    return body.get("cloudroam:output") if status == 200 else None


def _rtt(a, b):
    result = lab.ping(a, b, count=10, interval=0.1)
    if result["received"] == 0:
        raise LabError(f"demo: {a} cannot reach {b}")
    return result["rtt_ms"]["p50"]


def _min_rtt(a, b):
    result = lab.ping(a, b, count=2, interval=0.1)
    return result["rtt_ms"]["min"] if result["received"] else float("nan")


def _max_rtt(a, b):
    result = lab.ping(a, b, count=2, interval=0.1)
    return result["rtt_ms"]["max"] if result["received"] else float("inf")


def _set_mode(spec, mode):
    network = next(n for n in controller_config(spec)["cloudroam:cloudroam"]["virtual-network"] if n["vni"] == 100)
    status, body = _call("PUT", "/rests/data/cloudroam:cloudroam/virtual-network=100",
                         {"cloudroam:virtual-network": [{**network, "mode": mode}]})
    print(f"   PUT .../virtual-network=100 mode {mode} -> HTTP {status}")
    if status not in (200, 201, 204):
        raise LabError(f"demo: could not set the mode: {body}")


def main():
    _step(f"lab: 3 clouds, 6 VMs on VNIs 100 and 200, WAN one way {WAN}")
    spec = LabSpec(3, 6)
    spec.wan = parse_wan_spec(WAN, 3)
    up = lab.up(spec.validate())
    for vm in up["vms"]:
        print(f"   {vm['name']}  {vm['mac']}  {vm['ip']:<10} VNI {vm['vni']}  in {vm['cloud']}")

    _step("configure cloudroam over RESTCONF: clouds, virtual networks, port bindings")
    status, body = _call("PUT", "/rests/data/cloudroam:cloudroam", controller_config(spec))
    print(f"   PUT /rests/data/cloudroam:cloudroam -> HTTP {status}")
    if status not in (200, 201, 204):
        raise LabError(f"demo: configuration refused: {body}")

    _step("cloudroam creates the VXLAN tunnels over OVSDB (the lab made none)")
    tunnels = _wait("six tunnels with port numbers", lambda: (lambda ts: ts if len(ts) == 6 else None)(
        [t for t in (_call("GET", "/rests/data/cloudroam:tunnels")[1] or {}).get("cloudroam:tunnels", {})
         .get("tunnel", []) if t.get("ofport")]))
    for t in sorted(tunnels, key=lambda t: (t["cloud"], t["remote-cloud"])):
        print(f"   {t['cloud']} -> {t['remote-cloud']}  port {t['port-name']} (OpenFlow {t['ofport']})"
              f"  remote {t['remote-ip']}  BFD {t.get('bfd-state', '-')}")

    _step("VMs talk; cloudroam learns where they are from their packets")
    for a, b in (("vm1", "vm3"), ("vm1", "vm5"), ("vm3", "vm5"), ("vm2", "vm4"), ("vm4", "vm6")):
        result = lab.ping(a, b, count=2, interval=0.2)
        print(f"   ping {a} -> {b}: {result['received']}/{result['sent']} answered")
    print(f"   ping vm1 -> vm2 (other VNI): {lab.ping('vm1', 'vm2', count=2, interval=0.2)['received']}/2 "
          "answered: virtual networks are isolated")
    status, body = _call("GET", "/rests/data/cloudroam:vm-locations")
    for loc in sorted(body["cloudroam:vm-locations"]["vm-location"], key=lambda x: x["mac"]):
        print(f"   VNI {loc['vni']}  {loc['mac']}  in {loc['cloud']} (switch {loc['switch']} port {loc['port']})"
              f"  {' '.join(loc.get('ip-address', []))}")

    vm1 = next(vm for vm in up["vms"] if vm["name"] == "vm1")
    _step("vm5 (c2) -> vm1 (c1) before the move: the c1-c2 link, 40 ms each way")
    before = _rtt("vm5", "vm1")
    print(f"   RTT p50 {before:.1f} ms")

    _step("live-migrate vm1 from c1 to c3 (QEMU-style: pause, move, RARP announcements)")
    moved = lab.migrate("vm1", "c3")
    print(f"   paused {moved['paused_ms']:.0f} ms; first RARP at +"
          f"{(moved['first_announcement'] - moved['resume']) * 1000:.1f} ms after resume")
    where = _wait("cloudroam to see vm1 in c3", lambda: (lambda o: o if o and o["cloud"] == "c3" else None)(
        _locate(vm1["mac"])))
    print(f"   locate-vm {vm1['mac']}: now in {where['cloud']} (switch {where['switch']} port {where['port']}),"
          f" mobility sequence {where['sequence']}")

    _step("vm5 (c2) -> vm1, now in c3: the direct c2-c3 path, not back through its home c1")
    after = _rtt("vm5", "vm1")
    print(f"   RTT p50 {after:.1f} ms  (before the move {before:.1f} ms)")
    if after > 40:
        raise LabError(f"demo: traffic does not take the direct path (RTT {after:.1f} ms)")

    _step("for comparison, the triangle baseline (Mobile IP style): VNI 100 sends to VMs via their home")
    _set_mode(spec, "triangle")
    _wait("traffic to detour through c1", lambda: _min_rtt("vm5", "vm1") > 50)
    triangle = _rtt("vm5", "vm1")
    print(f"   RTT p50 {triangle:.1f} ms: c2 -> c1 (40) -> c3 (10), back c3 -> c2 (10)")
    _set_mode(spec, "optimal")
    _wait("traffic to go direct again", lambda: _max_rtt("vm5", "vm1") < 30)
    print(f"   back to optimal: RTT p50 {_rtt('vm5', 'vm1'):.1f} ms, {triangle / after:.1f}x better than the triangle")

    _step("errors are RFC 8040")
    status, body = _call("POST", "/rests/operations/cloudroam:locate-vm", {"input": {"mac": "02:c0:00:00:00:99"}})
    print(f"   locate-vm of an unknown MAC -> HTTP {status} {body['errors']['error'][0]['error-tag']}: "
          f"{body['errors']['error'][0]['error-message']}")
    bad = controller_config(spec)
    bad["cloudroam:cloudroam"]["port-binding"].append({"cloud": "c9", "port": "vm9", "vni": 100})
    status, body = _call("PUT", "/rests/data/cloudroam:cloudroam", bad)
    print(f"   a binding to an unknown cloud -> HTTP {status}: {body['errors']['error'][0]['error-info']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except LabError as e:
        print(f"demo: error: {e}", file=sys.stderr)
        sys.exit(2)
