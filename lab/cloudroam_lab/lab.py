"""Brings the multi-cloud lab up and down and acts on it (migrate, traffic, WAN changes).

Layout per cloud i: namespace crl-ci with its own ovsdb-server and ovs-vswitchd (run directory
/run/cloudroam-lab/ci), bridge br-int (netdev, secure, OpenFlow 1.3, datapath id i) for VMs and
tunnels, bridge br-wan (netdev, normal L2) whose internal port holds the tunnel endpoint
192.0.2.i, and a veth 'wan0' to the WAN emulator's namespace crl-wan. Each VM k is a namespace
crl-vmk whose eth0 is a veth to port tap-vmk on its cloud's br-int. Each QEMU guest k
(`--qemu-vms`) is a qemu-system-x86_64 in its cloud's namespace whose virtio NIC is the tap
tap-qvmk on that br-int (lab/cloudroam_lab/qemu.py).
"""

import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone

from . import guest, ovn, qemu, system
from .system import run
from .topology import (ANNOUNCE_GAPS_MS, OPENFLOW_PORT, PREFIX, STATE_DIR, WAN_NS, LabError, LabSpec,
                       parse_pair, parse_wan_rule, static_flows)
from .wan import control_request

STATE_FILE = f"{STATE_DIR}/state.json"
WAN_CONTROL = f"{STATE_DIR}/wan.sock"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
# per bridge, packets a second (0: no limit, to see what the limit protects from)
PACKET_IN_RATE = int(os.environ.get("CLOUDROAM_LAB_PACKET_IN_RATE", "2000"))
PACKET_IN_BURST = 500  # packets queued for the controller, over all ports of a bridge
PYTHON = sys.executable or "python3"
LAB_PATH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the folder holding the package


