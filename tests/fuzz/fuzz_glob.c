/*
** Fuzz target for the glob engine and the path rules of targets and the
** division map (base/pathglob.c). The input is a flags byte, a pattern,
** a NUL byte, and a path. Checks:
**  - compile + exec agree with Tl_glob_match and with a second exec on
**    the same compiled glob (no state left behind);
**  - case folding and any-depth only widen: a match without them is a
**    match with them;
**  - a pattern without wildcards or back slashes matches itself;
**  - Tl_path_normalize is idempotent, and a normalised path is under
**    itself and under "/" (the division map's prefix rule);
**  - Tl_fold is idempotent and never grows the text past its buffer.
*/
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/pathglob_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run(const char *pat, const char *text, int any_depth, int fold)
{
  Tl_glob g;
  int a, b;
  if(Tl_glob_compile(&g, pat, any_depth))
    return -1;
  a = Tl_glob_exec(&g, text, strlen(text), fold);
  b = Tl_glob_exec(&g, text, strlen(text), fold);
  Tl_glob_free(&g);
  if(a != b || (a != 0 && a != 1))
    abort();
  return a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf, *pat, *text, *nul;
  int flags, any_depth, fold, m;

  if(size < 1 || size > 2048)
    return 0;
  flags = data[0];
  any_depth = flags & 1;
  fold = (flags >> 1) & 1;
  if(!(buf = malloc(size + 1)))
    return 0;
  memcpy(buf, data + 1, size - 1);
  buf[size - 1] = '\0';
  buf[size] = '\0';
  pat = buf;
  nul = memchr(buf, '\0', size);
  text = nul + 1 <= buf + size - 1 ? nul + 1 : buf + size;

  if(!Tl_glob_check(pat)) {
    if((m = run(pat, text, any_depth, fold)) >= 0) {
      if(!any_depth && Tl_glob_match(pat, text, fold) != m)
        abort();
      if(m && !fold && run(pat, text, any_depth, 1) == 0)
        abort();                /* folding only widens */
      if(m && !any_depth && run(pat, text, 1, fold) == 0)
        abort();                /* any depth only widens */
      if(!strpbrk(pat, "*?\\") && run(pat, pat, any_depth, fold) == 0)
        abort();                /* a literal matches itself */
    }
  }

  /* the path rules: normalising twice changes nothing */
  {
    char n1[4096], n2[4096], f1[4096 * 2], f2[4096 * 2];
    int r = Tl_path_normalize(text, n1, sizeof(n1));
    if(r == 0 || r == 1) {
      if(n1[0] != '/')
        abort();
      if(Tl_path_normalize(n1, n2, sizeof(n2)) != 0 || strcmp(n1, n2))
        abort();
      if(!Tl_path_under(n1, n1, fold) || !Tl_path_under(n1, "/", fold))
        abort();
      if(!Tl_is_glob(n1) && !Tl_glob_check(n1) &&
         run(n1, n1, 0, fold) != 1)
        abort();
    }
    else if(r != -1 && r != -2 && r != -3)
      abort();
    Tl_fold(text, f1, sizeof(f1));
    if(strlen(f1) >= sizeof(f1))
      abort();
    Tl_fold(f1, f2, sizeof(f2));
    if(strcmp(f1, f2))
      abort();                  /* folding is idempotent */
  }
  free(buf);
  return 0;
}
