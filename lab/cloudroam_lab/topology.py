"""The lab's shape: names, addresses and specs. Pure: no processes, no system calls.

Everything a test or the controller needs to know about a lab follows from (clouds, vms, vnis),
so `lab status` can always be recomputed and `lab down` needs no state file to clean up.
"""

import argparse
import re
from dataclasses import dataclass, field

PREFIX = "crl-"  # every namespace the lab creates starts with this
STATE_DIR = "/run/cloudroam-lab"
WAN_NS = PREFIX + "wan"
MIN_CLOUDS, MAX_CLOUDS = 2, 8
MAX_VMS = 250
# QEMU guests take a core each while they boot under TCG: a few on two cores
MAX_QEMU_VMS = 4
OVSDB_BASE_PORT = 16640  # cloud i's OVSDB is relayed to 127.0.0.1:16640+i
OPENFLOW_PORT = 6653
VXLAN_PORT = 4789
# Every WAN port (and the emulator's) carries 1500-byte IP packets; VXLAN over IPv4 takes 50 bytes
# (outer IP 20, UDP 8, VXLAN 8, the guest's own Ethernet header 14): the guests get 1450
UNDERLAY_MTU = 1500
VXLAN_OVERHEAD = 50
OVERLAY_MTU = UNDERLAY_MTU - VXLAN_OVERHEAD
MIN_PATH_MTU = 576
NETWORKS = ("cloudroam", "ovn")  # what makes the overlay (lab up --network)
OVN_ENCAPS = ("vxlan", "geneve")
ANNOUNCE_GAPS_MS = (50, 150, 250, 350)  # QEMU announce_self: initial 50 ms, step 100 ms, 5 rounds


class LabError(Exception):
    """Bad input or an impossible request; the message is for the operator."""


class LabArgumentParser(argparse.ArgumentParser):
    """argparse that reports bad input as a LabError (exit 2, message, nothing changed)."""

    def error(self, message):
        raise LabError(message)


@dataclass(frozen=True)
class Cloud:
    index: int

    @property
    def name(self):
        return f"c{self.index}"

    @property
    def netns(self):
        return PREFIX + self.name

    @property
    def rundir(self):
        return f"{STATE_DIR}/{self.name}"

    @property
    def underlay_ip(self):
        return f"192.0.2.{self.index}"  # TEST-NET-1, only ever inside the lab's namespaces

    @property
    def datapath_id(self):
        return self.index

    @property
    def ovsdb_port(self):
        return OVSDB_BASE_PORT + self.index

    @property
    def of_socket(self):
        return f"{self.rundir}/openflow.sock"

    def of_sockets(self, count):
        """The OpenFlow relay sockets for count controllers (the first is of_socket)."""
        return [self.of_socket] + [f"{self.rundir}/openflow-{n}.sock" for n in range(2, count + 1)]

    @property
    def db_socket(self):
        return f"{self.rundir}/db.sock"


@dataclass(frozen=True)
class Vm:
    index: int
    vni: int
    home: int  # cloud index where `lab up` places it

    @property
    def name(self):
        return f"vm{self.index}"

    @property
    def netns(self):
        return PREFIX + self.name

    @property
    def mac(self):
        return "02:c0:00:00:%02x:%02x" % (self.index >> 8, self.index & 0xFF)

    @property
    def ip(self):
        # one IP subnet for every VNI on purpose: a VM of VNI 100 ARPs for a VM of VNI 200,
        # and only the overlay's isolation keeps it from an answer
        return f"10.0.{self.index >> 8}.{self.index & 0xFF}"

    @property
    def port(self):
        return f"tap-{self.name}"  # the VM's veth end on its cloud's br-int

    kind = "netns"
    mtu = OVERLAY_MTU


@dataclass(frozen=True)
class QemuVm:
    """A real QEMU guest (lab/cloudroam_lab/qemu.py): a virtio NIC on tap-qvmK in its cloud."""
    index: int
    vni: int
    home: int

    kind = "qemu"
    mtu = OVERLAY_MTU

    @property
    def name(self):
        return f"qvm{self.index}"

    @property
    def mac(self):
        return "02:c0:0e:00:%02x:%02x" % (self.index >> 8, self.index & 0xFF)

    @property
    def ip(self):
        return f"10.0.{100 + (self.index >> 8)}.{self.index & 0xFF}"

    @property
    def port(self):
        return f"tap-{self.name}"  # the tap QEMU creates in its cloud's namespace

    @property
    def uuid(self):
        """The libvirt-style domain UUID the lab puts in external_ids:vm-uuid."""
        return f"c10d0000-0000-4000-8000-{self.index:012x}"


