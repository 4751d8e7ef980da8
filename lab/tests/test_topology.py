"""Unit tests of the lab's pure parts: specs, parsing, naming, static flows. No root needed."""

import unittest

from cloudroam_lab.topology import (LabError, LabSpec, WanRule, parse_duration_ms, parse_pair, parse_wan_rule,
                                    parse_wan_spec, static_flows)


class ParsingTest(unittest.TestCase):
    def test_durations(self):
        self.assertEqual(parse_duration_ms("20ms"), 20.0)
        self.assertEqual(parse_duration_ms("1.5ms"), 1.5)
        self.assertEqual(parse_duration_ms("250us"), 0.25)
        self.assertEqual(parse_duration_ms("2s"), 2000.0)
        for bad in ("", "20", "ms", "-5ms", "5 ms", "fast"):
            with self.assertRaises(LabError, msg=bad):
                parse_duration_ms(bad)

    def test_pairs_are_normalised_and_distinct(self):
        self.assertEqual(parse_pair("c3-c1"), (1, 3))
        for bad in ("c1-c1", "c1", "1-2", "c1_c2"):
            with self.assertRaises(LabError, msg=bad):
                parse_pair(bad)

    def test_rule_options(self):
        self.assertEqual(parse_wan_rule(["80ms", "loss=1%", "jitter=2ms"]), WanRule(80.0, 2.0, 0.01))
        for bad in ([], ["80ms", "loss=101%"], ["80ms", "loss=1"], ["5ms", "jitter=6ms"], ["5ms", "color=red"],
                    ["5ms", "jitter"]):
            with self.assertRaises(LabError, msg=str(bad)):
                parse_wan_rule(bad)

    def test_path_mtu_of_a_wan_link(self):
        self.assertEqual(parse_wan_rule(["40ms", "mtu=1400"]), WanRule(40.0, 0.0, 0.0, 1400))
        # with the rule in force, settings alone change only what they name
        base = WanRule(40.0, 1.0, 0.01, 0)
        self.assertEqual(parse_wan_rule(["mtu=1400"], base), WanRule(40.0, 1.0, 0.01, 1400))
        self.assertEqual(parse_wan_rule(["mtu=1500"], WanRule(40.0, 0.0, 0.0, 1400)), WanRule(40.0))
        # a rule with its delay is whole: a lossy or narrow link comes back clean with 'lab wan set c1-c2 20ms'
        self.assertEqual(parse_wan_rule(["20ms"], WanRule(40.0, 0.0, 1.0, 1400)), WanRule(20.0))
        for bad in (["mtu=1400"], ["40ms", "mtu=575"], ["40ms", "mtu=1501"], ["40ms", "mtu=big"]):
            with self.assertRaises(LabError, msg=str(bad)):
                parse_wan_rule(bad)

    def test_wan_spec_all_then_override(self):
        rules = parse_wan_spec("all 10ms, c1-c3 80ms loss=1%", 3)
        self.assertEqual(rules[(1, 2)], WanRule(10.0))
        self.assertEqual(rules[(2, 3)], WanRule(10.0))
        self.assertEqual(rules[(1, 3)], WanRule(80.0, 0.0, 0.01))
        self.assertEqual(parse_wan_spec("", 3), {})
        with self.assertRaises(LabError):
            parse_wan_spec("c1-c2:5ms", 3)


class SpecTest(unittest.TestCase):
    def test_validation_names_the_problem(self):
        cases = {"--clouds must be between 2 and 8": LabSpec(1, 2),
                 "--vms must be between 0 and 250": LabSpec(2, 251),
                 "VNI must be between 1 and 16777215": LabSpec(2, 2, (0,)),
                 "lists a VNI twice": LabSpec(2, 2, (5, 5)),
                 "--tunnels must be": LabSpec(2, 2, tunnels="magic"),
                 "the lab has clouds c1..c2": LabSpec(2, 2, wan={(1, 3): WanRule(5.0)})}
        for message, spec in cases.items():
            with self.assertRaises(LabError) as caught:
                spec.validate()
            self.assertIn(message, str(caught.exception))

    def test_vms_spread_round_robin_with_stable_identity(self):
        vms = LabSpec(3, 7, (100, 200)).vm_list()
        self.assertEqual([(vm.home, vm.vni) for vm in vms],
                         [(1, 100), (2, 200), (3, 100), (1, 200), (2, 100), (3, 200), (1, 100)])
        self.assertEqual(vms[0].mac, "02:c0:00:00:00:01")
        self.assertEqual(vms[6].ip, "10.0.0.7")
        self.assertEqual(len({vm.mac for vm in LabSpec(2, 250).vm_list()}), 250)

    def test_json_round_trip(self):
        spec = LabSpec(3, 4, (7, 8), "static", False, {(1, 2): WanRule(5.0, 1.0, 0.02)})
        again = LabSpec.from_json(spec.to_json())
        self.assertEqual(again.to_json(), spec.to_json())
        self.assertEqual(again.wan_rule(2, 1), WanRule(5.0, 1.0, 0.02))


class StaticFlowsTest(unittest.TestCase):
    def setUp(self):
        self.spec = LabSpec(2, 4, (100, 200), "static", False)  # vm1 c1/100, vm2 c2/200, vm3 c1/100, vm4 c2/200
        self.at_home = {vm.name: vm.home for vm in self.spec.vm_list()}

    def test_same_cloud_is_local_and_other_vni_is_absent(self):
        c1 = static_flows(self.spec, self.at_home)[1]
        self.assertIn("table=0,priority=100,in_port=tap-vm1,dl_dst=02:c0:00:00:00:03,actions=output:tap-vm3", c1)
        self.assertFalse([f for f in c1 if "in_port=tap-vm1" in f and "02:c0:00:00:00:02" in f])

    def test_remote_peer_goes_through_the_tunnel_with_its_vni(self):
        moved = dict(self.at_home, vm3=2)
        c1 = static_flows(self.spec, moved)[1]
        self.assertIn("table=0,priority=100,in_port=tap-vm1,dl_dst=02:c0:00:00:00:03,"
                      "actions=set_field:100->tun_id,output:vx-c2", c1)
        c2 = static_flows(self.spec, moved)[2]
        self.assertIn("table=0,priority=100,in_port=vx-c1,tun_id=100,dl_dst=02:c0:00:00:00:03,"
                      "actions=output:tap-vm3", c2)

    def test_broadcast_from_a_tunnel_stays_local(self):
        c2 = static_flows(self.spec, self.at_home)[2]
        flood = [f for f in c2 if f.startswith("table=0,priority=50,in_port=vx-c1,tun_id=200")]
        self.assertEqual(flood, ["table=0,priority=50,in_port=vx-c1,tun_id=200,"
                                 "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=output:tap-vm2,output:tap-vm4"])


class VsctlTest(unittest.TestCase):
    def test_commands_join_into_one_transaction(self):
        from cloudroam_lab.system import joined
        self.assertEqual(joined([["del-port", "br-int", "a"], ["del-port", "br-int", "b"]]),
                         ["del-port", "br-int", "a", "--", "del-port", "br-int", "b"])
        self.assertEqual(joined([["add-port", "br-int", "a", "--", "set", "interface", "a", "x=1"]]),
                         ["add-port", "br-int", "a", "--", "set", "interface", "a", "x=1"])
        self.assertEqual(joined([]), [])


if __name__ == "__main__":
    unittest.main()
