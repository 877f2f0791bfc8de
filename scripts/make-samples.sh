#!/usr/bin/env bash
# make-samples.sh -- rebuild samples/: a small multi-division intrusion case.
#
# usage: sudo sh scripts/make-samples.sh [OUTDIR]     (default: samples/)
#
# Builds three NTFS disk images (MBR, one NTFS partition at sector 2048):
#   FS01  file server data disk, per-division shares   (16 MiB)
#   WS17  workstation of the Administration division   (12 MiB)
#   WS22  workstation of the Research division         (12 MiB)
# populates them through ntfs-3g (FUSE) with a scripted intrusion, acquires
# each one with ewfacquire (E01, deflate best, case metadata), and writes
#   OUTDIR/evidence/{FS01,WS17,WS22}.E01   the evidence
#   OUTDIR/evidence.tsv                    label, division, image (demo.sh)
#   OUTDIR/targets.csv                     the register of targeted files
#   OUTDIR/shares.csv                      share path prefix -> division
#   OUTDIR/expected.json                   ground truth, machine-readable
#   OUTDIR/SCENARIO.md                     ground truth, for people
#
# Every time is scripted: the clock of mkntfs, ntfs-3g and ewfacquire is
# libfaketime's, frozen and moved by this script before each file-system
# operation, so $FILE_NAME times, $STANDARD_INFORMATION "MFT modified" times,
# folder times and the volume serial are scripted too. Names, sizes,
# contents and times come from a fixed seed. The one timestomp is a raw
# patch of the $STANDARD_INFORMATION attribute after unmounting (ntfs-3g's
# system.ntfs_times would rewrite $FILE_NAME as well).
#
# Needs root (FUSE mount), mkntfs + ntfs-3g, ewfacquire (ewf-tools),
# fls/istat/icat (sleuthkit), libfaketime (package faketime, installed with
# apt-get when missing), python3 (stdlib only).
# Environment: KEEP_WORK=1 keeps the raw images in the work folder.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$top/samples}

if [ "$(id -u)" -ne 0 ]; then
    echo "make-samples.sh: must run as root (ntfs-3g FUSE mount)" >&2; exit 1
fi

