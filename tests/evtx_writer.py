#!/usr/bin/env python3
"""A small Windows event log (.evtx) writer for tests: no corpus log holds
Security 4663 or 5145 records, so tests/evtx_e2e.sh and the unit test write
their own (checked with libevtx's evtxexport).

The file: a 4096-byte file header, 64 KiB chunks (header with both CRC32s)
and records whose BinXML is one template instance per record with its
template inline (the way Windows writes them: the element tree with
substitutions, then the typed values), so that EventID is a UInt16,
TimeCreated a FILETIME and EventRecordID a UInt64 as libevtx expects.

Usage as a program: evtx_writer.py --fixture OUT.evtx (SECURITY_FIXTURE
below) or evtx_writer.py OUT.evtx SPEC.json, where SPEC is a list
of records {"id": 4663, "time": "2024-03-05T10:11:12.1234567Z",
"channel": "Security", "computer": "FS01", "data": [["Name", "value"], ...]}.
"""
import json
import struct
import sys
import zlib
from datetime import datetime, timezone

CHUNK = 65536
EPOCH_DIFF = 11644473600  # seconds from 1601 to 1970


def filetime(iso):
    """ISO 8601 UTC with up to 7 fractional digits -> FILETIME."""
    s = iso.rstrip('Z')
    frac = 0
    if '.' in s:
        s, f = s.split('.')
        frac = int((f + '0000000')[:7])
    dt = datetime.strptime(s, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=timezone.utc)
    return (int(dt.timestamp()) + EPOCH_DIFF) * 10000000 + frac


def name_hash(name):
    h = 0
    for ch in name:
        h = (h * 65599 + ord(ch)) & 0xffffffff
    return h & 0xffff


class Frag:
    """BinXML written at a known chunk offset (names inline)."""

    def __init__(self, base):
        self.base = base          # chunk offset of self.b[0]
        self.b = bytearray()

    def pos(self):
        return self.base + len(self.b)

    def name(self, name):
        # the name's offset is where it starts: inline, right here
        self.b += struct.pack('<I', self.pos() + 4)
        self.b += struct.pack('<IHH', 0, name_hash(name), len(name))
        self.b += name.encode('utf-16-le') + b'\0\0'

    def open(self, name, attrs=()):
        """Open an element; attrs: (name, writer) pairs; returns the
        position of its data size to patch."""
        start = len(self.b)
        self.b += bytes([0x41 if attrs else 0x01]) + struct.pack('<H', 0xffff)
        self.b += b'\0\0\0\0'   # data size, patched by close()
        self.name(name)
        if attrs:
            at = len(self.b)
            self.b += b'\0\0\0\0'
            for i, (an, val) in enumerate(attrs):
                self.b += bytes([0x46 if i + 1 < len(attrs) else 0x06])
                self.name(an)
                val(self)
            struct.pack_into('<I', self.b, at, len(self.b) - at - 4)
        return start

    def close(self, start, empty=False):
        self.b += bytes([0x03]) if empty else bytes([0x04])
        struct.pack_into('<I', self.b, start + 3, len(self.b) - start - 7)

    def content(self):
        self.b += bytes([0x02])

    def text(self, s):
        self.b += bytes([0x05, 0x01]) + struct.pack('<H', len(s))
        self.b += s.encode('utf-16-le')

    def subst(self, idx, vtype, optional=False):
        self.b += bytes([0x0e if optional else 0x0d]) + \
            struct.pack('<HB', idx, vtype)


def utf16(s):
    return s.encode('utf-16-le')


