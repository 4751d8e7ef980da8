"""./cloudroam cluster ...: three Karaf nodes of the cloudroam distribution on this machine, one
OpenDaylight cluster (Raft datastore over Pekko).

Member N lives in BASE/member-N (its own Karaf home: data, journal, snapshots, logs) and binds
everything to its own loopback address 127.0.0.N: Pekko remoting 2550, RESTCONF and the dashboard
8181, OpenFlow 6653, the console's SSH 8101, JMX 1099/44444. The cluster settings are generated
here from the member list (what OpenDaylight's bin/configure_cluster.sh writes, plus the bind
addresses), never edited by hand; on three real hosts the same settings come from
`./cloudroam cluster configure --member N --hosts A,B,C` (docs/cluster.md).

Every command prints JSON on success; bad input exits 2 with a message and changes nothing."""

import argparse
import ipaddress
import json
import os
import re
import sys
import tarfile
import time
import urllib.error

from . import karaf, restconf, system
from .karaf import HTTP_PORT, OPENFLOW_PORT, SSH_PORT
from .topology import LabArgumentParser, LabError

PEKKO_PORT = 2550
# OpenDaylight's module shards; cloudroam's model lives in "default"
SHARDS = ("default", "topology", "inventory")
# how often a wait for the cluster to form says what it still waits for
WAIT_REPORT_S = 30
DIST_NAME = "cloudroam-karaf-0.1.0-SNAPSHOT"
# Failover timing. OpenDaylight's defaults suit a WAN between members: a shard follower waits 20
# heartbeats of 500 ms (10 s) before it calls an election, Pekko tolerates 3 s of silence before a
# member is unreachable (which moves entity ownership: openflowplugin's switch mastership and
# cloudroam's active instance) and looks for unreachable members once a second. Members on one
# machine or one LAN can notice a loss sooner. Two profiles (docs/cluster.md has what each measured):
FAILOVER = {
    # ~0.9 s of silence -> unreachable (phi accrual, threshold 8), downed 1 s later; singletons
    # (entity ownership's supervisor) start anew 200 ms after the removal. Pekko defaults that margin
    # to stable-after so that the far side of a partition has downed itself first; both sides
    # decide after the same stable-after here, so a short margin is enough. A member starved of CPU
    # for about a second is seen unreachable for a moment (ownership moves and comes back).
    "fast": {"shard-heartbeat-ms": 200, "election-factor": 4, "heartbeat": "100 ms", "pause": "500 ms",
             "min-std-deviation": "50 ms", "reaper": "100 ms", "down-after": "1s", "removal-margin": "200 ms"},
    # ~2 s of silence -> unreachable, downed 2 s later, singletons 2 s after that: rides out stalls
    # of a second or more (a loaded host, long collections)
    "tolerant": {"shard-heartbeat-ms": 250, "election-factor": 4, "heartbeat": "300 ms", "pause": "1200 ms",
                 "min-std-deviation": "100 ms", "reaper": "1s", "down-after": "2s", "removal-margin": "2s"},
}
# `fast` meets a 2 s take-over unless the oldest member dies, but in one .ci/run a stream between VMs
# that stayed lost 9.6% (two 3 s outages after the new master took the switches; docs/cluster.md),
# not yet understood: it is opt-in until that is
DEFAULT_FAILOVER = "tolerant"
# how fast membership changes spread and singletons move once a member is down: more frequent
# gossip, not more suspicion (Pekko's defaults are 1 s)
GOSSIP_INTERVAL = "200 ms"
SINGLETON_HANDOVER_RETRY = "200 ms"

# three 2 GiB heaps (plus metaspace and direct buffers, ~3 GiB each) leave room for the lab on 24 GiB
DEFAULT_HEAP = "2g"


def local_hosts(count=3):
    """The loopback addresses of a cluster on this machine: 127.0.0.1 .. 127.0.0.count."""
    return [f"127.0.0.{n}" for n in range(1, count + 1)]


def parse_hosts(text):
    """'A,B,C' -> the member addresses, in member order; three distinct IP addresses."""
    hosts = [h.strip() for h in text.split(",") if h.strip()]
    for host in hosts:
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise LabError(f"--hosts takes IP addresses, '{host}' is not one") from None
    if len(hosts) != 3 or len(set(hosts)) != 3:
        raise LabError(f"a cluster has 3 distinct members, --hosts gave {len(hosts)}: {text}")
    return hosts


