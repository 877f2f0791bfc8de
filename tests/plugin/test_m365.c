/*
** The Microsoft 365 audit log parser (plugins/m365) and its JSON reader
** through the mock host. No public sample of a tenant's audit log exists,
** so the fixtures below are built from Microsoft's published AuditData
** schema (Office 365 Management Activity API schema: Common, SharePoint
** Base and SharePoint file operations): both portal CSV layouts with
** quoted AuditData cells holding commas, doubled quotes and newlines, a
** UTF-8 BOM and CRLF; JSON lines; every file operation against the kind
** README.md documents; Microsoft's caveats as weights; malformed rows
** skipped and counted with their line; truncated copies.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "plugin/mock_host.h"
#include "json.h"

tl_rc tl_builtin_m365_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                           char **errmsg);

static const struct tl_parser *P;
static char tb[96];

static const char *
T(int64_t ns)
{
  return mock_time(ns, tb);
}

static void
run(const char *text, struct mock_run *r)
{
  mock_run_buf(P, text, strlen(text), "audit.csv", NULL, r);
}

/* An AuditData object as it stands in JSON lines (one line). */
#define AD(op, user, t, name, ua) \
  "{\"CreationTime\":\"" t "\",\"Id\":\"5b3f7a1e-0001-4c6d-9e2f-" \
  "000000000001\",\"Operation\":\"" op "\",\"OrganizationId\":\"4a3d0c7e\"," \
  "\"RecordType\":6,\"UserKey\":\"i:0h.f|membership|1003\",\"UserType\":0," \
  "\"Version\":1,\"Workload\":\"OneDrive\",\"ClientIP\":\"198.51.100.23\"," \
  "\"ObjectId\":\"https://contoso-my.sharepoint.com/personal/bob_contoso_com" \
  "/Documents/" name "\",\"UserId\":\"" user "\",\"EventSource\":" \
  "\"SharePoint\",\"ItemType\":\"File\",\"UserAgent\":\"" ua "\"," \
  "\"SiteUrl\":\"https://contoso-my.sharepoint.com/personal/bob_contoso_com" \
  "/\",\"SourceFileName\":\"" name "\",\"SourceRelativeUrl\":\"Documents\"," \
  "\"AppAccessContext\":{\"AADSessionId\":\"3c2b\",\"IssuedAtTime\":" \
  "\"2023-06-05T08:00:00\"},\"ModifiedProperties\":[]}"

#define OFFICE "Microsoft Office Excel 2014 (16.0) Windows NT 10.0"
#define CHROME "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/114.0"

/* The current portal layout: a BOM, CRLF, the AuditData cell quoted and
** pretty-printed: commas, doubled quotes and newlines inside it. */
static const char new_layout[] =
  "\xef\xbb\xbfRecordId,CreationDate,RecordType,Operation,UserId,AuditData,"
  "AssociatedAdminUnits,AssociatedAdminUnitsNames\r\n"
  "5b3f7a1e-0002-4c6d-9e2f-000000000002,2023-06-05T08:12:34.0000000Z,"
  "SharePointFileOperation,FileDownloaded,mallory@contoso.com,\"{\r\n"
  "  \"\"CreationTime\"\": \"\"2023-06-05T08:12:34.1234567\"\",\r\n"
  "  \"\"Id\"\": \"\"5b3f7a1e-0002-4c6d-9e2f-000000000002\"\",\r\n"
  "  \"\"Operation\"\": \"\"FileDownloaded\"\",\r\n"
  "  \"\"RecordType\"\": 6,\r\n"
  "  \"\"UserId\"\": \"\"mallory@contoso.com\"\",\r\n"
  "  \"\"Workload\"\": \"\"SharePoint\"\",\r\n"
  "  \"\"ClientIP\"\": \"\"198.51.100.23\"\",\r\n"
  "  \"\"UserAgent\"\": \"\"Mozilla/5.0 (Windows NT 10.0; Win64; x64)\"\",\r\n"
  "  \"\"ObjectId\"\": \"\"https://contoso.sharepoint.com/sites/SpaceTech/"
  "Shared Documents/Orbit/Plan, \\\"\"final\\\"\" v2.docx\"\",\r\n"
  "  \"\"SiteUrl\"\": \"\"https://contoso.sharepoint.com/sites/SpaceTech/\"\","
  "\r\n"
  "  \"\"SourceRelativeUrl\"\": \"\"Shared Documents/Orbit\"\",\r\n"
  "  \"\"SourceFileName\"\": \"\"Plan, \\\"\"final\\\"\" v2.docx\"\",\r\n"
  "  \"\"SourceFileExtension\"\": \"\"docx\"\",\r\n"
  "  \"\"AppAccessContext\"\": {\"\"CorrelationId\"\": \"\"a0b1\"\"}\r\n"
  "}\",,\r\n";

