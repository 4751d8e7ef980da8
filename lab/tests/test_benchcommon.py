"""The benchmarks' percentiles are nearest-rank (the formula int(n * q) gave the maximum as p99)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                                "benchmarks"))
import benchcommon  # noqa: E402
import benchlab  # noqa: E402


class PercentileTest(unittest.TestCase):
    def test_nearest_rank(self):
        values = list(range(1, 101))  # 1..100
        self.assertEqual(99, benchcommon.percentile(values, 0.99), "p99 of 100 values is not the maximum")
        self.assertEqual(50, benchcommon.percentile(values, 0.5))
        self.assertEqual(100, benchcommon.percentile(values, 1.0))
        self.assertEqual(1, benchcommon.percentile(values, 0.0))
        self.assertEqual(7, benchcommon.percentile([7], 0.99))
        self.assertEqual(3, benchcommon.percentile([4, 1, 3, 2], 0.75))
        self.assertEqual(10, benchcommon.percentile(list(range(1, 11)), 0.99), "p99 of 10 is the largest")
        self.assertEqual(7, benchcommon.percentile(list(range(1, 101)), 0.07), "0.07 * 100 is not above 7")
        with self.assertRaises(ValueError):
            benchcommon.percentile([], 0.5)

    def test_summary_carries_its_sample_count(self):
        self.assertEqual({"p50": 2.0, "p99": 3.0, "n": 3}, benchcommon.summary([3, 1, 2]))
        self.assertEqual({"n": 0}, benchcommon.summary([]))


class SwitchClockTest(unittest.TestCase):
    """Reconvergence on the switches' clock: the last change for the moved MAC inside the move's window."""
    EVENTS = {"c1": {"events": [{"time": 100.010, "text": "event=DELETED dl_dst=02:c0:00:00:00:01"},
                                {"time": 100.030, "text": "event=ADDED dl_dst=02:c0:00:00:00:02"}]},
              "c3": {"events": [{"time": 100.020, "text": "event=ADDED dl_dst=02:c0:00:00:00:01"},
                                {"time": 100.200, "text": "event=DELETED reason=delete dl_dst=02:c0:00:00:00:01"},
                                {"time": 105.000, "text": "event=MODIFIED dl_dst=02:c0:00:00:00:01"}]}}

    def test_last_addition_or_modification_of_that_mac_in_the_window(self):
        # the deletion at 100.200 (old flows removed after the new ones carry the traffic) does not count
        self.assertEqual(15.0, benchlab.switch_clock_ms(self.EVENTS, "02:c0:00:00:00:01", 99.0, 104.0, 100.005))
        self.assertEqual(4995.0, benchlab.switch_clock_ms(self.EVENTS, "02:c0:00:00:00:01", 99.0, float("inf"),
                                                          100.005))

    def test_no_change_or_no_signal_is_no_figure(self):
        self.assertIsNone(benchlab.switch_clock_ms(self.EVENTS, "02:c0:00:00:00:09", 99.0, 104.0, 100.0))
        self.assertIsNone(benchlab.switch_clock_ms(self.EVENTS, "02:c0:00:00:00:01", 99.0, 104.0, None))

    def test_a_peers_clock_takes_any_flow_and_deletions_until_the_unplug(self):
        # OVN: its activation deletes flows (counted before the source port goes), its flows need not name the MAC
        self.assertEqual(195.0, benchlab.any_flow_clock_ms(self.EVENTS, 99.0, 104.0, 100.005, unplugged=100.5))
        # once the source port is gone, deletions are its clean-up: not counted (any MAC's addition is)
        self.assertEqual(25.0, benchlab.any_flow_clock_ms(self.EVENTS, 99.0, 104.0, 100.005, unplugged=100.1))
        self.assertIsNone(benchlab.any_flow_clock_ms(self.EVENTS, 99.0, 104.0, None))
        self.assertIsNone(benchlab.any_flow_clock_ms(self.EVENTS, 106.0, 107.0, 100.0))

    def test_each_move_ends_where_the_next_starts(self):
        moves = [{"started": 99.0, "moved": {"mac": "02:c0:00:00:00:01", "first_announcement": 100.0}},
                 {"started": 104.9, "moved": {"mac": "02:c0:00:00:00:01", "first_announcement": 104.99}}]
        self.assertEqual([20.0, 10.0], benchlab.switch_clocks(self.EVENTS, moves))
        # a peer's clock over the same windows: any flow, deletions until each move's unplug
        moves[0]["moved"]["unplugged_at"] = 100.5
        self.assertEqual([200.0, 10.0], benchlab.switch_clocks(self.EVENTS, moves, any_flow=True))


if __name__ == "__main__":
    unittest.main()
