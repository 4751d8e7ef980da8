"""Unit tests of the OVN lab's pure parts: the chassis settings, the logical network and the binding
changes of a migration that the lab writes. No root, no OVN needed."""

import os
import tempfile
import unittest
from unittest import mock

from cloudroam_lab import ovn, system
from cloudroam_lab.__main__ import build_parser, dispatch
from cloudroam_lab.topology import Cloud, LabError, LabSpec


class ChassisTest(unittest.TestCase):
    def test_a_cloud_is_a_chassis_named_after_it_with_its_tunnel_endpoint(self):
        settings = ovn.chassis_settings(Cloud(2))
        self.assertIn("external_ids:system-id=c2", settings)
        self.assertIn("external_ids:ovn-encap-ip=192.0.2.2", settings)
        self.assertIn("external_ids:ovn-encap-type=vxlan", settings)
        self.assertIn(f"external_ids:ovn-remote=unix:{ovn.SB_SOCKET}", settings)
        self.assertIn("external_ids:ovn-bridge-datapath-type=netdev", settings)
        self.assertIn("external_ids:ovn-encap-type=geneve", ovn.chassis_settings(Cloud(1), "geneve"))
        with self.assertRaises(LabError):
            ovn.chassis_settings(Cloud(1), "stt")


class NorthboundTest(unittest.TestCase):
    def test_a_switch_per_vni_and_a_port_per_vm_bound_where_it_is(self):
        spec = LabSpec(3, 4, qemu_vms=1).validate()
        locations = {"vm1": 1, "vm2": 2, "vm3": 3, "vm4": 3, "qvm1": 1}
        commands = ovn.northbound_commands(spec, locations)
        self.assertEqual([["ls-add", "ls-100"], ["ls-add", "ls-200"]], commands[:2])
        self.assertIn(["lsp-add", "ls-200", "vm4"], commands)
        self.assertIn(["lsp-set-addresses", "vm4", "02:c0:00:00:00:04 10.0.0.4"], commands)
        self.assertIn(["lsp-set-options", "vm4", "requested-chassis=c3"], commands)
        self.assertIn(["lsp-add", "ls-100", "qvm1"], commands)
        self.assertIn(["lsp-set-options", "qvm1", "requested-chassis=c1"], commands)
        # every VM has its port, its addresses and its binding
        self.assertEqual(2 + 3 * len(spec.guests()), len(commands))

    def test_commands_run_as_one_transaction(self):
        # the helper ovs-vsctl's transactions use too
        self.assertEqual(["ls-add", "a", "--", "lsp-add", "a", "b"],
                         system.joined([["ls-add", "a"], ["lsp-add", "a", "b"]]))


class MigrationTest(unittest.TestCase):
    def test_multichassis_binds_both_ends_and_waits_for_the_guests_rarp(self):
        self.assertEqual([["lsp-set-options", "qvm1", "requested-chassis=c1,c3", "activation-strategy=rarp"]],
                         ovn.migration_start_commands("qvm1", "c1", "c3"))
        # the source first: it stays the main chassis until the migration completed
        self.assertEqual([["lsp-set-options", "qvm1", "requested-chassis=c3"]],
                         ovn.migration_done_commands("qvm1", "c3"))

    def test_plain_moves_the_binding_at_completion_only(self):
        self.assertEqual([], ovn.migration_start_commands("vm1", "c1", "c2", "plain"))
        with self.assertRaises(LabError):
            ovn.migration_start_commands("vm1", "c1", "c2", "eager")


class DeadlineTest(unittest.TestCase):
    def test_a_chassis_that_does_not_register_is_named_with_its_log(self):
        with tempfile.TemporaryDirectory() as state, mock.patch.object(ovn, "STATE_DIR", state), \
                mock.patch.object(ovn, "KEPT_LOGS", f"{state}/kept"), \
                mock.patch.object(ovn, "sbctl", return_value="c1\n"), \
                mock.patch.object(Cloud, "rundir", property(lambda c: f"{state}/{c.name}")):
            os.makedirs(f"{state}/c2")
            with open(f"{state}/c2/ovn-controller.log", "w") as f:
                f.write("connection refused\n")
            with self.assertRaises(LabError) as raised:
                ovn.wait_chassis([Cloud(1), Cloud(2), Cloud(3)], deadline_s=0)
            message = str(raised.exception)
            self.assertIn("OVN chassis c2, c3 did not register within 0 s", message)
            kept = next(word.rstrip(",") for word in message.split() if word.endswith("c2-ovn-controller.log,"))
            with open(kept) as f:
                self.assertEqual("connection refused\n", f.read())  # kept where the lab's removal does not reach
            self.assertIn("c3/ovn-controller.log (never written)", message)


class SpecTest(unittest.TestCase):
    def test_ovn_network_round_trips_and_excludes_a_controller(self):
        spec = LabSpec(2, 2, controller=False, network="ovn", ovn_encap="geneve").validate()
        again = LabSpec.from_json(spec.to_json())
        self.assertEqual(("ovn", "geneve"), (again.network, again.ovn_encap))
        self.assertEqual("cloudroam", LabSpec.from_json(LabSpec(2, 2).to_json()).network)
        for bad in (LabSpec(2, 2, network="ovn"),  # a controller connection too
                    LabSpec(2, 2, tunnels="static", controller=False, network="ovn"),
                    LabSpec(2, 2, network="nsx"), LabSpec(2, 2, controller=False, network="ovn", ovn_encap="gre")):
            with self.assertRaises(LabError, msg=str(bad)):
                bad.validate()

    def test_the_command_line_makes_an_ovn_lab_without_a_controller(self):
        args = build_parser().parse_args(["up", "--clouds", "3", "--vms", "2", "--network", "ovn"])
        self.assertEqual(("ovn", "vxlan"), (args.network, args.ovn_encap))
        with self.assertRaises(LabError):
            build_parser().parse_args(["up", "--clouds", "3", "--vms", "2", "--network", "ovs"])
        with self.assertRaises(LabError):
            build_parser().parse_args(["migrate", "vm1", "c2", "--ovn-binding", "eager"])
        self.assertEqual("multichassis", build_parser().parse_args(["migrate", "vm1", "c2"]).ovn_binding)
        with self.assertRaises(LabError):
            dispatch(build_parser().parse_args(["up", "--clouds", "3", "--vms", "2", "--network", "ovn",
                                                "--tunnels", "static"]))


if __name__ == "__main__":
    unittest.main()