@dataclass(frozen=True)
class WanRule:
    """One-way delay, jitter and loss between two clouds (both directions), and the largest IP packet
    the path carries (0: what the ports carry, UNDERLAY_MTU); a larger one is dropped silently, as a
    router that filters ICMP would."""
    delay_ms: float = 0.0
    jitter_ms: float = 0.0
    loss: float = 0.0  # fraction, 0..1
    mtu: int = 0

    def to_json(self):
        return {"delay_ms": self.delay_ms, "jitter_ms": self.jitter_ms, "loss_percent": self.loss * 100,
                "mtu": self.mtu or UNDERLAY_MTU}


def parse_controllers(text):
    """'127.0.0.1:6653,127.0.0.2:6653' -> the controller addresses; loopback only (the lab never
    sends anything elsewhere), at most 3, no repeats."""
    items = [c.strip() for c in text.split(",") if c.strip()]
    if not 1 <= len(items) <= 3:
        raise LabError(f"--controllers takes 1 to 3 addresses, got {len(items)}: '{text}'")
    for item in items:
        host, _, port = item.rpartition(":")
        octets = host.split(".")
        if not (len(octets) == 4 and octets[0] == "127" and all(o.isdigit() and int(o) < 256 for o in octets)
                and port.isdigit() and 0 < int(port) < 65536):
            raise LabError(f"--controllers takes loopback IPv4:port addresses (127.x.y.z:6653), got '{item}'")
    if len(set(items)) != len(items):
        raise LabError(f"--controllers lists an address twice: '{text}'")
    return tuple(items)


@dataclass
class LabSpec:
    clouds: int
    vms: int
    vnis: tuple = (100, 200)
    tunnels: str = "controller"  # or "static"
    controller: bool = True
    wan: dict = field(default_factory=dict)  # (a, b) with a < b -> WanRule
    # where every switch connects (a cluster's members: ./cloudroam cluster)
    controllers: tuple = (f"127.0.0.1:{OPENFLOW_PORT}",)
    qemu_vms: int = 0
    # the overlay: cloudroam (OpenDaylight programs br-int) or ovn (lab/cloudroam_lab/ovn.py: OVN's
    # databases, ovn-northd and an ovn-controller per cloud; no controller connection)
    network: str = "cloudroam"
    ovn_encap: str = "vxlan"

    def validate(self):
        if not MIN_CLOUDS <= self.clouds <= MAX_CLOUDS:
            raise LabError(f"--clouds must be between {MIN_CLOUDS} and {MAX_CLOUDS}, got {self.clouds}")
        if not 0 <= self.vms <= MAX_VMS:
            raise LabError(f"--vms must be between 0 and {MAX_VMS}, got {self.vms}")
        if not 0 <= self.qemu_vms <= MAX_QEMU_VMS:
            raise LabError(f"--qemu-vms must be between 0 and {MAX_QEMU_VMS}, got {self.qemu_vms}")
        if not self.vnis:
            raise LabError("--vnis needs at least one VNI")
        for vni in self.vnis:
            if not 1 <= vni <= 0xFFFFFF:
                raise LabError(f"VNI must be between 1 and 16777215, got {vni}")
        if len(set(self.vnis)) != len(self.vnis):
            raise LabError(f"--vnis lists a VNI twice: {list(self.vnis)}")
        if self.tunnels not in ("controller", "static"):
            raise LabError(f"--tunnels must be 'controller' or 'static', got '{self.tunnels}'")
        parse_controllers(",".join(self.controllers))
        if self.network not in NETWORKS:
            raise LabError(f"--network must be {' or '.join(NETWORKS)}, got '{self.network}'")
        if self.ovn_encap not in OVN_ENCAPS:
            raise LabError(f"--ovn-encap must be {' or '.join(OVN_ENCAPS)}, got '{self.ovn_encap}'")
        if self.network == "ovn" and (self.tunnels != "controller" or self.controller):
            raise LabError("--network ovn: OVN makes the tunnels and the flows (no --tunnels static, no controller)")
        for a, b in self.wan:
            if not (1 <= a <= self.clouds and 1 <= b <= self.clouds):
                raise LabError(f"WAN rule for c{a}-c{b}: the lab has clouds c1..c{self.clouds}")
        return self

    def cloud_list(self):
        return [Cloud(i) for i in range(1, self.clouds + 1)]

    def vm_list(self):
        return [Vm(k, self.vnis[(k - 1) % len(self.vnis)], (k - 1) % self.clouds + 1)
                for k in range(1, self.vms + 1)]

    def qemu_list(self):
        return [QemuVm(k, self.vnis[(k - 1) % len(self.vnis)], (k - 1) % self.clouds + 1)
                for k in range(1, self.qemu_vms + 1)]

    def guests(self):
        """Every VM, namespace VMs first."""
        return self.vm_list() + self.qemu_list()

    def wan_rule(self, a, b):
        return self.wan.get((min(a, b), max(a, b)), WanRule())

    def to_json(self):
        return {"clouds": self.clouds, "vms": self.vms, "qemu_vms": self.qemu_vms, "vnis": list(self.vnis),
                "tunnels": self.tunnels, "controller": self.controller, "controllers": list(self.controllers),
                "network": self.network, "ovn_encap": self.ovn_encap,
                "wan": {f"c{a}-c{b}": rule.to_json() for (a, b), rule in sorted(self.wan.items())}}

    @staticmethod
    def from_json(data):
        spec = LabSpec(data["clouds"], data["vms"], tuple(data["vnis"]), data["tunnels"], data["controller"],
                       controllers=tuple(data.get("controllers", (f"127.0.0.1:{OPENFLOW_PORT}",))),
                       qemu_vms=data.get("qemu_vms", 0), network=data.get("network", "cloudroam"),
                       ovn_encap=data.get("ovn_encap", "vxlan"))
        for pair, rule in data.get("wan", {}).items():
            a, b = parse_pair(pair)
            mtu = rule.get("mtu", UNDERLAY_MTU)
            spec.wan[(a, b)] = WanRule(rule["delay_ms"], rule["jitter_ms"], rule["loss_percent"] / 100,
                                       0 if mtu == UNDERLAY_MTU else mtu)
        return spec


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(us|ms|s)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")
_PAIR = re.compile(r"^c(\d+)-c(\d+)$")


