/*
** The event log parser (plugins/evtx) through the mock host: plaso's
** System.evtx and System2.evtx with the values plaso asserts, evtx-rs's
** samples with the record counts evtx-rs asserts (the facts' per-ID counts
** add up to them), the Security fixture tests/evtx_writer.py writes
** (tests/fuzz/corpus/evtx/security_access.evtx: share, object access and
** logon records, none of which a corpus log holds) with every value it
** was written with, the access mask helpers, and truncated and
** byte-flipped copies of every corpus log.
*/
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "plugin/mock_host.h"
#include "../../plugins/evtx/evtx_int.h"

tl_rc tl_builtin_evtx_init(const struct tl_host_api *api, tl_plugin_ctx *ctx,
                           char **errmsg);

static const struct tl_parser *P;
static const char *corpus, *srcdir;
static char tb[96];

static const char *
T(int64_t ns)
{
  return mock_time(ns, tb);
}

/* Run P on corpus file rel; 0 when it is missing (a SKIP printed). */
static int
run(const char *rel, struct mock_run *r)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", corpus ? corpus : "/nonexistent",
           rel);
  if(mock_run_file(P, path, NULL, r)) {
    ok(1, "# SKIP %s not found", rel);
    return 0;
  }
  return 1;
}

/* The sum of the counts in an ids fact ("4624:12 4663:340"), and the count
** of one ID (or -1). */
static long
ids_sum(const char *ids, unsigned id, long *of_id)
{
  long sum = 0;
  const char *p = ids;
  *of_id = -1;
  while(p && *p) {
    char *e;
    unsigned long k = strtoul(p, &e, 10), v;
    if(*e != ':')
      return -1;
    v = strtoul(e + 1, &e, 10);
    if(k == id)
      *of_id = (long)v;
    sum += (long)v;
    p = *e == ' ' ? e + 1 : e;
    if(*p && (*p < '0' || *p > '9'))
      break;
  }
  return sum;
}

static const struct mock_event *
by_record(const struct mock_run *r, const char *rid)
{
  size_t i;
  for(i = 0; i < r->n_events; i++) {
    const char *v = mock_attr(&r->events[i], "record_id");
    if(v && !strcmp(v, rid))
      return &r->events[i];
  }
  return NULL;
}

/* A corpus log: its record count (the sum of the ids fact) and, when
** id_want >= 0, the count of event id. */
static void
count_log(const char *rel, const char *channel, long want, unsigned id,
          long id_want, size_t corrupt_want, const char *who)
{
  struct mock_run r;
  char key[256];
  long of_id, sum;
  if(!run(rel, &r))
    return;
  snprintf(key, sizeof(key), "evtx.%s.ids", channel);
  sum = ids_sum(mock_fact(&r, key), id, &of_id);
  is_int(sum, want, "%s: %ld records (%s)", rel, want, who);
  if(id_want >= 0)
    is_int(of_id, id_want, "%s: %ld of event %u", rel, id_want, id);
  is_int(r.n_corrupt, corrupt_want, "%s: %zu bad records or chunks", rel,
         corrupt_want);
  is_int(r.n_bad_emit, 0, "%s: no event refused", rel);
  mock_run_free(&r);
}