def failover_settings(name):
    if name not in FAILOVER:
        raise LabError(f"--failover must be one of {', '.join(FAILOVER)}, got '{name}'")
    return FAILOVER[name]


def pekko_conf(member, hosts, failover=DEFAULT_FAILOVER):
    """configuration/initial/pekko.conf of member (1-based) in a cluster of hosts."""
    timing = failover_settings(failover)
    seeds = ", ".join(f'"pekko://opendaylight-cluster-data@{h}:{PEKKO_PORT}"' for h in hosts)
    return f"""
odl-cluster-data {{
  pekko {{
    remote {{
      artery {{
        enabled = on
        transport = tcp
        canonical.hostname = "{hosts[member - 1]}"
        canonical.port = {PEKKO_PORT}
      }}
    }}

    cluster {{
      seed-nodes = [{seeds}]
      roles = ["member-{member}"]
      failure-detector {{
        heartbeat-interval = {timing["heartbeat"]}
        acceptable-heartbeat-pause = {timing["pause"]}
        min-std-deviation = {timing["min-std-deviation"]}
      }}
      unreachable-nodes-reaper-interval = {timing["reaper"]}
      # the majority downs an unreachable member after this long; it rejoins as a new incarnation
      split-brain-resolver {{
        active-strategy = keep-majority
        stable-after = {timing["down-after"]}
      }}
      down-removal-margin = {timing["removal-margin"]}
      gossip-interval = {GOSSIP_INTERVAL}
      leader-actions-interval = {GOSSIP_INTERVAL}
      singleton.hand-over-retry-interval = {SINGLETON_HANDOVER_RETRY}
    }}

    persistence {{
      snapshot-store.local.use-lz4-compression = false
      snapshot-store.local.lz4-blocksize = 256KB
    }}
    disable-default-actor-system-quarantined-event-handling = "false"
  }}
}}
"""


def module_shards_conf(count):
    """configuration/initial/module-shards.conf: every shard replicated on every member."""
    replicas = ", ".join(f'"member-{n}"' for n in range(1, count + 1))
    entries = ",\n".join(
        f'    {{\n        name = "{s}"\n        shards = [\n            {{\n                name = "{s}"\n'
        f'                replicas = [{replicas}]\n            }}\n        ]\n    }}' for s in SHARDS)
    return f"module-shards = [\n{entries}\n]\n"


