"""One supervisor for a Karaf home of the cloudroam distribution: start it, decide when it is
ready, stop it, and act on the ways a start goes wrong. `./cloudroam run|stop|status`,
`./cloudroam cluster` (lab/cloudroam_lab/cluster.py) and the integration tests all go through here.

What a start can run into, recognised from karaf.log as it is written (docs/cluster.md has the
evidence behind each):

- journal: a shard's Raft journal cannot be recovered (`Journal recovery failed`, `Cannot append
  new entry - new index I is not greater than the last index L`): the shard never gets a Raft
  role, so the datastore never settles and everything waiting on it (AAA, RESTCONF) waits for
  ever. A cluster member's copy is redundant (the other members hold every committed entry): its
  shard files are moved aside (never deleted; the Raft term and vote stay) and the member starts
  again and resyncs from the leader. A single controller's journal is the only copy: it is
  stopped with a message naming the files and what to do.
- downed: the other members downed this one while it started (it stalled long enough, on a busy
  host, for the split-brain resolver) and OpenDaylight's in-process restart of Karaf hangs; the
  member is killed and started again.
- hang: no RESTCONF long after the start, AAA's encryption service never started, and none of
  the above; a thread dump is saved next to the log and Karaf is started again, once.

Every command prints JSON on success; bad input or a failure exits 2 with a message."""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error

from . import raftjournal, restconf, system
from .restconf import HTTP_PORT
from .topology import LabArgumentParser, LabError

# a readiness probe's RESTCONF request: short, a starting Karaf may hold it
PROBE_TIMEOUT_S = 5
OPENFLOW_PORT = 6653
SSH_PORT = 8101
WILDCARDS = ("0.0.0.0", "*", "[::]")
# what RESTCONF must serve before cloudroam counts as started
CLOUDROAM_RPC = "cloudroam:locate-vm"
# a start without RESTCONF this long, AAA's encryption service never started and nothing else
# recognised, is the unexplained hang (a normal start logs that line within about a minute here)
HANG_PATIENCE_S = 150
# the same hang recognised sooner: cloudroam started (so the datastore is up), and AAA's encryption
# service, which follows the datastore within a second or two in a normal start, still missing this
# long after it (2026-12-02: three starts of four cold CI runs hung so, each cost HANG_PATIENCE_S)
AAA_AFTER_CLOUDROAM_S = 45
# how often one wait starts Karaf again before it gives up
MAX_RESTARTS = 3
STATE_FILE = ".cloudroam-supervisor.json"
SET_ASIDE_DIR = "set-aside"
SHARDS_DIR = os.path.join("state", "odl.cluster.server", "shards")
# the Raft term and vote: kept, so that a member cannot vote twice in a term it voted in already
KEEP_IN_SHARD = ("TermInfo.properties",)

AAA_STARTED = "Encryption Service enabled"
CLOUDROAM_STARTED = "cloudroam started on "
SHARD = r"member-\d+-shard-[A-Za-z0-9_.-]+?-(?:config|operational)"
JOURNAL_APPEND = re.compile(rf"(?P<shard>{SHARD}): Cannot append new entry - new index (?P<index>\d+) is not "
                            r"greater than the last index (?P<last>\d+)")
JOURNAL_FAILED = re.compile(r"Journal recovery failed|Failed to append entry DefaultLogEntry")
DOWNED = re.compile(r"This member has been downed, restarting|Restarting karaf container")


class KarafError(LabError):
    """A start that cannot go on; the message says why and what to do."""


# ---------------------------------------------------------------- what the log says (pure)


