/*
** Replay a fuzz corpus through LLVMFuzzerTestOneInput without libFuzzer, as
** a TAP test: one line per file of the folder given (default:
** $TL_SRCDIR/tests/fuzz/corpus/NAME, NAME from the program name
** replay_NAME). A crash or abort fails the test.
*/
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
filter(const struct dirent *d)
{
  return d->d_name[0] != '.';
}

int
main(int argc, char **argv)
{
  char dir[4096], path[8192];
  const char *name = strrchr(argv[0], '_'), *src = getenv("TL_SRCDIR");
  struct dirent **ents;
  int n, i, fails = 0;

  if(argc > 1)
    snprintf(dir, sizeof(dir), "%s", argv[1]);
  else
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src ? src : ".",
             name ? name + 1 : "csv");
  if((n = scandir(dir, &ents, filter, alphasort)) < 0) {
    printf("1..0 # SKIP no corpus at %s\n", dir);
    return 0;
  }
  for(i = 0; i < n; i++) {
    FILE *f;
    unsigned char *buf = NULL;
    long len = -1;
    snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
    if((f = fopen(path, "rb")) && !fseek(f, 0, SEEK_END) &&
       (len = ftell(f)) >= 0 && !fseek(f, 0, SEEK_SET) &&
       (buf = malloc((size_t)len + 1)) &&
       fread(buf, 1, (size_t)len, f) == (size_t)len) {
      fflush(stdout);
      LLVMFuzzerTestOneInput(buf, (size_t)len);
      printf("ok %d - %s (%ld bytes)\n", i + 1, ents[i]->d_name, len);
    }
    else {
      printf("not ok %d - %s: cannot read\n", i + 1, ents[i]->d_name);
      fails++;
    }
    if(f)
      fclose(f);
    free(buf);
    free(ents[i]);
  }
  free(ents);
  printf("1..%d\n", n);
  return fails ? 1 : 0;
}