def _set_property(path, key, value):
    """Sets key = value in a Java properties / Karaf .cfg file (replacing the line, or appending)."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        lines = []  # installed by a feature at first start, which keeps a file that exists
    pattern = re.compile(rf"^\s*#?\s*{re.escape(key)}\s*=")
    out, done = [], False
    for line in lines:
        if pattern.match(line) and not done:
            out.append(f"{key} = {value}")
            done = True
        elif pattern.match(line) and not line.lstrip().startswith("#"):
            continue
        else:
            out.append(line)
    if not done:
        out.append(f"{key} = {value}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


SETENV_MARK = "# cloudroam cluster member settings (generated by ./cloudroam cluster)"


def configure(home, member, hosts, heap=DEFAULT_HEAP, failover=DEFAULT_FAILOVER):
    """Writes the cluster settings of member (1-based) into the Karaf home `home`. Idempotent."""
    if not 1 <= member <= len(hosts):
        raise LabError(f"--member must be 1..{len(hosts)}, got {member}")
    timing = failover_settings(failover)
    if not os.path.isfile(os.path.join(home, "bin", "setenv")):
        raise LabError(f"{home} is not a cloudroam distribution (no bin/setenv)")
    host = hosts[member - 1]
    initial = os.path.join(home, "configuration", "initial")
    # written by the clustering feature at first start unless present
    os.makedirs(initial, exist_ok=True)
    with open(os.path.join(initial, "pekko.conf"), "w") as f:
        f.write(pekko_conf(member, hosts, failover))
    with open(os.path.join(initial, "module-shards.conf"), "w") as f:
        f.write(module_shards_conf(len(hosts)))
    etc = os.path.join(home, "etc")
    _set_property(os.path.join(etc, "org.ops4j.pax.web.cfg"), "org.ops4j.pax.web.listening.addresses", host)
    _set_property(os.path.join(etc, "org.apache.karaf.shell.cfg"), "sshHost", host)
    _set_property(os.path.join(etc, "org.apache.karaf.management.cfg"), "rmiRegistryHost", host)
    _set_property(os.path.join(etc, "org.apache.karaf.management.cfg"), "rmiServerHost", host)
    _set_property(os.path.join(etc, "org.opendaylight.restconf.nb.rfc8040.cfg"), "bind-address", host)
    _set_property(os.path.join(etc, "system.properties"), "karaf.name", f"member-{member}")
    datastore = os.path.join(etc, "org.opendaylight.controller.cluster.datastore.cfg")
    _set_property(datastore, "shard-heartbeat-interval-in-millis", str(timing["shard-heartbeat-ms"]))
    _set_property(datastore, "shard-election-timeout-factor", str(timing["election-factor"]))
    jetty = os.path.join(etc, "jetty.xml")
    with open(jetty) as f:
        text = f.read()
    text = re.sub(r'<Property name="jetty.host"[^/]*/>', f'<Property name="jetty.host" default="{host}"/>', text)
    with open(jetty, "w") as f:
        f.write(text)
    setenv = os.path.join(home, "bin", "setenv")
    with open(setenv) as f:
        text = f.read()
    text = text.split("\n" + SETENV_MARK)[0].rstrip("\n") + "\n"
    # OpenFlow's listener settings are cluster-wide configuration (the replicated datastore) and
    # name no address; the launch agent binds this member's listeners to its own address
    text += (f"\n{SETENV_MARK}\n"
             f"JAVA_OPTS=\"${{JAVA_OPTS}} -Xmx{heap} -Dcloudroam.openflow.address={host}\"\n"
             "export JAVA_OPTS\n")
    with open(setenv, "w") as f:
        f.write(text)
    return {"member": member, "home": home, "address": host, "seed-nodes": hosts, "heap": heap,
            "failover": failover}


# ---------------------------------------------------------------- the local cluster


def member_home(base, member):
    return os.path.join(base, f"member-{member}", DIST_NAME)


def _pids(home):
    return karaf.pids(home)


def _member_state(base, member, auth):
    host = local_hosts()[member - 1]
    home = member_home(base, member)
    state = {"member": member, "address": host, "home": home, "pids": _pids(home),
             "restconf": False, "openflow": karaf.listening(host, OPENFLOW_PORT), "shards": {}}
    if not state["pids"]:
        return state
    state["restconf"] = karaf.serves_restconf(host, auth)
    if not state["restconf"]:
        return state
    for shard in SHARDS:
        for kind in ("config", "operational"):
            state["shards"][f"{kind}/{shard}"] = shard_role(host, shard, kind, auth)
    return state


def shard_role(host, shard, kind, auth):
    """This member's role for a shard (Leader, Follower, Candidate, ...), from the cluster-admin
    RPC; None while it cannot say."""
    body = {"input": {"shard-name": shard, "data-store-type": kind}}
    try:
        _, answer = restconf.call("POST", "/rests/operations/cluster-admin:get-shard-role", body, host=host,
                                  auth=auth, timeout=karaf.PROBE_TIMEOUT_S)
        return (answer or {}).get("cluster-admin:output", {}).get("role")
    except (urllib.error.URLError, OSError, ValueError):
        return None


def status(base, auth):
    members = [_member_state(base, n, auth) for n in (1, 2, 3)]
    running = [m for m in members if m["pids"]]
    leaders = {}
    for m in running:
        for shard, role in m["shards"].items():
            if role == "Leader":
                leaders[shard] = m["member"]
    ready = [m["member"] for m in running if m["restconf"] and m["openflow"]
             and all(r in ("Leader", "Follower") for r in m["shards"].values())]
    return {"members": members, "ready": ready, "shard-leaders": leaders, "failover": remembered_failover(base),
            "formed": len(ready) == len(running) > 0
            and len(leaders) == len(SHARDS) * 2}


def _install(archive, base, member, heap):
    home = member_home(base, member)
    if not os.path.isdir(home):
        os.makedirs(os.path.dirname(home), exist_ok=True)
        with tarfile.open(archive) as tar:
            tar.extractall(os.path.dirname(home), filter="fully_trusted")
    return configure(home, member, local_hosts(), heap, remembered_failover(base))


def _settings_file(base):
    return os.path.join(base, "failover")


def remembered_failover(base):
    """The failover profile `up` chose for this cluster (a member started again keeps it)."""
    try:
        with open(_settings_file(base)) as f:
            return f.read().strip() or DEFAULT_FAILOVER
    except FileNotFoundError:
        return DEFAULT_FAILOVER


def choose_failover(base, failover):
    """Records the profile for `up`; refused while members run with another one."""
    failover_settings(failover)
    running = [n for n in (1, 2, 3) if _pids(member_home(base, n))]
    if running and remembered_failover(base) != failover:
        raise LabError(f"the cluster runs with --failover {remembered_failover(base)}; "
                       "`./cloudroam cluster down` first to change it")
    os.makedirs(base, exist_ok=True)
    with open(_settings_file(base), "w") as f:
        f.write(failover + "\n")


def start(base, member, archive, heap=DEFAULT_HEAP):
    """Starts one member (installing and configuring it first if needed) and returns the
    supervision of that start (karaf.Supervision: a broken journal set aside, a downed member
    started again)."""
    home = member_home(base, member)
    host = local_hosts()[member - 1]
    if not _pids(home):
        _install(archive, base, member, heap)
    try:
        karaf.start(home, host, ports=(HTTP_PORT, OPENFLOW_PORT, SSH_PORT, PEKKO_PORT))
    except karaf.KarafError as e:
        raise LabError(f"member-{member}: {e} (a controller from ./cloudroam run?)") from None
    return karaf.Supervision(home, member=True, host=host)


def up(base, archive, auth, timeout=600, heap=DEFAULT_HEAP, failover=DEFAULT_FAILOVER):
    if not os.path.isfile(archive):
        raise LabError(f"no distribution archive at {archive}; ./cloudroam build first")
    choose_failover(base, failover)
    started = time.monotonic()
    supervisions = {member: start(base, member, archive, heap) for member in (1, 2, 3)}
    return wait_formed(base, auth, timeout, started, supervisions)


def waiting_for(result):
    """What a status answer says the cluster still lacks, one phrase per member or shard; empty
    when it is formed."""
    reasons = []
    for m in result["members"]:
        if not m["pids"] or m["member"] in result["ready"]:
            continue
        lacks = []
        if not m["restconf"]:
            lacks.append("RESTCONF with cloudroam's RPCs")
        if not m["openflow"]:
            lacks.append(f"OpenFlow on {m['address']}:{OPENFLOW_PORT}")
        roleless = sorted(shard for shard, role in m["shards"].items() if role not in ("Leader", "Follower"))
        if roleless:
            lacks.append("a role in " + ", ".join(roleless))
        reasons.append(f"member-{m['member']} lacks " + " and ".join(lacks))
    leaderless = sorted(f"{kind}/{shard}" for shard in SHARDS for kind in ("config", "operational")
                        if f"{kind}/{shard}" not in result["shard-leaders"])
    if leaderless:
        reasons.append("no leader for " + ", ".join(leaderless))
    return reasons


def wait_formed(base, auth, timeout, started=None, supervisions=None):
    """Until every member is ready and every shard has a leader. supervisions: the members whose
    start is watched (member -> karaf.Supervision), each looked at every round until it is ready;
    what they did is in the answer's "restarts"."""
    started = started or time.monotonic()
    supervisions = supervisions or {}
    deadline = time.monotonic() + timeout
    next_report = time.monotonic() + WAIT_REPORT_S
    while True:
        result = status(base, auth)
        result["restarts"] = {f"member-{n}": s.restarts for n, s in supervisions.items() if s.restarts}
        if result["formed"] and len(result["ready"]) == 3:
            result["seconds"] = round(time.monotonic() - started, 1)
            return result
        if time.monotonic() > next_report:
            # a long wait says what it waits for (a member's AAA, openflowplugin, a shard election)
            print(f"cloudroam cluster: still waiting after {round(time.monotonic() - started)} s: "
                  + "; ".join(waiting_for(result) or ["the members' processes"]), file=sys.stderr)
            next_report = time.monotonic() + WAIT_REPORT_S
        for m in result["members"]:
            supervision = supervisions.get(m["member"])
            if supervision is not None and not (m["restconf"] and m["openflow"]):
                try:
                    supervision.step()
                except karaf.KarafError as e:
                    raise LabError(f"member-{m['member']}: {e}") from None
            elif not m["pids"]:
                raise LabError(f"member-{m['member']} is not running; see {m['home']}/data/log/karaf.log")
        if time.monotonic() > deadline:
            raise LabError(f"the cluster did not form in {timeout}s: {json.dumps(result)}")
        time.sleep(2)