def findings(lines):
    """What lines of karaf.log say about a start: a dict with 'journal' (shard name -> the line
    that names it; '*' when a recovery failed and no line named its shard), 'downed' (the first
    such line or None), 'aaa' (how often AAA's encryption service started) and 'cloudroam' (how
    often cloudroam started)."""
    result = {"journal": {}, "downed": None, "aaa": 0, "cloudroam": 0}
    unnamed_failure = None
    for line in lines:
        if AAA_STARTED in line:
            result["aaa"] += 1
        if CLOUDROAM_STARTED in line:
            result["cloudroam"] += 1
        match = JOURNAL_APPEND.search(line)
        if match:
            # the replicated log's warning names the shard; the exception after it does not
            result["journal"].setdefault(match["shard"], line.strip())
        elif unnamed_failure is None and JOURNAL_FAILED.search(line):
            unnamed_failure = line.strip()
        if result["downed"] is None and DOWNED.search(line):
            result["downed"] = line.strip()
    if unnamed_failure is not None and not result["journal"]:
        result["journal"]["*"] = unnamed_failure
    return result


def set_aside_plan(shard_dir_names, failed):
    """Which shard directories to move aside: the failed ones, or every one when the log named
    none ('*')."""
    if "*" in failed:
        return sorted(shard_dir_names)
    return sorted(name for name in shard_dir_names if name in failed)


# ---------------------------------------------------------------- one Karaf home


class LogWatch:
    """The part of karaf.log written since a start (a rolled-over log is read from its start)."""

    def __init__(self, path, offset):
        self.path = path
        self.offset = offset

    @classmethod
    def from_now(cls, path):
        try:
            return cls(path, os.path.getsize(path))
        except FileNotFoundError:
            return cls(path, 0)

    def lines(self):
        try:
            size = os.path.getsize(self.path)
        except FileNotFoundError:
            return []
        start = self.offset if size >= self.offset else 0
        with open(self.path, "rb") as f:
            f.seek(start)
            return f.read().decode(errors="replace").splitlines()


def log_path(home):
    return os.path.join(home, "data", "log", "karaf.log")


def pids(home):
    """The Karaf JVM of a home and the script starting it, if any."""
    return sorted(set(system.processes_mentioning(f"karaf.home={home} ")
                      + system.processes_mentioning(f"{home}/bin/karaf ")))


def _state_path(home):
    return os.path.join(home, STATE_FILE)


def _remember_start(home):
    with open(_state_path(home), "w") as f:
        json.dump({"log_offset": LogWatch.from_now(log_path(home)).offset, "started": time.time()}, f)


def _last_start(home):
    """The log since the last start this supervisor made (the whole log when it made none), and
    how many seconds ago that start was (0 when unknown)."""
    try:
        with open(_state_path(home)) as f:
            state = json.load(f)
        return LogWatch(log_path(home), state["log_offset"]), max(0.0, time.time() - state["started"])
    except (FileNotFoundError, ValueError, KeyError):
        return LogWatch(log_path(home), 0), 0.0


def listening(host, port):
    """Whether a TCP listener is bound to host:port, or to a wildcard address on port."""
    wanted = {f"{h}:{port}" for h in (host, f"[::ffff:{host}]") + WILDCARDS}
    for line in system.run(["ss", "-Hltn"], check=False).splitlines():
        fields = line.split()
        if len(fields) >= 4 and fields[3] in wanted:
            return True
    return False


def serves_restconf(host, auth, rpc=CLOUDROAM_RPC):
    """Whether RESTCONF answers and lists the RPC (None: any answer will do)."""
    try:
        status, body = restconf.call("GET", "/rests/operations", host=host, auth=auth, timeout=PROBE_TIMEOUT_S)
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return status == 200 and (rpc is None or rpc in json.dumps(body))


def ready(host, auth, rpc=CLOUDROAM_RPC):
    """RESTCONF serves the RPC and OpenFlow listens: what `run` and the tests wait for."""
    return listening(host, OPENFLOW_PORT) and serves_restconf(host, auth, rpc)


def _karaf_env(home):
    env = dict(os.environ, KARAF_HOME=home, KARAF_REDIRECT=os.path.join(home, "data", "log", "console.log"))
    # the build's options (for its own single-feature tests) must not reach this JVM: bin/setenv
    # has the launch settings
    env.pop("JDK_JAVA_OPTIONS", None)
    return env