static void
test_plaso(void)
{
  struct mock_run r;
  const struct mock_event *e;
  long n;
  /* plaso WinEvtxParserTest.testParse: 5009 records, record 1 a 7036 of
  ** 2010-11-21T03:55:59.6264271Z; python-evtx (EXPECTED.md) the counts */
  if(run("plaso/test_data/evtx/System.evtx", &r)) {
    is_int(r.rc, TL_OK, "System.evtx: TL_OK");
    is_int(ids_sum(mock_fact(&r, "evtx.system.ids"), 7036, &n), 5009,
           "System.evtx: 5009 records (plaso)");
    is_int(n, 3434, "System.evtx: 3434 of 7036");
    ids_sum(mock_fact(&r, "evtx.system.ids"), 7040, &n);
    is_int(n, 1018, "System.evtx: 1018 of 7040");
    ids_sum(mock_fact(&r, "evtx.system.ids"), 7045, &n);
    is_int(n, 25, "System.evtx: 25 of 7045");
    ok(mock_fact(&r, "evtx.system.range") &&
       !strncmp(mock_fact(&r, "evtx.system.range"),
                "2010-11-21T03:55:59.6264271Z 2015-09-18T07:58:45.877625",
                55), "System.evtx: first record 2010-11-21T03:55:59.6264271Z"
       " (plaso), last 2015-09-18T07:58:45.877625 (python-evtx): %s",
       mock_fact(&r, "evtx.system.range"));
    is_int(r.n_events, 0, "System.evtx: a System log emits no events");
    is_int(r.n_corrupt, 0, "System.evtx: nothing bad (plaso: 0 warnings)");
    ok(mock_fact(&r, "audit.object_access") == NULL,
       "System.evtx: says nothing about auditing");
    mock_run_free(&r);
  }
  /* plaso testParseTruncated: 194 records; record 179 a 4624 at
  ** 2015-08-09T09:15:48.4341250Z */
  if(run("plaso/test_data/evtx/System2.evtx", &r)) {
    is_int(ids_sum(mock_fact(&r, "evtx.security.ids"), 4624, &n), 194,
           "System2.evtx: 194 records (plaso)");
    is_int(n, 47, "System2.evtx: 47 of 4624 (python-evtx)");
    is_int(r.n_corrupt, 0, "System2.evtx: nothing bad (plaso: 0 warnings)");
    is_int(r.n_events, 47, "System2.evtx: one logon event per 4624");
    if((e = by_record(&r, "179")) != NULL) {
      is_int(e->ev.kind, TL_EV_LOGON, "System2.evtx 179: logon");
      is_str(T(e->ev.t_ns), "2015-08-09T09:15:48.4341250Z",
             "System2.evtx 179: time (plaso)");
      is_int(e->ev.raw, 130835853484341250LL, "System2.evtx 179: FILETIME");
      is_str(mock_attr(e, "event_id"), "4624", "System2.evtx 179: 4624");
    } else
      ok(0, "System2.evtx: record 179");
    /* python-evtx's first 4624: record 2, SYSTEM, type 0, logon 0x3e7 */
    if((e = by_record(&r, "2")) != NULL) {
      is_str(e->name, "NT AUTHORITY\\SYSTEM", "System2.evtx 2: account");
      is_str(mock_attr(e, "logon_type"), "0", "System2.evtx 2: type 0");
      is_str(mock_attr(e, "logon_id"), "0x3e7", "System2.evtx 2: logon id");
      ok(!mock_attr(e, "source_address"), "System2.evtx 2: address '-' "
         "left out");
      is_str(T(e->ev.t_ns), "2015-08-08T02:06:17.1875000Z",
             "System2.evtx 2: time (python-evtx, to the microsecond)");
    } else
      ok(0, "System2.evtx: record 2");
    is_str(mock_fact(&r, "audit.object_access"), "absent",
           "System2.evtx: object access not audited");
    is_str(mock_fact(&r, "audit.file_share"), "absent",
           "System2.evtx: file shares not audited");
    ok(mock_fact(&r, "evtx.security.range") &&
       !strncmp(mock_fact(&r, "evtx.security.range"),
                "2015-08-08T02:06:17.078125", 26) &&
       strstr(mock_fact(&r, "evtx.security.range"),
              " 2015-08-09T11:13:15.703125"),
       "System2.evtx: range (python-evtx): %s",
       mock_fact(&r, "evtx.security.range"));
    mock_run_free(&r);
  }
}

