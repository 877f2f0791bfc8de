/*
** The registry parser (plugins/registry) through the mock host: plaso's
** hives with the values plaso's winreg plugin tests assert (userassist,
** bagmru, mrulistex, officemru: times to the 100 ns, run counts, focus
** counts, paths, MRU order), the SYSTEM facts on the small hive
** tests/make_regf.py writes (tests/fuzz/corpus/registry/system_facts), and
** truncated and byte-flipped copies of the corpus hives.
*/
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "plugin/mock_host.h"

tl_rc tl_builtin_registry_init(const struct tl_host_api *api,
                               tl_plugin_ctx *ctx, char **errmsg);

static const struct tl_parser *P;
static const char *corpus;
static char tb[96];

static const char *
T(int64_t ns)
{
  return mock_time(ns, tb);
}

static int
run(const char *rel, const char *profile, struct mock_run *r)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(mock_run_file(P, path, profile, r)) {
    ok(1, "# SKIP %s not found", rel);
    return 0;
  }
  return 1;
}

/* The event whose path (or, without one, name) is s and whose attribute
** key has value v (key NULL: any). */
static const struct mock_event *
find(const struct mock_run *r, const char *what, const char *s,
     const char *key, const char *v)
{
  size_t i;
  for(i = 0; i < r->n_events; i++) {
    const struct mock_event *e = &r->events[i];
    const char *x = e->file_path ? e->file_path : e->name;
    if(what && (!e->what || strncmp(e->what, what, strlen(what))))
      continue;
    if(s && (!x || strcmp(x, s)))
      continue;
    if(key && (!mock_attr(e, key) || strcmp(mock_attr(e, key), v)))
      continue;
    return e;
  }
  return NULL;
}

static size_t
count(const struct mock_run *r, const char *what, const char *key,
      const char *v)
{
  size_t i, n = 0;
  for(i = 0; i < r->n_events; i++) {
    const struct mock_event *e = &r->events[i];
    if(what && (!e->what || strncmp(e->what, what, strlen(what))))
      continue;
    if(key && (!mock_attr(e, key) || strcmp(mock_attr(e, key), v)))
      continue;
    n++;
  }
  return n;
}

#define ATTR(e, k, want, msg) is_str((e) ? mock_attr((e), (k)) : NULL, (want), msg)
#define TIME(e, want, msg) is_str((e) ? T((e)->ev.t_ns) : NULL, (want), msg)

static void
test_xp(void)
{
  struct mock_run r;
  const struct mock_event *e;
  /* plaso UserAssistPluginTest.testProcessOnWinXP: 14 entries in the
  ** {75048700-...} key; UEME_RUNPIDL:%csidl2%\MSN.lnk ran 14 times, last
  ** at 2009-08-04T15:11:22.8110676 */
  if(!run("plaso/test_data/NTUSER.DAT", NULL, &r))
    return;
  is_int(r.rc, TL_OK, "NTUSER.DAT (XP): TL_OK");
  is_int(r.n_bad_emit, 0, "NTUSER.DAT: no event refused");
  e = find(&r, "UserAssist", "MSN.lnk", "value_name",
           "UEME_RUNPIDL:%csidl2%\\MSN.lnk");
  ok(e != NULL, "XP UserAssist: MSN.lnk");
  TIME(e, "2009-08-04T15:11:22.8110676Z", "MSN.lnk: last run");
  ATTR(e, "run_count", "14", "MSN.lnk: 14 runs");
  ATTR(e, "format", "16-byte (Windows XP/2003)", "MSN.lnk: XP format");
  is_int(e ? e->ev.kind : 0, TL_EV_EXECUTED, "UserAssist: executed");
  /* of the 14 values plaso lists, the two UEME_CTL counters carry no run */
  is_int(count(&r, "UserAssist", "userassist_guid",
               "{75048700-EF1F-11D0-9888-006097DEACF9}"), 13,
         "XP UserAssist: 13 programs with a last run (15 values less the "
         "2 UEME_CTL counters)");
  e = find(&r, "UserAssist", "NOTEPAD.EXE", NULL, NULL);
  ATTR(e, "value_name", "UEME_RUNPATH:C:\\WINDOWS\\system32\\NOTEPAD.EXE",
       "UEME_RUNPATH: the ROT13 name decoded");
  /* the owner from the hive's base block, cut to its last 31 characters:
  ** "nts and Settings\joe\ntuser.dat" */
  e = find(&r, "ShellBags", "C:\\Documents and Settings\\Administrator",
           NULL, NULL);
  ok(e != NULL, "XP ShellBags: a folder path from the shell items");
  TIME(e, "2009-08-04T15:19:14.6852500Z", "XP ShellBags: parent key time");
  ATTR(e, "item_created", "2007-10-11T12:48:36", "shell item: created");
  ATTR(e, "position", "1", "ShellBags: position");
  is_str(e ? e->actor : NULL, "joe", "actor: the hive's owner");
  e = find(&r, "RecentDocs", "Very secret document.txt", NULL, NULL);
  ATTR(e, "position", "2", "RecentDocs .txt: second entry");
  ATTR(e, "time_exact", "no: opened at or before this time (key last "
       "written)", "RecentDocs: only entry 1 has the key's time");
  ATTR(e, "shortcut", "Very secret document.lnk", "RecentDocs: the .lnk");
  mock_run_free(&r);
}

