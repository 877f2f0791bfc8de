/*
** The prefetch parser (plugins/prefetch, libscca) through the mock host:
** every prefetch file of plaso's winprefetch tests and of Eric Zimmerman's
** PECmd tests (Prefetch.Test/TestVersion{17,23,26,30}.cs) against the values
** those peers assert (../shared/corpus/EXPECTED.md): executable name,
** prefetch hash, run count, last run time to the 100 ns, earlier run times,
** the number of files, the volumes (device path, serial number, creation
** time), the file list in order with its NTFS file references, the path of
** the executable mapped to C:. Then: the ABI 1.0 host (no "loaded"), the
** claims and bid, the negative sample, every corpus prefetch file parsed,
** and truncated and byte-flipped copies of each.
*/
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "plugin/mock_host.h"

tl_rc tl_builtin_prefetch_init(const struct tl_host_api *api,
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
run(const char *rel, struct mock_run *r)
{
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s", corpus, rel);
  if(mock_run_file(P, path, NULL, r)) {
    ok(1, "# SKIP %s not found", rel);
    return 0;
  }
  return 1;
}

/* the path as the prefetch file wrote it */
static const char *
written(const struct mock_event *e)
{
  const char *w = mock_attr(e, "path_as_written");
  return w ? w : e->file_path;
}

/* What a peer asserts about one file. NULL / -1: not asserted. */
struct expect {
  const char *rel, *exe;
  int version;
  const char *hash;             /* the hash, hex (plaso asserts it decimal) */
  long run_count;
  const char *last;             /* last run time, 100 ns */
  const char *earlier[8];       /* earlier run times, in order */
  int n_runs;                   /* run times stored (EZ LastRunTimes.Count) */
  long files;                   /* Filenames.Count */
  const char *volumes;          /* device serial created; ... in order */
  const char *fn3;              /* Filenames[3] */
  const char *exe_path;         /* the executed event's path (path hint) */
};

#define W "plaso/test_data/winprefetch/"
#define E "EZ-Prefetch/Prefetch.Test/TestFiles/"
#define V10A "\\VOLUME{01d1217a9c4c6779-8c9f49ec}"
#define V10B "\\VOLUME{01d12173f395296c-66f451bc}"
static const struct expect X[] = {
  /* plaso WinPrefetchParserTest.testParse17 */
  {W "CMD.EXE-087B4001.pf", "CMD.EXE", 17, "087B4001", -1,
   "2013-03-10T10:11:49.2812500Z", {NULL}, 1, 33,
   "\\DEVICE\\HARDDISKVOLUME1 24CB074B 2013-03-10T10:19:46.2343750Z", NULL,
   "C:\\WINDOWS\\SYSTEM32\\CMD.EXE"},
  /* testParse23 */
  {W "PING.EXE-B29F6629.pf", "PING.EXE", 23, "B29F6629", 14,
   "2012-04-06T19:00:55.9329556Z", {NULL}, 1, -1,
   "\\DEVICE\\HARDDISKVOLUME1 AC036525 2010-11-10T17:37:26.4843750Z", NULL,
   "C:\\WINDOWS\\SYSTEM32\\PING.EXE"},
  /* testParse23MultiVolume */
  {W "WUAUCLT.EXE-830BCC14.pf", "WUAUCLT.EXE", 23, "830BCC14", 25,
   "2012-03-15T21:17:39.8079963Z", {NULL}, 1, -1,
   "\\DEVICE\\HARDDISKVOLUME1 AC036525 2010-11-10T17:37:26.4843750Z; "
   "\\DEVICE\\HARDDISKVOLUMESHADOWCOPY2 AC036525 2010-11-10T17:37:26.4843750Z; "
   "\\DEVICE\\HARDDISKVOLUMESHADOWCOPY4 AC036525 2010-11-10T17:37:26.4843750Z; "
   "\\DEVICE\\HARDDISKVOLUMESHADOWCOPY7 AC036525 2010-11-10T17:37:26.4843750Z; "
   "\\DEVICE\\HARDDISKVOLUMESHADOWCOPY8 AC036525 2010-11-10T17:37:26.4843750Z",
   NULL, "C:\\WINDOWS\\SYSTEM32\\WUAUCLT.EXE"},
  /* testParse26 */
  {W "TASKHOST.EXE-3AE259FC.pf", "TASKHOST.EXE", 26, "3AE259FC", 4,
   "2013-10-04T15:40:09.0378333Z",
   {"2013-10-04T15:28:09.0103565Z", "2013-10-04T06:19:54.5960606Z",
    "2013-10-04T06:11:13.6429375Z", NULL}, -1, 51,
   "\\DEVICE\\HARDDISKVOLUME2 686C4249 2013-10-04T15:57:26.1465476Z", NULL,
   "C:\\WINDOWS\\SYSTEM32\\TASKHOST.EXE"},
  /* testParse30Compressed */
  {W "BYTECODEGENERATOR.EXE-C1E9BCE6.pf", "BYTECODEGENERATOR.EXE", 30,
   "C1E9BCE6", 7, "2015-05-14T22:11:58.0911341Z",
   {"2015-05-14T22:11:55.3576520Z", "2015-05-14T22:11:45.5135991Z",
    "2015-05-14T22:11:25.8427278Z", "2015-05-14T22:11:19.8586549Z",
    "2015-05-14T22:11:05.9066547Z", "2015-05-14T22:10:38.2515193Z", NULL},
   -1, -1,
   "\\VOLUME{01d08edc0cbccaad-3e0d2d25} 3E0D2D25 2015-05-15T06:54:55.1392941Z",
   NULL, NULL},
  /* testParse30Variant1Compressed */
  {W "ONEDRIVE.EXE-7E152375.pf", "ONEDRIVE.EXE", 30, "7E152375", 2,
   "2015-05-14T22:11:05.4852771Z", {"2015-05-14T22:10:28.6747101Z", NULL},
   -1, -1,
   "\\VOLUME{01d08edc0cbccaad-3e0d2d25} 3E0D2D25 2015-05-15T06:54:55.1392941Z",
   NULL, NULL},
  /* testParse30Variant2Compressed */
  {W "NOTEPAD.EXE-D8414F97.pf", "NOTEPAD.EXE", 30, "D8414F97", 2,
   "2019-06-05T19:55:04.8777787Z", {"2019-06-05T19:23:00.8157052Z", NULL},
   -1, -1,
   "\\VOLUME{01d3096ba3a46863-2ca3d1ae} 2CA3D1AE 2017-07-30T19:40:03.5487843Z",
   NULL, NULL},
  /* testParse31TruncatedFilename (no run time nor volume time asserted) */
  {W "AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf",
   "AM_DELTA_PATCH_1.443.990.0.EX", 31, "7037CF86", 1, NULL, {NULL}, -1, -1,
   NULL, NULL, "C:\\WINDOWS\\SOFTWAREDISTRIBUTION\\DOWNLOAD\\INSTALL\\"
   "AM_DELTA_PATCH_1.443.990.0.EXE"},
  /* PECmd TestVersion17.cs */
  {E "Win2k3/CMD.EXE-087B4001.pf", "CMD.EXE", 17, "087B4001", 3,
   "2016-01-15T23:01:40.8750000Z", {NULL}, 1, 16,
   "\\DEVICE\\HARDDISKVOLUME1 64BB3469 2016-01-15T15:45:15.8906250Z",
   "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\LOCALE.NLS", NULL},
  {E "XPPro/CALC.EXE-02CD573A.pf", "CALC.EXE", 17, "02CD573A", 3,
   "2016-01-13T22:05:51.2812500Z", {NULL}, 1, 30,
   "\\DEVICE\\HARDDISKVOLUME1 E0F7E847 2016-01-13T11:17:18.7187500Z",
   "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\LOCALE.NLS", NULL},
  /* TestVersion23.cs */
  {E "Vista/EXPLORER.EXE-7A3328DA.pf", "EXPLORER.EXE", 23, "7A3328DA", 1,
   "2016-01-16T20:02:00.8326765Z", {NULL}, 1, 66,
   "\\DEVICE\\HARDDISKVOLUME1 E8EAB8B5 2016-01-16T20:53:13.1093750Z",
   "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\ADVAPI32.DLL", NULL},
  {E "Win7/DCODEDCODEDCODEDCODEDCODEDCOD-9054DA3F.pf",
   "DCODEDCODEDCODEDCODEDCODEDCOD", 23, "9054DA3F", 5,
   "2016-01-22T16:23:16.3416250Z", {NULL}, 1, 50,
   "\\DEVICE\\HARDDISKVOLUME2 88008C2F 2016-01-16T21:15:18.1093750Z; "
   "\\DEVICE\\HARDDISKVOLUME3 E892367F 2016-01-22T16:11:36.5781250Z",
   "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\WOW64CPU.DLL", NULL},
  {E "Win7/CALC.EXE-77FDF17F.pf", "CALC.EXE", 23, "77FDF17F", 2,
   "2016-01-16T20:27:01.1967500Z", {NULL}, 1, 37,
   "\\DEVICE\\HARDDISKVOLUME2 88008C2F 2016-01-16T21:15:18.1093750Z",
   "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\KERNELBASE.DLL", NULL},
  /* TestVersion26.cs */
  {E "Win2012R2/NOTEPAD.EXE-D8414F97.pf", "NOTEPAD.EXE", 26, "D8414F97", 2,
   "2016-01-16T21:40:31.2944718Z", {NULL}, -1, 26,
   "\\DEVICE\\HARDDISKVOLUME2 7450B65F 2016-01-16T22:21:57.7889266Z",
   "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\ADVAPI32.DLL", NULL},
  {E "Win2012/REGEDIT.EXE-90FEEA06.pf", "REGEDIT.EXE", 26, "90FEEA06", 1,
   "2016-01-16T21:36:18.7186980Z", {NULL}, -1, 42,
   "\\DEVICE\\HARDDISKVOLUME2 2E25F20A 2016-01-16T22:20:46.1666157Z", NULL,
   NULL},
  {E "Win8x/CALC.EXE-77FDF17F.pf", "CALC.EXE", 26, "77FDF17F", 2,
   "2016-01-16T21:10:26.0583417Z", {NULL}, -1, 37,
   "\\DEVICE\\HARDDISKVOLUME2 C6EE7444 2016-01-16T22:04:54.3519546Z",
   "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\KERNELBASE.DLL", NULL},
  {E "Win8x/_CMD.EXE-4A81B364.pf", "CMD.EXE", 26, "4A81B364", 2,
   "2016-01-16T21:25:41.5341178Z", {NULL}, -1, 12,
   "\\DEVICE\\HARDDISKVOLUME2 A26E529A 2016-01-16T22:15:38.2977678Z",
   "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\KERNELBASE.DLL", NULL},
  /* TestVersion30.cs */
  {E "Win10/CHROME.EXE-B3BA7868.pf", "CHROME.EXE", 30, "B3BA7868", 20,
   "2016-01-13T18:06:55.3344577Z", {NULL}, 8, 282,
   V10A " 8C9F49EC 2015-11-17T20:57:46.2434681Z",
   V10A "\\WINDOWS\\SYSTEM32\\KERNEL32.DLL", NULL},
  {E "Win10/DCODEDCODEDCODEDCODEDCODEDCOD-E65B9FE8.pf",
   "DCODEDCODEDCODEDCODEDCODEDCOD", 30, "E65B9FE8", 2,
   "2016-01-13T22:47:25.7480759Z", {NULL}, -1, 57,
   V10B " 66F451BC 2015-11-17T20:10:06.2049644Z; "
   V10A " 8C9F49EC 2015-11-17T20:57:46.2434681Z",
   V10A "\\WINDOWS\\SYSTEM32\\KERNEL32.DLL", NULL},
  {E "Win10/DEVENV.EXE-854D7862.pf", "DEVENV.EXE", 30, "854D7862", 54,
   "2016-01-13T16:50:34.6578416Z", {NULL}, 8, 403,
   V10A " 8C9F49EC 2015-11-17T20:57:46.2434681Z", NULL, NULL},
};

static const char *const cmd17_files[] = {
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\NTDLL.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\KERNEL32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\UNICODE.NLS",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\LOCALE.NLS",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\SORTTBLS.NLS",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\MSVCRT.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\CMD.EXE",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\USER32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\GDI32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\SHIMENG.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\APPPATCH\\SYSMAIN.SDB",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\APPPATCH\\ACGENRAL.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\ADVAPI32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\RPCRT4.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\WINMM.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\OLE32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\OLEAUT32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\MSACM32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\VERSION.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\SHELL32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\SHLWAPI.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\USERENV.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\UXTHEME.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\CTYPE.NLS",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\SORTKEY.NLS",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\WINSXS\\X86_MICROSOFT.WINDOWS.COMMON-CONTROLS_6595B64144CCF1DF_6.0.2600.2180_X-WW_A84F1FF9\\COMCTL32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\WINDOWSSHELL.MANIFEST",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\SYSTEM32\\COMCTL32.DLL",
  "\\DEVICE\\HARDDISKVOLUME1\\D50FF1E628137B1A251B47AB9466\\UPDATE\\UPDATE.EXE.MANIFEST",
  "\\DEVICE\\HARDDISKVOLUME1\\$MFT",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\IE7\\SPUNINST\\SPUNINST.EXE.MANIFEST",
  "\\DEVICE\\HARDDISKVOLUME1\\D50FF1E628137B1A251B47AB9466\\UPDATE\\IERESETICONS.EXE",
  "\\DEVICE\\HARDDISKVOLUME1\\WINDOWS\\IE7\\SPUNINST\\IERESETICONS.EXE",
  NULL
};
static const char *const taskhost_files[] = {
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\NTDLL.DLL [46299-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\TASKHOST.EXE",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\KERNEL32.DLL [45747-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\KERNELBASE.DLL [45734-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\LOCALE.NLS [45777-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\MSVCRT.DLL [46033-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\RPCRT4.DLL [46668-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\COMBASE.DLL [44616-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\OLEAUT32.DLL [46309-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\OLE32.DLL [46348-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\RPCSS.DLL [46654-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\KERNEL.APPCORE.DLL [45698-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\CRYPTBASE.DLL [44560-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\BCRYPTPRIMITIVES.DLL [44355-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\USER32.DLL [47130-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\GDI32.DLL [45344-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\EN-US\\TASKHOST.EXE.MUI",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\SECHOST.DLL [46699-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\CLBCATQ.DLL [44511-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\RACENGN.DLL [46549-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\NTMARTA.DLL [46262-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\WEVTAPI.DLL [47223-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\$MFT",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\SQMAPI.DLL [46832-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\AEPIC.DLL [43991-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\WINTRUST.DLL [47372-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\SLWGA.DLL [46762-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\DXGI.DLL [44935-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\ESENT.DLL [45256-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\WMICLNT.DLL [47413-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\ADVAPI32.DLL [43994-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\SFC_OS.DLL [46729-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\VERSION.DLL [47120-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\CRYPT32.DLL [44645-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\MSASN1.DLL [45909-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\WTSAPI32.DLL [47527-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\SPPC.DLL [46803-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\POWRPROF.DLL [46413-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\PROFAPI.DLL [46441-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\PROGRAMDATA\\MICROSOFT\\RAC\\STATEDATA\\RACMETADATA.DAT [39345-2]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\GLOBALIZATION\\SORTING\\SORTDEFAULT.NLS [37452-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\RACRULES.XML [46509-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\TASKSCHD.DLL [47043-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\SSPICLI.DLL [46856-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\XMLLITE.DLL [47569-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\PROGRAMDATA\\MICROSOFT\\RAC\\STATEDATA\\RACWMIEVENTDATA.DAT [23870-3]",
  "\\DEVICE\\HARDDISKVOLUME2\\PROGRAMDATA\\MICROSOFT\\RAC\\STATEDATA\\RACWMIDATABOOKMARKS.DAT [23871-2]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\TPMTASKS.DLL [47003-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\NCRYPT.DLL [46073-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\BCRYPT.DLL [44346-1]",
  "\\DEVICE\\HARDDISKVOLUME2\\WINDOWS\\SYSTEM32\\NTASN1.DLL [46261-1]",
  NULL
};

/* The file list in order (plaso's mapped_files: the path as written and,
** when it has one, " [entry-sequence]"): the executable's entry is the
** executed event, the others the loaded events in order. */
static void
check_files(const struct mock_run *r, const char *const *want,
            const char *label)
{
  size_t k, j = 0, exe_seen = 0, bad = 0;
  const struct mock_event *x = NULL;
  for(k = 0; k < r->n_events; k++)
    if(r->events[k].ev.kind == TL_EV_EXECUTED && !x)
      x = &r->events[k];
  for(k = 0; want[k]; k++) {
    char got[4200];
    const char *ref = NULL, *w = NULL;
    if(x && !exe_seen && written(x) && !strncmp(want[k], written(x),
                                                strlen(written(x))) &&
       (!want[k][strlen(written(x))] || want[k][strlen(written(x))] == ' ')) {
      exe_seen = 1;
      w = written(x);
    } else {
      while(j < r->n_events && r->events[j].ev.kind != TL_EV_LOADED)
        j++;
      if(j < r->n_events) {
        w = written(&r->events[j]);
        ref = mock_attr(&r->events[j], "file_reference");
        j++;
      }
    }
    snprintf(got, sizeof(got), "%s%s%s%s", w ? w : "(none)",
             ref ? " [" : "", ref ? ref : "", ref ? "]" : "");
    if(strcmp(got, want[k])) {
      if(!bad)
        printf("#   entry %zu: got '%s', want '%s'\n", k, got, want[k]);
      bad++;
    }
  }
  is_int(bad, 0, "%s: the file list in order, with file references (%zu "
         "entries)", label, k);
  ok(exe_seen, "%s: the executable's entry is the executed event", label);
}

static void
check_one(const struct expect *x)
{
  struct mock_run r;
  const struct mock_event *last = NULL;
  size_t i, n_exec = 0, n_loaded = 0, bad_loaded = 0;
  int k, fn3_seen = 0;
  const char *b = strrchr(x->rel, '/') + 1;
  char ver[16];
  if(!run(x->rel, &r))
    return;
  is_int(r.rc, TL_OK, "%s: TL_OK", b);
  is_int(r.n_corrupt + r.n_bad_emit, 0, "%s: nothing corrupt or refused", b);
  for(i = 0; i < r.n_events; i++) {
    const struct mock_event *e = &r.events[i];
    if(e->ev.kind == TL_EV_EXECUTED) {
      const char *idx = mock_attr(e, "run_index");
      if(idx && !strcmp(idx, "0"))
        last = e;
      n_exec++;
    } else if(e->ev.kind == TL_EV_LOADED) {
      n_loaded++;
      if(last && (e->ev.t_ns != last->ev.t_ns ||
                  !mock_attr(e, "executable")))
        bad_loaded++;
      if(x->fn3 && written(e) && !strcmp(written(e), x->fn3))
        fn3_seen = 1;
    }
  }
  ok(last != NULL, "%s: an executed event for the last run", b);
  if(!last) {
    mock_run_free(&r);
    return;
  }
  is_str(mock_attr(last, "executable"), x->exe, "%s: executable %s", b,
         x->exe);
  snprintf(ver, sizeof(ver), "%d", x->version);
  is_str(mock_attr(last, "version"), ver, "%s: version %d", b, x->version);
  is_str(mock_attr(last, "prefetch_hash"), x->hash, "%s: hash %s", b,
         x->hash);
  if(x->run_count >= 0) {
    char rc[24];
    snprintf(rc, sizeof(rc), "%ld", x->run_count);
    is_str(mock_attr(last, "run_count"), rc, "%s: run count %ld", b,
           x->run_count);
  }
  if(x->last) {
    is_str(T(last->ev.t_ns), x->last, "%s: last run %s", b, x->last);
    is_int(last->ev.raw, (last->ev.t_ns / 100) + 116444736000000000LL,
           "%s: raw FILETIME kept", b);
  }
  /* the earlier run times: the executed events after the last, in order */
  for(k = 0; k < 8 && x->earlier[k]; k++) {
    const struct mock_event *e = NULL;
    char want_idx[16];
    snprintf(want_idx, sizeof(want_idx), "%d", k + 1);
    for(i = 0; i < r.n_events; i++)
      if(r.events[i].ev.kind == TL_EV_EXECUTED &&
         !strcmp(mock_attr(&r.events[i], "run_index"), want_idx))
        e = &r.events[i];
    is_str(e ? T(e->ev.t_ns) : NULL, x->earlier[k],
           "%s: earlier run %d at %s", b, k + 1, x->earlier[k]);
  }
  if(x->earlier[0] && x->n_runs < 0)
    is_int(n_exec, k + 1, "%s: %d executed events (last and earlier runs)",
           b, k + 1);
  if(x->n_runs >= 0)
    is_int(n_exec, x->n_runs, "%s: %d run times stored", b, x->n_runs);
  if(x->files >= 0) {
    char f[24];
    snprintf(f, sizeof(f), "%ld", x->files);
    is_str(mock_attr(last, "files"), f, "%s: %ld files", b, x->files);
    is_int(n_loaded, x->files - 1, "%s: a loaded event for every file but "
           "the executable", b);
  }
  is_int(bad_loaded, 0, "%s: loaded events at the last run time, naming "
         "the executable", b);
  if(x->volumes)
    is_str(mock_attr(last, "volume_list"), x->volumes, "%s: volumes", b);
  if(x->fn3)
    ok(fn3_seen, "%s: Filenames[3] %s among the loaded files", b, x->fn3);
  if(x->exe_path)
    is_str(last->file_path, x->exe_path, "%s: executable at %s", b,
           x->exe_path);
  mock_run_free(&r);
}

static void
test_peers(void)
{
  size_t i;
  struct mock_run r;
  for(i = 0; i < sizeof(X) / sizeof(X[0]); i++)
    check_one(&X[i]);
  if(run(W "CMD.EXE-087B4001.pf", &r)) {
    check_files(&r, cmd17_files, "CMD.EXE-087B4001.pf (v17)");
    mock_run_free(&r);
  }
  if(run(W "TASKHOST.EXE-3AE259FC.pf", &r)) {
    check_files(&r, taskhost_files, "TASKHOST.EXE-3AE259FC.pf (v26)");
    mock_run_free(&r);
  }
  /* the plaso v31 file: its only volume, as plaso asserts it */
  if(run(W "AM_DELTA_PATCH_1.443.990.0.EX-7037CF86.pf", &r)) {
    const struct mock_event *e = r.n_events ? &r.events[0] : NULL;
    is_str(e ? mock_attr(e, "volume_device") : NULL,
           "\\VOLUME{01dc94cf1f08c4a4-bc1f1bfc}", "v31: volume device path");
    is_str(e ? mock_attr(e, "volume_serial") : NULL, "BC1F1BFC",
           "v31: volume serial 3156155388");
    is_str(e ? mock_attr(e, "path_as_written") : NULL,
           "\\VOLUME{01dc94cf1f08c4a4-bc1f1bfc}\\WINDOWS\\SOFTWAREDISTRIBUTION"
           "\\DOWNLOAD\\INSTALL\\AM_DELTA_PATCH_1.443.990.0.EXE",
           "v31: the path as written");
    mock_run_free(&r);
  }
  /* a file on a second volume stays as written: DCODE ran from VOLUME3 */
  if(run(E "Win7/DCODEDCODEDCODEDCODEDCODEDCOD-9054DA3F.pf", &r)) {
    size_t n_c = 0, n_dev = 0;
    for(i = 0; i < r.n_events; i++) {
      const char *p = r.events[i].file_path;
      n_c += p && !strncmp(p, "C:\\", 3);
      n_dev += p && !strncmp(p, "\\DEVICE\\HARDDISKVOLUME3\\", 24);
    }
    ok(n_c > 0 && n_dev > 0, "Win7 DCODE: system volume files as C:\\ (%zu), "
       "the other volume's as written (%zu)", n_c, n_dev);
    mock_run_free(&r);
  }
  /* PECmd: reading Bad/notAPrefetch.pf fails */
  if(run(E "Bad/notAPrefetch.pf", &r)) {
    is_int(r.rc, TL_FAILED, "notAPrefetch.pf: TL_FAILED");
    is_int(r.n_events, 0, "notAPrefetch.pf: no event");
    ok(r.n_corrupt > 0, "notAPrefetch.pf: reported (%s)", r.last_corrupt);
    mock_run_free(&r);
  }
}

/* A host of ABI 1.0: no loaded events (kind 15 is unknown to it). */
static struct tl_host_api api10;
static tl_rc
parse10(const struct tl_host_api *api, tl_input *in)
{
  api10 = *api;
  api10.abi_minor = 0;
  return P->parse(&api10, in);
}

static void
test_abi10(void)
{
  struct tl_parser p10 = *P;
  struct mock_run r;
  char path[4096];
  size_t i, n_loaded = 0, n_exec = 0;
  p10.parse = parse10;
  snprintf(path, sizeof(path), "%s/" W "TASKHOST.EXE-3AE259FC.pf", corpus);
  if(mock_run_file(&p10, path, NULL, &r)) {
    ok(1, "# SKIP TASKHOST.EXE-3AE259FC.pf not found");
    return;
  }
  for(i = 0; i < r.n_events; i++) {
    n_loaded += r.events[i].ev.kind == TL_EV_LOADED;
    n_exec += r.events[i].ev.kind == TL_EV_EXECUTED;
  }
  is_int(n_exec, 4, "ABI 1.0 host: the 4 executed events");
  is_int(n_loaded, 0, "ABI 1.0 host: no loaded event");
  mock_run_free(&r);
}

static void
test_claims(void)
{
  static const uint8_t v17[8] = {17, 0, 0, 0, 'S', 'C', 'C', 'A'};
  static const uint8_t mam[8] = {'M', 'A', 'M', 4, 0, 1, 0, 0};
  static const uint8_t other[8] = {'M', 'A', 'M', 5, 0, 1, 0, 0};
  ok(P->claim.globs && !strcmp(P->claim.globs[0], "/Windows/Prefetch/*.pf"),
     "claims /Windows/Prefetch/*.pf");
  ok(P->claim.signature_len == 4 && P->claim.signature_off == 4 &&
     !memcmp(P->claim.signature, "SCCA", 4), "signature SCCA at 4");
  ok(P->bid(v17, 8) > 0, "bid: SCCA version 17");
  ok(P->bid(mam, 8) > 0, "bid: MAM\\x04");
  is_int(P->bid(other, 8), 0, "bid: MAM\\x05 is not ours");
  is_int(P->bid(v17, 7), 0, "bid: 7 bytes are not enough");
}

/* Damaged MAM headers fail cleanly, reported, without a 64 MiB buffer for
** a 40-byte file. */
static void
test_mam_bad(void)
{
  uint8_t d[40];
  struct mock_run r;
  memset(d, 0x5a, sizeof(d));
  memcpy(d, "MAM\x04", 4);
  d[4] = 0; d[5] = 0; d[6] = 0; d[7] = 4;           /* 64 MiB */
  mock_run_buf(P, d, sizeof(d), "/Windows/Prefetch/X.pf", NULL, &r);
  is_int(r.rc, TL_FAILED, "MAM claiming 64 MiB from 32 bytes: TL_FAILED");
  is_str(r.last_corrupt, "@0: prefetch: implausible decompressed size",
         "MAM claiming 64 MiB: reported");
  mock_run_free(&r);
  d[5] = 0x40; d[6] = 0; d[7] = 0;                 /* 16 KiB */
  mock_run_buf(P, d, sizeof(d), "/Windows/Prefetch/X.pf", NULL, &r);
  is_int(r.rc, TL_FAILED, "MAM with garbage data: TL_FAILED");
  ok(r.n_corrupt == 1 && r.n_events == 0, "MAM with garbage data: reported "
     "(%s), no event", r.last_corrupt);
  mock_run_free(&r);
}

/* Every prefetch file of the corpus parses; truncated and byte-flipped
** copies of each give no crash and no malformed event. */
static void
test_robust(void)
{
  static const char *const dirs[] = {
    "plaso/test_data/winprefetch", E "Vista", E "Win10", E "Win2012",
    E "Win2012R2", E "Win2k3", E "Win7", E "Win8x", E "XPPro"
  };
  size_t di, n_files = 0, n_ok = 0, bad = 0, runs = 0;
  for(di = 0; di < sizeof(dirs) / sizeof(dirs[0]); di++) {
    char path[4096];
    DIR *d;
    struct dirent *de;
    snprintf(path, sizeof(path), "%s/%s", corpus, dirs[di]);
    if(!(d = opendir(path)))
      continue;
    while((de = readdir(d)) != NULL) {
      char f[4400];
      unsigned char *data, *c;
      size_t len, i, step;
      struct mock_run r;
      if(!strstr(de->d_name, ".pf"))
        continue;
      snprintf(f, sizeof(f), "%s/%s", path, de->d_name);
      if(!(data = mock_slurp(f, &len)))
        continue;
      n_files++;
      mock_run_buf(P, data, len, f, NULL, &r);
      n_ok += r.rc == TL_OK && r.n_events > 0 && !r.n_corrupt;
      if(r.rc != TL_OK)
        printf("# %s: rc %d: %s\n", de->d_name, r.rc, r.last_corrupt);
      mock_run_free(&r);
      /* cut: every byte of the header, then 40 points over the rest */
      step = len / 40 + 1;
      for(i = 0; i < len; i += i < 256 ? 7 : step) {
        mock_run_buf(P, data, i, f, NULL, &r);
        bad += r.n_bad_emit != 0 || (r.rc != TL_OK && r.rc != TL_CORRUPT &&
                                     r.rc != TL_FAILED);
        runs++;
        mock_run_free(&r);
      }
      if((c = malloc(len)) != NULL) {
        for(i = 0; i < len; i += i < 256 ? 5 : step) {
          memcpy(c, data, len);
          c[i] ^= (unsigned char)(0xa5 + i);
          mock_run_buf(P, c, len, f, NULL, &r);
          bad += r.n_bad_emit != 0 || (r.rc != TL_OK && r.rc != TL_CORRUPT &&
                                       r.rc != TL_FAILED);
          runs++;
          mock_run_free(&r);
        }
        free(c);
      }
      free(data);
    }
    closedir(d);
  }
  if(!n_files) {
    ok(1, "# SKIP no corpus prefetch files under %s", corpus);
    return;
  }
  is_int(n_files, 62, "robustness: the 62 corpus prefetch files");
  is_int(n_ok, n_files, "robustness: each parses whole with events");
  is_int(bad, 0, "robustness: %zu truncated and flipped copies parse or "
         "fail cleanly", runs);
}

int
main(void)
{
  corpus = getenv("TL_CORPUS");
  is_int(mock_init(tl_builtin_prefetch_init), TL_OK, "init registers");
  P = mock_parser("prefetch");
  ok(P != NULL, "prefetch registered");
  if(!P)
    return done_testing();
  test_claims();
  test_mam_bad();
  if(!corpus || !*corpus) {
    ok(1, "# SKIP TL_CORPUS not set");
    return done_testing();
  }
  test_peers();
  test_abi10();
  test_robust();
  return done_testing();
}
