/*
** registry: shell item lists (PIDLs, [MS-SHLLINK] IDList) as the ComDlg32
** MRUs and the ShellBags store them, read with Debian's libfwsi
** (libfwsi-dev): root folders (known folder GUIDs), volumes, file entries
** (short name, long name and times from the 0xbeef0004 extension block),
** network locations. The result is a display path of every item and, when
** the items start at a volume or a network location and continue with file
** entries only, a Windows or UNC path.
*/
#include <stdio.h>
#include <string.h>

#include <libfwsi.h>

#include "regcommon.h"

static const struct {
  const char *guid, *name;
} known_folders[] = {
  {"20d04fe0-3aea-1069-a2d8-08002b30309d", "My Computer"},
  {"450d8fba-ad25-11d0-98a8-0800361b1103", "My Documents"},
  {"208d2c60-3aea-1069-a2d7-08002b30309d", "My Network Places"},
  {"f02c1a0d-be21-4350-88b0-7367fc96ef3c", "Computers and Devices"},
  {"031e4825-7b94-4dc3-b131-e946b44c8dd5", "Users Libraries"},
  {"59031a47-3f72-44a7-89c5-5595fe6b30ee", "Shared Documents Folder"},
  {"21ec2020-3aea-1069-a2dd-08002b30309d", "Control Panel"},
  {"26ee0668-a00a-44d7-9371-beb064c98683", "Control Panel"},
  {"645ff040-5081-101b-9f08-00aa002f954e", "Recycle Bin"},
  {"871c5380-42a0-1069-a2ea-08002b30309d", "Internet Explorer"},
  {"b4bfcc3a-db2c-424c-b029-7fe99a87c641", "Desktop"},
  {"374de290-123f-4565-9164-39c4925e467b", "Downloads"},
  {"a8cdff1c-4878-43be-b5fd-f8091c1c60d0", "Documents"},
  {"679f85cb-0220-4080-b29b-5540cc05aab6", "Quick access"},
  {"018d5c66-4533-4307-9b53-224de2ed1fe6", "OneDrive"},
  {"5e6c858f-0e22-4760-9afe-ea3317b67173", "Users"},
  {"3add1653-eb32-4cb0-bbd7-dfa0abb5acca", "Pictures"},
  {"d3162b92-9365-467a-956b-92703aca08af", "Documents"},
  {"088e3905-0323-4b02-9826-5d99428e115f", "Downloads"},
  {"3dfdf296-dbec-4fb4-81d1-6a3438bcf4de", "Music"},
  {"24ad3ad4-a569-4530-98e1-ab02f9417aa8", "Videos"},
  {"f42ee2d3-909f-4907-8871-4c22fc0bf756", "Documents"},
  {"0ddd015d-b06c-45d5-8c4c-f59713854639", "Pictures"},
  {"7d83ee9b-2244-4e70-b1f5-5393042af1e4", "Downloads"},
  {NULL, NULL}
};

static void
guid_text(const uint8_t *g, char *out)
{
  snprintf(out, 40, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
           (unsigned)tlp_get32(g), tlp_get16(g + 4), tlp_get16(g + 6), g[8],
           g[9], g[10], g[11], g[12], g[13], g[14], g[15]);
}

static void
append(char *dst, size_t dstsz, const char *sep, const char *s)
{
  size_t n = strlen(dst);
  if(n && sep)
    snprintf(dst + n, dstsz - n, "%s%s", sep, s);
  else
    snprintf(dst + n, dstsz - n, "%s", s);
}

/* A UTF-8 string from libfwsi (cleaned), or "" */
#define FWSI_STR(fn, obj, out)                                           \
  do {                                                                   \
    char raw_[1024];                                                     \
    libfwsi_error_t *e_ = NULL;                                          \
    (out)[0] = '\0';                                                     \
    if(fn((obj), (uint8_t *)raw_, sizeof(raw_), &e_) == 1) {             \
      raw_[sizeof(raw_) - 1] = '\0';                                     \
      tlp_utf8_clean(raw_, (out), sizeof(out));                          \
    }                                                                    \
    libfwsi_error_free(&e_);                                             \
  } while(0)

