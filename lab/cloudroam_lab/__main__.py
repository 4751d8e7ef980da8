"""./cloudroam lab ...: the multi-cloud testbed. Every command prints JSON on success; bad input
exits 2 with a message on stderr and changes nothing."""

import argparse
import json
import sys

from . import lab
from .topology import (LabArgumentParser, LabError, LabSpec, controller_config, parse_controllers,
                       parse_duration_ms, parse_wan_spec)


def _int_list(text):
    try:
        return tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise LabError(f"--vnis takes comma-separated numbers, got '{text}'") from None


def build_parser():
    parser = LabArgumentParser(prog="./cloudroam lab", description=__doc__)
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=LabArgumentParser)

    p = sub.add_parser("up", help="create the lab (cleans what an earlier lab left first)")
    p.add_argument("--clouds", type=int, required=True)
    p.add_argument("--vms", type=int, required=True)
    p.add_argument("--qemu-vms", type=int, default=0, help="real QEMU guests qvm1..N beside the namespace VMs "
                   "(Debian's qemu-system-x86, KVM when it works, TCG otherwise; the guest is built by "
                   "./cloudroam setup)")
    p.add_argument("--vnis", default="100,200", help="VNIs, VMs take them round-robin (default 100,200)")
    p.add_argument("--wan", default="", help="e.g. 'all 10ms, c1-c2 80ms jitter=2ms loss=1%%'")
    p.add_argument("--tunnels", default="controller", help="controller (default): the controller creates "
                   "tunnels; static: the lab creates a VXLAN full mesh and static flows (no controller)")
    p.add_argument("--controller", choices=("yes", "no"), default=None,
                   help="connect br-int to the controllers (default: yes with --tunnels=controller)")
    p.add_argument("--network", default="cloudroam", choices=("cloudroam", "ovn"),
                   help="what makes the overlay: cloudroam (default: the controller programs the switches) or ovn "
                   "(OVN's databases, ovn-northd and an ovn-controller per cloud, no controller: the peer to compare "
                   "with; Debian's ovn-central and ovn-host)")
    p.add_argument("--ovn-encap", default="vxlan", choices=("vxlan", "geneve"),
                   help="--network ovn: the tunnels' encapsulation (default vxlan: the same 50 bytes as cloudroam's)")
    p.add_argument("--controllers", default="127.0.0.1:6653",
                   help="where each switch connects, comma-separated (a cluster: "
                   "127.0.0.1:6653,127.0.0.2:6653,127.0.0.3:6653); default 127.0.0.1:6653")

    sub.add_parser("down", help="remove every namespace, process and relay the lab made")
    sub.add_parser("status", help="clouds, VMs and where each VM is")
    sub.add_parser("leftovers", help="what a lab left behind (empty lists when clean)")

    p = sub.add_parser("reboot", help="restart a QEMU guest where it is (a crashed guest: its QEMU ends, a fresh "
                       "one boots, its port plugged again)")
    p.add_argument("vm")

    p = sub.add_parser("guest-health", help="whether a QEMU guest has crashed, from QEMU's side only (its QEMU "
                       "gone, a BUG or oops on its console, its vCPU spinning with interrupts off)")
    p.add_argument("vm")

    p = sub.add_parser("migrate", help="live-migrate a VM (several namespace VMs at once: vm1,vm2,...); a QEMU "
                       "guest (qvmN) by QEMU's own live migration")
    p.add_argument("vm", help="a VM, or namespace VMs separated by commas, which move together")
    p.add_argument("cloud")
    p.add_argument("--announce", default="rarp", help="namespace VMs: rarp (QEMU announce_self, default), garp "
                   "or none (a QEMU guest announces itself with QEMU's RARPs)")
    p.add_argument("--downtime", default="100ms", help="namespace VMs: stop-and-copy pause (default 100ms; a "
                   "QEMU guest's is QEMU's)")
    p.add_argument("--plug", default="libvirt", help="namespace VMs: libvirt (default: the destination port "
                   "plugged at the start, the source removed after the resume) or resume (the source port "
                   "removed at the pause, the destination plugged at the resume)")
    p.add_argument("--identity", default="libvirt", help="QEMU guests: libvirt (default: the destination port "
                   "carries iface-id, attached-mac, vm-uuid) or none (bound by its interface name only)")
    p.add_argument("--ovn-binding", default="multichassis", choices=("multichassis", "plain"),
                   help="OVN labs: multichassis (default: the port bound at both ends from the plug on, activated "
                   "at the destination by the guest's RARP, as Neutron does) or plain (the binding moved when the "
                   "migration completed)")
    p.add_argument("--unplug-delay", default=f"{int(lab.UNPLUG_DELAY_MS)}ms", help="how long after the end of "
                   f"the migration the source port goes (default {int(lab.UNPLUG_DELAY_MS)}ms, about libvirt's "
                   "clean-up)")

    for name in ("ping", "rtt"):
        p = sub.add_parser(name, help="ICMP echo between two VMs")
        p.add_argument("a")
        p.add_argument("b")
        p.add_argument("--count", type=int, default=5 if name == "ping" else 20)
        p.add_argument("--interval", type=float, default=0.2 if name == "ping" else 0.05)

    p = sub.add_parser("stream", help="UDP stream with sequence numbers between two VMs")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--pps", type=int, default=1000)
    p.add_argument("--seconds", type=float, default=5)
    p = sub.add_parser("flood", help="a VM floods its port with frames from random unknown source MACs")
    p.add_argument("vm")
    p.add_argument("--to", help="the VM the frames are addressed to (default: the flooding VM itself)")
    p.add_argument("--pps", type=int, default=50_000)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--macs", type=int, default=65536, help="distinct source MACs, used in turn")

    p = sub.add_parser("wan", help="show or change WAN delay, jitter, loss at run time")
    wan = p.add_subparsers(dest="wan_cmd", required=True, parser_class=LabArgumentParser)
    s = wan.add_parser("set", help="e.g. 'lab wan set c1-c2 80ms loss=1%%'")
    s.add_argument("pair")
    s.add_argument("rule", nargs="+")
    wan.add_parser("show")
    b = wan.add_parser("bench", help="measure the emulator's accuracy at 1 kpps and its max rate")
    b.add_argument("--delay", default="20ms")
    b.add_argument("--count", type=int, default=5000)

    p = sub.add_parser("tcp", help="a bulk TCP transfer between two VMs (or two clouds' namespaces: --underlay)")
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--bytes", type=int, default=50_000_000)
    p.add_argument("--port", type=int, default=7800)
    p.add_argument("--stall-seconds", type=float, default=15.0)
    p.add_argument("--underlay", action="store_true", help="between the clouds SRC and DST, without the overlay")

    p = sub.add_parser("capture", help="count frames on a VM's eth0 or on the WAN (VXLAN looked into)")
    p.add_argument("where", help="a VM name or 'wan'")
    p.add_argument("--seconds", type=float, default=2.0)
    for tool in ("vsctl", "ofctl"):
        p = sub.add_parser(tool, help=f"run ovs-{tool} against a cloud's switch (ofctl speaks OpenFlow 1.3)")
        p.add_argument("cloud")
        p.add_argument("args", nargs=argparse.REMAINDER)
    p = sub.add_parser("exec", help="run a command inside a VM (e.g. 'exec vm1 ip neigh flush dev eth0')")
    p.add_argument("vm")
    p.add_argument("args", nargs=argparse.REMAINDER)
    p = sub.add_parser("restart-switch", help="kill and restart one cloud's ovs-vswitchd (flows are lost)")
    p.add_argument("cloud")
    p = sub.add_parser("flow-events", help="count the flow changes every switch applies: 'start', then 'stop'")
    p.add_argument("action", choices=("start", "stop"))
    p.add_argument("--events", action="store_true", help="stop: also every change, with the time its switch "
                   "stamped it")
    sub.add_parser("config", help="the cloudroam configuration (RESTCONF JSON) that describes this lab")
    sub.add_parser("flows", help="re-install the static flows from the lab's state (--tunnels=static)")
    return parser


