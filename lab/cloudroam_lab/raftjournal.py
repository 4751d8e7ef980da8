"""Reads OpenDaylight's Raft entry journal (controller 11.0.x, `journal-v1-N.log` in a shard's state
directory) far enough to say which entries it holds: (index, term) per record, in file order. Pure
reading, for diagnosis: nothing here writes a journal.

A segment file is a 64-byte header, then records of [length: u32][CRC-32 of the body: u32][body],
ending at the first record whose length is zero (the rest of the 128 MiB file is zeros). A body
starts with one disposition/compression byte and the entry's index and term as
yangtools' `WritableObjects.writeLongs` writes them: one header byte whose low nibble is the byte
count of the first value and whose high nibble that of the second, then the values big-endian.
"""

import struct
import zlib

SEGMENT_HEADER_BYTES = 64
RECORD_HEADER_BYTES = 8


def _value(data, offset, size):
    return int.from_bytes(data[offset:offset + size], "big"), offset + size


def entry_id(body):
    """(index, term) of one record's body, or None when it does not start as an entry does."""
    if len(body) < 2:
        return None
    header = body[1]
    first, second = header & 0x0F, header >> 4
    if first > 8 or second > 8 or len(body) < 2 + first + second:
        return None
    index, offset = _value(body, 2, first)
    term, _ = _value(body, offset, second)
    return index, term


def records(data):
    """The records of a segment's bytes: (file offset, body) for each whose checksum holds,
    stopping where the journal ends (a zero length, a bad checksum, the end of the data)."""
    offset = SEGMENT_HEADER_BYTES
    while offset + RECORD_HEADER_BYTES <= len(data):
        length, checksum = struct.unpack_from(">Ii", data, offset)
        body_at = offset + RECORD_HEADER_BYTES
        if length == 0 or body_at + length > len(data):
            return
        body = data[body_at:body_at + length]
        if zlib.crc32(body) != checksum & 0xFFFFFFFF:
            return
        yield offset, body
        offset = body_at + length


def entries(path):
    """(index, term) of every entry in a journal segment file, in file order."""
    with open(path, "rb") as f:
        data = f.read()
    return [ident for ident in (entry_id(body) for _, body in records(data)) if ident is not None]


def out_of_order(ids):
    """The positions where an entry's index is not greater than the one before it: what makes
    OpenDaylight's journal recovery fail ("Failed to append entry"). Each is (position, previous
    (index, term), this (index, term))."""
    return [(i, ids[i - 1], ids[i]) for i in range(1, len(ids)) if ids[i][0] <= ids[i - 1][0]]


def summary(ids):
    """One line per run of consecutive indexes: 'index A..B term T' (a term change starts a run)."""
    lines, start = [], 0
    for i in range(1, len(ids) + 1):
        if i == len(ids) or ids[i][0] != ids[i - 1][0] + 1 or ids[i][1] != ids[start][1]:
            lines.append(f"index {ids[start][0]}..{ids[i - 1][0]} term {ids[start][1]}")
            start = i
    return lines
