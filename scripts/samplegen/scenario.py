"""The scenario of the sample case, built in memory from a fixed seed: the
three images (FS01, WS17, WS22) with every file, folder, time and content,
the scripted intrusion and the register of targeted files (rows).

Importing this module builds the model; nothing here touches the disk. The
order of the random draws is the scenario: keep it when editing.
"""
import datetime
import hashlib
import io
import os
import random
import re
import zipfile

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
TOOL_STOMP = T("2010-11-20T09:00:00Z")  # the tools' timestomp (before the volume)


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
        self.stomp_value = None   # all four $SI times patched to this
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
stomped.stomp_value = STOMP
stomped.stomp_t = T("2023-06-15T01:33:02.0000000Z")
stomped.cr = stomped.mt = stomped.ct = stomped.at = STOMP
stomped.role = "staging copy, timestomped: all four $SI times set to %s" % iso(STOMP)
# the intruder's tools, dropped into the staging folder before the copies;
# not targets. Their $SI times are set back to 2010 (before the volume was
# formatted) while $FILE_NAME keeps 2023. Their own random stream, so the
# rest of the scenario is drawn as before.
rt = random.Random("WS22 tools")
tools = []
t = T("2023-06-15T01:29:51.2081944Z")
for name, size, what in (("rar.exe", 61440, "RAR command line archiver"),
                         ("procdump64.exe", 40960, "process dump utility"),
                         ("dbgcore.dll", 20480, "debug helper library")):
    n = new_file(WS22, DS + "/" + name, t, size, rt, dt=0,
                 content=make_content("WS22 tool " + name, name, ["MZ " + what], size))
    n.stomped = True
    n.stomp_value = TOOL_STOMP
    n.stomp_t = T("2023-06-15T01:33:41.0000000Z")
    n.cr = n.mt = n.ct = n.at = TOOL_STOMP
    n.role = "decoy: the intruder's tool (not a target), all four $SI times set to %s" % iso(TOOL_STOMP)
    tools.append(n)
    t += rt.randrange(3 * S, 6 * S) + rt.randrange(S)
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