def dispatch(args):
    if args.cmd == "up":
        controller = (args.tunnels == "controller" and args.network == "cloudroam") if args.controller is None \
            else args.controller == "yes"
        spec = LabSpec(args.clouds, args.vms, _int_list(args.vnis), args.tunnels, controller,
                       controllers=parse_controllers(args.controllers), qemu_vms=args.qemu_vms,
                       network=args.network, ovn_encap=args.ovn_encap)
        spec.validate()
        spec.wan = parse_wan_spec(args.wan, args.clouds)
        return lab.up(spec.validate())
    if args.cmd == "down":
        return lab.down()
    if args.cmd == "status":
        return lab.status()
    if args.cmd == "leftovers":
        return lab.leftovers()
    if args.cmd == "reboot":
        return lab.reboot_qemu(args.vm)
    if args.cmd == "guest-health":
        return lab.guest_health(args.vm)
    if args.cmd == "migrate":
        names = [name for name in args.vm.split(",") if name]
        if len(names) > 1:
            return lab.migrate_many(names, args.cloud, args.announce, parse_duration_ms(args.downtime), args.plug,
                                    parse_duration_ms(args.unplug_delay), args.ovn_binding)
        return lab.migrate(args.vm, args.cloud, args.announce, parse_duration_ms(args.downtime), args.plug,
                           args.identity, parse_duration_ms(args.unplug_delay), args.ovn_binding)
    if args.cmd in ("ping", "rtt"):
        return lab.ping(args.a, args.b, args.count, args.interval)
    if args.cmd == "stream":
        return lab.stream(args.a, args.b, args.pps, args.seconds)
    if args.cmd == "flood":
        return lab.flood(args.vm, args.to, args.pps, args.seconds, args.macs)
    if args.cmd == "wan":
        if args.wan_cmd == "set":
            return lab.wan_set(args.pair, args.rule)
        if args.wan_cmd == "show":
            return {"rules": lab.status()["wan"]}
        from .wanbench import bench
        return bench(parse_duration_ms(args.delay), args.count)
    if args.cmd == "tcp":
        return lab.tcp(args.src, args.dst, args.bytes, args.port, args.stall_seconds, args.underlay)
    if args.cmd == "capture":
        return lab.capture(args.where, args.seconds)
    if args.cmd in ("vsctl", "ofctl"):
        return lab.switch_tool(args.cloud, args.cmd, args.args)
    if args.cmd == "exec":
        return lab.vm_exec(args.vm, args.args)
    if args.cmd == "restart-switch":
        return lab.restart_switch(args.cloud)
    if args.cmd == "flow-events":
        return lab.flow_events_start() if args.action == "start" else lab.flow_events_stop(args.events)
    if args.cmd == "config":
        spec, _ = lab.load()
        if spec.network != "cloudroam":
            raise LabError("this lab's network is OVN: there is no cloudroam configuration (lab up --network ovn)")
        return controller_config(spec)
    if args.cmd == "flows":
        spec, locations = lab.load()
        if spec.tunnels != "static":
            raise LabError("the lab's flows belong to the controller (--tunnels=controller)")
        lab.install_static_flows(spec, locations)
        return {"installed": True}
    raise LabError(f"unknown command {args.cmd}")


def main(argv=None):
    try:
        result = dispatch(build_parser().parse_args(argv))
    except LabError as e:
        print(f"lab: error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