/* The older layout: CreationDate, UserIds, Operations, AuditData (LF). */
static const char old_layout[] =
  "CreationDate,UserIds,Operations,AuditData\n"
  "2023-06-06T10:00:00,bob@contoso.com,FileModified,\""
  "{\"\"CreationTime\"\":\"\"2023-06-06T10:00:00\"\",\"\"Operation\"\":"
  "\"\"FileModified\"\",\"\"RecordType\"\":6,\"\"UserId\"\":"
  "\"\"bob@contoso.com\"\",\"\"ClientIP\"\":\"\"192.0.2.10\"\","
  "\"\"ObjectId\"\":\"\"https://contoso.sharepoint.com/sites/Legal/"
  "Shared Documents/NDA.docx\"\",\"\"SiteUrl\"\":\"\"https://contoso."
  "sharepoint.com/sites/Legal/\"\",\"\"SourceRelativeUrl\"\":"
  "\"\"Shared Documents\"\",\"\"SourceFileName\"\":\"\"NDA.docx\"\"}\"\n";

static void
test_new_layout(void)
{
  struct mock_run r;
  const struct mock_event *e;
  run(new_layout, &r);
  is_int(r.rc, TL_OK, "new layout: parsed");
  is_int(r.n_events, 1, "new layout: one event");
  is_int(r.n_corrupt, 0, "new layout: nothing corrupt");
  if(r.n_events != 1) {
    mock_run_free(&r);
    return;
  }
  e = &r.events[0];
  is_int(e->ev.kind, TL_EV_DOWNLOADED, "FileDownloaded is downloaded");
  is_str(T(e->ev.t_ns), "2023-06-05T08:12:34.1234567Z",
         "time from AuditData CreationTime, UTC, to the 100 ns");
  is_str(e->actor, "mallory@contoso.com", "UserId is the actor");
  is_str(e->file_path, "https://contoso.sharepoint.com/sites/SpaceTech/"
         "Shared Documents/Orbit/Plan, \"final\" v2.docx",
         "the ObjectId URL, with its comma and quotes");
  is_str(e->name, "Plan, \"final\" v2.docx", "name = SourceFileName");
  is_str(mock_attr(e, "ClientIP"), "198.51.100.23", "ClientIP");
  is_str(mock_attr(e, "UserAgent"),
         "Mozilla/5.0 (Windows NT 10.0; Win64; x64)", "UserAgent");
  is_str(mock_attr(e, "SiteUrl"),
         "https://contoso.sharepoint.com/sites/SpaceTech/", "SiteUrl");
  is_str(mock_attr(e, "SourceRelativeUrl"), "Shared Documents/Orbit",
         "SourceRelativeUrl");
  is_str(mock_attr(e, "Workload"), "SharePoint", "Workload");
  is_str(mock_attr(e, "RecordType"), "6", "RecordType (AuditData's number)");
  is_str(mock_attr(e, "Id"), "5b3f7a1e-0002-4c6d-9e2f-000000000002", "Id");
  is_str(mock_attr(e, "CreationTime"), "2023-06-05T08:12:34.1234567",
         "CreationTime as written");
  is_str(mock_attr(e, "layout"), "csv", "layout csv");
  is_str(mock_attr(e, "line"), "2", "the row's line");
  is_int(e->ev.record_offset, 111, "record offset: the row's first byte");
  ok(mock_attr(e, "weight") == NULL, "a download has no weight caveat");
  is_str(mock_fact(&r, "m365.operations"), "FileDownloaded:1",
         "fact m365.operations");
  is_str(mock_fact(&r, "m365.range"), "2023-06-05T08:12:34.123456700Z "
         "2023-06-05T08:12:34.123456700Z", "fact m365.range");
  mock_run_free(&r);
}