def _py(module, *args):
    return [PYTHON, "-m", f"cloudroam_lab.{module}", *args]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = LAB_PATH + (":" + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _vsctl(cloud, *args):
    return run(["ovs-vsctl", f"--db=unix:{cloud.db_socket}", "--timeout=10", *args])


def _ofctl(cloud, *args, stdin=None):
    return run(["ovs-ofctl", "-O", "OpenFlow13", *args], env=dict(os.environ, OVS_RUNDIR=cloud.rundir), stdin=stdin)


def _no_offloads(ns, dev):
    # the userspace datapath neither computes checksums nor segments: frames must leave finished
    run(["ethtool", "-K", dev, "tx", "off", "tso", "off", "gso", "off"], ns=ns, check=False)


# ------------------------------------------------------------------ state

def load():
    try:
        with open(STATE_FILE) as f:
            data = json.load(f)
    except FileNotFoundError:
        raise LabError("no lab is up (./cloudroam lab up --clouds N --vms K)") from None
    return LabSpec.from_json(data["spec"]), data["locations"]


def save(spec, locations):
    tmp = STATE_FILE + ".tmp"
    with open(tmp, "w") as f:
        json.dump({"spec": spec.to_json(), "locations": locations}, f, indent=1)
    os.replace(tmp, STATE_FILE)


# ------------------------------------------------------------------ up

def up(spec):
    spec.validate()
    started = time.monotonic()
    down()
    os.makedirs(STATE_DIR)
    try:
        if spec.network == "ovn":
            ovn.central_up()
        run(["ip", "netns", "add", WAN_NS])
        run(["ip", "link", "set", "lo", "up"], ns=WAN_NS)
        for cloud in spec.cloud_list():
            _cloud_up(spec, cloud)
            if spec.network == "ovn":
                ovn.chassis_up(cloud, spec.ovn_encap, _vsctl)
        locations = {}
        for vm in spec.vm_list():
            _vm_up(spec, vm)
            locations[vm.name] = vm.home
        if spec.qemu_vms:
            _qemu_up(spec)
            for vm in spec.qemu_list():
                locations[vm.name] = vm.home
        if spec.tunnels == "static":
            for cloud in spec.cloud_list():
                for other in spec.cloud_list():
                    if other.index != cloud.index:
                        _vsctl(cloud, "add-port", "br-int", f"vx-c{other.index}", "--", "set", "interface",
                               f"vx-c{other.index}", "type=vxlan", f"options:remote_ip={other.underlay_ip}",
                               f"options:local_ip={cloud.underlay_ip}", "options:key=flow")
        _wan_up(spec)
        save(spec, locations)
        if spec.tunnels == "static":
            install_static_flows(spec, locations)
        if spec.network == "ovn":
            ovn.wait_chassis(spec.cloud_list())
            ovn.network_up(spec, locations)
    except BaseException:
        down()
        raise
    result = status()
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _cloud_up(spec, cloud):
    ns, rundir = cloud.netns, cloud.rundir
    os.makedirs(rundir)
    run(["ip", "netns", "add", ns])
    run(["ip", "link", "set", "lo", "up"], ns=ns)
    run(["ovsdb-tool", "create", f"{rundir}/conf.db", SCHEMA])
    env = dict(os.environ, OVS_RUNDIR=rundir, OVS_DBDIR=rundir, OVS_LOGDIR=rundir)
    run(["ovsdb-server", f"{rundir}/conf.db", f"--remote=punix:{cloud.db_socket}",
         f"--pidfile={rundir}/ovsdb-server.pid", "--detach", f"--log-file={rundir}/ovsdb-server.log",
         f"--unixctl={rundir}/ovsdb-server.ctl"], ns=ns, env=env)
    _vsctl(cloud, "--no-wait", "init")
    run(["ovs-vswitchd", f"unix:{cloud.db_socket}", f"--pidfile={rundir}/ovs-vswitchd.pid", "--detach",
         f"--log-file={rundir}/ovs-vswitchd.log", f"--unixctl={rundir}/ovs-vswitchd.ctl"], ns=ns, env=env)
    # ovn-controller speaks OpenFlow 1.5 only; the lab's own tools speak 1.3
    protocols = "OpenFlow13,OpenFlow15" if spec.network == "ovn" else "OpenFlow13"
    _vsctl(cloud, "add-br", "br-int", "--", "set", "bridge", "br-int", "datapath_type=netdev",
           "fail_mode=secure", f"protocols={protocols}", f"other-config:datapath-id={cloud.datapath_id:016x}",
           "other-config:disable-in-band=true")
    _vsctl(cloud, "add-br", "br-wan", "--", "set", "bridge", "br-wan", "datapath_type=netdev")
    run(["ip", "link", "add", "wan0", "netns", ns, "type", "veth", "peer", "name", cloud.name, "netns", WAN_NS])
    for where, dev in ((ns, "wan0"), (WAN_NS, cloud.name)):
        _no_offloads(where, dev)
        run(["ip", "link", "set", dev, "up"], ns=where)
    _vsctl(cloud, "add-port", "br-wan", "wan0")
    run(["ip", "addr", "add", f"{cloud.underlay_ip}/24", "dev", "br-wan"], ns=ns)
    run(["ip", "link", "set", "br-wan", "up"], ns=ns)
    if spec.network == "cloudroam":
        # OVSDB reachable from the root namespace on loopback, for the controller's tunnel provisioning
        # (not under OVN: a controller left running must not find the switches and add its tunnels)
        system.spawn(["socat", f"TCP-LISTEN:{cloud.ovsdb_port},bind=127.0.0.1,fork,reuseaddr",
                      f"UNIX-CONNECT:{cloud.db_socket}"], f"{rundir}/ovsdb-relay.log", f"{rundir}/ovsdb-relay.pid")
    if spec.controller:
        # one relay per controller: a cluster's switches connect to every member
        sockets = cloud.of_sockets(len(spec.controllers))
        for n, (sock, target) in enumerate(zip(sockets, spec.controllers), start=1):
            suffix = "" if n == 1 else f"-{n}"
            system.spawn(["socat", f"UNIX-LISTEN:{sock},fork,unlink-early", f"TCP:{target}"],
                         f"{rundir}/openflow-relay{suffix}.log", f"{rundir}/openflow-relay{suffix}.pid")
        for sock in sockets:
            system.wait_for(lambda sock=sock: os.path.exists(sock), 5, f"{cloud.name} OpenFlow relay")
        _vsctl(cloud, "set-controller", "br-int", *(f"unix:{sock}" for sock in sockets))
        # Packet-ins at most PACKET_IN_RATE a second, queued per ingress port and sent in turn
        # (Open vSwitch drops from the longest queue): a port flooding unknown sources cannot crowd
        # out another port's migration announcement. An operator sets the same on every bridge.
        if PACKET_IN_RATE:
            for uuid in _vsctl(cloud, "--bare", "--columns=_uuid", "list", "controller").split():
                _vsctl(cloud, "set", "controller", uuid, f"controller_rate_limit={PACKET_IN_RATE}",
                       f"controller_burst_limit={PACKET_IN_BURST}")


def _vm_up(spec, vm):
    cloud = spec.cloud_list()[vm.home - 1]
    run(["ip", "netns", "add", vm.netns])
    run(["ip", "link", "set", "lo", "up"], ns=vm.netns)
    run(["ip", "link", "add", "eth0", "netns", vm.netns, "type", "veth", "peer", "name", vm.port,
         "netns", cloud.netns])
    run(["ip", "link", "set", "eth0", "address", vm.mac], ns=vm.netns)
    run(["ip", "addr", "add", f"{vm.ip}/16", "dev", "eth0"], ns=vm.netns)
    run(["ip", "link", "set", "eth0", "mtu", str(vm.mtu)], ns=vm.netns)  # the network's MTU, as DHCP gives it
    # IPv4 only: a guest's IPv6 link-up chatter (MLD reports, DAD, router solicitations, sent after
    # random delays) would race the migration announcements and make the trigger cloudroam sees
    # depend on chance
    run(["sysctl", "-qw", "net.ipv6.conf.eth0.disable_ipv6=1"], ns=vm.netns)
    _no_offloads(vm.netns, "eth0")
    run(["ip", "link", "set", "eth0", "up"], ns=vm.netns)
    _attach(cloud, vm)


def qemu_dir(vm, cloud):
    """Where one QEMU instance of a guest keeps its QMP socket, serial log and pid."""
    return f"{STATE_DIR}/qemu/{vm.name}-{cloud.name}"


def console_log(vm):
    """The guest's serial console over all its QEMU instances (each migration starts a new one)."""
    return f"{STATE_DIR}/qemu/{vm.name}.console.log"


def _keep_console(vm, rundir):
    """Appends a finished instance's serial console to the guest's console log, and what QEMU itself
    printed to the guest's QEMU log (qvmK.qemu.log, each part headed by its instance), so what the
    guest printed before its last migration (a panic, a lockup warning) and why a QEMU ended outlive
    that instance's directory."""
    for own, whole, header in (("serial.log", console_log(vm), None),
                               ("qemu.log", f"{STATE_DIR}/qemu/{vm.name}.qemu.log", os.path.basename(rundir))):
        try:
            with open(f"{rundir}/{own}", "rb") as part, open(whole, "ab") as kept:
                if header:
                    kept.write(f"--- {header}, kept {datetime.now(timezone.utc).isoformat()}\n".encode())
                shutil.copyfileobj(part, kept)
        except FileNotFoundError:
            pass


def _oops(rundir, lines=12):
    """The start of the last kernel oops or BUG on an instance's console (where it says what failed), if any."""
    try:
        with open(f"{rundir}/serial.log", errors="replace") as f:
            console = f.read().splitlines()
    except FileNotFoundError:
        return ""
    starts = [k for k, line in enumerate(console) if re.search(r"BUG: |Oops|general protection fault|Kernel panic", line)]
    return "\n".join(console[starts[-1]:starts[-1] + lines]) if starts else ""


def _vcpu(registers):
    """From QEMU's `info registers`: whether the vCPU has interrupts on (IF in RFLAGS; None when RFLAGS
    is not shown), and its HLT state ('0', '1', or None when not shown)."""
    flags, halted = re.search(r"RFL=([0-9a-f]+)", registers or ""), re.search(r"HLT=(\d)", registers or "")
    return (bool(int(flags.group(1), 16) & 0x200) if flags else None), (halted.group(1) if halted else None)


def qemu_state(vm_name, cloud_name):
    """What the QEMU instance of a guest in a cloud says about it: its run state and the CPU's flags
    (IF clear while not halted: a guest kernel spinning with interrupts off), and the tail of the
    guest's console over all its instances."""
    spec, _ = load()
    vm = _vm(spec, vm_name)
    cloud = spec.cloud_list()[_cloud_index(spec, cloud_name) - 1]
    rundir = qemu_dir(vm, cloud)
    try:
        session = qemu.Qmp(f"{rundir}/qmp.sock", timeout=5)
    except OSError as e:
        raise LabError(f"the QEMU of {vm.name} in {cloud.name} is gone ({e}); QEMU said: {qemu.qemu_log(rundir)}; "
                       f"the guest's console: {_oops(rundir) or qemu.serial_tail(rundir, lines=5)}") from None
    try:
        status = session.execute("query-status").get("status")
        registers = session.execute("human-monitor-command", **{"command-line": "info registers"})
    finally:
        session.close()
    interrupts, halted = _vcpu(registers)
    current = _oops(rundir) or qemu.serial_tail(rundir, lines=5)
    try:
        with open(console_log(vm), errors="replace") as f:
            earlier = "".join(f.readlines()[-5:])
    except FileNotFoundError:
        earlier = ""
    return (f"{vm.name} in {cloud.name}: {status}, CPU interrupts {'on' if interrupts else 'off'}, halted "
            f"{halted or '?'}; console before: {earlier.strip()!r}, now: {current.strip()!r}")


def guest_health(vm_name, samples=3):
    """Whether a QEMU guest has crashed where the lab has it, from QEMU's side only (never from the
    network, which is what a caller is testing): its QEMU gone, a kernel BUG or oops on its current
    console, or its vCPU running with interrupts off and not halted in every one of `samples`
    readings 0.1 s apart (a kernel spinning with interrupts off). Answers crashed (bool) and why."""
    spec, locations = load()
    vm = _vm(spec, vm_name)
    if vm.kind != "qemu":
        raise LabError(f"{vm.name} is not a QEMU guest (qvm1..qvm{spec.qemu_vms} are)")
    cloud = spec.cloud_list()[locations[vm.name] - 1]
    rundir = qemu_dir(vm, cloud)
    oops = _oops(rundir)
    answer = {"vm": vm.name, "cloud": cloud.name, "console": oops or qemu.serial_tail(rundir, lines=5)}
    if not _qemu_running(vm, cloud):
        return dict(answer, crashed=True, why=f"its QEMU is gone; QEMU said: {qemu.qemu_log(rundir)}")
    if oops:
        return dict(answer, crashed=True, why="its kernel reported a BUG or an oops (console)")
    spinning = 0
    for k in range(samples):
        try:
            session = qemu.Qmp(f"{rundir}/qmp.sock", timeout=5)
        except OSError as e:
            return dict(answer, crashed=True, why=f"its QEMU does not answer QMP ({e})")
        try:
            registers = session.execute("human-monitor-command", **{"command-line": "info registers"})
        finally:
            session.close()
        interrupts, halted = _vcpu(registers)
        if interrupts is False and halted == "0":
            spinning += 1
        if k + 1 < samples:
            time.sleep(0.1)  # readings apart in time: one with interrupts off is normal, all of them is not
    if spinning == samples:
        return dict(answer, crashed=True, why=f"its vCPU ran with interrupts off in all {samples} readings")
    return dict(answer, crashed=False, why="QEMU runs, no BUG or oops on the console, interrupts on")


def _kvm_probe(accel):
    """Whether a guest's kernel speaks within the probe's time under accel (no network)."""
    rundir = f"{STATE_DIR}/qemu/probe"
    os.makedirs(rundir, exist_ok=True)
    image = guest.paths()
    proc = subprocess.Popen(["qemu-system-x86_64", "-accel", accel, "-m", str(qemu.RAM_MB), "-display", "none",
                             "-no-reboot", "-nodefaults", "-kernel", image["kernel"], "-initrd", image["initrd"],
                             "-append", "console=ttyS0 panic=-1", "-serial", f"file:{rundir}/serial.log"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        return qemu._wait_serial(rundir, "Linux version", qemu.KVM_PROBE_S)
    finally:
        proc.kill()
        proc.wait()


def _qemu_up(spec):
    """Starts every QEMU guest in its home cloud, plugs its tap as an orchestrator would, and waits
    until each has booted."""
    if not shutil.which("qemu-system-x86_64"):
        raise LabError("qemu-system-x86_64 is not installed (Debian's qemu-system-x86; ./cloudroam setup installs it)")
    image = guest.paths()
    if not (os.path.exists(image["kernel"]) and os.path.exists(image["initrd"])):
        raise LabError(f"the QEMU guest is not built ({image['initrd']}); ./cloudroam setup builds it")
    accel, _ = qemu.accelerator(_kvm_probe)
    clouds = spec.cloud_list()
    for vm in spec.qemu_list():
        cloud = clouds[vm.home - 1]
        qemu.start(vm, cloud, qemu_dir(vm, cloud), accel)
    for vm in spec.qemu_list():
        cloud = clouds[vm.home - 1]
        _wait_tap(cloud, vm, qemu_dir(vm, cloud))
        _prepare_port(cloud, vm)
        _plug_guest(cloud, vm, "libvirt")
    for vm in spec.qemu_list():
        qemu.wait_booted(vm, qemu_dir(vm, clouds[vm.home - 1]))


def _wait_tap(cloud, vm, rundir, timeout_s=20):
    deadline = time.monotonic() + timeout_s
    while not run(["ip", "link", "show", vm.port], ns=cloud.netns, check=False):
        if time.monotonic() > deadline or (qemu.pid(rundir) is None and time.monotonic() > deadline - timeout_s + 5):
            raise LabError(f"QEMU of {vm.name} in {cloud.name} made no tap {vm.port} in {timeout_s} s: "
                           f"{qemu.qemu_log(rundir)}")
        time.sleep(0.05)  # poll interval while QEMU starts


def reboot_qemu(vm_name):
    """Restarts a QEMU guest where it is, as an operator restarts a crashed VM (virsh destroy, then
    start): its QEMU ends, its port is removed, a fresh instance boots in the same cloud and its tap
    is plugged again with libvirt's external_ids. Its console so far stays in the guest's console log."""
    spec, locations = load()
    vm = _vm(spec, vm_name)
    if vm.kind != "qemu":
        raise LabError(f"{vm.name} is not a QEMU guest (qvm1..qvm{spec.qemu_vms} are)")
    if os.path.exists(f"{STATE_DIR}/qemu/{vm.name}.migrating"):
        raise LabError(f"a migration of {vm.name} is running")
    cloud = spec.cloud_list()[locations[vm.name] - 1]
    rundir = qemu_dir(vm, cloud)
    started = time.time()
    qemu.stop(rundir)
    _keep_console(vm, rundir)
    _vsctl(cloud, "--if-exists", "del-port", "br-int", vm.port)
    shutil.rmtree(rundir, ignore_errors=True)
    accel, _ = qemu.accelerator(_kvm_probe)
    qemu.start(vm, cloud, rundir, accel)
    _wait_tap(cloud, vm, rundir)
    _prepare_port(cloud, vm)
    _plug_guest(cloud, vm, "libvirt")
    qemu.wait_booted(vm, rundir)
    return {"vm": vm.name, "cloud": cloud.name, "accelerator": accel, "booted_s": round(time.time() - started, 1)}


def _qemu_running(vm, cloud):
    process = qemu.pid(qemu_dir(vm, cloud))
    return bool(process) and os.path.exists(f"/proc/{process}")


def _plug_guest(cloud, vm, identity):
    """Adds a QEMU guest's tap to a cloud's br-int as libvirt and os-vif do (iface-id,
    attached-mac, vm-uuid, iface-status), or bound by its interface name only (identity 'none')."""
    marks = [f"external_ids:iface-id={vm.name}", f"external_ids:attached-mac={vm.mac}",
             f"external_ids:vm-uuid={vm.uuid}", "external_ids:iface-status=active"] if identity == "libvirt" else []
    _vsctl(cloud, "add-port", "br-int", vm.port, *(["--", "set", "interface", vm.port] + marks if marks else []))


def _attach(cloud, vm):
    _prepare_port(cloud, vm)
    _add_ports(cloud, [vm])


def _prepare_port(cloud, vm):
    _no_offloads(cloud.netns, vm.port)
    run(["ip", "link", "set", vm.port, "up"], ns=cloud.netns)


def _add_ports(cloud, vms):
    """Adds VMs' ports to a cloud's bridge in one OVSDB transaction."""
    _vsctl(cloud, *system.joined([["add-port", "br-int", vm.port, "--", "set", "interface", vm.port,
                             f"external_ids:iface-id={vm.name}", f"external_ids:attached-mac={vm.mac}",
                             f"external_ids:cloudroam-vni={vm.vni}"] for vm in vms]))


def _wan_up(spec):
    ports = ",".join(f"{c.name}={c.index}" for c in spec.cloud_list())
    rules = {f"{a}-{b}": [r.delay_ms, r.jitter_ms, r.loss, r.mtu] for (a, b), r in spec.wan.items()}
    system.spawn(_py("wan", "serve", "--ports", ports, "--rules", json.dumps(rules), "--control", WAN_CONTROL),
                 f"{STATE_DIR}/wan.log", f"{STATE_DIR}/wan.pid", ns=WAN_NS, env=_env())
    system.wait_for(lambda: os.path.exists(WAN_CONTROL), 10, "the WAN emulator")


def install_static_flows(spec, locations):
    for index, flows in static_flows(spec, locations).items():
        _ofctl(spec.cloud_list()[index - 1], "replace-flows", "br-int", "-", stdin="\n".join(flows) + "\n")


# ------------------------------------------------------------------ down and leftovers

def down():
    pids = set(system.processes_mentioning(STATE_DIR))
    for ns in system.netns_list(PREFIX):
        out = run(["ip", "netns", "pids", ns], check=False)
        pids.update(int(p) for p in out.split() if p.isdigit())
    pids.discard(os.getpid())
    system.kill_all(sorted(pids))
    for ns in system.netns_list(PREFIX):
        run(["ip", "netns", "del", ns], check=False)
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    left = leftovers()
    if any(left.values()):
        raise LabError(f"could not remove everything: {json.dumps(left)}")
    return {"down": True, "removed_processes": len(pids)}


def leftovers():
    """What a lab could leave behind: namespaces, processes, root-namespace links, relay ports."""
    links = run(["ip", "-o", "link", "show"], check=False)
    root_links = sorted(m for m in re.findall(r"^\d+: ([^:@]+)", links, re.M)
                        if re.match(r"^(tap-vm\d+|wan0|c\d+|vx-c\d+)$", m))
    listening = run(["ss", "-Hltn"], check=False)
    ports = sorted(set(re.findall(r"127\.0\.0\.1:(166[4-5]\d)\b", listening)))
    return {"namespaces": system.netns_list(PREFIX),
            "processes": system.processes_mentioning(STATE_DIR),
            "root_links": root_links, "relay_ports": ports,
            "state_dir": [STATE_DIR] if os.path.exists(STATE_DIR) else []}


# ------------------------------------------------------------------ status

def where_is(spec, vm):
    """The cloud whose namespace holds the VM's port, or None (mid-migration)."""
    for cloud in spec.cloud_list():
        if run(["ip", "link", "show", vm.port], ns=cloud.netns, check=False):
            return cloud.index
    return None


def status():
    spec, locations = load()
    try:
        wan = control_request(WAN_CONTROL, {"cmd": "get"})
    except OSError as e:
        wan = {"ok": False, "error": str(e)}
    return {
        "spec": spec.to_json(),
        "clouds": [{"name": c.name, "netns": c.netns, "tunnel_endpoint": c.underlay_ip,
                    "datapath_id": c.datapath_id, "openflow_node": f"openflow:{c.datapath_id}",
                    "ovsdb": f"tcp:127.0.0.1:{c.ovsdb_port}" if spec.network == "cloudroam" else None,
                    "openflow_socket": c.of_socket if spec.controller else None,
                    "openflow_sockets": c.of_sockets(len(spec.controllers)) if spec.controller else []} for c in spec.cloud_list()],
        "vms": [dict({"name": vm.name, "kind": vm.kind, "mac": vm.mac, "ip": vm.ip, "vni": vm.vni, "port": vm.port,
                      "cloud": f"c{locations[vm.name]}", "attached_in": _cloud_name(where_is(spec, vm))},
                     **({"qemu_running_in": [c.name for c in spec.cloud_list() if _qemu_running(vm, c)]}
                        if vm.kind == "qemu" else {}))
                for vm in spec.guests()],
        "wan": wan.get("rules", {}), "wan_counters": wan.get("counters", {}),
        # an OVN lab: where the Southbound database has each port bound (its main chassis)
        **({"ovn_bindings": ovn.bindings()} if spec.network == "ovn" else {}),
    }


def _cloud_name(index):
    return f"c{index}" if index else None


def _vm(spec, name):
    for vm in spec.guests():
        if vm.name == name:
            return vm
    qemu_vms = f" and qvm1..qvm{spec.qemu_vms}" if spec.qemu_vms else ""
    raise LabError(f"unknown VM '{name}' (the lab has vm1..vm{spec.vms}{qemu_vms})")


def _sender(spec, name):
    """A VM that traffic starts from: a namespace VM (a QEMU guest only answers)."""
    vm = _vm(spec, name)
    if vm.kind == "qemu":
        raise LabError(f"{name} is a QEMU guest: it answers pings and streams, they start from a namespace VM")
    return vm


def _cloud_index(spec, name):
    match = re.match(r"^c(\d+)$", name)
    if not match or not 1 <= int(match.group(1)) <= spec.clouds:
        raise LabError(f"unknown cloud '{name}' (the lab has c1..c{spec.clouds})")
    return int(match.group(1))


# ------------------------------------------------------------------ migrate

# what libvirt's clean-up takes, roughly, from the source QEMU's end to its port's removal
UNPLUG_DELAY_MS = 250.0


def _check_binding(spec, ovn_binding):
    """The OVN binding strategy of a migration: only in an OVN lab, one of ovn.STRATEGIES."""
    if ovn_binding not in ovn.STRATEGIES:
        raise LabError(f"--ovn-binding must be {' or '.join(ovn.STRATEGIES)}, got '{ovn_binding}'")
    if spec.network != "ovn" and ovn_binding != "multichassis":
        raise LabError("--ovn-binding applies to a lab whose network is OVN (lab up --network ovn)")


def migrate(vm_name, target_name, announce="rarp", downtime_ms=100.0, plug="libvirt", identity="libvirt",
            unplug_delay_ms=UNPLUG_DELAY_MS, ovn_binding="multichassis"):
    spec, _ = load()
    if _vm(spec, vm_name).kind == "qemu":
        # QEMU announces the guest itself, its downtime is QEMU's and its ports follow libvirt's order
        other = [name for name, given, default in (("--announce", announce, "rarp"), ("--downtime", downtime_ms, 100.0),
                                                   ("--plug", plug, "libvirt")) if given != default]
        if other:
            raise LabError(f"{', '.join(other)} apply to namespace VMs; {vm_name} is a QEMU guest (QEMU announces "
                           "it, its downtime is QEMU's, its ports are plugged in libvirt's order)")
        return migrate_qemu(vm_name, target_name, identity, unplug_delay_ms, ovn_binding)
    if identity != "libvirt":
        raise LabError(f"--identity applies to QEMU guests; {vm_name} is a namespace VM (its port always carries "
                       "its iface-id and attached-mac)")
    return migrate_many([vm_name], target_name, announce, downtime_ms, plug, unplug_delay_ms, ovn_binding)[0]


def _pause_and_resume(vms, downtime_s, announcers):
    """Each VM pauses (its old eth0 down) and resumes downtime_s later on its plugged destination
    port (renamed eth0, its address on it, up), then announces itself: VMs are paused one after the
    other and resumed as their own pauses end, so every VM is paused for about downtime_s however
    many move (a storm does not stretch each VM's pause by the others' commands). Returns the
    pause and resume instants by VM (after the link change took effect)."""
    pauses, resumes = {}, {}
    waiting, paused = list(vms), []
    while waiting or paused:
        now = time.time()
        if paused and paused[0][1] <= now:
            vm, _ = paused.pop(0)
            run(["ip", "-n", vm.netns, "-batch", "-"],
                stdin=f"link set eth0 name old0\nlink set eth1 name eth0\naddr add {vm.ip}/16 dev eth0\n"
                      "link set eth0 up\n")
            resumes[vm.name] = time.time()
            if vm.name in announcers:
                announcers[vm.name].stdin.write("go\n")
                announcers[vm.name].stdin.flush()
        elif waiting:
            vm = waiting.pop(0)
            run(["ip", "-n", vm.netns, "link", "set", "eth0", "down"])
            pauses[vm.name] = time.time()
            paused.append((vm, pauses[vm.name] + downtime_s))
        else:
            time.sleep(max(0.0, paused[0][1] - now))  # the VM's downtime: what is emulated, not a wait for state
    return pauses, resumes


def migrate_many(vm_names, target_name, announce="rarp", downtime_ms=100.0, plug="libvirt",
                 unplug_delay_ms=UNPLUG_DELAY_MS, ovn_binding="multichassis"):
    """Namespace VMs move to one cloud together, as in an evacuation. plug 'libvirt' (the default)
    follows a hypervisor's port life-cycle: the destination ports are plugged when the migration
    starts (a second veth into each VM, down), the VMs pause (eth0 down), resume on the new port
    (it becomes eth0) and announce themselves, and the source ports are removed unplug_delay_ms
    after the resume. plug 'resume' is the lab's older emulation: the source ports go when the
    pause starts and the destination ports come at the resume. In an OVN lab the ports' bindings
    follow as Neutron moves them (ovn.py; ovn_binding multichassis or plain)."""
    spec, locations = load()
    _check_binding(spec, ovn_binding)
    vms = [_vm(spec, name) for name in vm_names]
    target = _cloud_index(spec, target_name)
    if not vms or len({vm.name for vm in vms}) != len(vms):
        raise LabError(f"give each VM to move once, got {list(vm_names)}")
    guests = [vm.name for vm in vms if vm.kind == "qemu"]
    if guests:
        raise LabError(f"{', '.join(guests)}: a QEMU guest migrates alone (lab migrate {guests[0]} {target_name})")
    if announce not in ("rarp", "garp", "none"):
        raise LabError(f"--announce must be rarp, garp or none, got '{announce}'")
    if plug not in ("libvirt", "resume"):
        raise LabError(f"--plug must be libvirt or resume, got '{plug}'")
    if not 0 <= downtime_ms <= 60_000:
        raise LabError(f"--downtime must be between 0 and 60000 ms, got {downtime_ms}")
    if not 0 <= unplug_delay_ms <= 60_000:
        raise LabError(f"--unplug-delay must be between 0 and 60000 ms, got {unplug_delay_ms}")
    there = [vm.name for vm in vms if locations[vm.name] == target]
    if there:
        raise LabError(f"{', '.join(there)} {'is' if len(there) == 1 else 'are'} already in c{target}")
    clouds = spec.cloud_list()
    new = clouds[target - 1]
    announcers = {}
    plugged_at = unplugged_at = None
    # the interface each VM announces on: its next eth0 when the destination is plugged first
    iface = "eth1" if plug == "libvirt" else "eth0"
    try:
        if plug == "libvirt":
            for vm in vms:
                run(["ip", "link", "add", "eth1", "netns", vm.netns, "type", "veth", "peer", "name", vm.port,
                     "netns", new.netns])
                run(["ip", "link", "set", "eth1", "address", vm.mac], ns=vm.netns)
                run(["ip", "link", "set", "eth1", "mtu", str(vm.mtu)], ns=vm.netns)  # the guest keeps its MTU
                run(["sysctl", "-qw", "net.ipv6.conf.eth1.disable_ipv6=1"], ns=vm.netns)
                _no_offloads(vm.netns, "eth1")
                _prepare_port(new, vm)
            _add_ports(new, vms)
            if spec.network == "ovn":
                ovn.migration_started([vm.name for vm in vms], {vm.name: f"c{locations[vm.name]}" for vm in vms},
                                      new.name, ovn_binding)
            plugged_at = time.time()
        if announce != "none":
            for vm in vms:
                announcers[vm.name] = subprocess.Popen(
                    system.in_ns(vm.netns, _py("vmtools", "announce", "--iface", iface, "--kind", announce, "--mac",
                                               vm.mac, "--ip", vm.ip, "--wait-stdin", "--gaps-ms",
                                               ",".join(str(g) for g in ANNOUNCE_GAPS_MS))),
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=_env())
        for name, announcer in announcers.items():
            if not announcer.stdout.readline():  # {"ready": true}: bound to its interface
                raise LabError(f"the announcer of {name} did not start")
        # stop-and-copy: the VMs stop at their old ports, stay paused, then resume on the new ones
        if plug == "libvirt":
            pauses, resumes = _pause_and_resume(vms, downtime_ms / 1000, announcers)
        else:
            pause_start = time.time()
            for source in sorted({locations[vm.name] for vm in vms}):
                old = clouds[source - 1]
                leaving = [vm for vm in vms if locations[vm.name] == source]
                _vsctl(old, *system.joined([["del-port", "br-int", vm.port] for vm in leaving]))
                for vm in leaving:
                    run(["ip", "link", "set", vm.port, "netns", new.netns], ns=old.netns)
            for vm in vms:
                _prepare_port(new, vm)
            remaining = downtime_ms / 1000 - (time.time() - pause_start)
            if remaining > 0:
                time.sleep(remaining)  # the VMs' downtime: what is emulated, not a wait for state
            _add_ports(new, vms)
            resume = time.time()
            for announcer in announcers.values():
                announcer.stdin.write("go\n")
                announcer.stdin.flush()
            pauses = {vm.name: pause_start for vm in vms}
            resumes = {vm.name: resume for vm in vms}
        sources = {vm.name: clouds[locations[vm.name] - 1] for vm in vms}
        for vm in vms:
            locations[vm.name] = target
        save(spec, locations)
        if spec.tunnels == "static":
            install_static_flows(spec, locations)
        if spec.network == "ovn":
            ovn.migration_done([vm.name for vm in vms], new.name)
        if plug == "libvirt":
            # the source hypervisor's clean-up: its ports go a little after the guest resumed elsewhere
            wait = unplug_delay_ms / 1000 - (time.time() - max(resumes.values()))
            if wait > 0:
                time.sleep(wait)
            for source in sorted({c.index for c in sources.values()}, key=int):
                old = clouds[source - 1]
                leaving = [vm for vm in vms if sources[vm.name].index == source]
                _vsctl(old, *system.joined([["del-port", "br-int", vm.port] for vm in leaving]))
            for vm in vms:
                run(["ip", "link", "del", "old0"], ns=vm.netns)
            unplugged_at = time.time()
        sent = {name: json.loads(announcer.communicate(timeout=30)[0].strip().splitlines()[-1])["sent_at"]
                for name, announcer in announcers.items()}
    finally:
        for announcer in announcers.values():
            if announcer.poll() is None:
                announcer.kill()
                announcer.wait()
    return [{"vm": vm.name, "mac": vm.mac, "ip": vm.ip, "vni": vm.vni, "from": sources[vm.name].name, "to": new.name,
             "announce": announce, "plug": plug, "requested_downtime_ms": downtime_ms,
             "pause_start": pauses[vm.name], "resume": resumes[vm.name],
             "paused_ms": round((resumes[vm.name] - pauses[vm.name]) * 1000, 3), "plugged_at": plugged_at,
             "unplugged_at": unplugged_at,
             "first_announcement": sent[vm.name][0] if sent.get(vm.name) else None,
             "announcements": sent.get(vm.name, [])} for vm in vms]


def migrate_qemu(vm_name, target_name, identity="libvirt", unplug_delay_ms=UNPLUG_DELAY_MS, ovn_binding="multichassis"):
    """A real QEMU live migration, in libvirt's order: the destination QEMU starts with -incoming
    in the target cloud and its tap is plugged into br-int at once (with libvirt's external_ids, or,
    with identity 'none', bound by its name only); the source QEMU migrates over a Unix socket;
    the destination resumes and QEMU announces it (RARP); the source QEMU quits, and its port is
    removed unplug_delay_ms later. The answer has QEMU's own downtime and total time, the plug and
    unplug times, and the first announcement seen on the destination tap. In an OVN lab the port's
    binding follows as Neutron moves it (ovn.py)."""
    spec, locations = load()
    _check_binding(spec, ovn_binding)
    vm = _vm(spec, vm_name)
    target = _cloud_index(spec, target_name)
    if identity not in ("libvirt", "none"):
        raise LabError(f"--identity must be libvirt or none, got '{identity}'")
    if identity == "none" and spec.network == "ovn":
        raise LabError("--identity none: OVN binds a port by its iface-id only; a port without one is never bound")
    if not 0 <= unplug_delay_ms <= 60_000:
        raise LabError(f"--unplug-delay must be between 0 and 60000 ms, got {unplug_delay_ms}")
    if locations[vm.name] == target:
        raise LabError(f"{vm.name} is already in c{target}")
    clouds = spec.cloud_list()
    old, new = clouds[locations[vm.name] - 1], clouds[target - 1]
    lock = f"{STATE_DIR}/qemu/{vm.name}.migrating"
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise LabError(f"a migration of {vm.name} is running already (remove {lock} if it is not)") from None
    src_dir, dst_dir = qemu_dir(vm, old), qemu_dir(vm, new)
    incoming = f"{STATE_DIR}/qemu/{vm.name}.migrate"
    sniffer = source_sniffer = source = destination = None
    done = False
    try:
        if os.path.exists(incoming):
            os.remove(incoming)
        shutil.rmtree(dst_dir, ignore_errors=True)
        accel, _ = qemu.accelerator(_kvm_probe)
        started = time.time()
        qemu.start(vm, new, dst_dir, accel, incoming=incoming)
        _wait_tap(new, vm, dst_dir)
        _prepare_port(new, vm)
        _plug_guest(new, vm, identity)
        if spec.network == "ovn":
            ovn.migration_started([vm.name], {vm.name: old.name}, new.name, ovn_binding)
        plugged_at = time.time()
        # on both taps: QEMU's announcement at the destination, and the guest's own last frame at the
        # source and first at the destination (the pause as traffic sees it, beside QEMU's own figure)
        sniffer, source_sniffer = (subprocess.Popen(system.in_ns(cloud.netns, _py(
            "vmtools", "sniff", "--iface", vm.port, "--ethertype", "0x8035", "--seconds", "60", "--mac", vm.mac)),
            stdout=subprocess.PIPE, text=True, env=_env()) for cloud in (new, old))
        sniffer.stdout.readline()  # {"ready": true}
        source_sniffer.stdout.readline()
        system.wait_for(lambda: os.path.exists(incoming), 20, f"the destination QEMU of {vm.name} to listen")
        source = qemu.connect(src_dir)
        destination = qemu.connect(dst_dir)
        migration_start = time.time()
        source.execute("migrate", uri=f"unix:{incoming}")
        deadline = time.monotonic() + 120
        while True:
            info = source.execute("query-migrate")
            if info.get("status") in ("completed", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                source.execute("migrate_cancel")
                raise LabError(f"the migration of {vm.name} did not complete in 120 s: {info}")
            time.sleep(0.01)  # poll interval: QEMU reports the migration's state, not its end
        completed_at = time.time()
        if info.get("status") != "completed":
            raise LabError(f"QEMU's migration of {vm.name} {info.get('status')}: {info.get('error-desc', info)}")
        # the guest runs at the destination now: whatever fails from here on must not stop it there
        locations[vm.name] = target
        save(spec, locations)
        done = True
        if spec.network == "ovn":
            ovn.migration_done([vm.name], new.name)
        running = destination.execute("query-status")
        source.close()  # one QMP client at a time: stop() below opens its own
        destination.close()
        qemu.stop(src_dir)
        source_quit = time.time()
        _keep_console(vm, src_dir)
        wait = unplug_delay_ms / 1000 - (time.time() - source_quit)
        if wait > 0:
            time.sleep(wait)
        _vsctl(old, "--if-exists", "del-port", "br-int", vm.port)
        unplugged_at = time.time()
        sniffer.terminate()
        seen = json.loads(sniffer.communicate(timeout=10)[0] or "{}")
        if source_sniffer.poll() is None:
            source_sniffer.terminate()
        at_source = json.loads((source_sniffer.communicate(timeout=10)[0].strip().splitlines() or ["{}"])[-1])
        last_at_source = at_source.get("last_ipv4_from")
        first_seen = seen.get("first")
        return {"vm": vm.name, "mac": vm.mac, "ip": vm.ip, "vni": vm.vni, "from": old.name, "to": new.name,
                "kind": "qemu", "accel": accel, "identity": identity, "downtime_ms": info.get("downtime"),
                "total_time_ms": info.get("total-time"), "setup_time_ms": info.get("setup-time"),
                "destination_started": started, "plugged_at": plugged_at, "migration_started": migration_start,
                "completed_at": completed_at, "source_quit": source_quit, "unplugged_at": unplugged_at,
                "first_announcement": first_seen, "announcements_seen": seen.get("count", 0),
                "last_guest_frame_at_source": last_at_source,
                "first_guest_frame_at_destination": seen.get("first_ipv4_from"),
                # the guest's last own frame at the source -> QEMU's announcement at the destination
                "pause_seen_ms": round((first_seen - last_at_source) * 1000, 1)
                if first_seen and last_at_source and first_seen > last_at_source else None,
                "destination_status": running.get("status"), "ram": info.get("ram", {})}
    finally:
        for session in (source, destination):
            if session is not None:
                session.close()
        for each in (sniffer, source_sniffer):
            if each and each.poll() is None:
                each.kill()
                each.wait()
        if not done:
            # nothing half done: the VM keeps running where it was
            qemu.stop(dst_dir)
            _vsctl(new, "--if-exists", "del-port", "br-int", vm.port)
            if spec.network == "ovn":
                ovn.migration_done([vm.name], old.name)  # the binding back where the guest runs
        if os.path.exists(lock):
            os.remove(lock)


# ------------------------------------------------------------------ traffic

_PING_TIME = re.compile(r"time=([\d.]+) ms")


def ping(a, b, count=5, interval=0.2):
    spec, _ = load()
    src, dst = _sender(spec, a), _vm(spec, b)
    if src.name == dst.name:
        raise LabError("ping needs two different VMs")
    if not 1 <= count <= 100_000:
        raise LabError(f"--count must be between 1 and 100000, got {count}")
    out = run(["ping", "-n", "-c", str(count), "-i", str(interval), "-W", "1", dst.ip], ns=src.netns,
              check=False, timeout=count * interval + 30)
    rtts = [float(x) for x in _PING_TIME.findall(out)]
    result = {"from": src.name, "to": dst.name, "dst_ip": dst.ip, "sent": count, "received": len(rtts),
              "loss_percent": round(100.0 * (count - len(rtts)) / count, 2)}
    if rtts:
        ordered = sorted(rtts)
        result["rtt_ms"] = {"min": ordered[0], "avg": round(statistics.fmean(rtts), 3), "max": ordered[-1],
                            # nearest rank: the smallest value with at least that share at or below it
                            "p50": ordered[max(0, math.ceil(0.5 * len(ordered)) - 1)],
                            "p99": ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]}
    return result


def stream(a, b, pps=1000, seconds=5.0, port=7777):
    spec, _ = load()
    src, dst = _sender(spec, a), _vm(spec, b)
    if not 1 <= pps <= 100_000 or not 0 < seconds <= 3600:
        raise LabError("--pps must be 1..100000 and --seconds 0..3600")
    reflector = None
    if dst.kind == "netns":
        reflector = subprocess.Popen(system.in_ns(dst.netns, _py("vmtools", "reflect", "--port", str(port),
                                                                 "--seconds", str(seconds + 3))),
                                     stdout=subprocess.PIPE, text=True, env=_env())
    elif port != guest.REFLECT_PORT:
        raise LabError(f"a QEMU guest reflects on UDP {guest.REFLECT_PORT} only, not {port}")
    try:
        if reflector:
            reflector.stdout.readline()  # {"ready": true}
        out = run(_py("vmtools", "stream", "--dst", dst.ip, "--port", str(port), "--pps", str(pps),
                      "--seconds", str(seconds)), ns=src.netns, env=_env(), timeout=seconds + 30)
    finally:
        if reflector:
            reflector.kill()
            reflector.wait()
    result = json.loads(out)
    result.update({"from": src.name, "to": dst.name, "pps": pps, "seconds": seconds})
    return result


def tcp(a, b, nbytes=50_000_000, port=7800, stall_s=15.0, underlay=False):
    """A bulk TCP transfer of nbytes from VM a to VM b (namespace VMs: Python sockets at the guests'
    MTU), or with underlay=True between two clouds' own namespaces over their WAN addresses: the
    same emulated WAN without the overlay, the rate the WAN allows. Reports what arrived, how fast,
    and whether it stalled (nothing for stall_s: the black hole of a too-large MTU)."""
    spec, _ = load()
    if not 1 <= nbytes <= 10_000_000_000 or not 0 < stall_s <= 600:
        raise LabError("--bytes must be 1..10000000000 and --stall-seconds 0..600")
    if underlay:
        clouds = {c.name: c for c in spec.cloud_list()}
        if a not in clouds or b not in clouds or a == b:
            raise LabError(f"--underlay takes two different clouds (c1..c{spec.clouds}), got '{a}' and '{b}'")
        src_ns, dst_ns, dst_ip = clouds[a].netns, clouds[b].netns, clouds[b].underlay_ip
    else:
        src, dst = _vm(spec, a), _vm(spec, b)
        if src.kind != "netns" or dst.kind != "netns":
            raise LabError("a TCP transfer runs between namespace VMs (a QEMU guest has no Python)")
        src_ns, dst_ns, dst_ip = src.netns, dst.netns, dst.ip
    sink = subprocess.Popen(system.in_ns(dst_ns, _py("vmtools", "tcp-sink", "--port", str(port),
                                                     "--stall-seconds", str(stall_s))),
                            stdout=subprocess.PIPE, text=True, env=_env())
    try:
        if not sink.stdout.readline():  # {"ready": true}
            raise LabError(f"the TCP sink in {b} did not start")
        sent = json.loads(run(_py("vmtools", "tcp-send", "--dst", dst_ip, "--port", str(port), "--bytes",
                                  str(nbytes), "--stall-seconds", str(stall_s)), ns=src_ns, env=_env(),
                              timeout=nbytes / 100_000 + 2 * stall_s + 60))
        got = json.loads(sink.stdout.readline() or "{}")
    finally:
        sink.kill()
        sink.wait()
    return {"from": a, "to": b, "underlay": underlay, "bytes": nbytes, "sent": sent["sent"],
            "received": got.get("received", 0), "complete": got.get("received") == nbytes,
            "stalled": bool(sent["stalled"] or got.get("stalled", True)), "seconds": got.get("seconds", 0.0),
            "mbit_per_s": got.get("mbit_per_s", 0.0), "mss": got.get("mss", 0)}


def flood(vm_name, to=None, pps=50_000, seconds=10.0, macs=65536):
    """A VM floods its switch port with frames from random unknown source MACs (see vmtools.flood),
    addressed to `to` (a VM; by default the flooding VM itself, so the frames reach no other VM)."""
    spec, _ = load()
    vm = _sender(spec, vm_name)
    dst = _vm(spec, to) if to else vm
    if not 1 <= pps <= 1_000_000 or not 0 < seconds <= 3600 or not 1 <= macs <= 1_000_000:
        raise LabError("--pps must be 1..1000000, --seconds 0..3600, --macs 1..1000000")
    out = run(_py("vmtools", "flood", "--dst", dst.mac, "--pps", str(pps), "--seconds", str(seconds),
                  "--macs", str(macs)), ns=vm.netns, env=_env(), timeout=seconds + 60)
    result = json.loads(out)
    result.update({"from": vm.name, "to": dst.name, "asked_pps": pps})
    return result


# ------------------------------------------------------------------ WAN

def capture(where, seconds):
    """Counts frames for a while on a VM's eth0, or (where='wan') on every link of the WAN emulator
    (VXLAN looked into). Says 'capturing' on stderr when it listens."""
    spec, _ = load()
    if not 0 < seconds <= 600:
        raise LabError(f"--seconds must be in (0, 600], got {seconds}")
    if where == "wan":
        ns, iface = WAN_NS, None
    else:
        ns, iface = _sender(spec, where).netns, "eth0"
    args = ["capture", "--seconds", str(seconds)] + (["--iface", iface] if iface else [])
    done = subprocess.run(system.in_ns(ns, _py("vmtools", *args)), stdout=subprocess.PIPE, env=_env(), text=True,
                          timeout=seconds + 30)
    if done.returncode != 0:
        raise LabError(f"capture in {ns} failed ({done.returncode})")
    return json.loads(done.stdout)


def vm_exec(vm_name, args):
    """Runs a command inside a VM's namespace; its exit status is reported, not raised."""
    spec, _ = load()
    if not args:
        raise LabError("exec needs a command, e.g. 'lab exec vm1 ip neigh'")
    # the lab's own tools (python3 -m cloudroam_lab.vmtools ...) are importable inside the VM
    done = subprocess.run(system.in_ns(_sender(spec, vm_name).netns, args), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60, env=_env())
    return {"vm": vm_name, "exit": done.returncode, "output": done.stdout}


def switch_tool(cloud_name, tool, args):
    """Runs ovs-vsctl or ovs-ofctl (OpenFlow 1.3) against one cloud's switch."""
    spec, _ = load()
    cloud = spec.cloud_list()[_cloud_index(spec, cloud_name) - 1]
    if tool == "vsctl":
        out = _vsctl(cloud, *args)
    else:
        out = _ofctl(cloud, *args)
    return {"cloud": cloud.name, "output": out}


def flow_events_start():
    """Starts watching every cloud's br-int for flow changes, whoever makes them (OpenFlow flow
    monitor, 'ovs-ofctl --timestamp monitor br-int watch:!initial'): the switch's own account of
    the flow-mods it applied, with the wall-clock time (ms) it reported each, independent of the
    controller. 'flow-events stop' tells what was seen."""
    spec, _ = load()
    flow_events_stop()  # one watch at a time
    watching = []
    for cloud in spec.cloud_list():
        out = f"{STATE_DIR}/flow-events-{cloud.name}.log"
        with open(out, "w") as sink:
            proc = subprocess.Popen(["ovs-ofctl", "--timestamp", "-O", "OpenFlow13", "monitor", "br-int",
                                     "watch:!initial"],
                                    stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
                                    env=dict(os.environ, OVS_RUNDIR=cloud.rundir))
        watching.append({"cloud": cloud.name, "pid": proc.pid, "log": out})
    with open(f"{STATE_DIR}/flow-events.json", "w") as f:
        json.dump(watching, f)
    # the monitor is listening once it has said which flows it watches (its first reply)
    deadline = time.monotonic() + 10
    for entry in watching:
        while time.monotonic() < deadline:
            with open(entry["log"]) as f:
                if "reply" in f.read():
                    break
            time.sleep(0.05)  # poll interval, bounded by the deadline
        else:
            raise LabError(f"the flow monitor of {entry['cloud']} did not start")
    return {"watching": [entry["cloud"] for entry in watching]}


_MONITOR_TIME = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}): ")


def monitor_events(lines, with_events=False):
    """Counts the flow changes in what 'ovs-ofctl --timestamp monitor' printed; with with_events,
    lists each with the time its switch stamped on the reply that carried it."""
    events = {"added": 0, "modified": 0, "deleted": 0, "abbrev": 0}
    first, timed = [], []
    at = None  # the monitor stamps each reply; the events of a reply follow it on their own lines
    for line in lines:
        stamp = _MONITOR_TIME.match(line)
        if stamp:
            at = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()
            continue
        match = re.search(r"event=(ADDED|MODIFIED|DELETED|ABBREV)", line)
        if match:
            events[match.group(1).lower()] += 1
            if len(first) < 20:
                first.append(line.strip())
            if with_events:
                timed.append({"time": at, "text": line.strip()})
    counted = dict(events, total=sum(events.values()), first=first)
    if with_events:
        counted["events"] = timed
    return counted


def flow_events_stop(with_events=False):
    """Stops the watch of 'flow-events start' and counts what each switch saw: flows added,
    modified and deleted, with the first of them as the switch printed them. With with_events,
    every change with the time its switch reported it (epoch seconds, ms resolution): the clock a
    benchmark reads reconvergence from."""
    path = f"{STATE_DIR}/flow-events.json"
    if not os.path.exists(path):
        return {"clouds": {}}
    with open(path) as f:
        watching = json.load(f)
    os.remove(path)
    result = {}
    for entry in watching:
        system.kill_all([entry["pid"]])
        with open(entry["log"]) as f:
            result[entry["cloud"]] = monitor_events(f, with_events)
    return {"clouds": result}


def restart_switch(cloud_name):
    """Kills one cloud's ovs-vswitchd and starts it again on the same database: flows are gone
    (they live in vswitchd), bridges, ports and controller settings come back from OVSDB."""
    spec, _ = load()
    cloud = spec.cloud_list()[_cloud_index(spec, cloud_name) - 1]
    pidfile = f"{cloud.rundir}/ovs-vswitchd.pid"
    with open(pidfile) as f:
        pid = int(f.read().strip())
    system.kill_all([pid])
    started = time.monotonic()
    env = dict(os.environ, OVS_RUNDIR=cloud.rundir, OVS_DBDIR=cloud.rundir, OVS_LOGDIR=cloud.rundir)
    run(["ovs-vswitchd", f"unix:{cloud.db_socket}", f"--pidfile={pidfile}", "--detach",
         f"--log-file={cloud.rundir}/ovs-vswitchd.log", f"--unixctl={cloud.rundir}/ovs-vswitchd.ctl"],
        ns=cloud.netns, env=env)
    return {"cloud": cloud.name, "killed": pid, "seconds": round(time.monotonic() - started, 2)}


def wan_apply(a, b, rule):
    """Sends one pair's rule to the running WAN emulator; returns its answer (rules, counters)."""
    reply = control_request(WAN_CONTROL, {"cmd": "set", "a": a, "b": b, "delay_ms": rule.delay_ms,
                                          "jitter_ms": rule.jitter_ms, "loss": rule.loss, "mtu": rule.mtu})
    if not reply.get("ok"):
        raise LabError(f"WAN emulator refused: {reply.get('error')}")
    return reply


def wan_set(pair, words):
    spec, locations = load()
    a, b = parse_pair(pair)
    if b > spec.clouds:
        raise LabError(f"unknown cloud in '{pair}' (the lab has c1..c{spec.clouds})")
    rule = parse_wan_rule(words, spec.wan_rule(a, b))
    reply = wan_apply(a, b, rule)
    spec.wan[(a, b)] = rule
    save(spec, locations)
    return reply