static void
test_win7(void)
{
  struct mock_run r;
  const struct mock_event *e;
  static const char *const recent[] = {
    "The SHIELD", "captain_america_shield_by_almogrem-d48x9x8.jpg",
    "captain-america-shield-front.jpg", "Leadership", "followership.pdf",
    "leaderqualities.pdf", "htlhtl.pdf", "StarFury",
    "Earth_SA-26_Thunderbolt.jpg", "5031RR_BalancedLeadership.pdf",
    "SA-23E Mitchell-Hyundyne Starfury.docx", "StarFury.docx",
    "StarFury.zip", "VIBRANIUM.docx", "ADAMANTIUM-Background.docx",
    "Pictures", "nick_fury_77831.jpg", "Downloads", "wallpaper_medium.jpg"
  };
  size_t i, found = 0;
  if(!run("plaso/test_data/NTUSER-WIN7.DAT", "nfury", &r))
    return;
  is_int(r.rc, TL_OK, "NTUSER-WIN7.DAT: TL_OK");
  is_int(r.n_bad_emit, 0, "NTUSER-WIN7.DAT: no event refused");
  /* plaso mrulistex StringAndShellItem: RecentDocs lists 19 documents */
  for(i = 0; i < 19; i++)
    found += find(&r, "RecentDocs", recent[i], NULL, NULL) != NULL;
  is_int(found, 19, "RecentDocs: the 19 entries plaso lists");
  is_int(count(&r, "RecentDocs", NULL, NULL), 19,
         "RecentDocs: each once (per-extension lists, not the global copy)");
  e = find(&r, "RecentDocs", "The SHIELD", NULL, NULL);
  TIME(e, "2012-04-01T13:52:39.1137417Z",
       "RecentDocs: The SHIELD at its key's last-written time (Folder)");
  ATTR(e, "position", "1", "The SHIELD: most recent of Folder");
  is_str(e ? e->actor : NULL, "nfury", "actor: the profile");
  /* plaso mrulistex ShellItemList, OpenSavePidlMRU\exe */
  e = find(&r, "ComDlg32 OpenSave",
           "P:\\Application Tools\\Firefox 6.0\\Firefox Setup 6.0.exe",
           NULL, NULL);
  ok(e && e->ev.file.kind == TL_REF_PATH, "OpenSavePidlMRU\\exe: path");
  TIME(e, "2011-08-28T22:48:28.1593086Z", "OpenSavePidlMRU\\exe: key time");
  ATTR(e, "position", "1", "OpenSavePidlMRU\\exe: MRU value 1 first");
  e = find(&r, "ComDlg32 OpenSave",
           "\\\\controller\\WebDavShare\\Firefox Setup 3.6.12.exe", NULL,
           NULL);
  ATTR(e, "position", "2", "OpenSavePidlMRU\\exe: the WebDAV UNC path 2nd");
  ATTR(e, "shell_path", "<Computers and Devices> <Users property view> "
       "\\\\controller\\WebDavShare\\Firefox Setup 3.6.12.exe",
       "OpenSavePidlMRU: shell items as plaso names them");
  /* plaso mrulistex StringAndShellItemList, LastVisitedPidlMRU: 8 */
  is_int(count(&r, "ComDlg32 LastVisited", NULL, NULL), 8,
         "LastVisitedPidlMRU: 8 entries");
  e = find(&r, "ComDlg32 LastVisited", "P:\\Application Tools\\Firefox 6.0",
           "program", "iexplore.exe");
  ATTR(e, "position", "7", "LastVisitedPidlMRU: iexplore.exe is index 7");
  TIME(e, "2012-04-01T13:52:38.9662902Z", "LastVisitedPidlMRU: key time");
  e = find(&r, "ComDlg32 LastVisited", "C:\\Users\\nfury\\Documents",
           "program", "{24B5C9BB-48B5-47FF-8343-40481DBA1E2B}");
  ATTR(e, "position", "4", "LastVisitedPidlMRU: Documents index 4");
  /* plaso's file entry "Alloy Research": created 2012-03-08T22:16:02,
  ** modified 2012-03-12T20:50:00, file reference 44518-33 */
  e = find(&r, "ComDlg32 LastVisited", "Alloy Research", NULL, NULL);
  ATTR(e, "shell_path", "<Shared Documents Folder> <Users property view> "
       "Alloy Research", "Alloy Research: shell path");
  ATTR(e, "item_created", "2012-03-08T22:16:02", "Alloy Research: created");
  ATTR(e, "item_modified", "2012-03-12T20:50:00", "Alloy Research: modified");
  ATTR(e, "mft_reference", "44518-33", "Alloy Research: MFT reference");
  /* plaso officemru: Word 14.0 File MRU, 5 items; item 1's [T] time
  ** 2012-03-13T18:27:15.083, key 18:27:15.0898020 */
  is_int(count(&r, "Office File MRU", NULL, NULL), 5, "Office MRU: 5 items");
  e = find(&r, "Office File MRU", "C:\\Users\\nfury\\Documents\\StarFury\\"
           "StarFury\\SA-23E Mitchell-Hyundyne Starfury.docx", NULL, NULL);
  TIME(e, "2012-03-13T18:27:15.0830000Z", "Office MRU item 1: [T] time");
  ATTR(e, "key_last_written", "2012-03-13T18:27:15.0898020Z",
       "Office MRU: the key's time");
  ATTR(e, "position", "1", "Office MRU: Item 1");
  e = find(&r, "Office File MRU", "C:\\Users\\nfury\\Documents\\"
           "ADAMANTIUM-Background.docx", NULL, NULL);
  TIME(e, "2012-03-07T23:30:58.0350000Z", "Office MRU item 5: T01CCFCBA595DFC30");
  /* Windows 7 UserAssist: the known folder of System32 made a path */
  e = find(&r, "UserAssist", "C:\\Windows\\System32\\calc.exe", NULL, NULL);
  ATTR(e, "run_count", "12", "UserAssist calc.exe: 12 runs");
  ATTR(e, "focus_count", "17", "UserAssist calc.exe: focus count");
  mock_run_free(&r);
}