/* state of path: 0 nothing yet, 1 a path is being built, -1 none */
int
tlp_pidl_parse(const uint8_t *data, size_t len, const tlp_pidl *base,
               tlp_pidl *out)
{
  libfwsi_item_list_t *list = NULL;
  libfwsi_error_t *err = NULL;
  int n = 0, i, state = 0;
  if(base) {
    *out = *base;
    state = out->state;
  } else {
    memset(out, 0, sizeof(*out));
  }
  out->is_dir = -1;
  out->mtime = out->ctime = out->atime = 0;
  out->mft_ref = 0;
  if(libfwsi_item_list_initialize(&list, &err) != 1)
    goto fail;
  if(libfwsi_item_list_copy_from_byte_stream(list, data, len,
                                             LIBFWSI_CODEPAGE_WINDOWS_1252,
                                             &err) != 1 ||
     libfwsi_item_list_get_number_of_items(list, &n, &err) != 1)
    goto fail;
  for(i = 0; i < n; i++) {
    libfwsi_item_t *it = NULL;
    int type = 0;
    char name[512], disp[200];
    name[0] = '\0';
    if(libfwsi_item_list_get_item(list, i, &it, &err) != 1 || !it ||
       libfwsi_item_get_type(it, &type, &err) != 1)
      goto fail;
    out->is_dir = -1;
    out->mtime = out->ctime = out->atime = 0;
    out->mft_ref = 0;
    switch(type) {
    case LIBFWSI_ITEM_TYPE_ROOT_FOLDER: {
      uint8_t g[16];
      char gt[40];
      int k;
      snprintf(disp, sizeof(disp), "<unknown folder>");
      if(libfwsi_root_folder_get_shell_folder_identifier(it, g, 16,
                                                         &err) == 1) {
        guid_text(g, gt);
        snprintf(disp, sizeof(disp), "<{%s}>", gt);
        for(k = 0; known_folders[k].guid; k++)
          if(!strcmp(known_folders[k].guid, gt))
            snprintf(disp, sizeof(disp), "<%s>", known_folders[k].name);
        if(!strcmp(gt, known_folders[0].guid) && state == 0) {
          append(out->display, sizeof(out->display), " ", disp);
          snprintf(out->name, sizeof(out->name), "%s", disp);
          out->is_dir = 1;
          out->n_items++;
          continue;   /* My Computer: the path starts with a volume */
        }
      }
      libfwsi_error_free(&err);
      snprintf(name, sizeof(name), "%s", disp);
      append(out->display, sizeof(out->display), " ", disp);
      state = -1;
      out->is_dir = 1;
      break;
    }
    case LIBFWSI_ITEM_TYPE_VOLUME: {
      size_t k;
      FWSI_STR(libfwsi_volume_get_utf8_name, it, name);
      k = strlen(name);
      while(k && name[k - 1] == '\\')
        name[--k] = '\0';
      if(!name[0]) {
        /* a known folder shown as a volume (Windows 10 "This PC" items) */
        uint8_t g[16];
        char gt[40];
        int f;
        snprintf(name, sizeof(name), "<unnamed volume>");
        if(libfwsi_volume_get_shell_folder_identifier(it, g, 16, &err) == 1 &&
           (tlp_get64(g) || tlp_get64(g + 8))) {
          guid_text(g, gt);
          snprintf(name, sizeof(name), "<{%s}>", gt);
          for(f = 0; known_folders[f].guid; f++)
            if(!strcmp(known_folders[f].guid, gt))
              snprintf(name, sizeof(name), "<%s>", known_folders[f].name);
        }
        libfwsi_error_free(&err);
      }
      append(out->display, sizeof(out->display), " ", name);
      /* a drive letter starts a path wherever it stands */
      if(name[0] && name[1] == ':' && !name[2]) {
        snprintf(out->path, sizeof(out->path), "%s", name);
        state = 1;
      } else {
        state = -1;
      }
      out->is_dir = 1;
      break;
    }
    case LIBFWSI_ITEM_TYPE_NETWORK_LOCATION: {
      FWSI_STR(libfwsi_network_location_get_utf8_location, it, name);
      append(out->display, sizeof(out->display), " ", name);
      /* a UNC location starts a path wherever it stands */
      if(name[0] == '\\' && name[1] == '\\') {
        snprintf(out->path, sizeof(out->path), "%s", name);
        state = 1;
      } else {
        state = -1;
      }
      out->is_dir = 1;
      break;
    }
    case LIBFWSI_ITEM_TYPE_FILE_ENTRY: {
      int nb = 0, b;
      uint32_t flags = 0, fat = 0;
      FWSI_STR(libfwsi_file_entry_get_utf8_name, it, name);
      if(libfwsi_file_entry_get_modification_time(it, &fat, &err) == 1)
        out->mtime = fat;
      libfwsi_error_free(&err);
      if(libfwsi_file_entry_get_file_attribute_flags(it, &flags, &err) == 1)
        out->is_dir = (flags & LIBFWSI_FILE_ATTRIBUTE_FLAG_DIRECTORY) ? 1 : 0;
      libfwsi_error_free(&err);
      if(libfwsi_item_get_number_of_extension_blocks(it, &nb, &err) != 1)
        nb = 0;
      libfwsi_error_free(&err);
      for(b = 0; b < nb; b++) {
        libfwsi_extension_block_t *eb = NULL;
        uint32_t sig = 0;
        uint64_t ref = 0;
        char lname[512];
        if(libfwsi_item_get_extension_block(it, b, &eb, &err) != 1 || !eb ||
           libfwsi_extension_block_get_signature(eb, &sig, &err) != 1 ||
           sig != 0xbeef0004u) {
          libfwsi_error_free(&err);
          continue;
        }
        FWSI_STR(libfwsi_file_entry_extension_get_utf8_long_name, eb, lname);
        if(lname[0])
          snprintf(name, sizeof(name), "%s", lname);
        if(libfwsi_file_entry_extension_get_creation_time(eb, &fat,
                                                          &err) == 1)
          out->ctime = fat;
        libfwsi_error_free(&err);
        if(libfwsi_file_entry_extension_get_access_time(eb, &fat, &err) == 1)
          out->atime = fat;
        libfwsi_error_free(&err);
        if(libfwsi_file_entry_extension_get_file_reference(eb, &ref,
                                                           &err) == 1)
          out->mft_ref = ref;
        libfwsi_error_free(&err);
      }
      if(!name[0])
        snprintf(name, sizeof(name), "(unnamed file entry)");
      /* display: "C:\\Users" after a volume or another file entry */
      {
        size_t dl = strlen(out->display);
        if(dl && state == 1)
          append(out->display, sizeof(out->display), NULL, "\\");
        else if(dl)
          append(out->display, sizeof(out->display), NULL, " ");
        append(out->display, sizeof(out->display), NULL, name);
      }
      if(state == 1) {
        append(out->path, sizeof(out->path), NULL, "\\");
        append(out->path, sizeof(out->path), NULL, name);
      } else {
        state = -1;
      }
      break;
    }
    default: {
      static const struct {
        int type;
        const char *name;
      } kinds[] = {
        {LIBFWSI_ITEM_TYPE_USERS_PROPERTY_VIEW, "<Users property view>"},
        {LIBFWSI_ITEM_TYPE_CONTROL_PANEL, "<Control Panel>"},
        {LIBFWSI_ITEM_TYPE_CONTROL_PANEL_CATEGORY, "<Control Panel category>"},
        {LIBFWSI_ITEM_TYPE_CONTROL_PANEL_CPL_FILE, "<Control Panel item>"},
        {LIBFWSI_ITEM_TYPE_DELEGATE, "<delegate item>"},
        {LIBFWSI_ITEM_TYPE_COMPRESSED_FOLDER, "<compressed folder>"},
        {LIBFWSI_ITEM_TYPE_CDBURN, "<CD burning>"},
        {LIBFWSI_ITEM_TYPE_GAME_FOLDER, "<game folder>"},
        {LIBFWSI_ITEM_TYPE_MTP_FILE_ENTRY, "<MTP file entry>"},
        {LIBFWSI_ITEM_TYPE_MTP_VOLUME, "<MTP volume>"},
        {LIBFWSI_ITEM_TYPE_URI, "<URI>"},
        {LIBFWSI_ITEM_TYPE_URI_SUB_VALUES, "<URI>"},
        {0, NULL}
      };
      int k;
      uint8_t ct = 0;
      snprintf(name, sizeof(name), "<unknown shell item>");
      if(libfwsi_item_get_class_type(it, &ct, &err) == 1)
        snprintf(name, sizeof(name), "<shell item 0x%02x>", (unsigned)ct);
      libfwsi_error_free(&err);
      for(k = 0; kinds[k].name; k++)
        if(kinds[k].type == type)
          snprintf(name, sizeof(name), "%s", kinds[k].name);
      append(out->display, sizeof(out->display), " ", name);
      state = -1;
      break;
    }
    }
    snprintf(out->name, sizeof(out->name), "%s", name);
    out->n_items++;
  }
  if(state != 1)
    out->path[0] = '\0';
  out->state = state;
  libfwsi_item_list_free(&list, NULL);
  return 0;
fail:
  libfwsi_error_free(&err);
  if(list)
    libfwsi_item_list_free(&list, NULL);
  return -1;
}