static void
test_evtx_rs(void)
{
  struct mock_run r;
  const struct mock_event *e;
  long n;
  /* evtx-rs test_full_sample ok counts; top IDs from python-evtx */
  count_log("evtx/samples/security.evtx", "security", 2261, 4907, 620, 0,
            "evtx-rs");
  count_log("evtx/samples/post-Security.evtx", "security", 126, 4735, 34, 0,
            "evtx-rs");
  count_log("evtx/samples/Application_no_crc32.evtx", "application", 17,
            1003, 2, 0, "evtx-rs");
  count_log("evtx/samples/2-vss_7-System.evtx", "system", 1160, 0, -1, 0,
            "evtx-rs: chunks after a run of zeros");
  count_log("evtx/samples/sample-with-irregular-bool-values.evtx",
            "microsoft-windows-grouppolicy/operational", 3028, 0, -1, 0,
            "evtx-rs");
  count_log("evtx/samples/E_Windows_system32_winevt_logs_Microsoft-Windows-"
            "Shell-Core%4Operational.evtx",
            "microsoft-windows-shell-core/operational", 1146, 62170, -1, 0,
            "evtx-rs");
  count_log("evtx/samples/2-vss_0-Microsoft-Windows-RemoteDesktopServices-"
            "RdpCoreTS%4Operational.evtx",
            "microsoft-windows-remotedesktopservices-rdpcorets/operational",
            1910, 148, 398, 0, "evtx-rs");
  count_log("evtx/samples/2-vss_0-Microsoft-Windows-TerminalServices-"
            "RemoteConnectionManager%4Operational.evtx",
            "microsoft-windows-terminalservices-remoteconnectionmanager/"
            "operational", 1774, 261, 1769, 0, "evtx-rs");
  count_log("evtx/samples/Security_short_selected.evtx", "security", 7, 5152,
            2, 0, "python-evtx");
  count_log("evtx/samples/new-user-security.evtx", "security", 4, 4732, 2,
            0, "python-evtx");
  count_log("evtx/samples/Security_with_size_t.evtx", "security", 636, 4624,
            126, 0, "python-evtx");

  /* evtx-rs: 270 good records and 2 errors. libevtx skips the two chunks
  ** without a signature (chunks 6 and 10): each is reported, and reads 267
  ** records of the others (README.md: the 3 libevtx does not give) */
  if(run("evtx/samples/sample_with_a_bad_chunk_magic.evtx", &r)) {
    is_int(r.n_corrupt, 2, "bad chunk magic: 2 bad (evtx-rs: 2 errors)");
    is_int(r.rc, TL_CORRUPT, "bad chunk magic: TL_CORRUPT");
    ok(strstr(r.last_corrupt, "chunk 10: no ElfChnk signature") != NULL,
       "bad chunk magic: %s", r.last_corrupt);
    for(n = 0; n < (long)r.n_facts; n++)
      if(!strncmp(r.fact_keys[n], "evtx.", 5) &&
         strstr(r.fact_keys[n], ".ids"))
        break;
    ok(n < (long)r.n_facts && ids_sum(r.fact_values[n], 0, &n) == 267,
       "bad chunk magic: the 267 records libevtx reads are counted");
    mock_run_free(&r);
  }
  /* evtx-rs: 340 records; libevtx 20181227 cannot render 3 of them (binary
  ** XML as a substitution value): each is reported, none dropped silently */
  if(run("evtx/samples/E_Windows_system32_winevt_logs_Microsoft-Windows-"
         "CAPI2%4Operational.evtx", &r)) {
    long sum = ids_sum(mock_fact(&r, "evtx.microsoft-windows-capi2/"
                                 "operational.ids"), 0, &n);
    is_int(sum + (long)r.n_corrupt, 340, "CAPI2: 340 records, good + bad "
           "(evtx-rs)");
    is_int(r.n_corrupt, 3, "CAPI2: 3 bad records reported");
    mock_run_free(&r);
  }
  if(run("evtx/samples/E_ShadowCopy6_windows_system32_winevt_logs_"
         "Microsoft-Windows-CAPI2%4Operational.evtx", &r)) {
    long sum = ids_sum(mock_fact(&r, "evtx.microsoft-windows-capi2/"
                                 "operational.ids"), 0, &n);
    is_int(sum + (long)r.n_corrupt, 459, "CAPI2 (VSS): 459 records, good + "
           "bad (evtx-rs)");
    is_int(r.n_corrupt, 23, "CAPI2 (VSS): 23 bad records reported");
    mock_run_free(&r);
  }
  /* evtx-rs reads 17 and 6: libevtx 16 and 5 (README.md) */
  count_log("evtx/samples/Microsoft-Windows-LanguagePackSetup%4Operational."
            "evtx", "microsoft-windows-languagepacksetup/operational", 16,
            4000, 8, 0, "libevtx; evtx-rs 17");
  count_log("evtx/samples/Microsoft-Windows-HelloForBusiness%4Operational."
            "evtx", "microsoft-windows-helloforbusiness/operational", 5,
            0, -1, 0, "libevtx; evtx-rs 6");
  /* evtx-rs snapshot: the first record of security.evtx */
  if(run("evtx/samples/security.evtx", &r)) {
    ok(mock_fact(&r, "evtx.security.range") &&
       !strncmp(mock_fact(&r, "evtx.security.range"),
                "2016-07-08T18:12:51.68164", 25),
       "security.evtx: first record 2016-07-08T18:12:51.681640Z (evtx-rs)");
    ids_sum(mock_fact(&r, "evtx.security.ids"), 4624, &n);
    is_int(n, 583, "security.evtx: 583 of 4624 (python-evtx)");
    is_int(r.n_events, 583 + 11, "security.evtx: 583 logons, 11 logoffs");
    e = by_record(&r, "1");
    ok(e == NULL, "security.evtx: the 4608 of record 1 is not emitted");
    mock_run_free(&r);
  }
}