static void
test_win8(void)
{
  struct mock_run r;
  const struct mock_event *e;
  /* plaso UserAssistPluginTest.testProcessOnWindows8NtUserDat */
  if(!run("plaso/test_data/regf/NTUSER.DAT", NULL, &r))
    return;
  is_int(r.rc, TL_OK, "regf/NTUSER.DAT: TL_OK");
  e = find(&r, "UserAssist", "Microsoft.InternetExplorer.Default", NULL,
           NULL);
  TIME(e, "2016-10-09T19:58:01.7670000Z", "Win8 UserAssist IE: last run");
  ATTR(e, "run_count", "2", "Win8 UserAssist IE: 2 runs");
  ATTR(e, "focus_count", "8", "Win8 UserAssist IE: focus count 8");
  ATTR(e, "focus_ms", "842124", "Win8 UserAssist IE: focus 842124 ms");
  ATTR(e, "format", "72-byte (Windows 7+)", "Win8 UserAssist: 72 bytes");
  is_str(e ? e->actor : NULL, "bperry", "actor from \\??\\C:\\Users\\bperry");
  /* plaso bagmru testProcessWithNtUserDat: the BagMRU key has no entries */
  is_int(count(&r, "ShellBags", NULL, NULL), 0, "NTUSER.DAT BagMRU: empty");
  mock_run_free(&r);
}

