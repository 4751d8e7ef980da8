"""For tests only: makes a shard's Raft journal look like the one OpenDaylight leaves when a
follower installs a leader's snapshot without dropping its own unapplied tail (docs/cluster.md):
every entry it holds is written once more after the last, so the indexes start again from the
first. Recovery then fails with "Failed to append entry". Usage: journaltool.py duplicate FILE"""

import sys

from cloudroam_lab import raftjournal


def duplicate_entries(path):
    """Appends a copy of every record after the last one; returns how many were copied."""
    with open(path, "r+b") as f:
        data = f.read()
        found = list(raftjournal.records(data))
        if not found:
            raise SystemExit(f"{path}: no entries to duplicate")
        start = found[0][0]
        end = found[-1][0] + raftjournal.RECORD_HEADER_BYTES + len(found[-1][1])
        if end + (end - start) > len(data):
            raise SystemExit(f"{path}: no room for a copy")
        f.seek(end)
        f.write(data[start:end])
    return len(found)


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "duplicate":
        raise SystemExit(__doc__)
    print(duplicate_entries(sys.argv[2]))
