"""Unit tests of the Karaf supervisor's decisions and of the Raft journal reader. No root, no
Karaf: a fake home whose bin/start starts a process that looks like Karaf's JVM."""

import os
import shutil
import socket
import struct
import subprocess
import tempfile
import unittest
import zlib

from cloudroam_lab import karaf, raftjournal

import journaltool

# lines as OpenDaylight 11.0.2 writes them (from a real start on a poisoned journal and a real
# member downed while it started, 2026-12-01)
APPEND = ("2026-12-01T23:31:14,130 | WARN  | opendaylight-cluster-data-shard-dispatcher-25 | AbstractReplicatedLog"
          "            | 201 - org.opendaylight.controller.sal-akka-raft - 11.0.2 | member-1-shard-default-config: "
          "Cannot append new entry - new index 0 is not greater than the last index 31")
FAILED = "java.io.UncheckedIOException: Journal recovery failed"
CAUSE = ("Caused by: java.io.IOException: Failed to append entry DefaultLogEntry[index=0, term=1, "
         "command=AbortTransactionPayload{identifier=member-1-datastore-config-fe-0-txn-1-0, size=36}]")
OTHER_SHARD = ("2026-12-01T23:31:14,176 | INFO  | opendaylight-cluster-data-pekko.actor.default-dispatcher-4 | "
               "RoleChangeNotifier | 205 - org.opendaylight.controller.sal-clustering-commons - 11.0.2 | "
               "RoleChangeNotifier for member-1-shard-default-operational , received role change from null to Follower")
DOWNED = ("2026-12-01T23:14:18,530 | WARN  | opendaylight-cluster-data-pekko.actor.default-dispatcher-26 | "
          "QuarantinedMonitorActor          | 205 - org.opendaylight.controller.sal-clustering-commons - 11.0.2 | "
          "This member has been downed, restarting")
AAA = ("2026-12-01T23:14:17,000 | INFO  | opendaylight-cluster-data-notification-dispatcher-51 | "
       "OSGiEncryptionServiceConfigurator | 176 - org.opendaylight.aaa.encrypt-service-impl - 0.21.2 | "
       "Encryption Service enabled")


def segment(ids, size=4096):
    """A journal segment file's bytes holding entries (index, term) with a small payload each."""
    data = bytearray(size)
    offset = raftjournal.SEGMENT_HEADER_BYTES
    for index, term in ids:
        first = (index.bit_length() + 7) // 8
        second = (term.bit_length() + 7) // 8
        body = (bytes([0x00, first | second << 4]) + index.to_bytes(first, "big") + term.to_bytes(second, "big")
                + b"payload")
        struct.pack_into(">II", data, offset, len(body), zlib.crc32(body))
        data[offset + 8:offset + 8 + len(body)] = body
        offset += 8 + len(body)
    return bytes(data)


class FindingsTest(unittest.TestCase):
    def test_a_failed_recovery_names_its_shard_and_no_other(self):
        seen = karaf.findings([OTHER_SHARD, APPEND, FAILED, "\tat org.opendaylight...", CAUSE, OTHER_SHARD])
        self.assertEqual(["member-1-shard-default-config"], list(seen["journal"]))
        self.assertIsNone(seen["downed"])

    def test_a_failure_that_names_no_shard_sets_every_shard_aside(self):
        seen = karaf.findings([FAILED, CAUSE])
        self.assertEqual(["*"], list(seen["journal"]))
        self.assertEqual(["a", "b"], karaf.set_aside_plan(["b", "a"], seen["journal"]))

    def test_downed_and_aaa(self):
        seen = karaf.findings([AAA, DOWNED, "Restarting karaf container"])
        self.assertEqual(DOWNED, seen["downed"])
        self.assertEqual(1, seen["aaa"])
        self.assertEqual({}, seen["journal"])

    def test_a_normal_start_says_nothing(self):
        seen = karaf.findings([AAA, OTHER_SHARD])
        self.assertEqual({"journal": {}, "downed": None, "aaa": 1, "cloudroam": 0}, seen)

    def test_only_the_log_since_the_start_counts(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "karaf.log")
            with open(path, "w") as f:
                f.write(APPEND + "\n")
            watch = karaf.LogWatch.from_now(path)
            self.assertEqual([], watch.lines())
            with open(path, "a") as f:
                f.write(DOWNED + "\n")
            self.assertEqual([DOWNED], watch.lines())
            with open(path, "w") as f:  # rolled over: read from the start
                f.write(AAA + "\n")
            self.assertEqual([AAA], watch.lines())