static void
test_usrclass(void)
{
  struct mock_run r;
  const struct mock_event *e;
  /* plaso bagmru testProcessWithUsrClassDat: BagMRU (20:04:37.8092483)
  ** lists <Control Panel> then <My Computer>; BagMRU\1\0 written
  ** 19:59:07.2344283 */
  if(!run("plaso/test_data/regf/UsrClass.dat", NULL, &r))
    return;
  is_int(r.rc, TL_OK, "UsrClass.dat: TL_OK");
  is_int(r.n_bad_emit, 0, "UsrClass.dat: no event refused");
  e = find(&r, "ShellBags", "<Control Panel>", "bag_key", "BagMRU\\0");
  TIME(e, "2016-10-09T20:04:37.8092483Z", "BagMRU\\0: BagMRU's time");
  ATTR(e, "position", "1", "BagMRU: Control Panel is MRU value 0, first");
  e = find(&r, "ShellBags", "<My Computer>", "bag_key", "BagMRU\\1");
  ATTR(e, "position", "2", "BagMRU: My Computer second");
  ATTR(e, "folder_key_last_written", "2016-10-09T19:59:07.2344283Z",
       "BagMRU\\1: its key's time");
  ok(e && e->actor && !strcmp(e->actor, "S-1-5-21-226059406-2984137831-"
                              "1201299043-1107"),
     "UsrClass actor: the SID of <SID>_Classes");
  is_int(r.n_events, 6, "UsrClass.dat: 6 folders in 7 BagMRU keys");
  mock_run_free(&r);
}

static void
test_other(void)
{
  struct mock_run r;
  if(!run("plaso/test_data/NTUSER-RunTests.DAT", NULL, &r))
    return;
  is_int(r.n_events, 0, "NTUSER-RunTests.DAT: no MRU keys, no events");
  is_int(r.n_warn, 1, "NTUSER-RunTests.DAT: a warning says so");
  mock_run_free(&r);
  if(!run("plaso/test_data/regf/corrupt_sub_key_list.hiv", NULL, &r))
    return;
  ok(r.rc == TL_OK || r.rc == TL_CORRUPT || r.rc == TL_FAILED,
     "corrupt_sub_key_list.hiv: parses (rc %d)", r.rc);
  mock_run_free(&r);
}

/* The SYSTEM hive tests/make_regf.py writes (no SYSTEM hive is in the
** corpus): its values are in make_regf.py. */
static void
test_system(void)
{
  struct mock_run r;
  char path[4096];
  const char *src = getenv("TL_SRCDIR");
  snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/registry/system_facts",
           src ? src : ".");
  if(mock_run_file(P, path, NULL, &r)) {
    ok(0, "system_facts: %s not found", path);
    return;
  }
  is_int(r.rc, TL_OK, "system_facts: TL_OK");
  is_int(r.n_events, 0, "system_facts: facts, no events");
  is_str(mock_fact(&r, "host.name"), "FS01", "host.name from ControlSet002");
  is_str(mock_fact(&r, "host.timezone"),
         "W. Europe Standard Time (bias -60 min)", "host.timezone");
  is_str(mock_fact(&r, "ntfs.last_access"),
         "off (0x80000003, system-managed)", "ntfs.last_access");
  is_str(mock_fact(&r, "share.Space Tech"), "C:\\Shares\\Space",
         "share.Space Tech: its Path= line");
  is_str(mock_fact(&r, "share.ADMIN"), "D:\\Admin", "share.ADMIN");
  is_int(r.n_facts, 5, "system_facts: 5 facts (ControlSet001 not read)");
  mock_run_free(&r);
}

/* Office 2013 and later: <ver>\<App>\User MRU\<id>\File MRU, each item
** with its [T<FILETIME>] time (make_regf.py ntuser_office16) */
static void
test_office16(void)
{
  struct mock_run r;
  char path[4096];
  const char *src = getenv("TL_SRCDIR");
  const struct mock_event *e;
  snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/registry/"
           "ntuser_office16", src ? src : ".");
  if(mock_run_file(P, path, NULL, &r)) {
    ok(0, "ntuser_office16: %s not found", path);
    return;
  }
  is_int(r.rc, TL_OK, "ntuser_office16: TL_OK");
  is_int(r.n_events, 4, "ntuser_office16: 4 items (not Item Metadata)");
  e = find(&r, "Office File MRU", "C:\\Users\\x\\Documents\\Plan.docx",
           NULL, NULL);
  TIME(e, "2024-01-20T12:36:56.0880176Z", "Office 16.0 item 1: [T] time");
  ok(e && e->ev.raw == 0x01DA4B9D5A7C1230LL, "Office 16.0 item 1: raw");
  ok(e && mock_attr(e, "mru") && strstr(mock_attr(e, "mru"), "16.0 Word"
                                        "\\User MRU\\ADAL_"),
     "Office 16.0: the User MRU key named");
  is_str(e ? e->actor : NULL, "x", "Office 16.0: owner x");
  e = find(&r, "Office File MRU", "\\\\FS01\\Space Tech\\Budget.xlsx",
           NULL, NULL);
  TIME(e, "2024-01-18T11:18:02.1306368Z", "Office 16.0 item 2: UNC path");
  mock_run_free(&r);
}