find_faketime() {
    for f in /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1 \
             /usr/lib/*/faketime/libfaketime.so.1 \
             /usr/lib/faketime/libfaketime.so.1 \
             /usr/local/lib/faketime/libfaketime.so.1; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}
LIBFT=$(find_faketime || true)
if [ -z "$LIBFT" ] && command -v apt-get >/dev/null; then
    echo "[make-samples] installing faketime" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
          DEBIAN_FRONTEND=noninteractive apt-get install -y -q faketime >/dev/null 2>&1; } || true
    LIBFT=$(find_faketime || true)
fi
[ -n "$LIBFT" ] || { echo "make-samples.sh: libfaketime not found (apt-get install faketime)" >&2; exit 1; }

for t in mkntfs ntfs-3g ewfacquire ewfinfo fls istat icat python3 mountpoint umount truncate; do
    command -v "$t" >/dev/null || { echo "make-samples.sh: missing tool: $t" >&2; exit 1; }
done

WORK=$(mktemp -d -t touchline-samples.XXXXXX)
cleanup() {
    set +e
    for m in "$WORK"/mnt-*; do
        [ -d "$m" ] && mountpoint -q "$m" && { umount "$m" || umount -l "$m"; }
    done
    if [ "${KEEP_WORK:-0}" = 1 ]; then
        echo "[make-samples] work folder kept: $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$OUT/evidence"
python3 - "$OUT" "$LIBFT" "$WORK" <<'PY_EOF'
import datetime, hashlib, io, json, os, random, re, struct, subprocess, sys
import time, zipfile, csv

OUT, LIBFT, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
SEED = "touchline-samples-1"

# ---------------------------------------------------------------- time ----
# All times are int 100 ns ticks since 1970-01-01T00:00:00Z (NTFS precision).
S = 10**7                     # ticks per second
MIN, HOUR, DAY = 60 * S, 3600 * S, 86400 * S
NT_EPOCH = 116444736000000000  # 1601 -> 1970 in ticks


def T(s):
    """'2023-06-12T01:02:13.4471123Z' -> ticks"""
    s = s.rstrip("Z")
    main, _, frac = s.partition(".")
    dt = datetime.datetime.strptime(main, "%Y-%m-%dT%H:%M:%S").replace(
        tzinfo=datetime.timezone.utc)
    return int(dt.timestamp()) * S + int((frac + "0000000")[:7])


def iso(t):
    sec, f = divmod(t, S)
    d = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S") + ".%07dZ" % f


def fake(t):
    """libfaketime's absolute, frozen format. libfaketime reads the fraction
    as a double: 50 ns more keeps the truncation to 100 ns ticks exact."""
    return iso(t)[:-2].replace("T", " ") + "%02d" % ((t % 10) * 10 + 5) + "0"


W0 = T("2023-06-05T00:00:00Z")    # intrusion window, start inclusive
W1 = T("2023-06-21T00:00:00Z")    # end exclusive
PRE_LO = T("2022-01-03T00:00:00Z")
PRE_HI = T("2023-05-26T00:00:00Z")    # latest pre-window creation
PRE_MT = T("2023-06-01T18:00:00Z")    # latest pre-window modification
PRE_AT = T("2023-06-03T18:00:00Z")    # latest pre-window access
STOMP = T("2019-03-11T08:00:00Z")     # the timestomp value (zero fraction)


def inw(t):
    return W0 <= t < W1


def work_time(rng, lo, hi):
    """a weekday 06:00-17:00 time in [lo, hi); any time if none fits"""
    if hi <= lo:
        return lo
    for _ in range(60):
        t = lo + rng.randrange(hi - lo)
        day = t - t % DAY
        if datetime.datetime.fromtimestamp(day // S, datetime.timezone.utc).weekday() >= 5:
            continue
        t = day + rng.randrange(6 * HOUR, 17 * HOUR) + rng.randrange(S)
        if lo <= t < hi:
            return t
    return lo + rng.randrange(hi - lo)


# ------------------------------------------------------------- content ----
WORDS = """thermal vacuum cycle interface bracket harness connector pin torque
qualification acceptance margin telemetry command uplink downlink budget mass
power heater radiator deployment hinge latch bolt preload vibration sine random
shock survey resonance frequency damping fixture test article procedure step
nominal redundant failure mode effect criticality analysis requirement verify
review board action item closure baseline revision drawing tolerance surface
finish coating anodise passivation inspection nonconformance waiver deviation
supplier delivery schedule milestone payment invoice clause liability warranty
export licence classification controlled technical data recipient transfer
propellant xenon tank pressure regulator valve flow injector chamber nozzle
thrust specific impulse efficiency plume erosion cathode anode magnet coil
optical bench mirror lens focal plane detector calibration alignment boresight
star tracker quaternion attitude wheel momentum gyro sun sensor magnetometer
software build release firmware patch boot loader checksum memory scrub watchdog
antenna gain pattern polarisation transponder ranging modulation bandwidth link
solar array cell string diode shunt battery charge discharge depth converter
structure panel honeycomb insert adhesive bond cure laminate ply stiffness load
meeting minutes attendee agenda decision risk mitigation owner due date status
open closed pending approved rejected draft final signed confidential partner
programme project phase design preliminary critical flight model engineering
qualification unit spare ground support equipment transport container cleanroom
""".split()

HEADS = {
    ".pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    ".docx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml ",
    ".xlsx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml ",
    ".pptx": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml ",
    ".docm": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml ",
    ".dwg": b"AC1032\x00\x00\x00\x00\x00\x00",
    ".step": b"ISO-10303-21;\nHEADER;\n",
    ".msg": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
    ".png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    ".db": b"\x0c\x00\xe0\x11\x00\x00\x00\x00",
    ".exe": b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00",
}
TAILS = {".pdf": b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n", ".step": b"\nEND-ISO-10303-21;\n"}


def make_content(key, name, lines, size):
    """deterministic bytes of exactly `size` bytes; unique per key"""
    r = random.Random(SEED + "|content|" + key)
    ext = os.path.splitext(name)[1].lower()
    head = HEADS.get(ext, b"")
    tail = TAILS.get(ext, b"")
    meta = ("\n".join(lines + ["Document-ID: %032x" % r.getrandbits(128)]) + "\n\n").encode()
    body = bytearray()
    need = size - len(head) - len(meta) - len(tail)
    while len(body) < need:
        body += (" ".join(r.choice(WORDS) for _ in range(r.randint(6, 14))).capitalize()
                 + ".\n").encode()
    data = (head + meta + bytes(body[:max(0, need)]) + tail)
    if len(data) > size:                 # tiny files: keep the magic and the ID
        data = data[:size]
    assert len(data) == size
    return data


def pick_size(rng):
    r = rng.random()
    if r < 0.36:
        return rng.randint(310, 880)          # resident in the MFT record
    if r < 0.86:
        return rng.randint(1100, 6200)
    return rng.randint(6300, 15800)


# --------------------------------------------------------------- model ----
class Node:
    def __init__(self, img, path, is_dir):
        self.img, self.path, self.is_dir = img, path, is_dir
        self.name = path.rsplit("/", 1)[-1] if path != "/" else ""
        self.content = b""
        self.orig = None          # content as registered, before a modification
        self.cr = self.mt = self.at = self.ct = None    # final $SI times
        self.clock = None         # clock when created: $FN times
        self.phase = "pre"        # pre: created before the window; win: in it
        self.del_t = None         # deletion time (in the window)
        self.stomped = False
        self.partner = None
        self.classification = ""
        self.intent = "none"      # what the scenario did to it
        self.role = ""
        self.copy_of = None
        self.ino = None

    @property
    def parent(self):
        p = self.path.rsplit("/", 1)[0]
        return p or "/"


class Image:
    def __init__(self, label, division, size_mib, fmt_time, vol_label, sig,
                 acq_time, ev_no, desc):
        self.label, self.division, self.size_mib = label, division, size_mib
        self.fmt_time, self.vol_label, self.sig = fmt_time, vol_label, sig
        self.acq_time, self.ev_no, self.desc = acq_time, ev_no, desc
        self.nodes = {}
        self.ops = []             # window operations: (t, kind, node)
        r = self.nodes["/"] = Node(self, "/", True)
        r.cr = r.clock = fmt_time

    def dir(self, path):
        if path in self.nodes:
            return self.nodes[path]
        self.dir(path.rsplit("/", 1)[0] or "/")
        n = self.nodes[path] = Node(self, path, True)
        return n

    def file(self, path, size, times, lines=None, rng=None, partner=None,
             classification="", content=None):
        assert path not in self.nodes, path
        self.dir(path.rsplit("/", 1)[0] or "/")
        n = self.nodes[path] = Node(self, path, False)
        n.partner, n.classification = partner, classification
        if content is None:
            hdr = ["Title: " + os.path.splitext(n.name)[0].replace("_", " ")]
            if partner:
                hdr += ["Partner: " + partner, "Classification: " + classification]
            hdr += lines or []
            content = make_content(self.label + path, n.name, hdr, size)
        n.content = content
        n.cr, n.mt, n.ct, n.at = times
        n.clock = n.cr
        return n

    def files(self):
        return [n for n in self.nodes.values() if not n.is_dir]


def pre_times(rng, lo=PRE_LO, hi=PRE_HI, copy_p=0.07):
    """(cr, mt, ct, at) of a file created before the window"""
    cr = work_time(rng, lo, hi)
    r = rng.random()
    if r < copy_p:                       # copied in from elsewhere, long ago
        back = min(320 * DAY, cr - T("2022-01-01T00:00:00Z"))
        mt = cr - rng.randrange(min(5 * DAY, back // 2), back) - rng.randrange(S)
        ct = cr + rng.randrange(S // 50)
    elif r < 0.42:                       # saved once, right after creation
        mt = cr + rng.randrange(2 * S, 95 * S)
        ct = mt
    else:                                # edited later
        mt = work_time(rng, cr + HOUR, min(cr + 160 * DAY, PRE_MT))
        ct = mt + rng.randrange(0, S // 20)
    last = max(cr, mt, ct)
    at = work_time(rng, last, min(last + 75 * DAY, PRE_AT))
    at = max(at, last)
    return cr, mt, ct, at


# ------------------------------------------------------------ partners ----
PARTNERS = [
    # display name, folder, subsystems, classification
    ("Orbitek", "Orbitek", ["Reaction_Wheel", "Star_Tracker", "Harness"], "Partner Confidential"),
    ("Helionix", "Helionix", ["Solar_Array", "PCDU"], "Partner Confidential"),
    ("Kestrel Dynamics", "KestrelDynamics", ["Injector", "Thruster", "Feed_System"], "Export Controlled"),
    ("AstraForge", "AstraForge", ["Structure", "Deployable_Boom"], "Partner Confidential"),
    ("Nordwind Aerospace", "Nordwind", ["Antenna", "Transponder"], "Partner Confidential"),
    ("Vantor Optics", "VantorOptics", ["Telescope", "Focal_Plane"], "Export Controlled"),
    ("Quasaris", "Quasaris", ["OBC", "Flight_Software"], "Restricted"),
    ("Meridian Propulsion", "MeridianPropulsion", ["Hall_Thruster", "PPU", "Xenon_Tank"], "Export Controlled"),
    ("Lumen Orbital", "LumenOrbital", ["Laser_Terminal", "Ground_Segment"], "Partner Confidential"),
    ("Cobalt Ridge Systems", "CobaltRidge", ["Radiation_Test", "Parts_Screening"], "Restricted"),
]
PBY = {p[0]: p for p in PARTNERS}
PREFIX = {"Orbitek": "Orbitek", "Helionix": "Helionix", "Kestrel Dynamics": "Kestrel",
          "AstraForge": "AstraForge", "Nordwind Aerospace": "Nordwind",
          "Vantor Optics": "Vantor", "Quasaris": "Quasaris",
          "Meridian Propulsion": "Meridian", "Lumen Orbital": "Lumen",
          "Cobalt Ridge Systems": "CobaltRidge"}

KINDS = {
    "Contracts": [("{P}_Master_Services_Agreement", ".pdf"), ("{P}_NDA_signed", ".pdf"),
                  ("{P}_Statement_of_Work_{ph}", ".docx"), ("{P}_Price_Proposal_{yr}", ".xlsx"),
                  ("{P}_Contract_Amendment_{n}", ".pdf"), ("{P}_Purchase_Order_{po}", ".pdf")],
    "ICD": [("{P}_{sub}_Interface_Control_Document_Rev{rev}", ".pdf"),
            ("{P}_{sub}_ICD_Comments_{date}", ".xlsx")],
    "Test Reports": [("{P}_{sub}_Thermal_Vacuum_Test_Report", ".pdf"),
                     ("{P}_{sub}_Vibration_Test_Data_{date}", ".csv"),
                     ("{P}_{sub}_Acceptance_Test_Results", ".xlsx"),
                     ("{P}_{sub}_Test_Procedure_Rev{rev}", ".docx")],
    "Drawings": [("{P}_{sub}_Assembly_Drawing_Rev{rev}", ".dwg"),
                 ("{P}_{sub}_CAD_Model_Rev{rev}", ".step")],
    "Meetings": [("{P}_Design_Review_Minutes_{date}", ".docx"),
                 ("{P}_Progress_Meeting_{date}", ".pptx")],
    "Specs": [("{P}_{sub}_Requirements_Specification_v{v}", ".docx"),
              ("{P}_{sub}_Performance_Spec_Rev{rev}", ".pdf")],
    "Correspondence": [("RE {P} {topic} {date}", ".msg")],
}
TOPICS = ["delivery slip", "NCR closure", "schedule update", "pricing", "export licence",
          "test witness", "ICD change request", "invoice query"]


def partner_docs(img, rng, base, partner, n, subfolders, lo=PRE_LO, hi=PRE_HI):
    """n target documents of `partner` under base/<sub>/"""
    disp, folder, subs, klass = PBY[partner]
    P = PREFIX[partner]
    made = []
    tries = 0
    while len(made) < n:
        tries += 1
        assert tries < 5000
        sf = rng.choice(subfolders)
        tmpl, ext = rng.choice(KINDS[sf])
        times = pre_times(rng, lo, hi)
        d = datetime.datetime.fromtimestamp(times[0] // S, datetime.timezone.utc)
        name = tmpl.format(P=P, sub=rng.choice(subs), ph=rng.choice(["Phase_B", "Phase_C", "Phase_D"]),
                           yr=d.year, n="%02d" % rng.randint(1, 9), po="PO-%06d" % rng.randint(4500, 99999),
                           rev=rng.choice("ABCDEF"), date=d.strftime("%Y-%m-%d"),
                           v="%d.%d" % (rng.randint(1, 4), rng.randint(0, 9)),
                           topic=rng.choice(TOPICS))
        if rng.random() < 0.13 and " " not in name:
            name = name.replace("_", " ")
        path = "%s/%s/%s%s" % (base, sf, name, ext)
        if path in img.nodes:
            continue
        n_ = img.file(path, pick_size(rng), times, rng=rng, partner=partner,
                      classification=klass,
                      lines=["Author: " + rng.choice(AUTHORS), "Project: " + rng.choice(PROJECTS)])
        made.append(n_)
    return made


AUTHORS = ["M. Bauer", "L. Chen", "J. Okafor", "S. Lindqvist", "P. Moreau", "A. Novak",
           "T. Haraldsen", "R. Iyer", "K. Yamada", "D. Fischer"]
PROJECTS = ["ARGOS-2", "Borealis-Sat", "LEO-Relay", "HELIOS-EP"]


def clutter(img, rng, base, names):
    out = []
    for nm in names:
        ext = os.path.splitext(nm)[1]
        out.append(img.file(base + "/" + nm, rng.randint(120, 700) if ext != ".png" else rng.randint(1800, 4200),
                            pre_times(rng, copy_p=0)))
    return out


def plain(img, rng, paths, lo=PRE_LO, hi=PRE_HI):
    out = []
    for p in paths:
        out.append(img.file(p, pick_size(rng), pre_times(rng, lo, hi),
                            lines=["Author: " + rng.choice(AUTHORS)]))
    return out


# ---------------------------------------------------------- the images ----
rng = random.Random(SEED)

FS01 = Image("FS01", "Space Technology", 16, T("2021-09-01T08:12:31Z"), "DATA",
             0x46533031, T("2023-06-22T09:41:00Z"), "EV-2023-0611-01",
             "FS01 file server, data disk (D:) with the division shares")
WS17 = Image("WS17", "Administration", 12, T("2022-01-10T07:31:05Z"), "Windows",
             0x57533137, T("2023-06-22T13:17:00Z"), "EV-2023-0611-02",
             "WS17 workstation of M. Bauer (Administration), system disk (C:)")
WS22 = Image("WS22", "Research", 12, T("2022-01-12T07:48:40Z"), "Windows",
             0x57533232, T("2023-06-22T15:02:00Z"), "EV-2023-0611-03",
             "WS22 workstation of L. Chen (Research), system disk (C:)")
IMAGES = [FS01, WS17, WS22]

SHARES = [("FS01", "/Shares/SpaceTechnology", "Space Technology"),
          ("FS01", "/Shares/Administration", "Administration"),
          ("FS01", "/Shares/Research", "Research"),
          ("FS01", "/Shares/Research/Joint-Propulsion", "Space Technology")]


def division_of(img, path):
    best = None
    for ev, pre, div in SHARES:
        if ev == img.label and (path == pre or path.startswith(pre + "/")):
            if best is None or len(pre) > len(best[0]):
                best = (pre, div)
    return best[1] if best else img.division


# FS01 ---------------------------------------------------------------------
ST = "/Shares/SpaceTechnology"
RS = "/Shares/Research"
AD = "/Shares/Administration"
ENG = ["ICD", "Test Reports", "Drawings", "Meetings", "Specs", "Correspondence"]
fs = {}     # (share, partner) -> docs
for partner, n in [("Orbitek", 34), ("Helionix", 14), ("AstraForge", 22), ("Nordwind Aerospace", 18),
                   ("Quasaris", 20), ("Lumen Orbital", 16)]:
    fs[("ST", partner)] = partner_docs(FS01, rng, "%s/Partners/%s" % (ST, PBY[partner][1]), partner, n, ENG)
for partner, n in [("Helionix", 12), ("Kestrel Dynamics", 24), ("Vantor Optics", 20), ("Quasaris", 8),
                   ("Cobalt Ridge Systems", 14)]:
    fs[("RS", partner)] = partner_docs(FS01, rng, "%s/Partners/%s" % (RS, PBY[partner][1]), partner, n,
                                       ["ICD", "Test Reports", "Specs", "Meetings", "Correspondence"])
fs[("JP", "Meridian Propulsion")] = partner_docs(FS01, rng, RS + "/Joint-Propulsion/MeridianPropulsion",
                                                 "Meridian Propulsion", 26,
                                                 ["ICD", "Test Reports", "Drawings", "Specs", "Meetings"])
for partner, n in [("Orbitek", 8), ("Nordwind Aerospace", 6), ("Cobalt Ridge Systems", 8), ("Lumen Orbital", 6)]:
    fs[("AD", partner)] = partner_docs(FS01, rng, "%s/Procurement/Partners/%s" % (AD, PBY[partner][1]),
                                       partner, n, ["Contracts"])
# two German-language Nordwind reports (non-ASCII names)
for nm in ["Nordwind_Übergabeprotokoll_Antenna.pdf", "Nordwind_Prüfbericht_Transponder.pdf"]:
    fs[("ST", "Nordwind Aerospace")].append(
        FS01.file("%s/Partners/Nordwind/Test Reports/%s" % (ST, nm), pick_size(rng), pre_times(rng),
                  partner="Nordwind Aerospace", classification="Partner Confidential"))
# a name with a comma (CSV quoting)
fs[("ST", "Orbitek")].append(
    FS01.file(ST + "/Partners/Orbitek/Drawings/Orbitek_Harness_Drawing, Rev B.dwg", pick_size(rng),
              pre_times(rng), partner="Orbitek", classification="Partner Confidential"))

fs_clutter = []
for share, partner in fs:
    base = {"ST": ST + "/Partners/", "RS": RS + "/Partners/", "JP": RS + "/Joint-Propulsion/",
            "AD": AD + "/Procurement/Partners/"}[share] + PBY[partner][1]
    names = ["desktop.ini"]
    if share in ("ST", "RS"):
        names += ["%s_logo.png" % PREFIX[partner]]
    if share == "ST":
        names += ["Thumbs.db"]
    fs_clutter += clutter(FS01, rng, base, names)

fs_other = plain(FS01, rng, [
    ST + "/Projects/ARGOS-2/Schedules/ARGOS-2_Master_Schedule.xlsx",
    ST + "/Projects/ARGOS-2/Schedules/ARGOS-2_Integration_Plan.docx",
    ST + "/Projects/ARGOS-2/Design/ARGOS-2_System_Budget.xlsx",
    ST + "/Projects/ARGOS-2/Design/ARGOS-2_Architecture.pptx",
    ST + "/Projects/ARGOS-2/Reviews/ARGOS-2_PDR_Action_Items.xlsx",
    ST + "/Projects/Borealis-Sat/Design/Borealis_Thermal_Model_Notes.txt",
    ST + "/Projects/Borealis-Sat/Design/Borealis_Mass_Budget.xlsx",
    ST + "/Projects/Borealis-Sat/Reviews/Borealis_CDR_Minutes.docx",
    ST + "/Projects/LEO-Relay/Design/LEO-Relay_Link_Budget.xlsx",
    ST + "/Projects/LEO-Relay/Design/LEO-Relay_Concept.pptx",
    ST + "/Projects/LEO-Relay/Schedules/LEO-Relay_Schedule.xlsx",
    ST + "/Templates/Test_Report_Template.docx",
    ST + "/Templates/ICD_Template.docx",
    ST + "/Templates/Meeting_Minutes_Template.docx",
    RS + "/Labs/Propulsion Lab/Lab_Safety_Rules.pdf",
    RS + "/Labs/Propulsion Lab/Equipment_List.xlsx",
    RS + "/Labs/Propulsion Lab/Calibration_Log_2023.csv",
    RS + "/Labs/Optics Lab/Cleanroom_Booking.xlsx",
    RS + "/Labs/Optics Lab/Interferometer_Manual.pdf",
    RS + "/Publications/IAC2022_Paper_Draft.docx",
    RS + "/Publications/Poster_Template.pptx",
    AD + "/HR/Staff_Directory.xlsx",
    AD + "/HR/Onboarding_Checklist.docx",
    AD + "/HR/Holiday_Calendar_2023.pdf",
    AD + "/Finance/Budget_2023_Overview.xlsx",
    AD + "/Finance/Cost_Centres.csv",
    AD + "/Finance/Travel_Policy.pdf",
    AD + "/Facilities/Floor_Plan_Building_B.pdf",
    AD + "/Facilities/Parking_Allocation.xlsx",
    AD + "/Legal/Standard_Terms_and_Conditions.pdf",
    AD + "/Legal/Export_Control_Procedure.docx",
    AD + "/Procurement/Approved_Supplier_List.xlsx",
    AD + "/Procurement/Procurement_Manual.pdf",
    AD + "/tmp/scan_0042.pdf",
    AD + "/tmp/copier_test.txt",
    "/Shares/Public/Announcements/IT_Maintenance_May2023.pdf",
    "/Shares/Public/Forms/Leave_Request_Form.docx",
    "/Shares/Public/Forms/Expense_Claim_Form.xlsx",
    "/Shares/Public/Welcome.txt",
])
# decoys: files present before the window, touched by normal work in it
rota = FS01.file(AD + "/HR/Staff_Rota_June2023.xlsx", 5230, pre_times(rng, T("2023-05-22T08:00:00Z"),
                 T("2023-05-25T16:00:00Z"), copy_p=0))
menu = FS01.file(AD + "/Facilities/Canteen_Menu_wk23.pdf", 2211, pre_times(rng, T("2023-05-30T08:00:00Z"),
                 T("2023-06-01T16:00:00Z"), copy_p=0))
party = FS01.file("/Shares/Public/Announcements/Summer_Party_2023.pdf", 3070,
                  pre_times(rng, T("2023-05-15T08:00:00Z"), T("2023-05-19T16:00:00Z"), copy_p=0))
leave = FS01.nodes["/Shares/Public/Forms/Leave_Request_Form.docx"]
argos = FS01.nodes[ST + "/Projects/ARGOS-2/Schedules/ARGOS-2_Master_Schedule.xlsx"]

# WS17 ---------------------------------------------------------------------
U17 = "/Users/mbauer"
ws17 = {}
for partner, n in [("Orbitek", 10), ("Lumen Orbital", 8), ("Nordwind Aerospace", 6), ("Cobalt Ridge Systems", 6)]:
    ws17[partner] = partner_docs(WS17, rng, "%s/Documents/Contracts/%s" % (U17, PBY[partner][1]), partner, n,
                                 ["Contracts", "Contracts", "Contracts", "Correspondence"], lo=T("2022-02-01T00:00:00Z"))
ws17_other = plain(WS17, rng, [
    U17 + "/Documents/Budget/Admin_Budget_2023_Q1.xlsx",
    U17 + "/Documents/Budget/Admin_Budget_2023_Q2.xlsx",
    U17 + "/Documents/Budget/Cost_Report_2022.xlsx",
    U17 + "/Documents/HR/Team_Vacation_Plan_2023.xlsx",
    U17 + "/Documents/HR/Performance_Review_Notes.docx",
    U17 + "/Documents/Travel/Travel_Request_Toulouse.docx",
    U17 + "/Documents/Travel/Hotel_Booking_Confirmation.pdf",
    U17 + "/Documents/Templates/Letter_Template.docx",
    U17 + "/Documents/Templates/Contract_Checklist.xlsx",
    U17 + "/Desktop/Phone_List.pdf",
    U17 + "/Desktop/ToDo.txt",
    U17 + "/Downloads/Tax_Form_2022.pdf",
    U17 + "/Downloads/Conference_Invoice_4471.pdf",
    U17 + "/Downloads/Office_Update_Notes.txt",
    U17 + "/Pictures/Team_Event_2022.png",
    U17 + "/AppData/Local/Temp/~DF3A21.tmp",
    "/Users/Public/Documents/Printer_Setup.txt",
    "/Windows/win.ini",
    "/Windows/System32/drivers/etc/hosts",
    "/Windows/System32/drivers/etc/services",
    "/ProgramData/Microsoft/Windows/Start Menu/Programs/Outlook.lnk",
], lo=T("2022-01-10T09:00:00Z"))
WS17.file("/Users/Public/Libraries/RecordedTV.library-ms", 1017,
          (T("2022-01-10T07:40:12.3300000Z"), T("2022-01-10T07:40:12.3300000Z"),
           T("2022-01-10T07:40:12.3300000Z"), T("2022-01-10T07:40:12.3300000Z")))
budget = WS17.nodes[U17 + "/Documents/Budget/Admin_Budget_2023_Q2.xlsx"]
phones = WS17.nodes[U17 + "/Desktop/Phone_List.pdf"]

# WS22 ---------------------------------------------------------------------
U22 = "/Users/lchen"
ws22 = {}
for partner, n in [("Kestrel Dynamics", 14), ("Vantor Optics", 10), ("Meridian Propulsion", 10), ("Helionix", 6)]:
    ws22[partner] = partner_docs(WS22, rng, "%s/Documents/Partners/%s" % (U22, PBY[partner][1]), partner, n,
                                 ["Test Reports", "ICD", "Specs", "Meetings"], lo=T("2022-02-01T00:00:00Z"))
ws22_other = plain(WS22, rng, [
    U22 + "/Documents/Thesis/Chapter1_Introduction.docx",
    U22 + "/Documents/Thesis/Chapter2_Background.docx",
    U22 + "/Documents/Thesis/Chapter3_draft.docx",
    U22 + "/Documents/Thesis/References.bib",
    U22 + "/Documents/Papers/Hall_Thruster_Erosion_Review.pdf",
    U22 + "/Documents/Papers/Injector_Atomisation_Study.pdf",
    U22 + "/Documents/Papers/Optical_Bench_Stability.pdf",
    U22 + "/Documents/Lab/Lab_Book_Index.xlsx",
    U22 + "/Documents/Lab/Sensor_Calibration.csv",
    U22 + "/Documents/Scripts/plot_thrust.py",
    U22 + "/Documents/Scripts/reduce_data.py",
    U22 + "/Desktop/Reading_List.txt",
    U22 + "/Desktop/Lab_Access_Badge.pdf",
    U22 + "/Downloads/IAC2023_Conference_Programme.pdf",
    U22 + "/Downloads/python-3.11.3-amd64.exe",
    U22 + "/Downloads/Datasheet_PT100.pdf",
    U22 + "/Pictures/Test_Stand_Photo.png",
    "/Users/Public/Documents/Printer_Setup.txt",
    "/Windows/win.ini",
    "/Windows/System32/drivers/etc/hosts",
    "/Windows/System32/drivers/etc/services",
    "/ProgramData/Microsoft/Windows/Start Menu/Programs/MATLAB R2022b.lnk",
], lo=T("2022-01-12T09:00:00Z"))
thesis3 = WS22.nodes[U22 + "/Documents/Thesis/Chapter3_draft.docx"]
iacprog = WS22.nodes[U22 + "/Downloads/IAC2023_Conference_Programme.pdf"]

# --------------------------------------------------- legitimate spreads ----
# Before the window M. Bauer saved copies of three FS01 Orbitek contracts to
# her Documents (copy signature, dated 2022-2023 before the window).
legit_dups = []
for src in rng.sample(fs[("AD", "Orbitek")], 3):
    cr = work_time(rng, max(src.mt, src.cr) + DAY, PRE_HI)
    at = work_time(rng, cr, PRE_AT)
    n = WS17.file(U17 + "/Documents/Reference/" + src.name, len(src.content),
                  (cr, src.mt, cr + rng.randrange(S // 50), at), content=src.content)
    n.role = "legit copy of FS01:%s (before the window)" % src.path
    legit_dups.append(n)

# a same-name, different-size file on WS17's Desktop (not a target)
nm_trap_src = rng.choice([d for d in fs[("ST", "Lumen Orbital")] if d.name.endswith(".pdf")])
nm_trap = WS17.file(U17 + "/Desktop/" + nm_trap_src.name, len(nm_trap_src.content) + 517,
                    pre_times(rng, lo=T("2023-03-01T00:00:00Z")), lines=["Draft notes, not the partner document"])
nm_trap.role = "same name as a name+size target (FS01:%s), other size: not a target" % nm_trap_src.path

# ------------------------------------------------------------ register globs ----
# glob rows: a few partner folders listed by pattern
GLOBS = [
    ("Orbitek", "FS01", "/Shares/SpaceTechnology/Partners/Orbitek/**/*.pdf", "all Orbitek PDFs on the engineering share"),
    ("Helionix", "FS01", "\\Shares\\Research\\Partners\\Helionix\\*\\*", "everything in the Helionix research sub-folders"),
    ("AstraForge", "FS01", "shares/spacetechnology/partners/astraforge/drawings/*", "all AstraForge drawings"),
    ("Kestrel Dynamics", "WS22", "/Users/lchen/Documents/Partners/Kestrel*/**/*.pdf", "Kestrel PDFs on L. Chen's PC"),
    ("Vantor Optics", "FS01", "/Shares/Research/Partners/VantorOptics/**/*Spec*", "Vantor specifications"),
    ("Quasaris", "FS01", "/Shares/SpaceTechnology/Partners/Quasaris/Meetings/Quasaris_*_202?-*.*", "Quasaris meeting records"),
]


