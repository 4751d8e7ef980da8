"""OVN as the lab's overlay (`lab up --network ovn`): the peer an operator would pick instead of
cloudroam, on the same clouds, VMs, WAN emulator and tunnel endpoints, with no OpenDaylight.

Layout: the Northbound and Southbound databases (ovsdb-server each) and ovn-northd run in the root
namespace under /run/cloudroam-lab/ovn and listen on Unix sockets only (a Unix socket crosses the
clouds' network namespaces, as the lab's OpenFlow relays do, and nothing listens on a port). Each
cloud is a chassis named after it: its Open vSwitch carries the chassis settings (system-id,
ovn-remote, encapsulation and its tunnel endpoint as encap IP, the netdev datapath) and one
ovn-controller runs in the cloud's namespace against that cloud's ovsdb-server. One logical switch
per VNI (ls-VNI); every lab VM is a logical switch port named by its iface-id (the VM's name) with
its MAC and IP, bound to its home cloud by requested-chassis, as Neutron does.

Encapsulation: VXLAN by default, so that both systems put the same 50 bytes on the same WAN and the
guests keep the same MTU (Geneve, OVN's default, adds 8 more for OVN's option: a 1450-byte guest
frame would no longer fit a 1500-byte WAN); `--ovn-encap geneve` is there to compare. OVN's VXLAN
mode carries no ingress port and limits a deployment to 4096 logical switches, which the lab never
approaches.

Migration the way an OVN cloud does it (Nova with Neutron's OVN driver): when the destination port
is plugged, requested-chassis becomes "source,destination" and activation-strategy "rarp" (the
destination is bound at once but passes nothing until the guest's RARP is seen there); once the
migration completed, requested-chassis is the destination alone. The plain variant (OVN without
multi-chassis bindings) moves requested-chassis only at completion. Both are done the moment the
lab sees the step (no orchestrator delay is added): the peer's best case.

Functions returning commands are pure (lab/tests covers them); the others start processes.
"""

import os
import shutil
import time

from .system import joined, run
from .topology import OVN_ENCAPS, STATE_DIR, LabError

OVN_DIR = f"{STATE_DIR}/ovn"
NB_SOCKET = f"{OVN_DIR}/nb.sock"
SB_SOCKET = f"{OVN_DIR}/sb.sock"
SCHEMAS = "/usr/share/ovn"
STRATEGIES = ("multichassis", "plain")
PROGRAMS = ("ovn-northd", "ovn-controller", "ovn-nbctl", "ovn-sbctl")
CHASSIS_DEADLINE_S = 30
# where the logs a failed `lab up` names are kept: `lab down` (which a failed up runs) removes STATE_DIR
KEPT_LOGS = "/var/tmp/cloudroam-lab-logs"
# what an hv sync waits at most for every ovn-controller to catch up with the Northbound database
SYNC_TIMEOUT_S = 30


def switch_name(vni):
    """The logical switch of a VNI."""
    return f"ls-{vni}"


def chassis_settings(cloud, encap="vxlan"):
    """The Open_vSwitch external_ids that make a cloud's switch an OVN chassis (ovs-vsctl set
    arguments for the table's one record)."""
    if encap not in OVN_ENCAPS:
        raise LabError(f"--ovn-encap must be {' or '.join(OVN_ENCAPS)}, got '{encap}'")
    return [f"external_ids:system-id={cloud.name}", f"external_ids:hostname={cloud.name}",
            f"external_ids:ovn-remote=unix:{SB_SOCKET}", f"external_ids:ovn-encap-type={encap}",
            f"external_ids:ovn-encap-ip={cloud.underlay_ip}", "external_ids:ovn-bridge=br-int",
            "external_ids:ovn-bridge-datapath-type=netdev"]


def northbound_commands(spec, locations):
    """ovn-nbctl commands (each a list of arguments; run as one transaction) that create the lab's
    logical network: a switch per VNI, a port per VM bound to the cloud it is in."""
    commands = [["ls-add", switch_name(vni)] for vni in spec.vnis]
    for vm in spec.guests():
        commands += [["lsp-add", switch_name(vm.vni), vm.name],
                     ["lsp-set-addresses", vm.name, f"{vm.mac} {vm.ip}"],
                     ["lsp-set-options", vm.name, f"requested-chassis=c{locations[vm.name]}"]]
    return commands


def migration_start_commands(vm_name, source, target, strategy="multichassis"):
    """What Neutron writes when a live migration starts (the destination port plugged): the port
    bound at both ends, the destination blocked until the guest's RARP is seen there. Nothing for
    the plain variant."""
    if strategy not in STRATEGIES:
        raise LabError(f"--ovn-binding must be {' or '.join(STRATEGIES)}, got '{strategy}'")
    if strategy == "plain":
        return []
    return [["lsp-set-options", vm_name, f"requested-chassis={source},{target}", "activation-strategy=rarp"]]


def migration_done_commands(vm_name, target):
    """What Neutron writes once the migration completed: the port bound at the destination only."""
    return [["lsp-set-options", vm_name, f"requested-chassis={target}"]]


# ------------------------------------------------------------------ processes

def check_installed():
    """OVN's programs and schemas are there (Debian's ovn-central and ovn-host), or a clear error."""
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    missing += [s for s in ("ovn-nb.ovsschema", "ovn-sb.ovsschema") if not os.path.exists(f"{SCHEMAS}/{s}")]
    if missing:
        raise LabError(f"--network ovn needs Debian's ovn-central and ovn-host packages (missing: "
                       f"{', '.join(missing)}); ./cloudroam setup installs them")


