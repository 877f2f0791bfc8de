/*
** Progress on a terminal: objects, events, MB/s and ETA of the media hash.
*/
#include "config.h"

#include <stdio.h>

#include "tool.h"

void
tl_progress_init(struct tl_progress_view *v, FILE *out)
{
  v->out = out;
  v->drawn = 0;
}

static void
human(double b, char *buf, size_t len)
{
  static const char *const u[] = {"B", "KB", "MB", "GB", "TB"};
  int i = 0;
  while(b >= 1000 && i < 4) {
    b /= 1000;
    i++;
  }
  snprintf(buf, len, i ? "%.1f %s" : "%.0f %s", b, u[i]);
}

void
tl_progress_draw(const struct tl_progress *p, void *ctx)
{
  struct tl_progress_view *v = ctx;
  char line[200], done[32], total[32];
  int n;
  n = snprintf(line, sizeof(line), "%s: %s  %llu objects  %llu events",
               p->label, p->stage, (unsigned long long)p->n_objects,
               (unsigned long long)p->n_events);
  if(p->bytes_total && n > 0 && (size_t)n < sizeof(line)) {
    double rate = p->elapsed_s > 0 ? (double)p->bytes_done / p->elapsed_s :
                  0;
    human((double)p->bytes_done, done, sizeof(done));
    human((double)p->bytes_total, total, sizeof(total));
    n += snprintf(line + n, sizeof(line) - (size_t)n,
                  "  hashed %s/%s  %.0f MB/s", done, total, rate / 1e6);
    if(rate > 0 && p->bytes_done < p->bytes_total && n > 0 &&
       (size_t)n < sizeof(line)) {
      double eta = (double)(p->bytes_total - p->bytes_done) / rate;
      snprintf(line + n, sizeof(line) - (size_t)n, "  ETA %d:%02d",
               (int)(eta / 60), (int)eta % 60);
    }
  }
  fprintf(v->out, "\r\033[K%s", line);
  fflush(v->out);
  v->drawn = 1;
}

void
tl_progress_clear(struct tl_progress_view *v)
{
  if(v->drawn) {
    fputs("\r\033[K", v->out);
    fflush(v->out);
  }
  v->drawn = 0;
}

static int
stdio_write(void *ctx, const void *buf, size_t len)
{
  FILE *f = ctx;
  return fwrite(buf, 1, len, f) == len && !ferror(f) ? 0 : -1;
}

void
tl_sink_stdio(struct tl_sink *s, FILE *f)
{
  s->struct_size = sizeof(*s);
  s->write = stdio_write;
  s->ctx = f;
}
