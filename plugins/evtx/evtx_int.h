/*
** plugins/evtx: helpers shared with the unit test (tests/plugin/test_evtx.c).
** Hidden: a plugin built as its own shared object exports only
** tl_plugin_init.
*/
#ifndef TLP_EVTX_INT_H
#define TLP_EVTX_INT_H

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* The access rights an AccessList of %%NNNN codes names, as a mask;
** *unknown counts codes that are not file access rights. */
uint32_t tlp_evtx_access_list_mask(const char *list, int *unknown);
/* The rights of mask as names ("ReadData/ListDirectory SYNCHRONIZE"),
** bits without a name as one hex number at the end. Returns the length. */
size_t tlp_evtx_access_names(uint32_t mask, char *out, size_t n);
/* The event kind an access mask stands for: deleted (DELETE), modified
** (WriteData, AppendData), accessed (ReadData), changed (WriteEA,
** WriteAttributes, WRITE_DAC, WRITE_OWNER), else observed. */
int tlp_evtx_access_kind(uint32_t mask);
/* The file a 5145 names on the server: ShareLocalPath ("\??\C:\x")
** joined with RelativeTargetName ("docs\a.docx"): "C:\x\docs\a.docx". */
void tlp_evtx_share_path(const char *local, const char *rel, char *out,
                         size_t n);
/* The Keywords number of a record's XML rendering (0 when absent); an
** audit failure (access refused) has bit TLP_EVTX_AUDIT_FAILURE, a
** success 0x0020000000000000. */
#define TLP_EVTX_AUDIT_FAILURE 0x0010000000000000ULL
uint64_t tlp_evtx_keywords(const char *xml);

#pragma GCC visibility pop

#endif