def nbctl(*args, wait=None):
    """ovn-nbctl against the lab's Northbound database; wait 'hv' waits for every chassis."""
    extra = [f"--wait={wait}", f"--timeout={SYNC_TIMEOUT_S}"] if wait else ["--timeout=10"]
    return run(["ovn-nbctl", f"--db=unix:{NB_SOCKET}", *extra, *args])


def sbctl(*args):
    return run(["ovn-sbctl", f"--db=unix:{SB_SOCKET}", "--timeout=10", *args])


def central_up():
    """The Northbound and Southbound databases and ovn-northd, in the root namespace."""
    check_installed()
    os.makedirs(OVN_DIR)
    for db, sock in (("nb", NB_SOCKET), ("sb", SB_SOCKET)):
        run(["ovsdb-tool", "create", f"{OVN_DIR}/{db}.db", f"{SCHEMAS}/ovn-{db}.ovsschema"])
        run(["ovsdb-server", f"{OVN_DIR}/{db}.db", f"--remote=punix:{sock}", f"--pidfile={OVN_DIR}/{db}.pid",
             "--detach", f"--log-file={OVN_DIR}/{db}.log", f"--unixctl={OVN_DIR}/{db}.ctl"])
    run(["ovn-northd", f"--ovnnb-db=unix:{NB_SOCKET}", f"--ovnsb-db=unix:{SB_SOCKET}",
         f"--pidfile={OVN_DIR}/ovn-northd.pid", "--detach", f"--log-file={OVN_DIR}/ovn-northd.log",
         f"--unixctl={OVN_DIR}/ovn-northd.ctl"], env=dict(os.environ, OVN_RUNDIR=OVN_DIR))


def chassis_up(cloud, encap, vsctl):
    """Makes a cloud's switch a chassis and starts its ovn-controller in the cloud's namespace."""
    vsctl(cloud, "set", "open_vswitch", ".", *chassis_settings(cloud, encap))
    rundir = cloud.rundir
    env = dict(os.environ, OVS_RUNDIR=rundir, OVN_RUNDIR=rundir, OVS_DBDIR=rundir, OVN_LOGDIR=rundir)
    run(["ovn-controller", f"unix:{cloud.db_socket}", f"--pidfile={rundir}/ovn-controller.pid", "--detach",
         f"--log-file={rundir}/ovn-controller.log"], ns=cloud.netns, env=env)  # its control socket: in OVN_RUNDIR


def wait_chassis(clouds, deadline_s=CHASSIS_DEADLINE_S):
    """Until every cloud's chassis registered in the Southbound database; names the one that did not."""
    deadline = time.monotonic() + deadline_s
    while True:
        registered = set(sbctl("--bare", "--columns=name", "list", "chassis").split())
        missing = [c for c in clouds if c.name not in registered]
        if not missing:
            return
        if time.monotonic() > deadline:
            logs = keep_logs([f"{c.rundir}/ovn-controller.log" for c in missing] + [f"{OVN_DIR}/sb.log"])
            raise LabError(f"OVN chassis {', '.join(c.name for c in missing)} did not register within "
                           f"{deadline_s} s; read {', '.join(logs)}")
        time.sleep(0.2)  # poll interval, bounded by the deadline


def network_up(spec, locations):
    """The logical switches and ports; returns once every chassis has the resulting flows."""
    nbctl(*joined(northbound_commands(spec, locations)))
    nbctl("sync", wait="hv")
    wait_bound(spec, locations)


def wait_bound(spec, locations, deadline_s=CHASSIS_DEADLINE_S):
    """Until every VM's port is bound to the chassis of the cloud it is in."""
    deadline = time.monotonic() + deadline_s
    while True:
        bound = bindings()
        wrong = [vm.name for vm in spec.guests() if bound.get(vm.name) != f"c{locations[vm.name]}"]
        if not wrong:
            return
        if time.monotonic() > deadline:
            logs = keep_logs([f"{c.rundir}/ovn-controller.log" for c in spec.cloud_list()]
                             + [f"{OVN_DIR}/ovn-northd.log"])
            raise LabError(f"OVN did not bind {', '.join(wrong)} within {deadline_s} s (bound: {bound}); read "
                           f"{', '.join(logs)}")
        time.sleep(0.2)  # poll interval, bounded by the deadline


def keep_logs(paths):
    """Copies logs out of the lab's run directory (which the failed `lab up` removes) to KEPT_LOGS;
    returns where each is now, or says it was never written."""
    into = f"{KEPT_LOGS}/{time.strftime('%Y%m%dT%H%M%S')}"
    kept = []
    for path in paths:
        if not os.path.exists(path):
            kept.append(f"{path} (never written)")
            continue
        name = path.removeprefix(STATE_DIR + "/").replace("/", "-")
        os.makedirs(into, exist_ok=True)
        shutil.copy(path, f"{into}/{name}")
        kept.append(f"{into}/{name}")
    return kept


def bindings():
    """Port name -> the chassis name its binding has (the main chassis), from the Southbound database."""
    names = {}
    for line in sbctl("--bare", "--columns=_uuid,name", "list", "chassis").split("\n\n"):
        words = line.split()
        if len(words) == 2:
            names[words[0]] = words[1]
    out = {}
    for record in sbctl("--bare", "--columns=logical_port,chassis", "list", "port_binding").split("\n\n"):
        words = record.split()
        if words:
            out[words[0]] = names.get(words[1]) if len(words) > 1 else None
    return out


def migration_started(vm_names, sources, target, strategy):
    commands = [c for name in vm_names for c in migration_start_commands(name, sources[name], target, strategy)]
    if commands:
        nbctl(*joined(commands))


def migration_done(vm_names, target):
    nbctl(*joined([c for name in vm_names for c in migration_done_commands(name, target)]))