def record_binxml(base, rec, record_id):
    """One record's BinXML at chunk offset base."""
    data = rec.get('data', [])
    # the values: 0 EventID (UInt16), 1 TimeCreated (FILETIME),
    # 2 EventRecordID (UInt64), then one String per Data
    values = [(0x06, struct.pack('<H', rec['id'])),
              (0x11, struct.pack('<Q', filetime(rec['time']))),
              (0x0a, struct.pack('<Q', record_id))]
    for _, v in data:
        values.append((0x01, utf16(v)))

    out = Frag(base)
    out.b += bytes([0x0f, 1, 1, 0])           # fragment header
    out.b += bytes([0x0c, 1]) + struct.pack('<I', 0)  # template instance
    out.b += struct.pack('<I', out.pos() + 4)          # definition: inline
    t = Frag(out.pos())
    t.b += struct.pack('<I', 0) + bytes(range(16)) + b'\0\0\0\0'
    body = len(t.b)
    t.b += bytes([0x0f, 1, 1, 0])
    ev = t.open('Event', [('xmlns', lambda f: f.text(
        'http://schemas.microsoft.com/win/2004/08/events/event'))])
    t.content()
    sy = t.open('System')
    t.content()
    p = t.open('Provider', [('Name', lambda f: f.text(
        rec.get('provider', 'Microsoft-Windows-Security-Auditing')))])
    t.close(p, empty=True)
    e = t.open('EventID')
    t.content()
    t.subst(0, 0x06)
    t.close(e)
    if 'keywords' in rec:
        # as text (Windows writes a HexInt64 substitution; libevtx renders
        # both the same way)
        k = t.open('Keywords')
        t.content()
        t.text(rec['keywords'])
        t.close(k)
    tc = t.open('TimeCreated', [('SystemTime', lambda f: f.subst(1, 0x11))])
    t.close(tc, empty=True)
    r = t.open('EventRecordID')
    t.content()
    t.subst(2, 0x0a)
    t.close(r)
    c = t.open('Channel')
    t.content()
    t.text(rec.get('channel', 'Security'))
    t.close(c)
    c = t.open('Computer')
    t.content()
    t.text(rec.get('computer', 'FS01'))
    t.close(c)
    t.close(sy)
    ed = t.open('EventData')
    t.content()
    for i, (n, _) in enumerate(data):
        d = t.open('Data', [('Name', lambda f, n=n: f.text(n))])
        t.content()
        t.subst(3 + i, 0x01, optional=True)
        t.close(d)
    t.close(ed)
    t.close(ev)
    t.b += bytes([0x00])
    struct.pack_into('<I', t.b, 20, len(t.b) - body)
    out.b += t.b
    out.b += struct.pack('<I', len(values))
    for vt, vb in values:
        out.b += struct.pack('<HBB', len(vb), vt, 0)
    for _, vb in values:
        out.b += vb
    out.b += bytes([0x00])
    return bytes(out.b)


def write(path, records, first_id=1):
    chunks = []
    cur = []
    rid = first_id
    # pack records into chunks
    off = 512
    for rec in records:
        body = record_binxml(off + 24, rec, rid)
        size = 24 + len(body) + 4
        size += (-size) % 8
        if off + size > CHUNK and cur:
            chunks.append(cur)
            cur = []
            off = 512
            body = record_binxml(off + 24, rec, rid)
            size = 24 + len(body) + 4
            size += (-size) % 8
        cur.append((rid, rec, body, size, off))
        off += size
        rid += 1
    if cur:
        chunks.append(cur)
    out = bytearray()
    hdr = bytearray(4096)
    hdr[0:8] = b'ElfFile\0'
    struct.pack_into('<QQQIHHHH', hdr, 8, 0, max(len(chunks) - 1, 0), rid,
                     128, 1, 3, 4096, len(chunks))
    struct.pack_into('<I', hdr, 120, 0)          # flags: clean
    struct.pack_into('<I', hdr, 124, zlib.crc32(bytes(hdr[:120])))
    out += hdr
    for recs in chunks:
        ch = bytearray(CHUNK)
        ch[0:8] = b'ElfChnk\0'
        last_off = 512
        for r_id, rec, body, size, o in recs:
            rb = bytearray(size)
            rb[0:4] = b'**\0\0'
            struct.pack_into('<IQQ', rb, 4, size, r_id, filetime(rec['time']))
            rb[24:24 + len(body)] = body
            struct.pack_into('<I', rb, size - 4, size)
            ch[o:o + size] = rb
            last_off = o
        free = recs[-1][4] + recs[-1][3]
        first, last = recs[0][0], recs[-1][0]
        struct.pack_into('<QQQQIII', ch, 8, first, last, first, last, 128,
                         last_off, free)
        struct.pack_into('<I', ch, 52, zlib.crc32(bytes(ch[512:free])))
        struct.pack_into('<I', ch, 124,
                         zlib.crc32(bytes(ch[:120]) + bytes(ch[128:512])))
        out += ch
    with open(path, 'wb') as f:
        f.write(out)