static void
test_old_layout(void)
{
  struct mock_run r;
  const struct mock_event *e;
  run(old_layout, &r);
  is_int(r.rc, TL_OK, "old layout: parsed");
  is_int(r.n_events, 1, "old layout: one event");
  if(r.n_events == 1) {
    e = &r.events[0];
    is_int(e->ev.kind, TL_EV_MODIFIED, "FileModified is modified");
    is_str(T(e->ev.t_ns), "2023-06-06T10:00:00.0000000Z", "its time");
    is_str(e->actor, "bob@contoso.com", "its user");
    is_str(e->file_path, "https://contoso.sharepoint.com/sites/Legal/"
           "Shared Documents/NDA.docx", "its URL");
    is_str(mock_attr(e, "layout"), "csv-old", "layout csv-old");
  }
  mock_run_free(&r);
}

static void
test_jsonl(void)
{
  struct mock_run r;
  static const char text[] =
    AD("FileAccessed", "alice@contoso.com", "2023-06-05T08:00:00+02:00",
       "a.xlsx", OFFICE) "\r\n\r\n"
    AD("FileUploaded", "alice@contoso.com", "2023-06-05T09:30:00.5Z",
       "b.xlsx", OFFICE) "\n"
    "   \n";
  run(text, &r);
  is_int(r.rc, TL_OK, "JSON lines: parsed");
  is_int(r.n_events, 2, "JSON lines: two events, blank lines skipped");
  if(r.n_events == 2) {
    is_str(T(r.events[0].ev.t_ns), "2023-06-05T06:00:00.0000000Z",
           "an offset +02:00 applied");
    is_int(r.events[0].ev.kind, TL_EV_ACCESSED, "FileAccessed is accessed");
    ok(!mock_attr(&r.events[0], "weight"), "FileAccessed from Excel: no "
       "weight caveat");
    is_int(r.events[1].ev.kind, TL_EV_UPLOADED, "FileUploaded is uploaded");
    is_str(T(r.events[1].ev.t_ns), "2023-06-05T09:30:00.5000000Z",
           "fraction and Z");
    is_str(mock_attr(&r.events[1], "layout"), "jsonl", "layout jsonl");
    is_str(mock_attr(&r.events[1], "line"), "3", "line of the second "
           "object");
    is_str(r.events[1].file_path, "https://contoso-my.sharepoint.com/"
           "personal/bob_contoso_com/Documents/b.xlsx", "OneDrive URL");
  }
  mock_run_free(&r);
}