def start(home, host="127.0.0.1", ports=(HTTP_PORT, OPENFLOW_PORT, SSH_PORT)):
    """Starts Karaf in the background (bin/start) unless it runs; returns its pids. Refused when
    one of ports is taken on host (or a wildcard address)."""
    if pids(home):
        return pids(home)
    for port in ports:
        if listening(host, port):
            raise KarafError(f"{host}:{port} is taken by another process; stop it first (ss -ltnp shows which)")
    os.makedirs(os.path.join(home, "data", "log"), exist_ok=True)
    _remember_start(home)
    # into a file, not a pipe: whatever bin/start leaves running must not hold our output open
    with open(os.path.join(home, "data", "log", "start.out"), "ab") as out:
        code = subprocess.run([os.path.join(home, "bin", "start")], stdout=out, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, env=_karaf_env(home), cwd=home, check=False).returncode
    if code != 0:
        raise KarafError(f"{home}/bin/start failed ({code}); see {home}/data/log/start.out")
    system.wait_for(lambda: bool(pids(home)), 30, f"Karaf to start in {home}")
    return pids(home)


def kill(home):
    """SIGKILL (a crash, or a start past saving)."""
    found = pids(home)
    for pid in found:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    system.wait_for(lambda: not pids(home), 30, f"Karaf in {home} to die")
    return found


def stop(home, grace=60):
    """Karaf's orderly shutdown (bin/stop, then SIGTERM), SIGKILL after grace seconds."""
    found = pids(home)
    if not found:
        return []
    subprocess.run([os.path.join(home, "bin", "stop")], capture_output=True, env=_karaf_env(home), cwd=home,
                   timeout=60, check=False)
    system.kill_all(found, grace=grace)
    return found


def _thread_dump(home):
    """A thread dump of the JVM next to its log, for whoever looks into a hang; None if impossible."""
    java = os.path.join(os.environ.get("JAVA_HOME", ""), "bin", "jcmd")
    jvm = system.processes_mentioning(f"karaf.home={home} ")
    if not jvm or not os.path.exists(java):
        return None
    path = os.path.join(home, "data", "log", f"threads-{time.strftime('%Y%m%dT%H%M%S')}.txt")
    with open(path, "w") as f:
        subprocess.run([java, str(jvm[0]), "Thread.print"], stdout=f, stderr=subprocess.STDOUT, timeout=60,
                       check=False)
    return path


def shard_dirs(home):
    base = os.path.join(home, SHARDS_DIR)
    try:
        return sorted(name for name in os.listdir(base) if os.path.isdir(os.path.join(base, name)))
    except FileNotFoundError:
        return []


def set_aside(home, failed):
    """Moves the failed shards' Raft journal and snapshots (everything but the term and vote) into
    state/set-aside/<time>/<shard>/, with journal-summary.txt saying what each journal held.
    Returns what moved where."""
    base = os.path.join(home, SHARDS_DIR)
    target = os.path.join(home, "state", SET_ASIDE_DIR, time.strftime("%Y%m%dT%H%M%S"))
    moved = []
    for shard in set_aside_plan(shard_dirs(home), failed):
        source = os.path.join(base, shard)
        into = os.path.join(target, shard)
        os.makedirs(into, exist_ok=True)
        notes = []
        for name in sorted(os.listdir(source)):
            if name in KEEP_IN_SHARD:
                continue
            if name.startswith("journal-v1-"):
                ids = raftjournal.entries(os.path.join(source, name))
                notes.append(f"{name}: {len(ids)} entries")
                notes += ["  " + line for line in raftjournal.summary(ids)]
                notes += [f"  out of order at entry {pos}: {prev} then {this}"
                          for pos, prev, this in raftjournal.out_of_order(ids)[:5]]
            shutil.move(os.path.join(source, name), os.path.join(into, name))
        with open(os.path.join(into, "journal-summary.txt"), "w") as f:
            f.write(f"{failed.get(shard) or failed.get('*', '')}\n" + "\n".join(notes) + "\n")
        moved.append({"shard": shard, "moved-to": into, "journal": notes})
    return moved