def rejoin(base, member, archive, auth, timeout=600, heap=DEFAULT_HEAP):
    """Starts a member again and waits until the cluster is whole. The start is supervised
    (karaf.Supervision): a shard journal that cannot be recovered is set aside and the member
    resyncs from the leader, a member downed while it starts is started again; the answer's
    "restarts" says what was done."""
    started = time.monotonic()
    supervision = start(base, member, archive, heap)
    result = wait_formed(base, auth, timeout, started, {member: supervision})
    result["restarted"] = len(supervision.restarts)
    return result


def kill(base, member):
    """SIGKILL one member (a crash, as the failover test does)."""
    return {"member": member, "killed": karaf.kill(member_home(base, member))}


def stop(base, members=(1, 2, 3), grace=60):
    """Stops members (SIGTERM: Karaf's orderly shutdown), SIGKILL after grace seconds."""
    pids = {n: _pids(member_home(base, n)) for n in members}
    system.kill_all([pid for group in pids.values() for pid in group], grace=grace)
    return {"stopped": {f"member-{n}": group for n, group in pids.items()}}


def down(base):
    return stop(base)


# ---------------------------------------------------------------- command line


def build_parser():
    parser = LabArgumentParser(prog="./cloudroam cluster", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=LabArgumentParser)
    p = sub.add_parser("up", help="install (once), configure and start the three members; wait until "
                       "every shard has a leader and every member serves RESTCONF and OpenFlow")
    p.add_argument("--heap", default=DEFAULT_HEAP, help=f"heap per member (default {DEFAULT_HEAP})")
    p.add_argument("--timeout", type=int, default=600)
    p.add_argument("--failover", choices=tuple(FAILOVER), default=DEFAULT_FAILOVER,
                   help="how soon a silent member is declared dead (docs/cluster.md; default "
                   f"{DEFAULT_FAILOVER}); a member started again keeps the profile `up` chose")
    sub.add_parser("down", help="stop every member (their data stays; `up` brings it back)")
    sub.add_parser("status", help="members, their shard roles and who leads each shard")
    p = sub.add_parser("kill", help="SIGKILL one member (a crash)")
    p.add_argument("member", type=int, choices=(1, 2, 3))
    p = sub.add_parser("start", help="start one member of the cluster `up` installed again (it rejoins "
                       "and catches up)")
    p.add_argument("member", type=int, choices=(1, 2, 3))
    p.add_argument("--heap", default=DEFAULT_HEAP)
    p.add_argument("--timeout", type=int, default=600)
    p = sub.add_parser("configure", help="write the cluster settings into one distribution "
                       "(for three real hosts: docs/cluster.md)")
    p.add_argument("--home", required=True, help="the Karaf home (unpacked distribution)")
    p.add_argument("--member", type=int, required=True, help="this host's member number, 1..3")
    p.add_argument("--hosts", required=True, help="the three members' IP addresses, member 1 first")
    p.add_argument("--heap", default=DEFAULT_HEAP)
    p.add_argument("--failover", choices=tuple(FAILOVER), default=DEFAULT_FAILOVER,
                   help="the same profile on all three members (docs/cluster.md)")
    return parser


def run_command(args, base, archive, auth):
    if args.cmd == "configure":
        return configure(os.path.abspath(args.home), args.member, parse_hosts(args.hosts), args.heap,
                         args.failover)
    if args.cmd == "up":
        return up(base, archive, auth, args.timeout, args.heap, args.failover)
    if args.cmd == "down":
        return down(base)
    if args.cmd == "status":
        return status(base, auth)
    if args.cmd == "kill":
        return kill(base, args.member)
    if args.cmd == "start":
        if not os.path.isdir(member_home(base, args.member)):
            raise LabError(f"member-{args.member} is not installed; `./cloudroam cluster up` installs the cluster")
        return rejoin(base, args.member, archive, auth, args.timeout, args.heap)
    raise LabError(f"unknown command {args.cmd}")


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        base = os.environ.get("CLOUDROAM_CLUSTER_DIR") or os.path.join(os.getcwd(), ".run-cluster")
        archive = os.environ.get("CLOUDROAM_ARCHIVE", "")
        auth = os.environ.get("CLOUDROAM_AUTH", "admin:admin")
        result = run_command(args, base, archive, auth)
    except LabError as e:
        print(f"cloudroam cluster: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
