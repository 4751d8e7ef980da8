"""Unit tests of the cluster settings the lab generates. No root, no Karaf needed."""

import os
import tempfile
import unittest

from cloudroam_lab import cluster
from cloudroam_lab.topology import LabError, LabSpec, parse_controllers


class ClusterSettingsTest(unittest.TestCase):
    def setUp(self):
        self.home = tempfile.mkdtemp()
        for d in ("bin", "etc", "configuration"):
            os.makedirs(os.path.join(self.home, d))
        with open(os.path.join(self.home, "bin", "setenv"), "w") as f:
            f.write("JAVA_OPTS=\"-Xmx2g\"\nexport JAVA_OPTS\n")
        with open(os.path.join(self.home, "etc", "jetty.xml"), "w") as f:
            f.write('<Set name="host"><Property name="jetty.host"/></Set>\n')
        with open(os.path.join(self.home, "etc", "org.apache.karaf.shell.cfg"), "w") as f:
            f.write("sshPort = 8101\nsshHost = 127.0.0.1\n")

    def read(self, *path):
        with open(os.path.join(self.home, *path)) as f:
            return f.read()

    def test_member_settings(self):
        hosts = cluster.parse_hosts("10.0.0.1,10.0.0.2,10.0.0.3")
        cluster.configure(self.home, 2, hosts, heap="3g")
        pekko = self.read("configuration", "initial", "pekko.conf")
        self.assertIn('canonical.hostname = "10.0.0.2"', pekko)
        self.assertIn('roles = ["member-2"]', pekko)
        for h in hosts:
            self.assertIn(f'"pekko://opendaylight-cluster-data@{h}:2550"', pekko)
        shards = self.read("configuration", "initial", "module-shards.conf")
        for shard in cluster.SHARDS:
            self.assertIn(f'name = "{shard}"', shards)
        self.assertEqual(shards.count('replicas = ["member-1", "member-2", "member-3"]'), len(cluster.SHARDS))
        shell = self.read("etc", "org.apache.karaf.shell.cfg")
        self.assertIn("sshHost = 10.0.0.2", shell)
        self.assertNotIn("127.0.0.1", shell)
        self.assertIn("sshPort = 8101", shell)
        self.assertIn('<Property name="jetty.host" default="10.0.0.2"/>', self.read("etc", "jetty.xml"))
        self.assertIn("bind-address = 10.0.0.2", self.read("etc", "org.opendaylight.restconf.nb.rfc8040.cfg"))
        self.assertIn("karaf.name = member-2", self.read("etc", "system.properties"))
        setenv = self.read("bin", "setenv")
        self.assertIn("-Dcloudroam.openflow.address=10.0.0.2", setenv)
        self.assertIn("-Xmx3g", setenv)

    def test_failover_profiles(self):
        hosts = cluster.local_hosts()
        cluster.configure(self.home, 1, hosts, failover="fast")
        pekko = self.read("configuration", "initial", "pekko.conf")
        datastore = self.read("etc", "org.opendaylight.controller.cluster.datastore.cfg")
        for key, value in (("heartbeat-interval", "100 ms"), ("acceptable-heartbeat-pause", "500 ms"),
                           ("unreachable-nodes-reaper-interval", "100 ms"), ("stable-after", "1s"),
                           ("down-removal-margin", "200 ms")):
            self.assertIn(f"{key} = {value}", pekko)
        self.assertIn("shard-heartbeat-interval-in-millis = 200", datastore)
        cluster.configure(self.home, 1, hosts, failover="tolerant")
        pekko = self.read("configuration", "initial", "pekko.conf")
        for key, value in (("heartbeat-interval", "300 ms"), ("acceptable-heartbeat-pause", "1200 ms"),
                           ("stable-after", "2s"), ("down-removal-margin", "2s")):
            self.assertIn(f"{key} = {value}", pekko)
        self.assertIn("shard-heartbeat-interval-in-millis = 250",
                      self.read("etc", "org.opendaylight.controller.cluster.datastore.cfg"))

    def test_unknown_failover_profile_changes_nothing(self):
        with self.assertRaises(LabError):
            cluster.configure(self.home, 1, cluster.local_hosts(), failover="instant")
        self.assertFalse(os.path.exists(os.path.join(self.home, "configuration", "initial")))
        base = tempfile.mkdtemp()
        self.assertEqual(cluster.remembered_failover(base), cluster.DEFAULT_FAILOVER)
        with self.assertRaises(LabError):
            cluster.choose_failover(base, "instant")
        cluster.choose_failover(base, "tolerant")
        self.assertEqual(cluster.remembered_failover(base), "tolerant")

    def test_configure_is_idempotent(self):
        hosts = cluster.local_hosts()
        cluster.configure(self.home, 1, hosts)
        first = {p: self.read(*p) for p in (("bin", "setenv"), ("etc", "org.apache.karaf.shell.cfg"),
                                               ("etc", "jetty.xml"), ("configuration", "initial", "pekko.conf"))}
        cluster.configure(self.home, 1, hosts)
        for path, text in first.items():
            self.assertEqual(self.read(*path), text, path)
        self.assertEqual(self.read("bin", "setenv").count(cluster.SETENV_MARK), 1)

    def test_bad_input_changes_nothing(self):
        for bad in ("10.0.0.1,10.0.0.2", "10.0.0.1,10.0.0.1,10.0.0.2", "a,b,c", "10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4"):
            with self.assertRaises(LabError, msg=bad):
                cluster.parse_hosts(bad)
        with self.assertRaises(LabError):
            cluster.configure(self.home, 4, cluster.local_hosts())
        self.assertFalse(os.path.exists(os.path.join(self.home, "configuration", "initial")))
        with self.assertRaises(LabError):
            cluster.configure(tempfile.mkdtemp(), 1, cluster.local_hosts())