/* Every file operation against the kind README.md documents. */
static void
test_kinds(void)
{
  static const struct { const char *op; uint32_t kind; } want[] = {
    {"FileAccessed", TL_EV_ACCESSED},
    {"FileAccessedExtended", TL_EV_ACCESSED},
    {"FilePreviewed", TL_EV_PREVIEWED},
    {"FileDownloaded", TL_EV_DOWNLOADED},
    {"FileSyncDownloadedFull", TL_EV_DOWNLOADED},
    {"FileSyncDownloadedPartial", TL_EV_DOWNLOADED},
    {"FileCopied", TL_EV_COPIED},
    {"FileModified", TL_EV_MODIFIED},
    {"FileModifiedExtended", TL_EV_MODIFIED},
    {"FileMoved", TL_EV_RENAMED},
    {"FileRenamed", TL_EV_RENAMED},
    {"FileDeleted", TL_EV_DELETED},
    {"FileRecycled", TL_EV_DELETED},
    {"FileDeletedFirstStageRecycleBin", TL_EV_DELETED},
    {"FileDeletedSecondStageRecycleBin", TL_EV_DELETED},
    {"FileUploaded", TL_EV_UPLOADED},
    {"FileSyncUploadedFull", TL_EV_UPLOADED},
    {"SharingSet", TL_EV_SHARED},
    {"SharingInvitationCreated", TL_EV_SHARED},
    {"AnonymousLinkCreated", TL_EV_SHARED},
    {"AnonymousLinkUsed", TL_EV_SHARED},
    {"CompanyLinkCreated", TL_EV_SHARED},
    {"SecureLinkCreated", TL_EV_SHARED},
    {"AddedToSecureLink", TL_EV_SHARED},
  };
  size_t i;
  for(i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
    char line[2048];
    struct mock_run r;
    snprintf(line, sizeof(line), "{\"CreationTime\":\"2023-06-05T08:00:00\","
             "\"Operation\":\"%s\",\"UserId\":\"eve@contoso.com\","
             "\"SiteUrl\":\"https://contoso.sharepoint.com/sites/S\","
             "\"SourceRelativeUrl\":\"/Shared Documents/\","
             "\"SourceFileName\":\"x.docx\",\"DestinationFileName\":"
             "\"y.docx\",\"RecordType\":6,\"Workload\":\"SharePoint\"}\n",
             want[i].op);
    run(line, &r);
    ok(r.n_events == 1 && r.events[0].ev.kind == want[i].kind,
       "%s -> kind %u", want[i].op, (unsigned)want[i].kind);
    if(i == 0 && r.n_events == 1)
      is_str(r.events[0].file_path, "https://contoso.sharepoint.com/sites/"
             "S/Shared Documents/x.docx", "no ObjectId: SiteUrl + "
             "SourceRelativeUrl + SourceFileName");
    if(!strcmp(want[i].op, "FileRenamed") && r.n_events == 1) {
      is_str(mock_attr(&r.events[0], "old_name"), "x.docx", "rename: old");
      is_str(mock_attr(&r.events[0], "new_name"), "y.docx", "rename: new");
      is_str(mock_attr(&r.events[0], "new_path"), "https://contoso."
             "sharepoint.com/sites/S/Shared Documents/y.docx",
             "rename: new path");
      is_str(mock_attr(&r.events[0], "DestinationFileName"), "y.docx",
             "DestinationFileName kept");
    }
    if(!strcmp(want[i].op, "AnonymousLinkUsed") && r.n_events == 1) {
      is_str(mock_attr(&r.events[0], "anonymous"), "yes",
             "AnonymousLinkUsed: anonymous=yes");
      is_str(r.events[0].what, "M365 AnonymousLinkUsed: accessed by an "
             "anonymous user", "AnonymousLinkUsed: what");
    }
    mock_run_free(&r);
  }
  /* case as some exports write it */
  {
    struct mock_run r;
    run("{\"CreationTime\":\"2023-06-05T08:00:00\",\"Operation\":"
        "\"filedownloaded\",\"SourceFileName\":\"x\"}", &r);
    ok(r.n_events == 1 && r.events[0].ev.kind == TL_EV_DOWNLOADED &&
       !strcmp(mock_attr(&r.events[0], "Operation"), "FileDownloaded"),
       "an operation in lower case is recognised");
    ok(r.n_events == 1 && !r.events[0].file_path &&
       !strcmp(r.events[0].name, "x"), "no URL: the name only");
    mock_run_free(&r);
  }
}

static void
test_weights(void)
{
  static const char text[] =
    AD("FilePreviewed", "bob@contoso.com", "2023-06-05T08:00:00", "p.jpg",
       OFFICE) "\n"
    AD("FileAccessed", "bob@contoso.com", "2023-06-05T08:00:01", "a.docx",
       CHROME) "\n"
    AD("FileAccessed", "app@sharepoint", "2023-06-05T08:00:02", "a.docx",
       "") "\n"
    AD("FileModified", "SHAREPOINT\\\\system", "2023-06-05T08:00:03",
       "a.docx", "") "\n"
    AD("FileDownloaded", "bob@contoso.com", "2023-06-05T08:00:04", "a.docx",
       CHROME) "\n";
  struct mock_run r;
  run(text, &r);
  is_int(r.n_events, 5, "weights: five events");
  if(r.n_events == 5) {
    is_str(mock_attr(&r.events[0], "weight"), "weak", "FilePreviewed: weak");
    ok(mock_attr(&r.events[0], "weight_reason") &&
       strstr(mock_attr(&r.events[0], "weight_reason"), "without the file "
              "being opened"), "FilePreviewed: the reason");
    is_str(mock_attr(&r.events[1], "weight"), "weak", "FileAccessed from a "
           "browser: weak");
    ok(mock_attr(&r.events[1], "weight_reason") &&
       strstr(mock_attr(&r.events[1], "weight_reason"), "pre-fetch"),
       "FileAccessed from a browser: the reason");
    is_str(mock_attr(&r.events[2], "weight"), "automation",
           "app@sharepoint: automation");
    is_str(r.events[2].actor, "app@sharepoint", "app@sharepoint: actor");
    is_str(mock_attr(&r.events[3], "weight"), "automation",
           "SHAREPOINT\\system: automation");
    is_str(r.events[3].actor, "SHAREPOINT\\system", "the escaped backslash");
    ok(!mock_attr(&r.events[4], "weight"), "a download from a browser: no "
       "caveat");
  }
  mock_run_free(&r);
}