def _subject(user='mallory', logon='0x5a3f21'):
    return [['SubjectUserSid', 'S-1-5-21-1-2-3-1104'],
            ['SubjectUserName', user], ['SubjectDomainName', 'CORP'],
            ['SubjectLogonId', logon]]


def _share(t, rel, mask, names, reason):
    return {'id': 5145, 'time': t, 'data': _subject() + [
        ['ObjectType', 'File'], ['IpAddress', '10.20.30.40'],
        ['IpPort', '49812'], ['ShareName', '\\\\*\\Space'],
        ['ShareLocalPath', '\\??\\C:\\Shares\\Space'],
        ['RelativeTargetName', rel], ['AccessMask', mask],
        ['AccessList', names], ['AccessReason', reason]]}


def _object(eid, t, name, handle, mask, names, otype='File'):
    return {'id': eid, 'time': t, 'data': _subject() + [
        ['ObjectServer', 'Security'], ['ObjectType', otype],
        ['ObjectName', name], ['HandleId', handle], ['AccessList', names],
        ['AccessMask', mask], ['ProcessId', '0x4'], ['ProcessName', '']]}


def _handle(eid, t, handle):
    return {'id': eid, 'time': t, 'data': _subject() + [
        ['ObjectServer', 'Security'], ['HandleId', handle],
        ['ProcessId', '0x4'], ['ProcessName', '']]}