static void
test_lastaccess_values(void)
{
  /* the six values, through system_la_<hex> seeds written by make_regf.py */
  static const struct {
    const char *file, *want;
  } v[] = {
    {"system_la_0", "on (0x00000000, legacy)"},
    {"system_la_1", "off (0x00000001, legacy)"},
    {"system_la_80000000", "on (0x80000000, user-managed)"},
    {"system_la_80000001", "off (0x80000001, user-managed)"},
    {"system_la_80000002", "on (0x80000002, system-managed)"},
  };
  size_t i;
  const char *src = getenv("TL_SRCDIR");
  for(i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
    struct mock_run r;
    char path[4096];
    snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/registry/%s",
             src ? src : ".", v[i].file);
    if(mock_run_file(P, path, NULL, &r)) {
      ok(0, "%s not found", path);
      continue;
    }
    is_str(mock_fact(&r, "ntfs.last_access"), v[i].want, "%s", v[i].file);
    mock_run_free(&r);
  }
}

/* Truncated and byte-flipped copies of the corpus hives. */
static void
test_robust(void)
{
  static const char *const files[] = {
    "plaso/test_data/NTUSER.DAT", "plaso/test_data/NTUSER-WIN7.DAT",
    "plaso/test_data/regf/NTUSER.DAT", "plaso/test_data/regf/UsrClass.dat"
  };
  size_t fi, n_files = 0, bad = 0, runs = 0;
  for(fi = 0; fi < sizeof(files) / sizeof(files[0]); fi++) {
    char f[4096];
    unsigned char *data, *c;
    size_t len, i;
    uint32_t seed = 12345u + (uint32_t)fi;
    struct mock_run r;
    snprintf(f, sizeof(f), "%s/%s", corpus, files[fi]);
    if(!(data = mock_slurp(f, &len)))
      continue;
    n_files++;
    for(i = 0; i < 24; i++) {
      size_t cut = i < 12 ? 4096 + i * 531 : len / 24 * i;
      mock_run_buf(P, data, cut, f, NULL, &r);
      bad += r.n_bad_emit != 0;
      runs++;
      mock_run_free(&r);
    }
    if((c = malloc(len)) != NULL) {
      for(i = 0; i < 60; i++) {
        size_t k, at;
        memcpy(c, data, len);
        for(k = 0; k < 16; k++) {
          seed = seed * 1103515245u + 12345u;
          /* most flips in the first 256 KiB, where the keys are */
          at = (k & 1) ? (seed >> 4) % len : (seed >> 4) % (len < 262144 ?
                                                            len : 262144);
          c[at] ^= (unsigned char)(1u << (seed & 7));
        }
        mock_run_buf(P, c, len, f, NULL, &r);
        bad += r.n_bad_emit != 0;
        runs++;
        mock_run_free(&r);
      }
      free(c);
    }
    free(data);
  }
  is_int(n_files, 4, "robustness: 4 corpus hives");
  ok(runs >= 300, "robustness: %zu damaged copies", runs);
  is_int(bad, 0, "robustness: no event refused, no crash");
}

int
main(void)
{
  corpus = getenv("TL_CORPUS");
  is_int(mock_init(tl_builtin_registry_init), TL_OK, "init registers");
  P = mock_parser("registry");
  ok(P != NULL, "registry registered");
  if(!P)
    return done_testing();
  ok(P->claim.globs && !strcmp(P->claim.globs[0], "/Users/*/NTUSER.DAT"),
     "claims /Users/*/NTUSER.DAT");
  ok(P->claim.signature_len == 4 && !memcmp(P->claim.signature, "regf", 4),
     "signature regf");
  test_system();
  test_lastaccess_values();
  test_office16();
  if(!corpus || !*corpus || access(corpus, R_OK)) {
    ok(1, "# SKIP TL_CORPUS not set or absent");
    return done_testing();
  }
  test_xp();
  test_win7();
  test_win8();
  test_usrclass();
  test_other();
  test_robust();
  return done_testing();
}