/* Refused accesses (tests/evtx_writer.py DENIED_FIXTURE): an audit
** failure (Keywords 0x8010000000000000) proves no access, so it is listed
** as observed, never accessed; a success next to it still counts. */
static void
test_denied(void)
{
  char path[4096];
  struct mock_run r;
  const struct mock_event *e;
  is_int((long long)tlp_evtx_keywords("<System><Keywords>0x8010000000000000"
                                      "</Keywords></System>"),
         (long long)0x8010000000000000ULL, "Keywords read from the XML");
  ok(tlp_evtx_keywords("<Keywords>0x8010000000000000</Keywords>") &
     TLP_EVTX_AUDIT_FAILURE, "0x8010...: audit failure");
  ok(!(tlp_evtx_keywords("<Keywords>0x8020000000000000</Keywords>") &
       TLP_EVTX_AUDIT_FAILURE), "0x8020...: audit success");
  is_int((long long)tlp_evtx_keywords("<System><EventID>1</EventID>"), 0,
         "no Keywords: 0");
  snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/evtx/"
           "security_denied.evtx", srcdir ? srcdir : "../..");
  if(mock_run_file(P, path, NULL, &r)) {
    ok(0, "denied fixture %s readable", path);
    return;
  }
  is_int(r.rc, TL_OK, "denied fixture: TL_OK");
  is_int(r.n_events, 3, "denied fixture: 3 events");
  is_int(r.n_warn, 1, "denied fixture: the refused accesses said once");
  if((e = by_record(&r, "1")) != NULL) {
    is_int(e->ev.kind, TL_EV_OBSERVED, "4656 refused: observed, not accessed");
    is_str(mock_attr(e, "audit"), "failure", "4656 refused: audit=failure");
    is_str(e->what, "4656 handle requested denied (audit failure): "
           "ReadData/ListDirectory", "4656 refused: what");
  } else
    ok(0, "denied fixture: 4656");
  if((e = by_record(&r, "2")) != NULL) {
    is_int(e->ev.kind, TL_EV_OBSERVED, "5145 refused: observed");
    is_str(mock_attr(e, "audit"), "failure", "5145 refused: audit=failure");
    is_str(e->ev.file.path, "C:\\Shares\\Space\\Finance\\payroll.csv",
           "5145 refused: path");
  } else
    ok(0, "denied fixture: 5145");
  if((e = by_record(&r, "3")) != NULL) {
    is_int(e->ev.kind, TL_EV_ACCESSED, "4663 granted: accessed");
    ok(mock_attr(e, "audit") == NULL, "4663 granted: no audit attribute");
  } else
    ok(0, "denied fixture: 4663");
  mock_run_free(&r);
}