static void
test_corrupt(void)
{
  struct mock_run r;
  static const char text[] =
    "RecordId,CreationDate,RecordType,Operation,UserId,AuditData\r\n"
    /* line 2: a trailing comma in the JSON */
    "1,2023-06-05T08:00:00,6,FileAccessed,a@x,\"{\"\"Operation\"\":"
    "\"\"FileAccessed\"\",}\"\r\n"
    /* line 3: a good row */
    "2,2023-06-05T08:00:00,6,FileDeleted,a@x,\"{\"\"CreationTime\"\":"
    "\"\"2023-06-05T08:00:00\"\",\"\"Operation\"\":\"\"FileDeleted\"\","
    "\"\"SourceFileName\"\":\"\"gone.txt\"\"}\"\r\n"
    /* line 4: one field short */
    "3,2023-06-05T08:00:00,6,FileAccessed,\"{}\"\r\n"
    /* line 5: text after a closing quote */
    "4,\"2023\"x,6,FileAccessed,a@x,\"{}\"\r\n"
    /* line 6: a bad time */
    "5,,6,FileAccessed,a@x,\"{\"\"CreationTime\"\":\"\"2023-02-30T00:00:00"
    "\"\",\"\"Operation\"\":\"\"FileAccessed\"\",\"\"SourceFileName\"\":"
    "\"\"a\"\"}\"\r\n"
    /* line 7: a mail operation: counted, not an error */
    "6,2023-06-05T08:00:00,2,MailItemsAccessed,a@x,\"{\"\"CreationTime\"\":"
    "\"\"2023-06-05T08:00:00\"\",\"\"Operation\"\":\"\"MailItemsAccessed\"\""
    "}\"\r\n";
  run(text, &r);
  is_int(r.rc, TL_CORRUPT, "bad rows: TL_CORRUPT");
  is_int(r.n_events, 1, "bad rows: the good row is kept");
  is_int(r.n_corrupt, 4, "bad rows: four counted");
  ok(strstr(r.last_corrupt, "line 6:") != NULL, "the last bad row names its "
     "line (%s)", r.last_corrupt);
  is_int(r.n_bad_emit, 0, "no event refused");
  is_str(mock_fact(&r, "m365.operations"), "FileAccessed:1 FileDeleted:1 "
         "MailItemsAccessed:1", "operations counted (of the rows whose "
         "AuditData was read)");
  is_int(r.n_warn, 1, "one warning for the other operations");
  ok(strstr(r.last_warn, "MailItemsAccessed:1") != NULL, "the warning "
     "names them (%s)", r.last_warn);
  mock_run_free(&r);

  run("RecordId,CreationDate,Operation,UserId\r\n1,2,3,4\r\n", &r);
  is_int(r.rc, TL_FAILED, "no AuditData column: failed");
  mock_run_free(&r);
  run("RecordId,AuditData\r\n1,\"{\r\n", &r);
  is_int(r.rc, TL_FAILED, "an unclosed quote to the end: failed");
  is_int(r.n_corrupt, 1, "  and counted");
  mock_run_free(&r);
  run("{\"a\":1}\n{\"Operation\":\"FileAccessed\"}\n{bad\n", &r);
  is_int(r.rc, TL_FAILED, "JSON lines all bad or without time: failed");
  is_int(r.n_corrupt, 3, "  three counted: no operation, a file "
         "operation without a time, bad JSON");
  mock_run_free(&r);
}

static void
test_truncated(void)
{
  size_t len = strlen(new_layout), cut;
  int fine = 1;
  for(cut = 0; cut < len; cut += 7) {
    struct mock_run r;
    mock_run_buf(P, new_layout, cut, "audit.csv", NULL, &r);
    if((r.rc != TL_OK && r.rc != TL_CORRUPT && r.rc != TL_FAILED) ||
       r.n_bad_emit || (r.rc == TL_CORRUPT && !r.n_corrupt))
      fine = 0;
    mock_run_free(&r);
  }
  ok(fine, "every truncated copy of the new layout parses or fails cleanly");
}

