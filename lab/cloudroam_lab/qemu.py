"""QEMU guests of the lab: one `qemu-system-x86_64` per guest and cloud it runs in, inside that
cloud's namespace, with a virtio NIC on a tap device there (`tap-qvmK`), driven over QMP (a Unix
socket, which crosses namespaces). A live migration is QEMU's own: the destination QEMU waits
with `-incoming` on a Unix socket, the source migrates to it.

KVM is used when it works: /dev/kvm present is not enough here (nested KVM starts and then runs
nothing), so the first use of it boots the guest under KVM and waits for the kernel's first line
on the serial console; the verdict is kept for the machine's uptime. TCG otherwise.

Pure parts (command lines, the QMP exchange) are separate from the processes they start."""

import json
import os
import socket
import time

from . import guest, system
from .topology import LabError

RAM_MB = 128
BOOT_TIMEOUT_S = 60
KVM_VERDICT = "/run/cloudroam-kvm.json"
KVM_PROBE_S = 10


def command(vm, rundir, accel, kernel, initrd, incoming=None):
    """The QEMU command line of one guest instance (run inside its cloud's namespace)."""
    line = ["qemu-system-x86_64", "-name", f"{vm.name},process=qemu-{vm.name}", "-accel", accel,
            "-m", str(RAM_MB), "-smp", "1", "-display", "none", "-no-reboot", "-no-user-config", "-nodefaults",
            "-kernel", kernel, "-initrd", initrd,
            "-append", f"console=ttyS0 panic=-1 cloudroam.ip={vm.ip}/16 cloudroam.mtu={vm.mtu}",
            # no vnet header: the userspace datapath neither computes checksums nor segments
            "-netdev", f"tap,id=n0,ifname={vm.port},script=no,downscript=no,vnet_hdr=off",
            "-device", f"virtio-net-pci,netdev=n0,mac={vm.mac},romfile=",
            "-serial", f"file:{rundir}/serial.log",
            "-qmp", f"unix:{rundir}/qmp.sock,server=on,wait=off",
            "-pidfile", f"{rundir}/qemu.pid"]
    if incoming:
        line += ["-incoming", f"unix:{incoming}"]
    return line


class Qmp:
    """A QMP session: the greeting, capabilities negotiated, then commands one at a time."""

    def __init__(self, path, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.buffer = b""
        self.events = []
        try:
            self.sock.settimeout(timeout)
            self.sock.connect(path)
            greeting = self._read()
            if "QMP" not in greeting:
                raise LabError(f"QMP at {path} did not greet: {greeting}")
            self.execute("qmp_capabilities")
        except BaseException:
            self.sock.close()  # a session that did not open leaves no socket behind (connect() retries)
            raise

    def _read(self):
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise LabError("QMP closed the connection")
            self.buffer += chunk
        line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def execute(self, name, **arguments):
        message = {"execute": name}
        if arguments:
            message["arguments"] = arguments
        self.sock.sendall(json.dumps(message).encode() + b"\n")
        while True:
            reply = self._read()
            if "event" in reply:
                self.events.append(reply)
                continue
            if "error" in reply:
                raise LabError(f"QMP {name}: {reply['error'].get('desc', reply['error'])}")
            return reply.get("return")

    def close(self):
        self.sock.close()


def connect(rundir, timeout_s=20):
    """A QMP session with a starting QEMU (its socket appears once it runs)."""
    path = f"{rundir}/qmp.sock"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            return Qmp(path)
        except (FileNotFoundError, ConnectionRefusedError) as e:
            if time.monotonic() > deadline:
                raise LabError(f"QEMU's QMP socket {path} did not answer in {timeout_s} s ({e}); see "
                               f"{rundir}/qemu.log") from None
            time.sleep(0.05)  # poll interval while QEMU starts


def serial_tail(rundir, lines=15):
    try:
        with open(f"{rundir}/serial.log", errors="replace") as f:
            return "\n".join(f.read().splitlines()[-lines:])
    except FileNotFoundError:
        return "(no serial output)"


def _wait_serial(rundir, text, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with open(f"{rundir}/serial.log", errors="replace") as f:
                if text in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.1)  # poll interval while the guest boots
    return False


def accelerator(probe):
    """'kvm' when a guest runs under KVM here, else 'tcg', with why; probe(accel) boots a guest and
    returns whether its kernel spoke within KVM_PROBE_S. The verdict is kept until reboot."""
    try:
        with open(KVM_VERDICT) as f:
            verdict = json.load(f)
        return verdict["accel"], verdict["why"]
    except (FileNotFoundError, ValueError, KeyError):
        pass
    if not os.path.exists("/dev/kvm"):
        accel, why = "tcg", "no /dev/kvm"
    elif probe("kvm"):
        accel, why = "kvm", "a guest under KVM booted"
    else:
        accel, why = "tcg", (f"/dev/kvm is there, but a guest under KVM printed nothing in {KVM_PROBE_S} s "
                             "(nested KVM does not run here)")
    with open(KVM_VERDICT, "w") as f:
        json.dump({"accel": accel, "why": why}, f)
    return accel, why


def start(vm, cloud, rundir, accel, incoming=None, env=None):
    """Starts a QEMU instance of vm inside cloud's namespace; returns at once."""
    os.makedirs(rundir, exist_ok=True)
    image = guest.paths()
    for key in ("kernel", "initrd"):
        if not os.path.exists(image[key]):
            raise LabError(f"the QEMU guest is not built ({image[key]} is missing); ./cloudroam setup builds it")
    system.spawn(system.in_ns(cloud.netns, command(vm, rundir, accel, image["kernel"], image["initrd"], incoming)),
                 f"{rundir}/qemu.log", f"{rundir}/spawn.pid", env=env)


def wait_booted(vm, rundir, timeout_s=BOOT_TIMEOUT_S):
    if not _wait_serial(rundir, guest.READY, timeout_s):
        raise LabError(f"{vm.name} did not boot within {timeout_s} s; its serial console ends with:\n"
                       f"{serial_tail(rundir)}\nQEMU said: {qemu_log(rundir)}")


def qemu_log(rundir):
    try:
        with open(f"{rundir}/qemu.log", errors="replace") as f:
            return f.read().strip()[-600:] or "(nothing)"
    except FileNotFoundError:
        return "(no log)"


def pid(rundir):
    try:
        with open(f"{rundir}/qemu.pid") as f:
            return int(f.read().strip())
    except (FileNotFoundError, ValueError):
        return None


def stop(rundir):
    """Ends a QEMU instance (quit over QMP, then by signal)."""
    process = pid(rundir)
    try:
        session = Qmp(f"{rundir}/qmp.sock", timeout=2)
        try:
            session.execute("quit")
        except (LabError, OSError):
            pass
        session.close()
    except (OSError, LabError):
        pass
    if process:
        system.kill_all([process], grace=5)