/* The fixture tests/evtx_writer.py writes (SECURITY_FIXTURE). */
static void
test_fixture(void)
{
  char path[4096];
  struct mock_run r;
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/evtx/"
           "security_access.evtx", srcdir ? srcdir : "../..");
  if(mock_run_file(P, path, NULL, &r)) {
    ok(0, "fixture %s readable", path);
    return;
  }
  is_int(r.rc, TL_OK, "fixture: TL_OK");
  is_str(mock_fact(&r, "evtx.security.ids"),
         "4624:1 4634:1 4656:1 4658:2 4660:1 4663:4 4672:1 5140:1 5145:2",
         "fixture: IDs counted");
  is_str(mock_fact(&r, "evtx.security.range"),
         "2024-03-05T09:00:01.0000000Z 2024-03-05T10:00:01.0000000Z",
         "fixture: range");
  is_str(mock_fact(&r, "audit.object_access"), "present",
         "fixture: object access audited");
  is_str(mock_fact(&r, "audit.file_share"), "present",
         "fixture: file shares audited");
  is_int(r.n_events, 11, "fixture: 11 events (not 4672, the registry key, "
         "the unpaired 4658)");
  is_int(r.n_warn, 1, "fixture: the unpaired 4658 said");
  is_int(r.n_bad_emit, 0, "fixture: no event refused");

  if((e = by_record(&r, "1")) != NULL) {
    is_int(e->ev.kind, TL_EV_LOGON, "4624: logon");
    is_str(e->name, "CORP\\mallory", "4624: name is the account");
    is_str(e->actor, "CORP\\mallory", "4624: actor");
    is_int(e->ev.file.kind, TL_REF_NONE, "4624: no file");
    is_str(mock_attr(e, "logon_id"), "0x5a3f21", "4624: logon id");
    is_str(mock_attr(e, "logon_type"), "3", "4624: network logon");
    is_str(mock_attr(e, "source_address"), "10.20.30.40", "4624: address");
    is_str(mock_attr(e, "source_port"), "49812", "4624: port");
    is_str(mock_attr(e, "workstation"), "WS17", "4624: workstation");
    is_str(T(e->ev.t_ns), "2024-03-05T09:00:01.0000000Z", "4624: time");
  } else
    ok(0, "fixture: 4624");
  if((e = by_record(&r, "3")) != NULL) {
    is_int(e->ev.kind, TL_EV_OBSERVED, "5140: observed (a connection)");
    is_str(e->ev.file.path, "C:\\Shares\\Space", "5140: the share folder");
    is_str(mock_attr(e, "share_name"), "\\\\*\\Space", "5140: share name");
  } else
    ok(0, "fixture: 5140");
  if((e = by_record(&r, "4")) != NULL) {
    is_int(e->ev.kind, TL_EV_ACCESSED, "5145 ReadData: accessed");
    is_int(e->ev.file.kind, TL_REF_PATH, "5145: a path");
    is_str(e->ev.file.path, "C:\\Shares\\Space\\Finance\\budget.xlsx",
           "5145: ShareLocalPath + RelativeTargetName");
    is_str(e->actor, "CORP\\mallory", "5145: account");
    is_str(mock_attr(e, "source_address"), "10.20.30.40", "5145: client");
    is_str(mock_attr(e, "source_port"), "49812", "5145: client port");
    is_str(mock_attr(e, "access_mask"), "0x120089", "5145: mask");
    is_str(mock_attr(e, "access"), "ReadData/ListDirectory ReadEA "
           "ReadAttributes READ_CONTROL SYNCHRONIZE", "5145: rights");
    is_str(mock_attr(e, "logon_id"), "0x5a3f21", "5145: logon id");
    is_str(mock_attr(e, "relative_target"), "Finance\\budget.xlsx",
           "5145: relative target");
    is_str(T(e->ev.t_ns), "2024-03-05T09:00:04.2500001Z", "5145: time");
    is_int(e->ev.raw, 133541028042500001LL, "5145: FILETIME");
    is_str(e->what, "5145 share access from 10.20.30.40:49812 to \\\\*\\Space:"
           " ReadData/ListDirectory ReadEA ReadAttributes READ_CONTROL "
           "SYNCHRONIZE", "5145: what");
  } else
    ok(0, "fixture: 5145 read");
  if((e = by_record(&r, "5")) != NULL)
    is_int(e->ev.kind, TL_EV_MODIFIED, "5145 WriteData: modified");
  else
    ok(0, "fixture: 5145 write");
  if((e = by_record(&r, "7")) != NULL) {
    is_int(e->ev.kind, TL_EV_ACCESSED, "4663 ReadData: accessed");
    is_str(e->ev.file.path, "C:\\Shares\\Space\\plans.docx", "4663: path");
    is_str(mock_attr(e, "logon_id"), "0x5a3f21", "4663: logon id");
    is_str(mock_attr(e, "source_address"), "10.20.30.40",
           "4663: the session's address from its 4624");
    is_str(mock_attr(e, "logon_type"), "3", "4663: the session's type");
    is_str(T(e->ev.t_ns), "2024-03-05T09:01:00.1234567Z", "4663: time");
  } else
    ok(0, "fixture: 4663 read");
  if((e = by_record(&r, "6")) != NULL)
    is_int(e->ev.kind, TL_EV_ACCESSED, "4656 ReadData: accessed");
  if((e = by_record(&r, "8")) != NULL)
    is_int(e->ev.kind, TL_EV_CHANGED, "4663 DELETE: changed (a deletion or a rename), not deleted");
  if((e = by_record(&r, "9")) != NULL) {
    is_int(e->ev.kind, TL_EV_DELETED, "4660: deleted");
    is_str(e->ev.file.path, "C:\\Shares\\Space\\old.txt",
           "4660: the object of its handle (from the 4663)");
  } else
    ok(0, "fixture: 4660");
  if((e = by_record(&r, "10")) != NULL)
    is_int(e->ev.kind, TL_EV_OBSERVED, "4658: observed (handle closed)");
  ok(by_record(&r, "11") == NULL, "4663 on a registry key: not emitted");
  if((e = by_record(&r, "12")) != NULL) {
    is_str(e->ev.file.path, "\\Shares\\Space\\notes.txt",
           "4663: \\Device\\HarddiskVolume3 dropped");
    is_int(e->ev.kind, TL_EV_OBSERVED, "4663 ReadAttributes: observed");
  } else
    ok(0, "fixture: 4663 device path");
  if((e = by_record(&r, "13")) != NULL) {
    is_int(e->ev.kind, TL_EV_LOGOFF, "4634: logoff");
    is_str(e->name, "CORP\\mallory", "4634: account");
  } else
    ok(0, "fixture: 4634");
  mock_run_free(&r);
}

