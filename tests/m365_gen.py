#!/usr/bin/env python3
"""Microsoft 365 unified audit log exports for tests/m365_e2e.sh.

No public sample of a tenant's audit log exists, so the rows are built from
Microsoft's published AuditData schema (Office 365 Management Activity API
schema: Common schema, SharePoint Base schema, SharePoint file operations):
the members, their types and the value formats an export carries.

    m365_gen.py big FILE N     N rows in the current portal layout
                               (RecordId,CreationDate,RecordType,Operation,
                               UserId,AuditData,AssociatedAdminUnits,
                               AssociatedAdminUnitsNames), a UTF-8 BOM, CRLF,
                               AuditData pretty-printed (newlines in cells)
    m365_gen.py case DIR       the rows the e2e test asserts, in both CSV
                               layouts and as JSON lines
"""
import csv
import json
import sys

SITE = "https://contoso.sharepoint.com/sites/SpaceTech/"
FOLDER = "Shared Documents/Projects/Orbit"


def audit(i, op, user, t, name, folder=FOLDER, ip="203.0.113.7",
          ua="Microsoft Office Word 2014 (16.0.16529) Windows NT 10.0",
          site=SITE, extra=None):
    d = {
        "CreationTime": t,
        "Id": "5b3f7a1e-%04x-4c6d-9e2f-%012x" % (i % 65536, i),
        "Operation": op,
        "OrganizationId": "4a3d0c7e-1b2f-4e5a-8c9d-0e1f2a3b4c5d",
        "RecordType": 6,
        "UserKey": "i:0h.f|membership|10032000a1b2c3d4@live.com",
        "UserType": 0,
        "Version": 1,
        "Workload": "SharePoint",
        "ClientIP": ip,
        "ObjectId": site + folder + "/" + name,
        "UserId": user,
        "CorrelationId": "a0b1c2d3-e4f5-4000-8000-%012x" % i,
        "EventSource": "SharePoint",
        "ItemType": "File",
        "ListId": "7c6d5e4f-3a2b-4c1d-9e8f-7a6b5c4d3e2f",
        "ListItemUniqueId": "1e2d3c4b-5a69-4788-9a0b-%012x" % i,
        "Site": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "UserAgent": ua,
        "WebId": "0a1b2c3d-4e5f-4607-8809-0a1b2c3d4e5f",
        "SourceFileExtension": name.rsplit(".", 1)[-1],
        "SiteUrl": site,
        "SourceFileName": name,
        "SourceRelativeUrl": folder,
        "AppAccessContext": {"AADSessionId": "3c2b1a09-8f7e-4d6c-5b4a-39281706f5e4",
                             "CorrelationId": "a0b1c2d3-e4f5-4000-8000-%012x" % i,
                             "UniqueTokenId": "Zm9vYmFy%d" % i},
    }
    if extra:
        d.update(extra)
    return d


def write_new(path, rows, pretty=True):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff")
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["RecordId", "CreationDate", "RecordType", "Operation",
                    "UserId", "AuditData", "AssociatedAdminUnits",
                    "AssociatedAdminUnitsNames"])
        for d in rows:
            w.writerow([d["Id"], d["CreationTime"] + ".0000000Z",
                        "SharePointFileOperation", d["Operation"],
                        d["UserId"],
                        json.dumps(d, indent=2 if pretty else None,
                                   ensure_ascii=False), "", ""])


def write_old(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["CreationDate", "UserIds", "Operations", "AuditData"])
        for d in rows:
            w.writerow([d["CreationTime"], d["UserId"], d["Operation"],
                        json.dumps(d, ensure_ascii=False)])


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        for d in rows:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


OPS = ["FileAccessed", "FileAccessed", "FileAccessed", "FilePreviewed",
       "FileDownloaded", "FileModified", "FileUploaded", "FileSyncDownloadedFull",
       "PageViewed", "MailItemsAccessed", "UserLoggedIn", "FileDeleted",
       "FileRenamed", "SharingSet"]


def big(path, n):
    rows = []
    for i in range(n):
        op = OPS[i % len(OPS)]
        s = i % 86400
        t = "2023-06-%02dT%02d:%02d:%02d" % (5 + i // 86400 % 20, s // 3600,
                                             s // 60 % 60, s % 60)
        extra = None
        if op == "FileRenamed":
            extra = {"DestinationFileName": "renamed_%06d.docx" % i,
                     "DestinationRelativeUrl": FOLDER}
        rows.append(audit(i, op, "user%03d@contoso.com" % (i % 200), t,
                          "report_%06d.docx" % i, extra=extra))
    write_new(path, rows)


def case(d):
    chrome = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
              "(KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36")
    rows = [
        # the register's Orbit plan by path in the site: downloaded
        audit(1, "FileDownloaded", "mallory@contoso.com",
              "2023-06-05T08:12:34.5", "Orbit Plan.docx", ip="198.51.100.23",
              ua=chrome),
        # by the share map: budget.xlsx in Finance -> \\fs01\space\Finance
        audit(2, "FileSyncDownloadedFull", "mallory@contoso.com",
              "2023-06-05T08:20:00", "budget.xlsx",
              folder="Shared Documents/Finance", ip="198.51.100.23",
              ua="Microsoft SkyDriveSync 23.101.0514.0001 ship; Windows NT 10.0"),
        # by name only, in another site: previewed (weak)
        audit(3, "FilePreviewed", "bob@contoso.com", "2023-06-06T10:00:00",
              "Supplier List.pdf", site="https://contoso.sharepoint.com/sites/Other/",
              folder="Shared Documents", ip="192.0.2.10", ua=chrome),
        # app@sharepoint on the plan: automation
        audit(4, "FileAccessed", "app@sharepoint", "2023-06-06T11:00:00",
              "Orbit Plan.docx", ip="20.190.128.1", ua=""),
        # outside the window
        audit(5, "FileDownloaded", "alice@contoso.com", "2023-07-01T09:00:00",
              "Orbit Plan.docx"),
        # not a file operation
        audit(6, "MailItemsAccessed", "mallory@contoso.com",
              "2023-06-05T08:00:00", "x.eml"),
        # a file no target names
        audit(7, "FileModified", "alice@contoso.com", "2023-06-05T12:00:00",
              "notes.txt"),
        # through the site map and the share's local folder (fact
        # share.Space of FS01): Q3.xlsx -> \\fs01\space\Finance\Q3.xlsx ->
        # C:\Shares\Space\Finance\Q3.xlsx
        audit(8, "FileDeleted", "mallory@contoso.com", "2023-06-07T23:59:59",
              "Q3.xlsx", folder="Shared Documents/Finance",
              ip="2001:db8::7"),
    ]
    write_new(d + "/audit_new.csv", rows[:4])
    write_old(d + "/audit_old.csv", rows[4:6])
    write_jsonl(d + "/audit.jsonl", rows[6:])
    # the file server's item: no file operation, one mail operation
    write_jsonl(d + "/fs01.jsonl", [rows[5]])


if __name__ == "__main__":
    if sys.argv[1] == "big":
        big(sys.argv[2], int(sys.argv[3]))
    else:
        case(sys.argv[2])