def parse_duration_ms(text):
    match = _DURATION.match(text.strip())
    if not match:
        raise LabError(f"not a duration (like 20ms, 1.5ms, 250us, 1s): '{text}'")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_pair(text):
    match = _PAIR.match(text.strip())
    if not match:
        raise LabError(f"not a cloud pair (like c1-c2): '{text}'")
    a, b = int(match.group(1)), int(match.group(2))
    if a == b:
        raise LabError(f"a WAN link joins two different clouds: '{text}'")
    return min(a, b), max(a, b)


def parse_wan_rule(words, base=None):
    """Parses 'DELAY [jitter=J] [loss=L%] [mtu=BYTES]' (any order after the delay): a whole rule, what
    it leaves out is off. With a base rule (the pair's rule in force) settings alone may be given
    ('mtu=1400'): they change what they name and the rest stays as it was."""
    if not words or base is None and "=" in words[0]:
        raise LabError("a WAN rule needs at least a delay, like '80ms' or '80ms jitter=2ms loss=1% mtu=1400'")
    if "=" in words[0]:
        rule = {"delay_ms": base.delay_ms, "jitter_ms": base.jitter_ms, "loss": base.loss, "mtu": base.mtu}
        settings = words
    else:
        # a rule that starts with its delay is the whole rule: what it leaves out is off
        rule = {"delay_ms": parse_duration_ms(words[0]), "jitter_ms": 0.0, "loss": 0.0, "mtu": 0}
        settings = words[1:]
    for word in settings:
        key, sep, value = word.partition("=")
        if not sep:
            raise LabError(f"expected jitter=DURATION, loss=PERCENT or mtu=BYTES, got '{word}'")
        if key == "mtu":
            if not value.isdigit() or not MIN_PATH_MTU <= int(value) <= UNDERLAY_MTU:
                raise LabError(f"mtu must be a whole number of bytes from {MIN_PATH_MTU} to {UNDERLAY_MTU} "
                               f"(the WAN ports' MTU), got '{value}'")
            rule["mtu"] = 0 if int(value) == UNDERLAY_MTU else int(value)
        elif key == "jitter":
            rule["jitter_ms"] = parse_duration_ms(value)
        elif key == "loss":
            match = _PERCENT.match(value)
            if not match or float(match.group(1)) > 100:
                raise LabError(f"loss must be a percentage from 0% to 100%, got '{value}'")
            rule["loss"] = float(match.group(1)) / 100
        else:
            raise LabError(f"unknown WAN setting '{key}' (known: jitter, loss, mtu)")
    if rule["jitter_ms"] > rule["delay_ms"]:
        raise LabError(f"jitter ({rule['jitter_ms']} ms) larger than the delay ({rule['delay_ms']} ms)")
    return WanRule(rule["delay_ms"], rule["jitter_ms"], rule["loss"], rule["mtu"])