static void
test_helpers(void)
{
  char b[256], p[256];
  int unknown = 0;
  tlp_evtx_access_names(0x1, b, sizeof(b));
  is_str(b, "ReadData/ListDirectory", "mask 0x1");
  tlp_evtx_access_names(0x11f01ff, b, sizeof(b));
  is_str(b, "ReadData/ListDirectory WriteData/AddFile AppendData ReadEA "
         "WriteEA Execute DeleteChild ReadAttributes WriteAttributes DELETE "
         "READ_CONTROL WRITE_DAC WRITE_OWNER SYNCHRONIZE ACCESS_SYS_SEC",
         "all file rights");
  tlp_evtx_access_names(0x40000000, b, sizeof(b));
  is_str(b, "0x40000000", "an unnamed bit as hex");
  is_int(tlp_evtx_access_list_mask("%%1537\n\t\t\t\t%%4416\n\t\t\t\t%%4417",
                                   &unknown), 0x10003, "AccessList codes");
  is_int(unknown, 0, "AccessList: all known");
  is_int(tlp_evtx_access_list_mask("%%4432 %%4423", &unknown), 0x80,
         "AccessList: a registry code");
  is_int(unknown, 1, "AccessList: the registry code counted as unknown");
  is_int(tlp_evtx_access_kind(0x10080), TL_EV_CHANGED, "DELETE: changed (a rename asks for it too)");
  is_int(tlp_evtx_access_kind(0x10006), TL_EV_MODIFIED, "DELETE with write: modified");
  is_int(tlp_evtx_access_kind(0x6), TL_EV_MODIFIED, "write: modified");
  is_int(tlp_evtx_access_kind(0x120089), TL_EV_ACCESSED, "read: accessed");
  is_int(tlp_evtx_access_kind(0x40000), TL_EV_CHANGED, "WRITE_DAC: changed");
  is_int(tlp_evtx_access_kind(0x100080), TL_EV_OBSERVED, "stat: observed");
  tlp_evtx_share_path("\\??\\C:\\Shares\\Space", "a\\b.txt", p, sizeof(p));
  is_str(p, "C:\\Shares\\Space\\a\\b.txt", "share path joined");
  tlp_evtx_share_path("\\??\\C:\\", "b.txt", p, sizeof(p));
  is_str(p, "C:\\b.txt", "share at a volume's root");
  tlp_evtx_share_path("\\??\\C:\\Shares\\Space\\", "\\", p, sizeof(p));
  is_str(p, "C:\\Shares\\Space", "relative target \\: the share folder");
}

