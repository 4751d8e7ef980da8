"""The flow monitor's log, as 'ovs-ofctl --timestamp monitor' prints it, read into counts and timed
events: each event takes the time of the reply that carried it."""

import unittest
from datetime import datetime, timezone

from cloudroam_lab.lab import monitor_events

# captured from ovs-ofctl 3.1 (Debian bookworm) on a userspace bridge: one add, one delete
LOG = """ONFST_FLOW_MONITOR reply (OF1.3) (xid=0x6):
2026-12-02 01:37:23.007: ONFST_FLOW_MONITOR reply (OF1.3) (xid=0x0):
 event=ADDED table=0 cookie=0 ip
2026-12-02 01:37:23.180: ONFST_FLOW_MONITOR reply (OF1.3) (xid=0x0):
 event=DELETED reason=delete table=0 cookie=0 ip
 event=DELETED reason=delete table=1 cookie=0 dl_dst=02:c0:0e:00:00:01
"""


def _epoch(text):
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=timezone.utc).timestamp()


class MonitorEventsTest(unittest.TestCase):
    def test_counts_without_times(self):
        counted = monitor_events(LOG.splitlines(True))
        self.assertEqual((1, 2, 3), (counted["added"], counted["deleted"], counted["total"]))
        self.assertNotIn("events", counted)
        self.assertEqual("event=ADDED table=0 cookie=0 ip", counted["first"][0])

    def test_each_event_has_the_time_of_its_reply(self):
        events = monitor_events(LOG.splitlines(True), with_events=True)["events"]
        self.assertEqual([_epoch("2026-12-02 01:37:23.007"), _epoch("2026-12-02 01:37:23.180"),
                          _epoch("2026-12-02 01:37:23.180")], [e["time"] for e in events])
        self.assertIn("02:c0:0e:00:00:01", events[2]["text"])
        self.assertAlmostEqual(0.173, events[1]["time"] - events[0]["time"], places=3)


if __name__ == "__main__":
    unittest.main()