# The Security log of file server FS01 that tests/plugin/test_evtx.c and
# tests/evtx_e2e.sh assert on: a network logon of CORP\mallory from
# 10.20.30.40, share and object access to files under C:\Shares\Space.
SECURITY_FIXTURE = [
    {'id': 4624, 'time': '2024-03-05T09:00:01.0000000Z', 'data': [
        ['SubjectUserSid', 'S-1-0-0'], ['SubjectUserName', '-'],
        ['SubjectDomainName', '-'], ['SubjectLogonId', '0x0'],
        ['TargetUserSid', 'S-1-5-21-1-2-3-1104'],
        ['TargetUserName', 'mallory'], ['TargetDomainName', 'CORP'],
        ['TargetLogonId', '0x5a3f21'], ['LogonType', '3'],
        ['LogonProcessName', 'NtLmSsp '],
        ['AuthenticationPackageName', 'NTLM'], ['WorkstationName', 'WS17'],
        ['IpAddress', '10.20.30.40'], ['IpPort', '49812']]},
    {'id': 4672, 'time': '2024-03-05T09:00:01.0000001Z',
     'data': _subject() + [['PrivilegeList', 'SeBackupPrivilege']]},
    {'id': 5140, 'time': '2024-03-05T09:00:03.1000000Z', 'data': _subject() + [
        ['ObjectType', 'File'], ['IpAddress', '10.20.30.40'],
        ['IpPort', '49812'], ['ShareName', '\\\\*\\Space'],
        ['ShareLocalPath', '\\??\\C:\\Shares\\Space'], ['AccessMask', '0x1'],
        ['AccessList', '%%4416\n\t\t\t\t']]},
    _share('2024-03-05T09:00:04.2500001Z', 'Finance\\budget.xlsx',
           '0x120089', '%%1538\n\t\t\t\t%%1541\n\t\t\t\t%%4416\n\t\t\t\t'
           '%%4419\n\t\t\t\t%%4423\n\t\t\t\t',
           '%%1538:\t%%1804 D:(A;;FA;;;WD)\n\t\t\t\t'),
    _share('2024-03-05T09:00:05.5000000Z', 'Finance\\payroll.csv', '0x2',
           '%%4417\n\t\t\t\t', '%%4417:\t%%1801 D:(A;;FA;;;WD)\n\t\t\t\t'),
    _object(4656, '2024-03-05T09:01:00.0000000Z',
            'C:\\Shares\\Space\\plans.docx', '0x1c4', '0x1',
            '%%4416\n\t\t\t\t'),
    _object(4663, '2024-03-05T09:01:00.1234567Z',
            'C:\\Shares\\Space\\plans.docx', '0x1c4', '0x1',
            '%%4416\n\t\t\t\t'),
    _object(4663, '2024-03-05T09:02:00.0000000Z',
            'C:\\Shares\\Space\\old.txt', '0x2a0', '0x10000',
            '%%1537\n\t\t\t\t'),
    _handle(4660, '2024-03-05T09:02:00.0000001Z', '0x2a0'),
    _handle(4658, '2024-03-05T09:02:00.0000002Z', '0x2a0'),
    _object(4663, '2024-03-05T09:03:00.0000000Z',
            '\\REGISTRY\\MACHINE\\SOFTWARE\\Corp', '0x3b0', '0x1',
            '%%4432\n\t\t\t\t', otype='Key'),
    _object(4663, '2024-03-05T09:04:00.0000000Z',
            '\\Device\\HarddiskVolume3\\Shares\\Space\\notes.txt', '0x3c0',
            '0x80', '%%4423\n\t\t\t\t'),
    {'id': 4634, 'time': '2024-03-05T10:00:00.0000000Z', 'data': [
        ['TargetUserSid', 'S-1-5-21-1-2-3-1104'],
        ['TargetUserName', 'mallory'], ['TargetDomainName', 'CORP'],
        ['TargetLogonId', '0x5a3f21'], ['LogonType', '3']]},
    _handle(4658, '2024-03-05T10:00:01.0000000Z', '0x999'),
]

FAILURE = '0x8010000000000000'   # audit failure: the access was refused
SUCCESS = '0x8020000000000000'

# Refused accesses (audit failures) next to granted ones, for
# tests/plugin/test_evtx.c: a refused access proves no read.
DENIED_FIXTURE = [
    dict(_object(4656, '2024-03-06T08:00:00.0000000Z',
                 'C:\\Shares\\Space\\secret.docx', '0x0', '0x1',
                 '%%4416\n\t\t\t\t'), keywords=FAILURE),
    dict(_share('2024-03-06T08:00:01.0000000Z', 'Finance\\payroll.csv',
                '0x1', '%%4416\n\t\t\t\t',
                '%%4416:\t%%1805 D:(D;;FA;;;WD)\n\t\t\t\t'),
         keywords=FAILURE),
    dict(_object(4663, '2024-03-06T08:00:02.0000000Z',
                 'C:\\Shares\\Space\\plans.docx', '0x1d0', '0x1',
                 '%%4416\n\t\t\t\t'), keywords=SUCCESS),
]


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--fixture':
        write(sys.argv[2], SECURITY_FIXTURE)
    elif len(sys.argv) == 3 and sys.argv[1] == '--denied-fixture':
        write(sys.argv[2], DENIED_FIXTURE)
    elif len(sys.argv) == 3:
        with open(sys.argv[2]) as f:
            write(sys.argv[1], json.load(f))
    else:
        sys.exit('usage: evtx_writer.py OUT.evtx SPEC.json | '
                 '--fixture OUT.evtx | --denied-fixture OUT.evtx')