def glob_re(p, one_or_more=False):
    p = p.replace("\\", "/").lstrip("/").lower()
    out, i = "", 0
    while i < len(p):
        if p.startswith("**/", i):
            out += "(?:[^/]*/)+" if one_or_more else "(?:[^/]*/)*"
            i += 3
        elif p.startswith("**", i):
            out += ".*"
            i += 2
        elif p[i] == "*":
            out += "[^/]*"
            i += 1
        elif p[i] == "?":
            out += "[^/]"
            i += 1
        else:
            out += re.escape(p[i])
            i += 1
    return re.compile(out + r"\Z")



def glob_hit(d, label="FS01"):
    return any(glob_re(g[2]).match(d.path.lstrip("/").lower()) for g in GLOBS if g[1] == label)


# ------------------------------------------------------------ intrusion ----
ALL_FS_DOCS = [d for k, v in fs.items() for d in v]


def ms(r):
    return r.randrange(S // 200, S // 20)      # 5..50 ms in ticks


def copy_to(img, src, dest_dir, t, rng, name=None):
    """Explorer-style copy at t: created now, modified as the source"""
    n = img.file(dest_dir + "/" + (name or src.name), len(src.content),
                 (t, src.mt, t + ms(rng), t + ms(rng)), content=src.content)
    n.phase = "win"
    n.clock = t
    n.partner, n.classification = src.partner, src.classification
    n.copy_of = src
    n.intent = "copied"
    img.ops.append((t, "create", n))
    src.at = t + ms(rng) // 3        # the copy read the source
    src.intent = "accessed"
    return n


def new_file(img, path, t, size, rng, lines=None, content=None, dt=None):
    dt = dt if dt is not None else rng.randrange(2 * S, 9 * S)
    n = img.file(path, size, (t, t + dt, t + dt, t + dt), lines=lines, content=content)
    n.phase, n.clock = "win", t
    img.ops.append((t, "create", n))
    return n


def mkdir_win(img, path, t):
    d = img.dir(path)
    d.phase, d.cr, d.clock = "win", t, t
    img.ops.append((t, "mkdir", d))
    return d


def zip_of(members, when):
    b = io.BytesIO()
    dt = datetime.datetime.fromtimestamp(when // S, datetime.timezone.utc)
    with zipfile.ZipFile(b, "w") as z:
        for m in members:
            zi = zipfile.ZipInfo(m.name, dt.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_STORED
            zi.create_system = 0
            zi.external_attr = 0x20
            z.writestr(zi, m.content)
    return b.getvalue()


def read(n, t):
    n.at = t
    n.intent = "accessed"


def modify(n, t, rng, who):
    n.orig = n.content
    new = n.content + ("\n[%s] revised: %s\n" % (who, " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 90))))).encode()
    n.content = new
    n.mt = t
    n.ct = t + ms(rng)
    n.at = t + ms(rng)
    n.intent = "modified"


def delete(n, t):
    n.del_t = t
    n.intent = "deleted"
    n.img.ops.append((t, "delete", n))


taken = set()


def choose(pool, k, r):
    c = [d for d in pool if id(d) not in taken]
    out = r.sample(c, k)
    for d in out:
        taken.add(id(d))
    return out


r = random.Random(SEED + "|intrusion")

# ---- WS17: phishing, reads, staging in C:\Users\Public\Libraries --------
phish = new_file(WS17, U17 + "/Downloads/Remittance_Advice_0606.docm", T("2023-06-06T08:47:12.1840361Z"),
                 6144, r, lines=["Remittance advice", "Enable content to view"], dt=S + 2377110)
phish.role = "phishing attachment (created in the window, deleted in the window)"
ws17_docs = [d for v in ws17.values() for d in v]
t = T("2023-06-06T08:52:31.0412205Z")
ws17_read = choose(ws17_docs, 10, r)
for d in sorted(ws17_read, key=lambda d: d.path):
    read(d, t)
    d.role = "read by the intruder on WS17"
    t += r.randrange(20 * S, 80 * S) + r.randrange(S)
ws17_copy_src = choose([d for d in ws17_docs if not d.name.startswith("RE ")], 8, r)
t = T("2023-06-07T22:14:03.5120044Z")
ws17_copies = []
for d in sorted(ws17_copy_src, key=lambda d: d.path):
    c = copy_to(WS17, d, "/Users/Public/Libraries", t, r)
    c.role = "staging copy (WS17 C:\\Users\\Public\\Libraries)"
    d.role = "copied to WS17 staging"
    ws17_copies.append(c)
    t += r.randrange(4 * S, 20 * S) + r.randrange(S)
tz = T("2023-06-07T22:19:41.6630712Z")
zdata = zip_of(ws17_copies, tz)
ws17_zip = new_file(WS17, "/Users/Public/Libraries/lib_0607.zip", tz, len(zdata), r, content=zdata, dt=2 * S + 1180934)
ws17_zip.role = "archive of the WS17 staging copies"
ws17_mod = choose([d for d in ws17["Orbitek"] if d.name.endswith((".pdf", ".docx", ".xlsx"))], 1, r)[0]
modify(ws17_mod, T("2023-06-09T13:22:51.3389016Z"), r, "M. Bauer")
ws17_mod.role = "modified in the window (by its owner, M. Bauer)"
budget.orig = budget.content
budget.content += b"\nQ2 forecast updated\n"
budget.mt, budget.ct, budget.at = (T("2023-06-08T07:58:10.4127730Z"),) * 3
budget.intent, budget.role = "modified", "decoy: normal work in the window (not a target)"
read(phones, T("2023-06-08T08:01:44.9061321Z"))
phones.role = "decoy: normal work in the window (not a target)"
expense = new_file(WS17, U17 + "/Documents/Travel/Expense_Claim_June.xlsx", T("2023-06-16T10:30:02.2211940Z"),
                   3391, r, lines=["Expense claim June 2023"])
expense.role = "decoy: created in the window by normal work (not a target)"
delete(phish, T("2023-06-19T23:40:05.0072184Z"))

# ---- FS01: burst of reads ------------------------------------------------
# across the Space Technology and Research shares; none under a glob row, so
# the 64 files are also 64 distinct register rows
burst_pool = [d for k, v in fs.items() if k[0] in ("ST", "RS") for d in v if not glob_hit(d)]
burst_docs = choose(burst_pool, 64, r)
burst_clutter = r.sample([c for c in fs_clutter if "/Procurement/" not in c.path
                          and "/Joint-Propulsion/" not in c.path], 6)
B0 = T("2023-06-12T01:02:07.3312406Z")
t = B0
for d in sorted(burst_docs + burst_clutter, key=lambda d: d.path):
    read(d, t)
    d.role = "burst" if d in burst_docs else "decoy: non-target opened during the burst"
    t += r.randrange(3 * S, 7 * S) + r.randrange(S)
burst_last = t

# ---- FS01: staging in /Shares/Administration/tmp/stage and archive -------
copy_pool = [d for k, v in fs.items() if k[0] in ("ST", "RS", "JP") for d in v
             if not d.name.startswith("RE ") and "Übergabe" not in d.name and "Prüf" not in d.name
             and "," not in d.name]
fs_copy_src = choose(copy_pool, 20, r)
STAGE = AD + "/tmp/stage"
mkdir_win(FS01, STAGE, T("2023-06-13T02:30:51.8804512Z"))
t = T("2023-06-13T02:31:14.2046783Z")
fs_copies = []
for d in sorted(fs_copy_src, key=lambda d: d.path):
    c = copy_to(FS01, d, STAGE, t, r)
    c.role = "staging copy (FS01 %s)" % STAGE
    d.role = "copied to FS01 staging"
    fs_copies.append(c)
    t += r.randrange(12 * S, 35 * S) + r.randrange(S)
tz = T("2023-06-13T02:47:30.0915525Z")
zdata = zip_of(fs_copies, tz)
fs_zip = new_file(FS01, STAGE + "/s0613.zip", tz, len(zdata), r, content=zdata, dt=3 * S + 2284402)
fs_zip.role = "archive of the FS01 staging copies"

# ---- FS01: modifications (tampered test reports) -------------------------
mod_pool = [d for d in fs[("ST", "AstraForge")] + fs[("ST", "Quasaris")] + fs[("JP", "Meridian Propulsion")]
            if d.name.endswith((".docx", ".xlsx", ".pdf", ".csv"))]
fs_mod = choose(mod_pool, 4, r)
t = T("2023-06-13T03:05:12.7310055Z")
for d in sorted(fs_mod, key=lambda d: d.path):
    modify(d, t, r, "unknown")
    d.role = "modified by the intruder"
    t += r.randrange(60 * S, 130 * S) + r.randrange(S)

# ---- FS01: deletions ------------------------------------------------------
del_pool = fs[("RS", "Kestrel Dynamics")] + fs[("RS", "Vantor Optics")]
fs_del = choose(del_pool, 5, r)
t = T("2023-06-14T03:16:40.5528110Z")
for i, d in enumerate(sorted(fs_del, key=lambda d: d.path)):
    if i < 2:
        d.at = t
        t += r.randrange(30 * S, 50 * S)
for d in sorted(fs_del, key=lambda d: d.path):
    t += r.randrange(20 * S, 60 * S) + r.randrange(S)
    delete(d, t)
    d.role = "deleted by the intruder"

# ---- FS01: scattered reads on other days, decoys, boundaries -------------
fs_scatter = choose(ALL_FS_DOCS, 10, r)
for d in fs_scatter:
    day = r.choice([T("2023-06-05T00:00:00Z"), T("2023-06-08T00:00:00Z"), T("2023-06-15T00:00:00Z"),
                    T("2023-06-19T00:00:00Z"), T("2023-06-20T00:00:00Z")])
    read(d, work_time(r, day, day + DAY))
    d.role = "read in the window (not in the burst)"
bound_tgt = choose([d for d in ALL_FS_DOCS if d.at < T("2023-06-01T00:00:00Z")], 1, r)[0]
bound_tgt.at = W0 - 1
bound_tgt.role = "boundary: last access 100 ns before the window (not exposed)"
rota.orig = rota.content
rota.content += b"\nWeek 24 swapped\n"
rota.mt, rota.ct, rota.at = T("2023-06-07T09:12:40.1092336Z"), T("2023-06-07T09:12:40.1142210Z"), T("2023-06-07T09:12:40.1092336Z")
rota.intent, rota.role = "modified", "decoy: normal work in the window (not a target)"
read(menu, T("2023-06-05T11:02:17.6603118Z"))
menu.role = "decoy: normal work in the window (not a target)"
argos.orig = argos.content
argos.content += b"\nMilestone M7 moved\n"
argos.mt, argos.ct, argos.at = (T("2023-06-16T14:05:33.2500719Z"),) * 3
argos.intent, argos.role = "modified", "decoy: normal work in the window (not a target)"
allhands = new_file(FS01, "/Shares/Public/Announcements/AllHands_2023-06-15.pptx", T("2023-06-15T08:30:12.5150041Z"),
                    7420, r, lines=["All hands 15 June 2023"])
allhands.role = "decoy: created in the window by normal work (not a target)"
party.at = W1
party.role = "boundary: last access exactly at the window end (end is exclusive: not in the window)"
leave.at = W0 - 1
leave.mt = min(leave.mt, W0 - DAY)
leave.role = "boundary: last access 100 ns before the window start"

# ---- WS22: reads, staging + timestomp, modifications, deletions ----------
ws22_docs = [d for v in ws22.values() for d in v]
t = T("2023-06-15T01:10:22.9014471Z")
ws22_read = choose(ws22_docs, 12, r)
for d in sorted(ws22_read, key=lambda d: d.path):
    read(d, t)
    d.role = "read by the intruder on WS22"
    t += r.randrange(40 * S, 80 * S) + r.randrange(S)
DS = "/ProgramData/Microsoft/DeviceSync"
mkdir_win(WS22, DS, T("2023-06-15T01:29:44.3170298Z"))
stomp_src = choose([d for d in ws22["Kestrel Dynamics"] if d.name.endswith(".xlsx") or d.name.endswith(".pdf")], 1, r)[0]
ws22_copy_src = [stomp_src] + choose([d for d in ws22_docs if not d.name.startswith("RE ")], 2, r)
t = T("2023-06-15T01:30:10.6648803Z")
ws22_copies = []
for d in ws22_copy_src:
    c = copy_to(WS22, d, DS, t, r)
    c.role = "staging copy (WS22 C:\\ProgramData\\Microsoft\\DeviceSync)"
    d.role = "copied to WS22 staging"
    ws22_copies.append(c)
    t += r.randrange(25 * S, 45 * S) + r.randrange(S)
stomped = ws22_copies[0]
stomped.stomped = True
stomped.stomp_t = T("2023-06-15T01:33:02.0000000Z")
stomped.cr = stomped.mt = stomped.ct = stomped.at = STOMP
stomped.role = "staging copy, timestomped: all four $SI times set to %s" % iso(STOMP)
ws22_mod = choose([d for d in ws22_docs if d.name.endswith((".docx", ".xlsx", ".csv"))], 2, r)
t = T("2023-06-15T01:40:03.1209981Z")
for d in sorted(ws22_mod, key=lambda d: d.path):
    modify(d, t, r, "unknown")
    d.role = "modified by the intruder"
    t += r.randrange(90 * S, 180 * S) + r.randrange(S)
ws22_del = choose(ws22_docs, 3, r)
t = T("2023-06-15T01:52:18.4410036Z")
for d in sorted(ws22_del, key=lambda d: d.path):
    delete(d, t)
    d.role = "deleted by the intruder"
    t += r.randrange(40 * S, 70 * S) + r.randrange(S)
labnotes = new_file(WS22, U22 + "/Documents/Lab/lab_notes_2023-06-16.txt", T("2023-06-16T09:14:27.0410882Z"),
                    1874, r, lines=["Lab notes 16 June"])
labnotes.role = "decoy: created in the window by normal work (not a target)"
thesis3.orig = thesis3.content
thesis3.content += b"\nSection 3.4 rewritten\n"
thesis3.mt, thesis3.ct, thesis3.at = (T("2023-06-19T16:40:55.7181302Z"),) * 3
thesis3.intent, thesis3.role = "modified", "decoy: normal work in the window (not a target)"
read(iacprog, T("2023-06-20T12:00:31.3061007Z"))
iacprog.role = "decoy: normal work in the window (not a target)"

for img in IMAGES:
    img.ops.sort(key=lambda o: (o[0], o[1] != "mkdir"))


# ----------------------------------------------------- directory times ----
def dir_times(img, rng):
    """pre-window folders: born before their first child, modified when the
    last child was added; set bottom-up"""
    dirs = sorted([n for n in img.nodes.values() if n.is_dir and n.phase == "pre"],
                  key=lambda n: -n.path.count("/") if n.path != "/" else 1)
    kids = {}
    for n in img.nodes.values():
        if n.path != "/" and n.phase == "pre":
            kids.setdefault(n.parent, []).append(n)
    for d in dirs:
        ch = kids.get(d.path, [])
        first = min([c.clock for c in ch], default=None)
        last = max([c.clock for c in ch], default=None)
        if d.path != "/":
            lo = img.fmt_time + HOUR
            hi = (first - MIN) if first else PRE_HI
            d.cr = d.clock = max(lo, hi - rng.randrange(HOUR, 20 * DAY)) + rng.randrange(S)
            d.cr = d.clock = min(d.cr, hi)
        d.mt = max(last or d.cr, d.cr)
        d.ct = d.mt
        d.at = d.mt + rng.randrange(0, 3 * DAY)
        d.at = min(d.at, PRE_AT)


for img in IMAGES:
    dir_times(img, random.Random(SEED + "|dirs|" + img.label))
    # folder times must still cover their children; recompute mt after fix-up
    for n in img.nodes.values():
        if n.is_dir and n.phase == "pre":
            ch = [c for c in img.nodes.values() if c.path != "/" and c.parent == n.path and c.phase == "pre"]
            n.mt = max([c.clock for c in ch] + [n.cr])
            n.ct = n.mt
            n.at = min(max(n.at, n.mt), PRE_AT) if n.mt <= PRE_AT else n.mt
    for n in img.nodes.values():
        assert n.clock is not None and n.cr is not None, n.path
        if n.path != "/":
            assert img.nodes[n.parent].clock <= n.clock, (n.path, iso(n.clock))

# ---------------------------------------------------------- the register ----
class Row:
    def __init__(self, partner, klass, division, note=""):
        self.f = {"path": "", "name": "", "size": "", "md5": "", "sha1": "", "sha256": "",
                  "partner": partner, "classification": klass, "division": division,
                  "evidence": "", "note": note}
        self.intended = []


def hashes(b):
    return hashlib.md5(b).hexdigest(), hashlib.sha1(b).hexdigest(), hashlib.sha256(b).hexdigest()


def user_path(p, style, rr, label):
    ascii_ok = all(ord(c) < 128 for c in p)
    if style == "drive":                  # dropped by the matcher
        return ("C:" + p if label != "FS01" else "\\\\FS01" + p).replace("/", "\\")
    if style == "exact":
        return p
    if style == "noslash":
        return p[1:]
    if style == "back":
        return p.replace("/", "\\")
    if style == "back_noslash":
        return p[1:].replace("/", "\\")
    if style == "lower" and ascii_ok:
        return p.lower()
    if style == "upper_dirs" and ascii_ok:
        parts = p.split("/")
        return "/".join(x.upper() if i < len(parts) - 1 else x for i, x in enumerate(parts))
    if style == "mixed":
        out = []
        for ch in p[1:]:
            out.append(("\\" if rr.random() < 0.5 else "/") if ch == "/" else ch)
        q = "".join(out)
        return q if not ascii_ok else (q[:12].lower() + q[12:])
    return p


PATH_STYLES = ["exact"] * 9 + ["noslash"] * 3 + ["back"] * 3 + ["back_noslash"] * 3 + \
              ["lower"] * 2 + ["upper_dirs"] + ["mixed"] * 2 + ["drive"] * 2

rows = []
rr = random.Random(SEED + "|register")
docs_all = [(FS01, d) for d in ALL_FS_DOCS] + [(WS17, d) for v in ws17.values() for d in v] + \
           [(WS22, d) for v in ws22.values() for d in v]

glob_cover = {}
for partner, ev, pat, note in GLOBS:
    rx = glob_re(pat)
    img = {"FS01": FS01, "WS17": WS17, "WS22": WS22}[ev]
    hits = [d for i_, d in docs_all if i_ is img and rx.match(d.path.lstrip("/").lower())]
    assert len(hits) >= 2, (pat, len(hits))
    for d in hits:
        assert d.partner == partner, (pat, d.path)
        glob_cover[id(d)] = pat
    row = Row(partner, PBY[partner][3], division_of(img, hits[0].path), note)
    row.f["path"], row.f["evidence"] = pat, ev
    row.intended = hits
    rows.append(row)

copied_srcs = {id(c.copy_of) for img in IMAGES for c in img.files() if c.copy_of}
dup_srcs = {id(d) for d in ALL_FS_DOCS if any(x.content == d.content for x in legit_dups)}
NOTES_PATH = ["", "", "", "per partner NDA", "ITAR/EAR review pending", "listed by partner 2023-05",
              "from DLP export", "owner confirmed"]
for img, d in docs_all:
    covered = id(d) in glob_cover
    spread = id(d) in copied_srcs or id(d) in dup_srcs
    if covered and rr.random() < 0.7 and not spread and d is not nm_trap_src:
        continue                          # the glob row stands for it
    div = division_of(img, d.path)
    row = Row(d.partner, d.classification, div)
    reg = d.orig if d.orig is not None else d.content
    md5, sha1, sha256 = hashes(reg)
    upper = rr.random() < 0.12
    if upper:
        md5, sha1, sha256 = md5.upper(), sha1.upper(), sha256.upper()
    k = rr.random()
    if d is nm_trap_src:                   # the WS17 Desktop file has its name
        kind = "name_size"
    elif d.orig is not None:                 # modified: the register knows the path
        kind = "path"
    elif spread:                           # copies exist: identify by content or name
        kind = "sha256" if k < 0.45 else ("hashes" if k < 0.6 else "name_size")
    else:
        kind = ("path_hash" if k < 0.30 else "path" if k < 0.62 else "name_size" if k < 0.76 else
                "name" if k < 0.79 else "sha256" if k < 0.90 else "md5" if k < 0.95 else "sha1")
    if kind in ("path", "path_hash"):
        row.f["path"] = user_path(d.path, rr.choice(PATH_STYLES), rr, img.label)
        row.f["evidence"] = img.label if rr.random() < 0.8 else ""
        row.f["note"] = rr.choice(NOTES_PATH)
        if kind == "path_hash":
            row.f["size"] = str(len(reg))
            row.f["sha256"] = sha256
            if rr.random() < 0.5:
                row.f["md5"], row.f["sha1"] = md5, sha1
    elif kind == "name_size":
        row.f["name"] = d.name if rr.random() < 0.85 or not d.name.isascii() else d.name.lower()
        row.f["size"] = str(len(reg))
        row.f["note"] = rr.choice(["location unknown", "partner list", "", "seen in mail"])
    elif kind == "name":
        row.f["name"] = d.name
        row.f["note"] = "name only"
    elif kind == "sha256":
        row.f["sha256"] = sha256
        row.f["note"] = rr.choice(["hash from partner", "DLP hash", ""])
    elif kind == "hashes":
        row.f["md5"], row.f["sha1"], row.f["sha256"] = md5, sha1, sha256
        row.f["size"] = str(len(reg))
        row.f["note"] = "hash set from partner"
    elif kind == "md5":
        row.f["md5"] = md5
        row.f["note"] = "legacy MD5 list"
    elif kind == "sha1":
        row.f["sha1"] = sha1
        row.f["note"] = "SHA-1 from partner portal"
    row.kind = kind
    row.intended = [d]
    rows.append(row)

# targets not present in any evidence item (register entries with no match)
for partner, disp in [(p[0], p) for p in PARTNERS]:
    P = PREFIX[partner]
    for j in range(rr.randint(1, 3)):
        k = j % 3
        row = Row(partner, PBY[partner][3], "Space Technology" if k == 0 else
                  rr.choice(["Space Technology", "Research", "Administration"]), "not located")
        if k == 0:
            row.f["path"] = "/Shares/SpaceTechnology/Partners/%s/Contracts/%s_Side_Letter_%d.pdf" % (PBY[partner][1], P, 2020 + j)
            row.f["evidence"] = "FS01"
        elif k == 1:
            row.f["sha256"] = hashlib.sha256(("missing|%s|%d" % (partner, j)).encode()).hexdigest()
        else:
            row.f["name"] = "%s_Export_Licence_Application.pdf" % P
            row.f["size"] = str(rr.randint(20000, 90000))
        rows.append(row)

# order: by partner, shuffled inside
order = {p[0]: i for i, p in enumerate(PARTNERS)}
rr.shuffle(rows)
rows.sort(key=lambda row: order[row.f["partner"]])

# --------------------------------------------------------------- match ----
objects = [(img, n) for img in IMAGES for n in img.files()]
for img, n in objects:
    n.deleted = n.del_t is not None
    n.h = hashes(n.content)
    n.division = division_of(img, n.path)


def norm_user_path(p):
    p = p.replace("\\", "/")
    if len(p) >= 2 and p[1] == ":" and p[0].isalpha():
        p = p[2:]                          # drive letter
    elif p.startswith("//"):
        p = "/" + p[2:].split("/", 1)[1]   # UNC host
    return p.lstrip("/").lower()


def row_matches(row, semantics, scope_division=True):
    """semantics: 'first' (docs/TARGETS.md: path, else name, else content;
    size restricts), 'and' / 'or' (all / any identifier), 'plus' ('**/'
    needs at least one folder)"""
    f = row.f
    hits = []
    for img, n in objects:
        if f["evidence"] and f["evidence"] != img.label:
            continue
        if scope_division and f["division"] and f["division"].lower() != n.division.lower():
            continue
        ids = []
        if f["path"]:
            p = f["path"]
            if "*" in p or "?" in p:
                ids.append(bool(glob_re(norm_user_path(p), semantics == "plus").match(n.path.lstrip("/").lower())))
            else:
                ids.append(norm_user_path(p) == n.path.lstrip("/").lower())
        if f["name"]:
            ids.append(f["name"].lower() == n.name.lower())
        hs = [f[k].lower() == n.h[i] for i, k in enumerate(("md5", "sha1", "sha256")) if f[k]]
        size_ok = not f["size"] or int(f["size"]) == len(n.content)
        if semantics == "first":
            ok = (ids[0] and size_ok) if ids else (any(hs) and size_ok)
        else:
            ids += hs
            if not ids:
                continue
            ok = (all(ids) if semantics == "and" else any(ids)) and size_ok
        if ok:
            hits.append(n)
    return hits


for row in rows:
    row.hits = row_matches(row, "first", scope_division=False)
    assert row.hits == row_matches(row, "and", False), ("and/first differ", row.f)
    assert row.hits == row_matches(row, "or", False), ("or/first differ", row.f)
    assert row.hits == row_matches(row, "plus", False), ("** differs", row.f)
    for d in row.intended:
        assert d in row.hits, ("intended not matched", row.f, d.path)
    # the division column scopes a row: give it only where every match agrees
    divs = {n.division for n in row.hits}
    if row.hits:
        row.f["division"] = divs.pop() if len(divs) == 1 and rr.random() < 0.9 else ""
    assert row.hits == row_matches(row, "first"), ("division scope", row.f)

for img, n in objects:
    n.rows = []
for i, row in enumerate(rows, 1):
    row.no = i
    for n in row.hits:
        n.rows.append(i)
for img, n in objects:
    n.target = bool(n.rows)
    ps = sorted({rows[i - 1].f["partner"] for i in n.rows})
    assert len(ps) <= 1, (n.path, ps)
    if ps:
        n.partner = ps[0]
    n.row_hashes = {rows[i - 1].f[k].lower() for i in n.rows for k in ("md5", "sha1", "sha256")} - {""}


# ------------------------------------------------------------- verdicts ----
# verdict: what a file's own times show, most serious first (docs/EXPOSURE.md
# order). exposure_verdict: touchline exposure's, which also calls a file
# copied when a copy of it was created in the window elsewhere.
def copies_of(n, fn_creation=True):
    """objects created in the window elsewhere with n's name and size or n's
    content (or the content of one of n's rows)"""
    out = []
    for img, x in objects:
        if x is n:
            continue
        if not inw(x.clock if fn_creation else x.cr):   # clock: $FN created
            continue
        if (x.name.lower() == n.name.lower() and len(x.content) == len(n.content)) or \
                x.h[2] == n.h[2] or any(h in n.row_hashes for h in x.h):
            out.append(x)
    return out


def self_copy(n):
    """created in the window after its last modification (the copy
    signature), or $FN born in the window while $SI claims an earlier birth"""
    return (inw(n.cr) and n.cr > n.mt) or (inw(n.clock) and n.cr < n.clock)


def file_verdict(n, copied_elsewhere=False):
    if self_copy(n) or copied_elsewhere:
        return "copied"
    if n.deleted:
        return "deleted"
    if inw(n.mt):
        return "modified"
    if inw(n.clock) and n.cr < W0:      # a $FILE_NAME written in the window
        return "renamed"
    if inw(n.at):
        return "accessed"
    return "none"


def anomalies(n):
    a = []
    if n.cr < n.clock:
        a.append("si-created-before-fn-created")
    if all(t % S == 0 for t in (n.cr, n.mt, n.ct, n.at)):
        a.append("si-zero-subseconds")
    if n.cr > n.mt:
        a.append("copy-signature")
    return a


for img, n in objects:
    n.copies = copies_of(n)
    n.verdict = file_verdict(n)
    n.exposure_verdict = file_verdict(n, bool(n.copies))
    n.exposure_verdict_si = file_verdict(n, bool(copies_of(n, False)))
    n.anomalies = anomalies(n)
    if n.intent == "accessed":          # a read moves only $SI accessed
        assert max(n.cr, n.mt, n.ct, n.clock) < W0 and inw(n.at), n.path
    if n.intent == "copied" and not n.stomped:
        assert inw(n.cr) and inw(n.ct) and inw(n.at) and n.mt < W0, n.path
    assert n.target == (n.partner is not None)

# what the scenario did, against the verdicts
copy_src = {id(c.copy_of): c for img, c in objects if c.copy_of is not None}
for img, n in objects:
    if not n.target:
        continue
    assert n.verdict == n.intent, (n.path, n.verdict, n.intent)
    if id(n) in copy_src:
        assert n.exposure_verdict == "copied" and n.role.startswith("copied to"), n.path
    else:
        assert n.exposure_verdict == n.verdict, (n.path, n.exposure_verdict, n.verdict)
    if n.exposure_verdict_si != n.exposure_verdict:   # only the timestomped copy's source
        assert copy_src[id(n)].stomped, n.path

# intended roles vs the register
for img, n in objects:
    if n.role.startswith("decoy") or n in (phish, fs_zip, ws17_zip, nm_trap, party, leave):
        assert not n.target, n.path
for c in fs_copies + ws17_copies + ws22_copies + legit_dups:
    assert c.target, c.path


# bursts: target files touched (any $SI or $FN time in the window) within 10
# minutes, per evidence item
def max_burst(img):
    touches = sorted((t, id(n)) for x_img, n in objects if x_img is img and n.target
                     for t in {n.cr, n.mt, n.ct, n.at, n.clock} if inw(t))
    best_n, best_at = 0, None
    j = 0
    for i in range(len(touches)):
        while touches[i][0] - touches[j][0] >= 10 * MIN:
            j += 1
        k = len({o for _, o in touches[j:i + 1]})
        if k > best_n:
            best_n, best_at = k, (touches[j][0], touches[i][0])
    return best_n, best_at


bursts = {img.label: max_burst(img) for img in IMAGES}
burst_targets = [n for img, n in objects if img is FS01 and n.target and n.role == "burst"]
best = bursts["FS01"][0]
assert best == len(burst_targets) == 64, bursts
assert len({r_ for n in burst_targets for r_ in n.rows}) == 64
for k, v in bursts.items():
    assert k == "FS01" or v[0] < 50, (k, v)
burst_all = [n for img, n in objects if img is FS01 and B0 <= n.at < B0 + 10 * MIN]
burst_divs = {}
for n in burst_targets:
    burst_divs[n.division] = burst_divs.get(n.division, 0) + 1
stomped_src = stomped.copy_of

# ------------------------------------------------------------ build fs ----
def run(cmd, env=None, **kw):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run(cmd, env=e, check=True, **kw)


def ft_env(spec=None, file=None):
    e = {"LD_PRELOAD": LIBFT, "FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "UTC"}
    if spec:
        e["FAKETIME"] = spec
    if file:
        e["FAKETIME_TIMESTAMP_FILE"] = file
        e["FAKETIME_NO_CACHE"] = "1"
    return e


def log(*a):
    print("[make-samples]", *a, file=sys.stderr, flush=True)


def build(img):
    vol = os.path.join(WORK, img.label + ".vol")
    mnt = os.path.join(WORK, "mnt-" + img.label)
    clockf = os.path.join(WORK, "clock-" + img.label)
    os.makedirs(mnt, exist_ok=True)
    vol_bytes = img.size_mib * 1048576 - 1048576
    with open(vol, "wb") as f:
        f.truncate(vol_bytes)
    run(["mkntfs", "-q", "-F", "-f", "-L", img.vol_label, "-c", "4096", "-s", "512", "-p", "2048",
         "-H", "255", "-S", "63", vol], env=ft_env(spec=fake(img.fmt_time)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def clock(t):
        with open(clockf + ".new", "w") as f:
            f.write(fake(t) + "\n")
        os.replace(clockf + ".new", clockf)

    clock(img.fmt_time)
    logf = open(os.path.join(WORK, img.label + ".ntfs-3g.log"), "w")
    p = subprocess.Popen(["ntfs-3g", "-o", "no_detach,noatime,big_writes", vol, mnt],
                         env=dict(os.environ, **ft_env(file=clockf)), stdout=logf, stderr=logf)
    for _ in range(100):
        if os.path.ismount(mnt):
            break
        if p.poll() is not None:
            raise SystemExit("ntfs-3g exited early")
        time.sleep(0.1)
    else:
        raise SystemExit("mount timed out")

    def P(path):
        return mnt + path

    def barrier():
        os.getxattr(mnt, "system.ntfs_times")   # a request ntfs-3g must answer

    def create(n):
        barrier()
        clock(n.clock)
        fd = os.open(P(n.path), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            os.write(fd, n.content)
        finally:
            os.close(fd)
        barrier()
        clock(n.ct if not n.stomped else n.clock + 2 * ms(random.Random(n.path)))
        if n.stomped:
            os.utime(P(n.path), ns=(n.clock * 100, n.copy_of.mt * 100))
        else:
            os.utime(P(n.path), ns=(n.at * 100, n.mt * 100))
        n.ino = os.stat(P(n.path)).st_ino

    def mkdir(n):
        barrier()
        clock(n.clock)
        os.mkdir(P(n.path))
        n.ino = os.stat(P(n.path)).st_ino

    try:
        pre = sorted([n for n in img.nodes.values() if n.phase == "pre" and n.path != "/"],
                     key=lambda n: (not n.is_dir, n.clock if not n.is_dir else n.path.count("/"), n.path))
        # folders parents first, in order of their creation inside each depth
        dirs = sorted([n for n in pre if n.is_dir], key=lambda n: (n.clock, n.path))
        for d in dirs:
            mkdir(d)
        for n in sorted([n for n in pre if not n.is_dir], key=lambda n: (n.clock, n.path)):
            create(n)
        for d in sorted([n for n in img.nodes.values() if n.is_dir and n.phase == "pre"],
                        key=lambda n: -n.path.count("/")):
            barrier()
            clock(d.ct)
            os.utime(P(d.path) if d.path != "/" else mnt, ns=(d.at * 100, d.mt * 100))
        for t, kind, n in img.ops:
            if kind == "mkdir":
                mkdir(n)
            elif kind == "create":
                create(n)
        for t, kind, n in img.ops:
            if kind == "delete":
                barrier()
                clock(t)
                os.unlink(P(n.path))
        barrier()
        st = os.statvfs(mnt)
        log("%s: %d files, %d folders, %.1f of %.1f MiB used" % (
            img.label, len(img.files()), sum(1 for n in img.nodes.values() if n.is_dir),
            (st.f_blocks - st.f_bfree) * st.f_frsize / 1048576, st.f_blocks * st.f_frsize / 1048576))
    finally:
        subprocess.run(["umount", mnt])
        p.wait()
        logf.close()
    if p.returncode != 0:
        raise SystemExit("ntfs-3g failed for " + img.label)
    for n in img.nodes.values():
        if n.stomped:
            patch_si(vol, n.ino, STOMP)
    return vol


def mft_layout(f):
    """(record size, [(byte offset, byte length)] of the $MFT data runs)"""
    f.seek(0)
    bs = f.read(512)
    bps = struct.unpack_from("<H", bs, 11)[0]
    cl = bps * bs[13]
    mft_lcn = struct.unpack_from("<q", bs, 0x30)[0]
    cpr = struct.unpack_from("<b", bs, 0x40)[0]
    rsz = cl * cpr if cpr > 0 else 1 << -cpr
    f.seek(mft_lcn * cl)
    rec0 = fixup(bytearray(f.read(rsz)), bps)
    runs = None
    for typ, a in attrs(rec0):
        if typ == 0x80 and rec0[a + 8]:
            ro = struct.unpack_from("<H", rec0, a + 0x20)[0]
            runs = rec0[a + ro:a + struct.unpack_from("<I", rec0, a + 4)[0]]
            break
    assert runs is not None
    extents, i, lcn = [], 0, 0
    while runs[i]:
        h = runs[i]
        nl, no = h & 15, h >> 4
        length = int.from_bytes(runs[i + 1:i + 1 + nl], "little")
        lcn += int.from_bytes(runs[i + 1 + nl:i + 1 + nl + no], "little", signed=True)
        extents.append((lcn * cl, length * cl))
        i += 1 + nl + no
    return rsz, bps, extents


def fixup(rec, bps):
    uo, un = struct.unpack_from("<HH", rec, 4)
    for k in range(1, un):
        rec[k * bps - 2:k * bps] = rec[uo + 2 * k:uo + 2 * k + 2]
    return rec


def attrs(rec):
    off = struct.unpack_from("<H", rec, 0x14)[0]
    while off + 8 <= len(rec):
        typ, ln = struct.unpack_from("<II", rec, off)
        if typ == 0xFFFFFFFF or ln == 0:
            break
        yield typ, off
        off += ln


def record_at(extents, rsz, ino):
    pos = ino * rsz
    for start, length in extents:
        if pos < length:
            return start + pos
        pos -= length
    raise IndexError(ino)


def read_mft(vol):
    """{inode: (in_use, (si cr, mt, ct, at), [(name, parent, (fn cr, mt, ct, at))])}"""
    out = {}
    with open(vol, "rb") as f:
        rsz, bps, extents = mft_layout(f)
        n = sum(l for _, l in extents) // rsz
        for ino in range(n):
            f.seek(record_at(extents, rsz, ino))
            rec = bytearray(f.read(rsz))
            if rec[:4] != b"FILE":
                continue
            rec = fixup(rec, bps)
            in_use = bool(struct.unpack_from("<H", rec, 0x16)[0] & 1)
            si, fns = None, []
            for typ, a in attrs(rec):
                vo = a + struct.unpack_from("<H", rec, a + 0x14)[0]
                if typ == 0x10:
                    c, m, ch, ac = struct.unpack_from("<4Q", rec, vo)
                    si = (c - NT_EPOCH, m - NT_EPOCH, ch - NT_EPOCH, ac - NT_EPOCH)
                elif typ == 0x30:
                    parent = struct.unpack_from("<Q", rec, vo)[0] & 0xFFFFFFFFFFFF
                    c, m, ch, ac = struct.unpack_from("<4Q", rec, vo + 8)
                    nl = rec[vo + 0x40]
                    name = rec[vo + 0x42:vo + 0x42 + 2 * nl].decode("utf-16-le")
                    fns.append((name, parent, (c - NT_EPOCH, m - NT_EPOCH, ch - NT_EPOCH, ac - NT_EPOCH)))
            out[ino] = (in_use, si, fns)
    return out


def patch_si(vol, ino, t):
    """timestomp: write t into all four $STANDARD_INFORMATION times of MFT
    entry `ino`, as a raw-writing timestomp tool does ($FILE_NAME untouched)"""
    with open(vol, "r+b") as f:
        rsz, bps, extents = mft_layout(f)
        at = record_at(extents, rsz, ino)
        f.seek(at)
        rec = bytearray(f.read(rsz))
        assert rec[:4] == b"FILE"
        off = struct.unpack_from("<H", rec, 0x14)[0]
        assert struct.unpack_from("<I", rec, off)[0] == 0x10
        vo = off + struct.unpack_from("<H", rec, off + 0x14)[0]
        assert vo + 32 < bps - 2          # clear of the sector's fix-up bytes
        for k in range(4):
            struct.pack_into("<Q", rec, vo + 8 * k, t + NT_EPOCH)
        f.seek(at)
        f.write(rec[:vo + 32])


def mbr(img, vol_sectors):
    b = bytearray(512)
    struct.pack_into("<I", b, 0x1B8, img.sig)
    e = bytearray(16)
    e[0] = 0x00
    e[1:4] = b"\xfe\xff\xff"
    e[4] = 0x07
    e[5:8] = b"\xfe\xff\xff"
    struct.pack_into("<II", e, 8, 2048, vol_sectors)
    b[0x1BE:0x1CE] = e
    b[510:512] = b"\x55\xaa"
    return bytes(b)


def disk(img, vol):
    raw = os.path.join(WORK, img.label + ".raw")
    size = os.path.getsize(vol)
    with open(raw, "wb") as o:
        o.write(mbr(img, size // 512))
        o.write(b"\0" * (1048576 - 512))
        with open(vol, "rb") as i:
            while True:
                b = i.read(1 << 20)
                if not b:
                    break
                o.write(b)
    return raw


def verify(img, raw, vol):
    """check the image with TSK against the plan"""
    out = subprocess.run(["fls", "-r", "-m", "/", "-o", "2048", raw], check=True,
                         capture_output=True).stdout.decode("utf-8")
    seen = {}
    for line in out.splitlines():
        f = line.split("|")
        name = f[1]
        if name.endswith(" ($FILE_NAME)"):
            continue
        dele = name.endswith(" (deleted)")
        if dele:
            name = name[:-len(" (deleted)")]
        seen[name] = (f[2], dele, int(f[6]), int(f[7]), int(f[8]), int(f[9]), int(f[10]))
    bad = 0
    for n in img.files():
        s = seen.get(n.path)
        if not s:
            log("MISSING in fls:", img.label, n.path)
            bad += 1
            continue
        inode, dele, size, a, m, c, b = s
        want = (n.deleted, len(n.content), n.at // S, n.mt // S, n.ct // S, n.cr // S)
        if (dele, size, a, m, c, b) != want:
            log("MISMATCH", img.label, n.path, (dele, size, a, m, c, b), want)
            bad += 1
        data = subprocess.run(["icat", "-o", "2048", raw, inode.split("-")[0]], check=True,
                              capture_output=True).stdout
        if data != n.content:
            log("CONTENT MISMATCH", img.label, n.path)
            bad += 1
        n.inode = int(inode.split("-")[0])
    if bad:
        raise SystemExit("%s: %d check(s) failed" % (img.label, bad))
    for n in img.files():
        if n.stomped:
            ist = subprocess.run(["istat", "-o", "2048", raw, str(n.inode)], check=True,
                                 capture_output=True).stdout.decode()
            si, fn = ist.split("$FILE_NAME Attribute Values:")[:2]
            assert "Created:\t2019-03-11 08:00:00.000000000" in si, si
            want = "Created:\t" + iso(n.clock)[:-1].replace("T", " ") + "00"
            assert want in fn, (want, fn)
    # every $SI and $FN time of every file and folder, to 100 ns
    mft = read_mft(vol)
    win_dir = {}
    for t, kind, n in img.ops:
        if kind in ("create", "delete", "mkdir"):
            win_dir[n.parent] = max(win_dir.get(n.parent, 0), t)
    bad = 0
    for n in img.nodes.values():
        ino = n.inode if not n.is_dir else n.ino
        if n.path == "/":
            ino = 5
        in_use, si, fns = mft[ino]
        want_si = (n.cr, n.mt, n.ct, n.at)
        if n.is_dir:
            mt = max(n.mt or 0, win_dir.get(n.path, 0))
            at = n.at if n.phase == "pre" else n.clock
            want_si = (n.cr, mt, mt, at)
            n.mt, n.ct, n.at = want_si[1:]
        fn_want = (n.clock,) * 4 if n.path != "/" else None
        ok = in_use == (not getattr(n, "deleted", False)) and si == want_si
        if fn_want:
            ok = ok and len(fns) == 1 and fns[0][2] == fn_want and fns[0][0] == n.name
        if not ok:
            log("MFT MISMATCH", img.label, n.path, ino, in_use, [iso(x) for x in si],
                [iso(x) for x in want_si], fns and [iso(x) for x in fns[0][2]])
            bad += 1
    if bad:
        raise SystemExit("%s: %d MFT check(s) failed" % (img.label, bad))
    log("%s: %d files checked with fls/icat, %d files and folders against the MFT" % (
        img.label, len(img.files()), len(img.nodes)))


def acquire(img, raw):
    tgt = os.path.join(OUT, "evidence", img.label)
    for ext in (".E01", ".E02"):
        if os.path.exists(tgt + ext):
            os.unlink(tgt + ext)
    with open(os.path.join(WORK, img.label + ".ewf.log"), "w") as lg:
        run(["ewfacquire", "-u", "-q", "-c", "best", "-d", "sha1", "-f", "encase6",
             "-m", "fixed", "-M", "physical", "-b", "64",
             "-C", "IR-2023-0611", "-E", img.ev_no, "-e", "R. Okafor (touchline IR team)",
             "-D", img.desc,
             "-N", "Synthetic sample evidence for touchline, built by scripts/make-samples.sh",
             "-t", tgt, raw], env=ft_env(spec=fake(img.acq_time)),
            stdin=subprocess.DEVNULL, stdout=lg, stderr=lg)
    md5 = hashlib.md5()
    sha1 = hashlib.sha1()
    with open(raw, "rb") as f:
        while True:
            b = f.read(1 << 20)
            if not b:
                break
            md5.update(b)
            sha1.update(b)
    img.media_size = os.path.getsize(raw)
    img.md5, img.sha1 = md5.hexdigest(), sha1.hexdigest()
    img.e01_size = os.path.getsize(tgt + ".E01")
    info = subprocess.run(["ewfinfo", tgt + ".E01"], capture_output=True, check=True).stdout.decode()
    assert img.md5 in info, info
    log("%s: %s.E01 %d bytes, media %d bytes, md5 %s" % (img.label, tgt, img.e01_size, img.media_size, img.md5))


for img in IMAGES:
    vol = build(img)
    raw = disk(img, vol)
    verify(img, raw, vol)
    acquire(img, raw)

# -------------------------------------------------------------- outputs ----
VERDICT_RULES = [
    "verdict: what the file's own times show; the first that applies (the order of docs/EXPOSURE.md):",
    "copied: $SI created in the window and later than $SI modified (the copy signature), or $FN created in the window while $SI created is earlier (a timestomped copy)",
    "deleted: the file's MFT entry is unallocated (every deletion in this case happened inside the window)",
    "modified: $SI modified in the window",
    "renamed: $FN created in the window on a file whose $SI created is before the window (no file here: the timestomped copy is copied first)",
    "accessed: $SI accessed in the window",
    "none: none of these",
    "exposure_verdict: touchline exposure's (docs/EXPOSURE.md): the same, and also copied when another object with the file's name and size or its content (or the content its register row gives) was created ($FN created) in the window, in any evidence item: so the sources of the copies are copied there and accessed in verdict",
    "a target (register row) is found when it matches a file and exposed when one of its files is not none; its exposure verdict is the most serious of its files'",
]
MATCHING_RULES = [
    "docs/TARGETS.md: a row matches by the first of path, name, content (hashes) it has; a size restricts a path or name match and picks hash candidates",
    "a row applies to every evidence item, or only to the one named in its evidence column; a division column restricts it to files of that division (shares.csv, else the item's ingest division)",
    "path: '\\' and '/' are the same separator, a leading separator is optional, case is ignored, a drive letter (C:) or UNC host (\\\\FS01) is dropped; '*' and '?' stay within one path component, '**' spans components",
    "name: the file name, case ignored",
    "md5/sha1/sha256: hex digest of the file content, case ignored",
    "in this case every row matches the same files whether its identifiers are all required, any one suffices, or the first one decides",
    "directories never match; deleted files match (name, path and content are intact)",
]

FIELDS = ["path", "name", "size", "md5", "sha1", "sha256", "partner", "classification",
          "division", "evidence", "note"]
with open(os.path.join(OUT, "targets.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(FIELDS)
    for row in rows:
        w.writerow([row.f[k] for k in FIELDS])
with open(os.path.join(OUT, "shares.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["evidence", "path_prefix", "division"])
    for s in SHARES:
        w.writerow(s)
with open(os.path.join(OUT, "evidence.tsv"), "w", encoding="utf-8") as f:
    f.write("# label\tdivision\timage (relative to samples/); read by scripts/demo.sh\n")
    for img in IMAGES:
        f.write("%s\t%s\tevidence/%s.E01\n" % (img.label, img.division, img.label))


def tdict(t):
    return {"iso": iso(t), "ns": t * 100}


VERDICTS = ("copied", "deleted", "modified", "renamed", "accessed", "none")
SEVERITY = {v: i for i, v in enumerate(VERDICTS)}
files_json = []
for img, n in sorted(objects, key=lambda x: (IMAGES.index(x[0]), x[1].path)):
    e = {"evidence": img.label, "path": n.path, "name": n.name, "inode": n.inode,
         "size": len(n.content), "deleted": n.deleted, "division": n.division,
         "target": n.target, "partner": n.partner, "rows": n.rows,
         "verdict": n.verdict, "exposure_verdict": n.exposure_verdict,
         "anomalies": n.anomalies, "role": n.role,
         "md5": n.h[0], "sha1": n.h[1], "sha256": n.h[2],
         "si": {"created": tdict(n.cr), "modified": tdict(n.mt), "changed": tdict(n.ct),
                "accessed": tdict(n.at)},
         "fn_created": tdict(n.clock), "timestomped": n.stomped}
    if n.exposure_verdict_si != n.exposure_verdict:
        e["exposure_verdict_if_only_si_creations"] = n.exposure_verdict_si
    if n.copies:
        e["copies"] = [{"evidence": c.img.label, "path": c.path, "created": tdict(c.clock)} for c in n.copies]
    if n.copy_of is not None:
        e["copy_of"] = {"evidence": n.copy_of.img.label, "path": n.copy_of.path}
    if n.deleted:
        e["deleted_at"] = tdict(n.del_t)
    if n.orig is not None:
        e["before_sha256"] = hashlib.sha256(n.orig).hexdigest()
        e["before_size"] = len(n.orig)
    files_json.append(e)


def row_verdict(row):
    return min((n.exposure_verdict for n in row.hits), key=SEVERITY.get) if row.hits else None


partners_json = {}
for p in PARTNERS:
    prs = [row for row in rows if row.f["partner"] == p[0]]
    hit_files = {id(n): n for row in prs for n in row.hits}
    v = {k: 0 for k in VERDICTS}
    for n in hit_files.values():
        v[n.verdict] += 1
    tv = {k: 0 for k in VERDICTS}
    for row in prs:
        if row.hits:
            tv[row_verdict(row)] += 1
    partners_json[p[0]] = {
        "targeted": len(prs),
        "found": sum(1 for row in prs if row.hits),
        "exposed": sum(1 for row in prs if row.hits and row_verdict(row) != "none"),
        "targets_by_exposure_verdict": tv,
        "files_found": len(hit_files),
        "files_exposed": sum(1 for n in hit_files.values() if n.exposure_verdict != "none"),
        "files_by_verdict": v,
    }
tot = {k: sum(pj[k] for pj in partners_json.values()) for k in ("targeted", "found", "exposed", "files_found", "files_exposed")}

rows_json = [{"row": row.no, "line": row.no + 1, "partner": row.f["partner"],
              "matches": [{"evidence": n.img.label, "path": n.path} for n in row.hits],
              "verdict": row_verdict(row)} for row in rows]

divisions_json = {}
for img, n in objects:
    if n.target:
        d = divisions_json.setdefault(n.division, {"files": 0, "exposed": 0})
        d["files"] += 1
        d["exposed"] += n.exposure_verdict != "none"

stage_info = [
    {"evidence": "FS01", "folder": STAGE, "created": tdict(FS01.nodes[STAGE].cr),
     "copies": len(fs_copies), "archive": fs_zip.path, "archive_created": tdict(fs_zip.cr)},
    {"evidence": "WS17", "folder": "/Users/Public/Libraries", "created": None,
     "copies": len(ws17_copies), "archive": ws17_zip.path, "archive_created": tdict(ws17_zip.cr)},
    {"evidence": "WS22", "folder": DS, "created": tdict(WS22.nodes[DS].cr),
     "copies": len(ws22_copies), "archive": None, "archive_created": None},
]
bt0 = min(n.at for n in burst_targets)
bt1 = max(n.at for n in burst_targets)
expected = {
    "scenario": "touchline sample case IR-2023-0611: intrusion at a space-technology company",
    "generator": "scripts/make-samples.sh",
    "window": {"start": tdict(W0), "end": tdict(W1), "end_exclusive": True},
    "evidence": [{"label": img.label, "division": img.division, "image": "evidence/%s.E01" % img.label,
                  "e01_size": img.e01_size, "media_size": img.media_size, "md5": img.md5, "sha1": img.sha1,
                  "partition_offset_bytes": 1048576, "fs": "ntfs", "volume_label": img.vol_label,
                  "case_number": "IR-2023-0611", "evidence_number": img.ev_no,
                  "examiner_name": "R. Okafor (touchline IR team)", "description": img.desc,
                  "acquiry_date": iso(img.acq_time)[:19] + "Z",
                  "n_files": len(img.files()), "n_deleted": sum(1 for n in img.files() if n.deleted)}
                 for img in IMAGES],
    "shares": [{"evidence": a, "path_prefix": b, "division": c} for a, b, c in SHARES],
    "verdict_rules": VERDICT_RULES,
    "matching_rules": MATCHING_RULES,
    "partners": partners_json,
    "totals": tot,
    "divisions": divisions_json,
    "burst": {"evidence": "FS01", "divisions": burst_divs,
              "start": tdict(bt0), "end": tdict(bt1), "window_minutes": 10,
              "targets": len(burst_targets), "files": len(burst_all),
              "max_targets_in_any_10_minutes": best,
              "others_max": {k: v[0] for k, v in bursts.items() if k != "FS01"}},
    "timestomped": [{"evidence": "WS22", "path": stomped.path, "si_created": tdict(stomped.cr),
                     "fn_created": tdict(stomped.clock), "copy_of": stomped.copy_of.path,
                     "stomped_at": tdict(stomped.stomp_t), "verdict": stomped.verdict,
                     "exposure_verdict": stomped.exposure_verdict,
                     "anomalies": stomped.anomalies}],
    "staging": stage_info,
    "files": files_json,
    "rows": rows_json,
}


def dump_json(obj, f):
    """indented, but one line per entry of the long lists"""
    f.write("{\n")
    keys = list(obj)
    for i, k in enumerate(keys):
        v = obj[k]
        f.write("  %s: " % json.dumps(k))
        if k in ("files", "rows", "evidence", "staging", "shares", "timestomped"):
            f.write("[\n" + ",\n".join("    " + json.dumps(e, ensure_ascii=False) for e in v) + "\n  ]")
        elif k == "partners":
            f.write("{\n" + ",\n".join("    %s: %s" % (json.dumps(p_, ensure_ascii=False), json.dumps(e))
                                        for p_, e in v.items()) + "\n  }")
        else:
            f.write(json.dumps(v, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        f.write(",\n" if i < len(keys) - 1 else "\n")
    f.write("}\n")


with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
    dump_json(expected, f)
json.load(open(os.path.join(OUT, "expected.json"), encoding="utf-8"))

# ----------------------------------------------------------- SCENARIO.md ----
def ts(t):
    return iso(t)


def flist(sel, show=lambda n: ""):
    out = []
    for img, n in sorted(sel, key=lambda x: (IMAGES.index(x[0]), x[1].path)):
        out.append("| %s | `%s` | %s | %s |" % (img.label, n.path, n.partner or "-", show(n)))
    return "\n".join(out)


def by(v, target=True):
    return [(img, n) for img, n in objects if n.verdict == v and n.target == target]


def span(ts_):
    return "%s .. %s" % (ts(min(ts_)), ts(max(ts_)))


md = []
A = md.append
A("# Sample case IR-2023-0611: intrusion at a space-technology company\n")
A("Generated by `scripts/make-samples.sh` (run as root); every value below is")
A("also in `expected.json`, which tests read. Do not edit these files by hand:")
A("rebuild them.\n")
A("| file | what |\n|---|---|")
A("| `evidence/FS01.E01`, `WS17.E01`, `WS22.E01` | the three disk images |")
A("| `evidence.tsv` | label, division and image of each item (read by `scripts/demo.sh`) |")
A("| `targets.csv` | the register of targeted partner files (`touchline targets CASE import`) |")
A("| `shares.csv` | which division owns which share of FS01 (`touchline divisions CASE import`) |")
A("| `expected.json` | the ground truth: window, rules, every file with its times, verdict, anomalies and register rows; per-partner and per-division counts; burst; timestomp; every register row with the files it matches and its verdict |")
A("| `SCENARIO.md` | this page |\n")
A("## Evidence\n")
A("| label | division (ingest `-d`) | image | E01 bytes | media bytes | media MD5 | what |")
A("|---|---|---|---|---|---|---|")
for img in IMAGES:
    A("| %s | %s | `evidence/%s.E01` | %d | %d | `%s` | %s |" % (
        img.label, img.division, img.label, img.e01_size, img.media_size, img.md5, img.desc))
A("\nEach image is a disk with an MBR and one NTFS partition (type 0x07) at sector")
A("2048 (byte offset 1048576), 4 KiB clusters. The E01s were made with")
A("`ewfacquire -c best -d sha1` and carry case number `IR-2023-0611`, evidence")
A("numbers `EV-2023-0611-01..03`, examiner `R. Okafor (touchline IR team)`, a")
A("description and notes; they store the media MD5 and SHA-1.\n")
A("    touchline ingest case.db samples/evidence/FS01.E01 -d \"Space Technology\" -l FS01")
A("    touchline ingest case.db samples/evidence/WS17.E01 -d Administration -l WS17")
A("    touchline ingest case.db samples/evidence/WS22.E01 -d Research -l WS22")
A("    touchline divisions case.db import samples/shares.csv")
A("    touchline targets case.db import samples/targets.csv")
A("    touchline exposure case.db --from 2023-06-05 --to 2023-06-21\n")
A("Paths below are as the case stores them (from the file-system root, `/`);")
A("on the workstations `/Users/mbauer` is `C:\\Users\\mbauer`. In `expected.json`")
A("a file altered in the window has `before_sha256` and `before_size`: its")
A("content before (for a target: as registered).\n")
A("## Divisions (`shares.csv`)\n")
A("FS01 holds the shares of three divisions. `shares.csv` maps a path prefix")
A("inside an evidence item to a division; the longest matching prefix wins, and")
A("a prefix matches whole path components only. So")
A("`/Shares/Research/Joint-Propulsion/...` belongs to **Space Technology**, the")
A("rest of `/Shares/Research` to Research. `/Shares/Public` is in no row: it")
A("keeps the item's ingest division (FS01: Space Technology). The workstations")
A("have no rows: everything on them is in their ingest division.\n")
A("| evidence | path_prefix | division |\n|---|---|---|")
for s_ in SHARES:
    A("| %s | `%s` | %s |" % s_)
A("\nTarget files per division: " + ", ".join("%s %d (%d exposed)" % (d, v["files"], v["exposed"])
                                            for d, v in sorted(divisions_json.items())) + ".\n")
A("## The window and the verdicts\n")
A("**%s** (inclusive) to **%s** (exclusive). Outside it every file is dated" % (ts(W0), ts(W1)))
A("2022-01 .. 2023-06-03 (the file systems were formatted 2021-09 / 2022-01),")
A("except the timestomped copy (2019) and the boundary files (below): one at exactly")
A("the window end, two 100 ns before its start.\n")
A("`verdict` in `expected.json` is what a file's own times show; the first that applies")
A("(the order of docs/EXPOSURE.md):\n")
A("1. **copied**: `$SI` created in the window and later than `$SI` modified: the *copy")
A("   signature* (Windows keeps the modified time when it copies), here on every staging")
A("   copy; or `$FN` created in the window while `$SI` created is earlier: the timestomped copy;")
A("2. **deleted**: its MFT entry is unallocated (all deletions in this case happened in the")
A("   window; the `$SI` times of a deleted entry stay before it, and the parent folder's `$SI`")
A("   modified/changed time records the last deletion in it);")
A("3. **modified**: `$SI` modified in the window;")
A("4. **renamed**: `$FN` created in the window on a file `$SI`-created before it (none here);")
A("5. **accessed**: `$SI` accessed in the window. A file that was only read has nothing else")
A("   in the window: its `$SI` MFT-changed time and its `$FN` times stay before it. The")
A("   source of a copy is accessed (the copy read it) and has the role `copied to ...`;")
A("6. **none**.\n")
A("`exposure_verdict` is what `touchline exposure` reports (docs/EXPOSURE.md): the same,")
A("except that a file is also **copied** when another object with its name and size or its")
A("content was created in the window (`$FN` created), in any evidence item: the sources of")
A("the copies. With only `$SI` created times as creations, the source of the timestomped")
A("copy would be accessed (`exposure_verdict_if_only_si_creations`).\n")
A("A target (register row) is *found* when it matches a file and *exposed* when one of its")
A("files is not none (the same under both verdicts). Anomalies per file in `expected.json`:")
A("`copy-signature` ($SI created after $SI modified, also on the legitimate copies made")
A("before the window), `si-created-before-fn-created`, `si-zero-subseconds`.\n")
A("## The story (all times UTC)\n")
A("1. **%s** WS17: M. Bauer (Administration) opens the phishing attachment" % ts(phish.cr))
A("   `%s` (created in the window; deleted by the intruder at %s)." % (phish.path, ts(phish.del_t)))
A("2. **%s** WS17: the intruder reads %d targets in `/Users/mbauer/Documents/Contracts`." % (
    span([d.at for d in ws17_read]), len(ws17_read)))
A("3. **%s** WS17: %d targets are copied to the staging folder" % (span([c.cr for c in ws17_copies]), len(ws17_copies)))
A("   `C:\\Users\\Public\\Libraries\\` and archived as `%s` (created %s, ZIP, stored)." % (
    ws17_zip.path, ts(ws17_zip.cr)))
A("4. **%s** FS01: the **burst**: with M. Bauer's account the intruder opens" % span([n.at for n in burst_all]))
A("   %d targets (and %d non-target files: `desktop.ini`, `Thumbs.db`, logos) in the" % (
    len(burst_targets), len(burst_all) - len(burst_targets)))
A("   partner folders of `/Shares/SpaceTechnology/Partners` and `/Shares/Research/Partners`")
A("   (%s) within %.1f minutes. Each of the 64 files is its own register row." % (
    ", ".join("%s %d" % kv for kv in sorted(burst_divs.items())),
    (max(n.at for n in burst_all) - min(n.at for n in burst_all)) / MIN))
A("5. **%s** FS01: the intruder creates `%s` and copies %d targets into it" % (ts(FS01.nodes[STAGE].cr), STAGE, len(fs_copies)))
A("   (%s), then archives them as `%s` (created %s)." % (span([c.cr for c in fs_copies]), fs_zip.path, ts(fs_zip.cr)))
A("   Each copy has `$SI` created = the copy time and `$SI` modified = the source's")
A("   modified time; each source's `$SI` accessed = the copy time.")
A("6. **%s** FS01: %d targets are altered (content and size change; their" % (
    span([d.mt for d in fs_mod]), len(fs_mod)))
A("   register rows give the path, no size or hash).")
A("7. **%s** FS01: %d targets in `/Shares/Research/Partners` are deleted" % (
    span([d.del_t for d in fs_del]), len(fs_del)))
A("   (two of them read first).")
A("8. **%s** WS22: the intruder reads %d targets in `/Users/lchen/Documents/Partners`," % (
    span([d.at for d in ws22_read]), len(ws22_read)))
A("   creates `C:\\ProgramData\\Microsoft\\DeviceSync` (%s) and copies %d targets into it;" % (
    ts(WS22.nodes[DS].cr), len(ws22_copies)))
A("   at %s it **timestomps** one copy (below). Then %d targets are altered" % (ts(stomped.stomp_t), len(ws22_mod)))
A("   (%s) and %d deleted (%s)." % (span([d.mt for d in ws22_mod]), len(ws22_del), span([d.del_t for d in ws22_del])))
A("9. Throughout the window staff work normally (decoys, below), and %d more FS01" % len(fs_scatter))
A("   targets are read on other days.\n")
A("## Per partner\n")
A("`targeted` = rows of `targets.csv`; `found` = rows that match at least one file;")
A("`exposed` = found rows with a file that is not none; then the rows by their exposure")
A("verdict (the most serious of their files'). `files` counts distinct files (a row can")
A("match a file and its copies, a glob row many files).\n")
A("| partner | targeted | found | exposed | copied | deleted | modified | renamed | accessed | files | files exposed |")
A("|---|---|---|---|---|---|---|---|---|---|---|")
for p in PARTNERS:
    j = partners_json[p[0]]
    v = j["targets_by_exposure_verdict"]
    A("| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |" % (
        p[0], j["targeted"], j["found"], j["exposed"], v["copied"], v["deleted"], v["modified"],
        v["renamed"], v["accessed"], j["files_found"], j["files_exposed"]))
A("| **total** | %d | %d | %d | %s | %d | %d |" % (
    tot["targeted"], tot["found"], tot["exposed"],
    " | ".join(str(sum(pj["targets_by_exposure_verdict"][k] for pj in partners_json.values()))
               for k in ("copied", "deleted", "modified", "renamed", "accessed")),
    tot["files_found"], tot["files_exposed"]))
A("")
A("## The burst\n")
A("FS01, `$SI` accessed from **%s** to **%s**: **%d target files** (%s), each" % (
    ts(bt0), ts(bt1), len(burst_targets), ", ".join("%s %d" % kv for kv in sorted(burst_divs.items()))))
A("its own register row, in %.1f minutes (%d files with the non-targets). Counting target" % (
    (bt1 - bt0) / MIN, len(burst_all)))
A("files touched (any `$SI` or `$FN` time in the window) within 10 minutes per evidence")
A("item, this is the maximum, %d; no other item reaches 50 (%s).\n" % (best, ", ".join(
    "%s %d" % (k, v[0]) for k, v in bursts.items() if k != "FS01")))
A("## The timestomped file\n")
A("| | created | modified | MFT changed | accessed |\n|---|---|---|---|---|")
A("| `$SI` | %s | %s | %s | %s |" % (ts(stomped.cr), ts(stomped.mt), ts(stomped.ct), ts(stomped.at)))
A("| `$FN` | %s | %s | %s | %s |" % ((ts(stomped.clock),) * 4))
A("\nWS22 `%s`, a copy of `%s` (same content, SHA-256 `%s`), made at %s;" % (
    stomped.path, stomped_src.path, stomped.h[2], ts(stomped.clock)))
A("at %s all four `$SI` times were set to %s (zero sub-seconds) by writing the" % (ts(stomped.stomp_t), ts(STOMP)))
A("`$SI` attribute directly, as raw-writing timestomp tools do. `$SI` created < `$FN`")
A("created. Verdict **copied** (by its `$FN` birth); anomalies %s. Its source is" % ", ".join("`%s`" % a for a in stomped.anomalies))
A("accessed (exposure verdict copied).\n")
A("## Target files by verdict\n")
for v, title, show in [
        ("copied", "Copied (the copies)",
         lambda n: "created %s, copy of `%s`%s" % (ts(n.clock), n.copy_of.path,
                                                  ", **timestomped**" if n.stomped else "")),
        ("deleted", "Deleted", lambda n: "deleted %s" % ts(n.del_t)),
        ("modified", "Modified", lambda n: "modified %s" % ts(n.mt)),
        ("renamed", "Renamed", lambda n: "`$FN` created %s, `$SI` created %s" % (ts(n.clock), ts(n.cr))),
        ("accessed", "Accessed (read; the sources of the copies are exposure-verdict copied)",
         lambda n: "accessed %s%s%s" % (ts(n.at), " (burst)" if n.role == "burst" else "",
                                        "; copied to " + ", ".join("%s `%s`" % (c.img.label, c.path)
                                                                   for c in n.copies) if n.copies else ""))]:
    sel = by(v)
    A("### %s: %d\n" % (title, len(sel)))
    A("| evidence | path | partner | detail |\n|---|---|---|---|")
    A(flist(sel, show))
    A("")
A("All other matched files (%d) are none, among them:\n" % len(by("none")))
A("- the three copies M. Bauer saved before the window in `/Users/mbauer/Documents/Reference/` (WS17),")
A("  which match by hash (copy signature, but dated before the window);")
A("- `%s` (FS01): last accessed %s, 100 ns before the window;" % (bound_tgt.path, ts(bound_tgt.at)))
A("- every target with a copy signature dated before the window.\n")
A("## Decoys and other files touched in the window (not targets)\n")
A("| evidence | path | by the same rules | what |\n|---|---|---|---|")
for img, n in sorted(objects, key=lambda x: (IMAGES.index(x[0]), x[1].path)):
    if not n.target and (n.verdict != "none" or n.role):
        A("| %s | `%s` | %s | %s |" % (img.label, n.path, n.verdict, n.role or "-"))
A("\nA file created in the window (`$SI` created = modified, both in it) is")
A("**modified** by the rules.\n")
A("## `targets.csv`\n")
A("Columns `path,name,size,md5,sha1,sha256,partner,classification,division,evidence,note`,")
A("UTF-8, one header row, RFC 4180 quoting (one file name contains a comma). %d rows over" % len(rows))
A("%d partners. A row gives a path (or a glob), a name (with or without a size) or one or" % len(PARTNERS))
A("more hashes:\n")
kinds = {}
for row in rows:
    f = row.f
    k = ("glob" if "*" in f["path"] or "?" in f["path"] else "path" if f["path"] else
         "name+size" if f["name"] and f["size"] else "name" if f["name"] else "hash")
    kinds[k] = kinds.get(k, 0) + 1
A("| kind | rows |\n|---|---|")
for k in ("path", "glob", "name+size", "name", "hash"):
    A("| %s | %d |" % (k, kinds.get(k, 0)))
A("\nMatching rules used for the ground truth:\n")
for s_ in MATCHING_RULES:
    A("- " + s_)
A("\nPaths are written as users have them: `/` or `\\`, with or without the leading")
A("separator, in another case (`/shares/spacetechnology/...`, `/SHARES/...`), a few with a")
A("drive letter (`C:\\Users\\...`) or a UNC host (`\\\\FS01\\Shares\\...`). Some hex digests are")
A("upper case. The `division` column is filled only where all of a row's files are in that")
A("division (so it never hides a copy in another division). Rows whose targets are in no")
A("evidence item have the note `not located`. Rows of altered files give only the path. The")
A("glob rows:\n")
for partner, ev, pat, note in GLOBS:
    row = [r_ for r_ in rows if r_.f["path"] == pat][0]
    A("- `%s` (%s, %s): %d files" % (pat, partner, ev, len(row.hits)))
A("\n`**/` in these globs is never needed to match zero folders: reading it as")
A("\"zero or more\" or \"one or more\" folders gives the same matches.\n")
A("## Rebuilding\n")
A("    sudo sh scripts/make-samples.sh          # rewrites samples/")
A("")
A("The script is deterministic: names, sizes, contents, every `$SI` and `$FN` time,")
A("the folder times and the deletions come from a fixed seed, and mkntfs, ntfs-3g and")
A("ewfacquire run under libfaketime with a scripted, frozen clock (so even mkntfs's")
A("own system-file times, the volume serial and the acquisition date are fixed).")
A("Rebuilding on the same Debian release gives byte-identical images and E01s.")
A("Without libfaketime the only differences would be mkntfs's own system-file times")
A("and the volume serial (and the `$FN` and MFT-changed times, which would then come")
A("from the wall clock), so the script refuses to run without it. Another zlib could")
A("compress the E01 differently; the media and its stored hashes would not change.\n")
A("The script checks what it built before writing anything else: every file with")
A("`fls -r -m` (path, deletion, size, times to the second) and `icat` (content),")
A("and every `$STANDARD_INFORMATION` and `$FILE_NAME` time of every file and folder")
A("to 100 ns by reading the MFT itself; the E01 media MD5 with `ewfinfo`. The")
A("`inode` numbers in `expected.json` are the MFT entries of the files.")
with open(os.path.join(OUT, "SCENARIO.md"), "w", encoding="utf-8") as f:
    f.write("\n".join(md) + "\n")

log("register: %d rows; totals %s" % (len(rows), tot))
log("burst %d targets, %d files; timestomped %s" % (len(burst_targets), len(burst_all), stomped.path))
PY_EOF
ls -l "$OUT" "$OUT/evidence" >&2
