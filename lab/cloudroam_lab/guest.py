"""The QEMU guest of the lab, built from Debian's packages only: the kernel of a
`linux-image-*-amd64` package (the version `linux-image-amd64` points to), the virtio network
modules from the same package, `busybox-static`, and the lab's UDP reflector compiled statically
with Debian's gcc. No image is downloaded from anywhere else. The result, a kernel and an
initramfs, is kept in the cache (`~/.cache/cloudroam/guest/`) and built again only when one of its
inputs changes.

The guest's init brings up lo and eth0 (the virtio NIC, MAC given by QEMU) with the address, prefix
and MTU on the kernel command line (`cloudroam.ip=10.0.100.1/16 cloudroam.mtu=1500`), starts the
reflector on UDP 7777 and says `cloudroam-guest-ready` on the serial console. The kernel answers
ICMP itself.

`python3 -m cloudroam_lab.guest build` builds it (what `./cloudroam setup` runs); `... path`
prints where it is."""

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from .topology import LabError

READY = "cloudroam-guest-ready"
REFLECT_PORT = 7777
# virtio-net-pci and what it needs, loaded in this order (dependencies first) by the guest's init
MODULES = ("virtio_net", "virtio_pci")
HERE = os.path.dirname(os.path.abspath(__file__))
REFLECT_C = os.path.join(os.path.dirname(HERE), "guest", "reflect.c")