static void
test_bid(void)
{
  uint8_t h[128];
  memset(h, 0, sizeof(h));
  is_int(P->bid(h, sizeof(h)), 0, "bid: zeros");
  memcpy(h, "ElfFile", 8);
  h[32] = 128;
  ok(P->bid(h, sizeof(h)) > 0, "bid: ElfFile");
  ok(P->claim.signature && P->claim.signature_len == 8 &&
     !memcmp(P->claim.signature, "ElfFile", 8), "signature ElfFile\\0");
}

/* Truncated and byte-flipped copies of every corpus log and the fixture:
** no crash (the sanitizer build watches), no malformed event. */
static void
robust_one(const char *f, size_t *n_files, size_t *bad)
{
  unsigned char *data, *c;
  size_t len, i, k;
  struct mock_run r;
  if(!(data = mock_slurp(f, &len)))
    return;
  (*n_files)++;
  /* the file header and the first three chunks: a damaged chunk costs
  ** libevtx the same wherever it lies, and the whole corpus 26 times over
  ** would take minutes */
  if(len > 4096 + 3 * 65536)
    len = 4096 + 3 * 65536;
  /* cut in the file header, in the first chunk's header, in its records,
  ** and at the chunk boundaries */
  for(i = 0; i < len; i = i < 5000 ? i + 1231 : i < 70000 ? i + 16411 :
        i + 65536) {
    mock_run_buf(P, data, i, f, NULL, &r);
    *bad += r.n_bad_emit != 0;
    mock_run_free(&r);
  }
  if((c = malloc(len)) != NULL) {
    uint32_t seed = 12345;
    for(k = 0; k < 8; k++) {
      memcpy(c, data, len);
      /* flip 8 bytes: in the first chunk's header and records mostly */
      for(i = 0; i < 8; i++) {
        size_t at;
        seed = seed * 1103515245u + 12345u;
        at = (k & 1) ? 4096 + (seed >> 8) % 8192 : (seed >> 4) % len;
        c[at] ^= (unsigned char)(1u << (seed >> 28 & 7));
      }
      mock_run_buf(P, c, len, f, NULL, &r);
      *bad += r.n_bad_emit != 0;
      mock_run_free(&r);
    }
    free(c);
  }
  free(data);
}

static void
test_robust(void)
{
  static const char *const dirs[] = {
    "evtx/samples", "plaso/test_data/evtx"
  };
  size_t di, n_files = 0, bad = 0;
  char path[4096];
  for(di = 0; di < sizeof(dirs) / sizeof(dirs[0]) && corpus; di++) {
    DIR *d;
    struct dirent *de;
    snprintf(path, sizeof(path), "%s/%s", corpus, dirs[di]);
    if(!(d = opendir(path)))
      continue;
    while((de = readdir(d)) != NULL) {
      char f[4400];
      size_t l = strlen(de->d_name);
      if(l < 5 || strcmp(de->d_name + l - 5, ".evtx"))
        continue;
      snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
      robust_one(f, &n_files, &bad);
    }
    closedir(d);
  }
  snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/evtx/"
           "security_access.evtx", srcdir ? srcdir : "../..");
  robust_one(path, &n_files, &bad);
  if(n_files < 2)
    ok(1, "# SKIP robustness: corpus not found");
  else
    ok(n_files >= 25, "robustness: %zu logs", n_files);
  is_int(bad, 0, "robustness: truncated and flipped copies parse");
}

int
main(int argc, char **argv)
{
  (void)argc;
  mock_fast_unwind(argv);
  corpus = getenv("TL_CORPUS");
  srcdir = getenv("TL_SRCDIR");
  is_int(mock_init(tl_builtin_evtx_init), TL_OK, "init registers");
  P = mock_parser("evtx");
  ok(P != NULL, "evtx registered");
  if(!P)
    return done_testing();
  test_helpers();
  test_bid();
  test_fixture();
  test_denied();
  test_plaso();
  test_evtx_rs();
  test_robust();
  return done_testing();
}
