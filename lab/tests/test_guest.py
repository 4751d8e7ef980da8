"""Unit tests of the QEMU guest's build (pure parts), of the QEMU command line and of reading its console. No root, no QEMU."""

import gzip
import os
import tempfile
import unittest

from cloudroam_lab import guest, lab, qemu
from cloudroam_lab.topology import LabError, LabSpec, controller_config


def unpack_newc(data):
    """{name: (mode, bytes)} of a newc cpio archive."""
    entries, offset = {}, 0
    while True:
        assert data[offset:offset + 6] == b"070701", data[offset:offset + 6]
        fields = [int(data[offset + 6 + 8 * i:offset + 14 + 8 * i], 16) for i in range(13)]
        mode, size, name_size = fields[1], fields[6], fields[11]
        name_at = offset + 110
        name = data[name_at:name_at + name_size - 1].decode()
        body_at = name_at + name_size + (4 - (110 + name_size) % 4) % 4
        body = data[body_at:body_at + size]
        offset = body_at + size + (4 - size % 4) % 4
        if name == "TRAILER!!!":
            return entries
        entries[name] = (mode, body)


class GuestTest(unittest.TestCase):
    def test_dependencies_come_first(self):
        deps = {"virtio_net": ["virtio_ring", "virtio", "net_failover"], "virtio": ["virtio_ring"],
                "net_failover": ["failover"], "virtio_ring": [], "failover": [],
                "virtio_pci": ["virtio_ring", "virtio_pci_modern_dev", "virtio"], "virtio_pci_modern_dev": []}
        order = guest.load_order(["virtio_net", "virtio_pci"], deps)
        for module, needs in deps.items():
            for need in needs:
                self.assertLess(order.index(need), order.index(module), order)
        self.assertEqual(len(order), len(set(order)))
        with self.assertRaises(LabError):
            guest.load_order(["a"], {"a": ["b"], "b": ["a"]})

    def test_module_dependencies_are_read_from_modinfo(self):
        blob = b"\x7fELF...\x00license=GPL\x00depends=virtio_ring,virtio,net_failover\x00vermagic=6.1\x00"
        self.assertEqual(["virtio_ring", "virtio", "net_failover"], guest.depends(blob))
        self.assertEqual([], guest.depends(b"\x00depends=\x00name=failover\x00"))

    def test_the_initramfs_is_a_newc_archive_the_kernel_can_unpack(self):
        files = {"bin": (0o040755, b""), "bin/busybox": (0o100755, b"\x7fELF" + bytes(5)),
                 "init": (0o100755, guest.init_script(["virtio_ring", "virtio_net"]).encode())}
        entries = unpack_newc(gzip.decompress(guest.initramfs(files)))
        self.assertEqual(set(files), set(entries))
        for name, (mode, body) in files.items():
            self.assertEqual((mode, body), entries[name])

    def test_init_loads_modules_in_order_and_reads_its_address_from_the_command_line(self):
        script = guest.init_script(["virtio_ring", "virtio", "virtio_net"])
        self.assertLess(script.index("insmod /lib/modules/virtio_ring.ko"),
                        script.index("insmod /lib/modules/virtio_net.ko"))
        self.assertIn("cloudroam.ip=*", script)
        self.assertIn(f"/bin/reflect {guest.REFLECT_PORT} &", script)
        self.assertIn(guest.READY, script)


class QemuCommandTest(unittest.TestCase):
    def test_a_guest_instance_and_its_incoming_twin(self):
        spec = LabSpec(3, 2, qemu_vms=2).validate()
        vm = spec.qemu_list()[1]
        line = qemu.command(vm, "/run/x", "tcg", "/k", "/i")
        text = " ".join(line)
        self.assertIn("-accel tcg", text)
        self.assertIn(f"tap,id=n0,ifname={vm.port},script=no,downscript=no,vnet_hdr=off", text)
        self.assertIn(f"virtio-net-pci,netdev=n0,mac={vm.mac}", text)
        self.assertIn(f"cloudroam.ip={vm.ip}/16", text)
        self.assertIn("unix:/run/x/qmp.sock,server=on,wait=off", text)
        self.assertNotIn("-incoming", text)
        self.assertEqual(["-incoming", "unix:/run/x.sock"], qemu.command(vm, "/run/x", "tcg", "/k", "/i",
                                                                          "/run/x.sock")[-2:])

    def test_guests_have_their_own_names_addresses_and_bindings(self):
        spec = LabSpec(3, 6, qemu_vms=2).validate()
        names = [vm.name for vm in spec.guests()]
        self.assertEqual(len(names), len(set(names)))
        self.assertEqual(len({vm.mac for vm in spec.guests()}), 8)
        self.assertEqual(len({vm.ip for vm in spec.guests()}), 8)
        bindings = controller_config(spec)["cloudroam:cloudroam"]["port-binding"]
        for vm in spec.qemu_list():
            for port in (vm.name, vm.port):
                self.assertEqual(3, sum(1 for b in bindings if b["port"] == port), port)
        with self.assertRaises(LabError):
            LabSpec(3, 6, qemu_vms=5).validate()


class ConsoleTest(unittest.TestCase):
    def test_the_last_oops_is_found_from_its_first_line(self):
        with tempfile.TemporaryDirectory() as rundir:
            self.assertEqual("", lab._oops(rundir))
            lines = ["[ 1.0] Linux version 6.1", "[ 2.0] BUG: kernel NULL pointer dereference, address: 0000000000000010",
                     "[ 2.1] RIP: 0010:first+0x1/0x2", "[ 9.0] random: crng init done",
                     "[ 124.5] general protection fault, probably for non-canonical address 0xdead: 0000 [#1]",
                     "[ 124.6] RIP: 0010:udp_recvmsg+0x3f/0x4a0"] + [f"[ 124.{k}] R{k}: 0" for k in range(7, 30)]
            with open(os.path.join(rundir, "serial.log"), "w") as f:
                f.write("\n".join(lines) + "\n")
            oops = lab._oops(rundir).splitlines()
            self.assertEqual(12, len(oops))
            self.assertIn("general protection fault", oops[0])
            self.assertIn("udp_recvmsg", oops[1])


if __name__ == "__main__":
    unittest.main()