static void
test_bid(void)
{
  static const char other[] = "path,name,size\n/a,b,1\n";
  static const char jl[] = AD("FileAccessed", "a@x", "2023-06-05T08:00:00",
                              "a", OFFICE) "\n";
  ok(P->bid((const uint8_t *)new_layout, strlen(new_layout)) > 0,
     "bid: the new layout's header");
  ok(P->bid((const uint8_t *)old_layout, strlen(old_layout)) > 0,
     "bid: the old layout's header");
  is_int(P->bid((const uint8_t *)other, strlen(other)), 0,
         "bid: another CSV is not claimed");
  ok(P->bid((const uint8_t *)jl, strlen(jl)) > 0, "bid: an AuditData line");
  is_int(P->bid((const uint8_t *)"{\"a\":1}\n", 8), 0,
         "bid: other JSON is not claimed");
  ok(!P->claim.names && !P->claim.globs && !P->claim.streams,
     "no name, glob or stream claims: no CSV on an image is taken");
}

/* The JSON reader on its own. */
static int
jparse(const char *s, size_t *n, const char **why)
{
  static char arena[8192];
  static struct tlp_jmember m[TLP_JSON_MAX_MEMBERS];
  size_t at;
  *why = NULL;
  return tlp_json_object(s, strlen(s), arena, sizeof(arena), m,
                         TLP_JSON_MAX_MEMBERS, n, why, &at);
}

static void
test_json(void)
{
  static const char *const bad[] = {
    "{\"a\":01}", "{\"a\":1,}", "[1]", "{\"a\":[1,]}", "{\"a\":\"\\x\"}",
    "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u0000\"}",
    "{\"a\":1,\"a\":2}", "{\"a\":\"x\ty\"}", "{\"a\":tru}", "{'a':1}",
    "{\"a\":1} x", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}",
    "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{a:1}", "{\"a\" 1}", "",
    "{\"a\":\"unterminated}", "{\"a\":NaN}", "{\"a\":+1}",
    "{\"a\":1}\n{\"b\":2}", "{\"a\":\"\\u12\"}", "{\"a\":1 /*c*/}",
  };
  char deep[200], ok_deep[256];
  size_t i, n;
  const char *why;
  static char arena[256];
  struct tlp_jmember m[8];
  size_t at;
  for(i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
    ok(jparse(bad[i], &n, &why) == -1 && why, "json: refused %zu (%s)", i,
       why ? why : "-");
  ok(!jparse(" {\"s\":\"a\\\"b\\\\c\\/d\\n\\u00e9\\ud83d\\ude00\",\"n\":"
             "-12.5e+3,\"t\":true,\"f\":false,\"z\":null,\"o\":{\"x\":[1,"
             "{\"y\":[]}]},\"e\":{}} \r\n", &n, &why), "json: a good "
     "object");
  is_int(n, 7, "json: seven top-level members");
  if(!tlp_json_object("{\"s\":\"a\\\"b\\u00e9\\ud83d\\ude00\",\"n\":-1.5,"
                      "\"o\":{\"k\":1}}", 51, arena, sizeof(arena), m, 8,
                      &n, &why, &at)) {
    is_str(tlp_json_get(m, n, "s")->val, "a\"b\xc3\xa9\xf0\x9f\x98\x80",
           "json: escapes and a surrogate pair decoded");
    is_str(tlp_json_get(m, n, "n")->val, "-1.5", "json: number text");
    ok(tlp_json_get(m, n, "o")->type == TLP_J_OBJECT &&
       !tlp_json_get(m, n, "o")->val, "json: a nested object is skipped");
  } else
    ok(0, "json: decode (%s)", why);
  for(i = 0; i < 65; i++)
    deep[i] = '[';
  deep[65] = 0;
  snprintf(ok_deep, sizeof(ok_deep), "{\"a\":%s", deep);
  ok(jparse(ok_deep, &n, &why) == -1 && why && strstr(why, "64"),
     "json: nesting past 64 refused (%s)", why ? why : "-");
  ok(tlp_json_object("{\"a\":\"xxxxxxxx\"}", 16, arena, 8, m, 8, &n, &why,
                     &at) == -1, "json: an arena too small is an error, not "
     "an overflow");
  ok(tlp_json_object("{\"a\":1,\"b\":2}", 13, arena, sizeof(arena), m, 1,
                     &n, &why, &at) == -1, "json: more members than kept");
}

int
main(void)
{
  if(mock_init(tl_builtin_m365_init) != TL_OK || !(P = mock_parser("m365")))
  {
    printf("not ok 1 - m365 registers\n1..1\n");
    return 1;
  }
  test_new_layout();
  test_old_layout();
  test_jsonl();
  test_kinds();
  test_weights();
  test_corrupt();
  test_truncated();
  test_bid();
  test_json();
  return done_testing();
}