def _say(text):
    print(f"cloudroam karaf: {text}", file=sys.stderr, flush=True)


def _log_tail(home, lines=30):
    try:
        with open(log_path(home), "rb") as f:
            return "\n".join(f.read().decode(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no karaf.log)"


class Supervision:
    """Watches one start of a Karaf home until it is ready, acting on what its log says (see the
    module's text). member: the home is a cluster member (its journal has copies elsewhere, and it
    can be downed). step() is one look; wait() repeats it."""

    def __init__(self, home, member=False, host="127.0.0.1"):
        self.home = home
        self.member = member
        self.host = host
        self.started = time.monotonic()
        self.watch, ago = _last_start(home)
        self.since = self.started - ago  # when Karaf was started, for the hang's patience
        self.cloudroam_seen = None  # when this supervision first saw cloudroam started since the start
        self.restarts = []

    def _again(self, reason, **details):
        if len(self.restarts) >= MAX_RESTARTS:
            raise KarafError(f"{self.home}: started {len(self.restarts) + 1} times, still not ready ({reason}); "
                             f"see {log_path(self.home)}")
        self.restarts.append(dict(reason=reason, after_s=round(time.monotonic() - self.started, 1), **details))
        start(self.home, self.host, ports=())
        self.watch, _ = _last_start(self.home)
        self.since = time.monotonic()
        self.cloudroam_seen = None

    def step(self):
        """Acts on what the log says since the (re)start: sets a member's broken journal aside and
        starts it again, restarts a downed member or a hung start; raises KarafError when the start
        cannot go on."""
        home = self.home
        seen = findings(self.watch.lines())
        if seen["journal"]:
            shards = sorted(seen["journal"])
            if not self.member:
                stop(home, grace=10)
                files = [os.path.join(home, SHARDS_DIR, s) for s in shards if s != "*"] or [
                    os.path.join(home, SHARDS_DIR)]
                raise KarafError(
                    f"the datastore journal of {', '.join(shards)} cannot be recovered "
                    f"({seen['journal'][shards[0]][:300]}). Karaf is stopped. This controller's journal is the "
                    f"only copy of its data, so nothing was moved: look at {', '.join(files)} "
                    "(journal-v1-*.log holds the entries). To start without that state, move the shard "
                    "directory away (keep a copy) and start again; cloudroam's configuration must then be "
                    "PUT again. docs/cluster.md ('The Raft journal after a crash') says why this happens.")
            kill(home)
            moved = set_aside(home, seen["journal"])
            _say(f"{home}: the Raft journal of {', '.join(shards)} cannot be recovered; moved aside "
                 f"(not deleted) to {', '.join(m['moved-to'] for m in moved)}; starting again to resync "
                 "from the leader")
            self._again("journal", shards=shards, set_aside=moved)
            return
        if self.member and seen["downed"]:
            kill(home)
            _say(f"{home}: the cluster downed this member while it started ({seen['downed'][:200]}) and "
                 "Karaf's own restart hangs; killed it, starting again")
            self._again("downed", line=seen["downed"][:300])
            return
        if not pids(home):
            raise KarafError(f"Karaf in {home} exited during start-up; log tail:\n{_log_tail(home)}")
        now = time.monotonic()
        if seen["cloudroam"] and self.cloudroam_seen is None:
            self.cloudroam_seen = now
        waited = now - self.since
        after_cloudroam = now - self.cloudroam_seen if self.cloudroam_seen is not None else 0
        if (seen["aaa"] == 0 and (waited > HANG_PATIENCE_S or after_cloudroam > AAA_AFTER_CLOUDROAM_S)
                and not any(r["reason"] == "hang" for r in self.restarts)):
            dump = _thread_dump(home)
            stop(home, grace=30)
            _say(f"{home}: AAA's encryption service never started, {round(waited)} s after the start"
                 + (f" and {round(after_cloudroam)} s after cloudroam started" if self.cloudroam_seen else "")
                 + f" (the hang of docs/cluster.md); thread dump {dump}; starting again once")
            self._again("hang", thread_dump=dump, after_cloudroam_s=round(after_cloudroam, 1))

    def result(self):
        return {"seconds": round(time.monotonic() - self.started, 1), "restarts": self.restarts}

    def wait(self, ready_check, timeout):
        """Until ready_check() holds; returns {"seconds", "restarts"}. Each (re)start gets `timeout`: a
        restart after the hang's patience must not be left with what remains of the first start's."""
        while not ready_check():
            self.step()
            if time.monotonic() > max(self.started, self.since) + timeout:
                raise KarafError(f"Karaf in {self.home} not ready {timeout} s after its last start "
                                 f"({len(self.restarts)} restarts before); log tail:\n"
                                 f"{_log_tail(self.home)}")
            time.sleep(1)
        return self.result()


# ---------------------------------------------------------------- command line


def build_parser():
    parser = LabArgumentParser(prog="python3 -m cloudroam_lab.karaf", description=__doc__,
                               formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True, parser_class=LabArgumentParser)
    for name, text in (("start", "start Karaf (if it does not run) and, with --wait, wait until it is ready"),
                       ("wait", "wait until the Karaf started last is ready"),
                       ("stop", "stop Karaf (orderly, then by force)"),
                       ("kill", "SIGKILL Karaf (a crash)"),
                       ("status", "whether Karaf runs and is ready (exit 3 when it does not run)"),
                       ("diagnose", "what the log since the last start says (journal, downed, AAA)")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--home", required=True, help="the Karaf home")
        p.add_argument("--host", default="127.0.0.1", help="where RESTCONF and OpenFlow listen")
        p.add_argument("--member", action="store_true", help="the home is a cluster member")
        p.add_argument("--timeout", type=int, default=300, help="seconds to wait at most (default 300)")
        p.add_argument("--rpc", default=CLOUDROAM_RPC, help="the RPC RESTCONF must list; 'none' for any answer")
        if name == "start":
            p.add_argument("--wait", action="store_true")
    return parser


def run_command(args, auth):
    home = os.path.abspath(args.home)
    if not os.path.isfile(os.path.join(home, "bin", "karaf")):
        raise KarafError(f"{home} is not a Karaf home (no bin/karaf)")
    rpc = None if args.rpc == "none" else args.rpc

    def check():
        return ready(args.host, auth, rpc)

    if args.cmd == "start":
        running = bool(pids(home))
        result = {"home": home, "pids": start(home, args.host), "was-running": running}
        if args.wait:
            result.update(Supervision(home, args.member, args.host).wait(check, args.timeout))
        return result
    if args.cmd == "wait":
        return dict(home=home, **Supervision(home, args.member, args.host).wait(check, args.timeout))
    if args.cmd == "stop":
        return {"home": home, "stopped": stop(home)}
    if args.cmd == "kill":
        return {"home": home, "killed": kill(home)}
    if args.cmd == "status":
        running = pids(home)
        return {"home": home, "pids": running, "ready": bool(running) and check()}
    if args.cmd == "diagnose":
        return dict(home=home, **findings(_last_start(home)[0].lines()))
    raise KarafError(f"unknown command {args.cmd}")


def main(argv=None):
    try:
        args = build_parser().parse_args(argv)
        result = run_command(args, os.environ.get("CLOUDROAM_AUTH", "admin:admin"))
    except LabError as e:
        print(f"cloudroam karaf: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 3 if args.cmd == "status" and not result["pids"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