def parse_wan_spec(text, clouds):
    """Parses '--wan' text: comma-separated 'PAIR DELAY [jitter=J] [loss=L%]' items, where PAIR is
    cN-cM or 'all'. Later items override earlier ones. Returns {(a, b): WanRule}."""
    rules = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        words = item.split()
        if len(words) < 2:
            raise LabError(f"expected 'PAIR DELAY [jitter=J] [loss=L%]' (like 'c1-c2 80ms'), got '{item}'")
        rule = parse_wan_rule(words[1:])
        if words[0] == "all":
            for a in range(1, clouds + 1):
                for b in range(a + 1, clouds + 1):
                    rules[(a, b)] = rule
        else:
            rules[parse_pair(words[0])] = rule
    return rules


def static_flows(spec, locations):
    """OpenFlow 1.3 flows (ovs-ofctl syntax) per cloud for the lab's self-test without a controller:
    L2 forwarding inside each VNI, across clouds over VXLAN with tunnel_id = VNI, broadcast
    replicated to local ports and remote clouds of the VNI (split horizon on tunnels).
    locations: {vm name: cloud index}. Returns {cloud index: [flow, ...]}."""
    vms = [vm for vm in spec.vm_list()]
    flows = {}
    for cloud in spec.cloud_list():
        here = [vm for vm in vms if locations[vm.name] == cloud.index]
        rules = []
        for vm in here:
            peers = [p for p in vms if p.vni == vm.vni and p.name != vm.name]
            for peer in peers:
                where = locations[peer.name]
                out = f"output:{peer.port}" if where == cloud.index \
                    else f"set_field:{vm.vni}->tun_id,output:vx-c{where}"
                rules.append(f"table=0,priority=100,in_port={vm.port},dl_dst={peer.mac},actions={out}")
            local = [f"output:{p.port}" for p in peers if locations[p.name] == cloud.index]
            remote_clouds = sorted({locations[p.name] for p in peers if locations[p.name] != cloud.index})
            remote = [f"set_field:{vm.vni}->tun_id,output:vx-c{c}" for c in remote_clouds]
            actions = ",".join(local + remote) or "drop"
            rules.append(f"table=0,priority=50,in_port={vm.port},dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,"
                         f"actions={actions}")
        for vni in spec.vnis:
            members = [vm for vm in here if vm.vni == vni]
            for other in spec.cloud_list():
                if other.index == cloud.index:
                    continue
                for vm in members:
                    rules.append(f"table=0,priority=100,in_port=vx-c{other.index},tun_id={vni},dl_dst={vm.mac},"
                                 f"actions=output:{vm.port}")
                flood = ",".join(f"output:{vm.port}" for vm in members) or "drop"
                rules.append(f"table=0,priority=50,in_port=vx-c{other.index},tun_id={vni},"
                             f"dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions={flood}")
        flows[cloud.index] = rules
    return flows


def controller_config(spec):
    """The cloudroam configuration (RESTCONF JSON body for PUT /rests/data/cloudroam:cloudroam) that
    describes this lab: its clouds with tunnel endpoint, datapath id and OVSDB relay, one virtual
    network per VNI spanning every cloud, and a port binding per VM by its OVS iface-id (the VM name),
    so a binding follows the VM wherever it migrates. Each network's MTU is set the way an orchestrator
    sets it when it creates a network (Neutron: the underlay's MTU minus the overlay's headers), and
    every guest gets it. A QEMU guest is bound by its tap's name too,
    for a port plugged without an orchestrator's marks (`lab migrate ... --identity none`)."""
    clouds = [{"id": c.name, "tunnel-endpoint": c.underlay_ip, "switch": [str(c.datapath_id)],
               "ovsdb": {"address": "127.0.0.1", "port": c.ovsdb_port}} for c in spec.cloud_list()]
    networks = [{"vni": v, "name": f"vni-{v}", "cloud": [c.name for c in spec.cloud_list()], "mtu": OVERLAY_MTU}
                for v in spec.vnis]
    bindings = [{"cloud": c.name, "port": vm.name, "vni": vm.vni} for vm in spec.guests() for c in spec.cloud_list()]
    bindings += [{"cloud": c.name, "port": vm.port, "vni": vm.vni} for vm in spec.qemu_list() for c in spec.cloud_list()]
    return {"cloudroam:cloudroam": {"cloud": clouds, "virtual-network": networks, "port-binding": bindings}}