class WaitingForTest(unittest.TestCase):
    @staticmethod
    def member(n, restconf=True, openflow=True, roles=None):
        shards = {f"{kind}/{shard}": "Follower" for shard in cluster.SHARDS for kind in ("config", "operational")}
        shards.update(roles or {})
        return {"member": n, "address": f"127.0.0.{n}", "pids": [100 + n], "restconf": restconf,
                "openflow": openflow, "shards": shards}

    def test_a_formed_cluster_lacks_nothing(self):
        members = [self.member(n) for n in (1, 2, 3)]
        leaders = {f"{kind}/{shard}": 1 for shard in cluster.SHARDS for kind in ("config", "operational")}
        self.assertEqual([], cluster.waiting_for({"members": members, "ready": [1, 2, 3], "shard-leaders": leaders}))

    def test_says_which_member_lacks_what_and_which_shards_have_no_leader(self):
        members = [self.member(1), self.member(2, openflow=False),
                   self.member(3, restconf=False, roles={"operational/inventory": None})]
        leaders = {f"{kind}/{shard}": 1 for shard in cluster.SHARDS for kind in ("config", "operational")}
        del leaders["config/topology"]
        reasons = cluster.waiting_for({"members": members, "ready": [1], "shard-leaders": leaders})
        self.assertEqual(["member-2 lacks OpenFlow on 127.0.0.2:6653",
                          "member-3 lacks RESTCONF with cloudroam's RPCs and a role in operational/inventory",
                          "no leader for config/topology"], reasons)


class ControllersTest(unittest.TestCase):
    def test_loopback_addresses_only(self):
        self.assertEqual(parse_controllers("127.0.0.1:6653, 127.0.0.2:6653"), ("127.0.0.1:6653", "127.0.0.2:6653"))
        for bad in ("", "10.0.0.1:6653", "127.0.0.1", "127.0.0.1:0", "localhost:6653",
                    "127.0.0.1:6653,127.0.0.1:6653", "127.0.0.1:1,127.0.0.2:1,127.0.0.3:1,127.0.0.4:1"):
            with self.assertRaises(LabError, msg=bad):
                parse_controllers(bad)

    def test_spec_keeps_its_controllers(self):
        spec = LabSpec(3, 6, controllers=("127.0.0.1:6653", "127.0.0.2:6653", "127.0.0.3:6653")).validate()
        self.assertEqual(LabSpec.from_json(spec.to_json()).controllers, spec.controllers)
        # a lab state written before --controllers existed
        older = {k: v for k, v in spec.to_json().items() if k != "controllers"}
        self.assertEqual(LabSpec.from_json(older).controllers, ("127.0.0.1:6653",))
        self.assertEqual(len(spec.cloud_list()[0].of_sockets(3)), 3)


if __name__ == "__main__":
    unittest.main()