def cache_dir():
    base = os.environ.get("CLOUDROAM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "cloudroam")
    return os.path.join(base, "guest")


# ---------------------------------------------------------------- pure parts


def init_script(modules):
    """The guest's /init: modules in order, addresses from the kernel command line, the reflector."""
    inserts = "\n".join(f"insmod /lib/modules/{name}.ko" for name in modules)
    return f"""#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
{inserts}
ip=""; mtu=1500
for word in $(cat /proc/cmdline); do
    case "$word" in
        cloudroam.ip=*) ip="${{word#cloudroam.ip=}}" ;;
        cloudroam.mtu=*) mtu="${{word#cloudroam.mtu=}}" ;;
    esac
done
ip link set lo up
ip link set eth0 mtu "$mtu"
ip addr add "$ip" dev eth0
ip link set eth0 up
/bin/reflect {REFLECT_PORT} &
echo "{READY} $ip mtu $mtu"
while true; do sleep 3600; done
"""


def depends(module_bytes):
    """The module names a kernel module's .modinfo says it depends on."""
    match = re.search(rb"(?:^|\x00)depends=([^\x00]*)\x00", module_bytes)
    if not match:
        return []
    return [name for name in match.group(1).decode().split(",") if name]


def load_order(wanted, dependencies):
    """Modules in an order where each comes after what it depends on. dependencies: name -> names."""
    order, seen = [], set()

    def visit(name, path):
        if name in seen:
            return
        if name in path:
            raise LabError(f"kernel modules depend on each other in a circle: {' -> '.join(path + [name])}")
        for dep in dependencies.get(name, []):
            visit(dep, path + [name])
        seen.add(name)
        order.append(name)

    for name in wanted:
        visit(name, [])
    return order


def _cpio_entry(out, name, mode, data=b"", inode=1):
    """One entry of a newc cpio archive (what the kernel unpacks as an initramfs)."""
    name_bytes = name.encode() + b"\0"
    header = "070701" + "".join(f"{value:08x}" for value in (
        inode, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(name_bytes), 0))
    out.write(header.encode())
    out.write(name_bytes)
    out.write(b"\0" * ((4 - (110 + len(name_bytes)) % 4) % 4))
    out.write(data)
    out.write(b"\0" * ((4 - len(data) % 4) % 4))


def initramfs(files):
    """A gzip-compressed newc cpio archive of files: {path: (mode, bytes)}; directories get mode
    0o040755 and no bytes. Parents must be listed before their children."""
    raw = io.BytesIO()
    for inode, (path, (mode, data)) in enumerate(files.items(), start=1):
        _cpio_entry(raw, path, mode, data, inode)
    _cpio_entry(raw, "TRAILER!!!", 0, b"", 0)
    return gzip.compress(raw.getvalue(), compresslevel=6, mtime=0)


# ---------------------------------------------------------------- building


def _run(command, cwd=None):
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise LabError(f"{' '.join(command)} failed ({proc.returncode}): {proc.stderr.strip()[-800:]}")
    return proc.stdout


def _download(package, into):
    """Downloads one Debian package (apt-get download, nothing installed) and unpacks it."""
    before = set(os.listdir(into))
    try:
        _run(["apt-get", "download", "-q", package], cwd=into)
    except LabError:
        # package lists older than the mirror: once more after an update
        _run(["apt-get", "update", "-qq"])
        _run(["apt-get", "download", "-q", package], cwd=into)
    debs = [f for f in set(os.listdir(into)) - before if f.endswith(".deb")]
    if not debs:
        raise LabError(f"apt-get download {package} gave no package")
    tree = os.path.join(into, package)
    _run(["dpkg-deb", "-x", os.path.join(into, debs[0]), tree])
    return tree


def kernel_package():
    """The versioned kernel package linux-image-amd64 depends on, as apt sees it."""
    out = _run(["apt-cache", "depends", "linux-image-amd64"])
    match = re.search(r"Depends: (linux-image-\S+-amd64)", out)
    if not match:
        raise LabError("apt-cache depends linux-image-amd64 names no kernel package; apt-get update first")
    return match.group(1)


def paths():
    directory = cache_dir()
    return {"kernel": os.path.join(directory, "vmlinuz"), "initrd": os.path.join(directory, "initrd.gz"),
            "stamp": os.path.join(directory, "stamp.json")}


def _inputs_stamp(kernel_pkg):
    with open(REFLECT_C, "rb") as f:
        reflect = hashlib.sha256(f.read()).hexdigest()
    script = hashlib.sha256(init_script(MODULES).encode()).hexdigest()
    return {"kernel_package": kernel_pkg, "reflect": reflect, "init": script}


def build(force=False):
    """Builds the guest into the cache unless what is there was built from the same inputs."""
    where = paths()
    kernel_pkg = kernel_package()
    stamp = _inputs_stamp(kernel_pkg)
    try:
        with open(where["stamp"]) as f:
            if not force and json.load(f) == stamp and os.path.exists(where["kernel"]) \
                    and os.path.exists(where["initrd"]):
                return dict(where, built=False, **stamp)
    except (FileNotFoundError, ValueError):
        pass
    os.makedirs(cache_dir(), exist_ok=True)
    work = tempfile.mkdtemp(prefix="build-", dir=cache_dir())
    try:
        kernel_tree = _download(kernel_pkg, work)
        busybox_tree = _download("busybox-static", work)
        version = kernel_pkg[len("linux-image-"):]
        module_root = os.path.join(kernel_tree, "lib", "modules", version, "kernel")
        found = {}
        for root, _, names in os.walk(module_root):
            for name in names:
                if name.endswith(".ko"):
                    found[name[:-3].replace("-", "_")] = os.path.join(root, name)
        dependencies = {}
        pending = list(MODULES)
        while pending:
            name = pending.pop()
            if name in dependencies:
                continue
            if name not in found:
                raise LabError(f"{kernel_pkg} has no module {name}")
            with open(found[name], "rb") as f:
                dependencies[name] = depends(f.read())
            pending.extend(dependencies[name])
        order = load_order(MODULES, dependencies)
        reflect = os.path.join(work, "reflect")
        _run(["gcc", "-static", "-O2", "-o", reflect, REFLECT_C])
        with open(os.path.join(busybox_tree, "bin", "busybox"), "rb") as f:
            busybox = f.read()
        with open(reflect, "rb") as f:
            reflector = f.read()
        files = {}
        for directory in ("bin", "dev", "proc", "sys", "lib", "lib/modules", "tmp"):
            files[directory] = (0o040755, b"")
        files["bin/busybox"] = (0o100755, busybox)
        files["bin/reflect"] = (0o100755, reflector)
        for name in order:
            with open(found[name], "rb") as f:
                files[f"lib/modules/{name}.ko"] = (0o100644, f.read())
        files["init"] = (0o100755, init_script(order).encode())
        with open(where["initrd"] + ".tmp", "wb") as f:
            f.write(initramfs(files))
        shutil.copyfile(os.path.join(kernel_tree, "boot", f"vmlinuz-{version}"), where["kernel"] + ".tmp")
        os.replace(where["initrd"] + ".tmp", where["initrd"])
        os.replace(where["kernel"] + ".tmp", where["kernel"])
        with open(where["stamp"], "w") as f:
            json.dump(stamp, f)
        return dict(where, built=True, modules=order, **stamp)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv == ["build"]:
            result = build()
        elif argv == ["rebuild"]:
            result = build(force=True)
        elif argv == ["path"]:
            result = paths()
        else:
            raise LabError("usage: python3 -m cloudroam_lab.guest build|rebuild|path")
    except LabError as e:
        print(f"cloudroam guest: {e}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
