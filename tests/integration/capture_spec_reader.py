"""A capture reader written from docs/capture-format.md alone (Python 3
stdlib), to show the page is enough: it checks the header and every block's
CRC-32C, reads schemas, clock, samples (rebuilding repeated headers) and
records, and decodes the declared fields of samples."""
import struct

MAGIC = b"\x89PKCAP\r\n"
SYNC = b"PKBK"
HEADER = struct.Struct("<QQIIIIIHH16s")  # the 56-byte sample header


def _crc_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc_table()


def crc32c(data, crc=0):
    crc ^= 0xFFFFFFFF
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


class Cursor:
    def __init__(self, data):
        self.data, self.at = data, 0

    def take(self, fmt):
        v = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return v[0] if len(v) == 1 else v

    def str(self):
        n = self.take("I")
        s = self.data[self.at:self.at + n].decode("utf-8", "replace")
        self.at += n
        return s


def read_schema(payload):
    c = Cursor(payload)
    s = {"id": c.take("I"), "name": c.str(), "plugin": c.str(), "version": c.str(),
         "mode": c.str(), "options": {}, "events": []}
    for _ in range(c.take("I")):
        key = c.str()
        s["options"][key] = c.str()
    for _ in range(c.take("I")):
        e = {"name": c.str(), "help": c.str()}
        e["min_size"], e["max_size"], e["flags"], e["custom_decode"] = c.take("IIII")
        e["fields"] = []
        for _ in range(c.take("I")):
            f = {"name": c.str()}
            f["type"], f["offset"], f["size"], f["flags"] = c.take("IIII")
            f["help"] = c.str()
            kind, n = c.take("II")
            f["names"] = [(c.take("Q"), c.str()) for _ in range(n)]
            e["fields"].append(f)
        s["events"].append(e)
    return s


WIDTH = {1: ("B", 1), 2: ("H", 2), 3: ("I", 4), 4: ("Q", 8), 5: ("i", 4), 6: ("q", 8),
         7: ("B", 1), 13: ("b", 1), 14: ("h", 2)}


def decode_field(f, sample):
    t, off, size = f["type"], f["offset"], f["size"]
    if t in WIDTH:
        fmt, width = WIDTH[t]
        if f["flags"] & 32:  # NET_ORDER
            fmt = ">" + fmt
        else:
            fmt = "<" + fmt
        v = struct.unpack_from(fmt, sample, off)[0]
        return bool(v) if t == 7 else v
    if t == 8:  # STR
        raw = sample[off:off + size] if size else sample[off:]
        return raw.split(b"\0", 1)[0].decode("utf-8", "replace")
    if t == 9:  # U64_ARRAY
        return list(struct.unpack_from(f"<{size // 8}Q", sample, off))
    return None  # other types are not needed by the test


def read(path):
    """Yields ("record", dict) per sample or RECORD block, then ("end", trailer-or-None)."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:8] != MAGIC:
        raise ValueError("not a capture")
    major, minor, header_size = struct.unpack_from("<HHI", data, 8)
    if major != 1 or struct.unpack_from("<I", data, 24)[0] != 0x01020304:
        raise ValueError("unsupported")
    if crc32c(data[:header_size - 4]) != struct.unpack_from("<I", data, header_size - 4)[0]:
        raise ValueError("header checksum")
    schemas, offset, at, trailer = {}, 0, header_size, None
    while at + 16 <= len(data):
        if data[at:at + 4] != SYNC:
            raise ValueError(f"no sync at {at}")
        btype, _flags, length, crc = struct.unpack_from("<HHII", data, at + 4)
        payload = data[at + 16:at + 16 + length]
        if crc32c(payload, crc32c(data[at + 4:at + 12])) != crc:
            raise ValueError(f"bad block at {at}")
        at += 16 + ((length + 7) & ~7)
        if btype == 1:
            s = read_schema(payload)
            schemas[s["id"]] = s
        elif btype == 3:
            offset = struct.unpack_from("<q", payload)[0]
        elif btype == 2:
            schema = schemas[struct.unpack_from("<I", payload)[0]]
            count, pos, prev = struct.unpack_from("<I", payload, 4)[0], 8, None
            for _ in range(count):
                size, flags = struct.unpack_from("<II", payload, pos)
                stored = size - 48 if flags & 1 else size
                raw = payload[pos + 8:pos + 8 + stored]
                pos += 8 + ((stored + 7) & ~7)
                sample = raw[:8] + prev[8:56] + raw[8:] if flags & 1 else raw
                prev = sample
                ts, cgroup, pid, tid, uid, auid, session, etype, present, comm = \
                    HEADER.unpack_from(sample)
                event = schema["events"][etype]
                record = {"ts": (ts + offset) & (2**64 - 1), "probe": schema["name"],
                          "event": event["name"], "pid": pid, "tid": tid, "uid": uid,
                          "comm": comm.split(b"\0", 1)[0].decode("utf-8", "replace"),
                          "cgroup": cgroup, "custom_decode": event["custom_decode"],
                          "fields": {f["name"]: decode_field(f, sample) for f in event["fields"]}}
                yield "record", record
        elif btype == 6:
            trailer = struct.unpack_from("<QQQQ", payload)
    yield "end", trailer