class RaftJournalTest(unittest.TestCase):
    def test_entries_summary_and_order(self):
        ids = [(0, 17), (1, 17), (2, 18), (300, 18)]
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "journal-v1-1.log")
            with open(path, "wb") as f:
                f.write(segment(ids))
            self.assertEqual(ids, raftjournal.entries(path))
            self.assertEqual(["index 0..1 term 17", "index 2..2 term 18", "index 300..300 term 18"],
                             raftjournal.summary(ids))
            self.assertEqual([], raftjournal.out_of_order(ids))
            self.assertEqual(4, journaltool.duplicate_entries(path))
            again = raftjournal.entries(path)
            self.assertEqual(ids + ids, again)
            self.assertEqual([(4, (300, 18), (0, 17))], raftjournal.out_of_order(again))

    def test_a_torn_record_ends_the_journal(self):
        data = bytearray(segment([(0, 1), (1, 1), (2, 1)]))
        second = list(raftjournal.records(bytes(data)))[1][0]
        data[second + 9] ^= 0xFF  # the checksum no longer holds
        self.assertEqual(1, len(list(raftjournal.records(bytes(data)))))


class SupervisionTest(unittest.TestCase):
    """The decisions on a fake home: bin/start starts a process whose command line looks like
    Karaf's JVM; the log is written by the test."""

    SHARD = "member-2-shard-default-config"

    def setUp(self):
        self.home = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.home)
        self.addCleanup(karaf.kill, self.home)
        os.makedirs(os.path.join(self.home, "bin"))
        os.makedirs(os.path.join(self.home, "data", "log"))
        # bin/start returns once its stand-in JVM shows in the process table, as the real one's
        # bin/karaf script does at once (karaf.pids matches either): between bash's fork and its exec
        # the stand-in's command line does not name the home yet, and a check in that moment (seen
        # once in CI) found no Karaf
        scripts = {"karaf": "exit 0\n", "stop": "exit 0\n",
                   "start": 'bash -c "exec -a \\"java -Dkaraf.home=$KARAF_HOME \\" sleep 60" >/dev/null 2>&1 &\n'
                            'pid=$!\n'
                            'for i in $(seq 500); do\n'
                            '  tr "\\0" " " < /proc/$pid/cmdline 2>/dev/null | grep -q "^java -Dkaraf.home=" && exit 0\n'
                            '  sleep 0.01\n'
                            'done\n'
                            'exit 1\n'}
        for name, text in scripts.items():
            path = os.path.join(self.home, "bin", name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\n" + text)
            os.chmod(path, 0o755)
        self.shard = os.path.join(self.home, karaf.SHARDS_DIR, self.SHARD)
        os.makedirs(self.shard)
        with open(os.path.join(self.shard, "TermInfo.properties"), "w") as f:
            f.write("term=18\nvotedFor=member-1-shard-default-config\n")
        with open(os.path.join(self.shard, "journal-v1-1.log"), "wb") as f:
            f.write(segment([(0, 17), (1, 17), (0, 18)]))
        with open(os.path.join(self.shard, "metadata-v1-1.log"), "wb") as f:
            f.write(bytes(64))

    def log(self, *lines):
        with open(karaf.log_path(self.home), "a") as f:
            f.write("".join(line + "\n" for line in lines))

    def test_a_member_sets_the_broken_shard_aside_keeps_its_vote_and_starts_again(self):
        karaf.start(self.home, ports=())
        supervision = karaf.Supervision(self.home, member=True)
        first = karaf.pids(self.home)
        self.log(APPEND.replace("member-1-shard-default-config", self.SHARD), FAILED, CAUSE)
        supervision.step()
        self.assertEqual(["journal"], [r["reason"] for r in supervision.restarts])
        self.assertEqual(["TermInfo.properties"], os.listdir(self.shard))
        moved = supervision.restarts[0]["set_aside"][0]["moved-to"]
        self.assertTrue(moved.startswith(os.path.join(self.home, "state", karaf.SET_ASIDE_DIR)))
        self.assertEqual(["journal-summary.txt", "journal-v1-1.log", "metadata-v1-1.log"], sorted(os.listdir(moved)))
        with open(os.path.join(moved, "journal-summary.txt")) as f:
            summary = f.read()
        self.assertIn("index 0..1 term 17", summary)
        self.assertIn("out of order at entry 2: (1, 17) then (0, 18)", summary)
        self.assertTrue(karaf.pids(self.home))
        self.assertNotEqual(first, karaf.pids(self.home))
        supervision.step()  # the new start's log is clean: nothing more happens
        self.assertEqual(1, len(supervision.restarts))

    def test_a_single_controller_never_moves_its_journal(self):
        karaf.start(self.home, ports=())
        supervision = karaf.Supervision(self.home, member=False)
        self.log(APPEND.replace("member-1-shard-default-config", self.SHARD))
        with self.assertRaises(karaf.KarafError) as raised:
            supervision.step()
        self.assertIn(self.shard, str(raised.exception))
        self.assertIn("nothing was moved", str(raised.exception))
        self.assertEqual(["TermInfo.properties", "journal-v1-1.log", "metadata-v1-1.log"], sorted(os.listdir(self.shard)))

    def test_a_downed_member_is_started_again_and_a_single_controller_is_not_downed(self):
        karaf.start(self.home, ports=())
        single = karaf.Supervision(self.home, member=False)
        self.log(DOWNED)
        single.step()
        self.assertEqual([], single.restarts)
        member = karaf.Supervision(self.home, member=True)
        self.log(DOWNED)
        member.step()
        self.assertEqual(["downed"], [r["reason"] for r in member.restarts])

    def test_aaa_missing_long_after_cloudroam_started_is_the_hang_and_is_restarted_once(self):
        karaf.start(self.home, ports=())
        supervision = karaf.Supervision(self.home, member=False)
        self.log("2026-12-02T04:34:28,333 | INFO  | x | CloudroamProvider | 57 - io.cloudroam.impl | cloudroam started on rest")
        supervision.step()
        self.assertEqual([], supervision.restarts)  # just started: AAA follows
        supervision.cloudroam_seen -= karaf.AAA_AFTER_CLOUDROAM_S + 1
        supervision.step()
        self.assertEqual(["hang"], [r["reason"] for r in supervision.restarts])
        self.assertTrue(karaf.pids(self.home))
        self.log("... cloudroam started on rest")  # the new start: the clock starts again
        supervision.step()
        self.assertEqual(1, len(supervision.restarts))
        supervision.cloudroam_seen -= karaf.AAA_AFTER_CLOUDROAM_S + 1
        supervision.step()
        self.assertEqual(1, len(supervision.restarts), "a hang is restarted once")

    def test_aaa_started_is_no_hang(self):
        karaf.start(self.home, ports=())
        supervision = karaf.Supervision(self.home, member=False)
        self.log("cloudroam started on rest", "OSGiEncryptionServiceConfigurator | Encryption Service enabled")
        supervision.step()
        supervision.cloudroam_seen -= karaf.AAA_AFTER_CLOUDROAM_S + 1
        supervision.step()
        self.assertEqual([], supervision.restarts)

    def test_a_home_whose_karaf_exited_is_an_error(self):
        karaf.start(self.home, ports=())
        supervision = karaf.Supervision(self.home, member=True)
        karaf.kill(self.home)
        with self.assertRaises(karaf.KarafError) as raised:
            supervision.step()
        self.assertIn("exited during start-up", str(raised.exception))

    def test_a_second_instance_on_ports_in_use_is_refused_and_nothing_starts(self):
        # another process (another Karaf, anything) listens on loopback: this home must not start
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            with self.assertRaises(karaf.KarafError) as raised:
                karaf.start(self.home, ports=(port,))
        self.assertIn(f"127.0.0.1:{port} is taken by another process", str(raised.exception))
        self.assertEqual([], karaf.pids(self.home), "nothing was started")
        self.assertFalse(os.path.exists(os.path.join(self.home, karaf.STATE_FILE)), "no start recorded")


if __name__ == "__main__":
    unittest.main()
