/*
** struct_size handling for options and results, and the stdio adapter of
** struct tl_sink (abi_int.h).
*/
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/abi_int.h"

tl_rc
Tl_opts_in(void *dst, size_t dst_size, const void *src, size_t min_size)
{
  uint32_t ss;
  if(!src)
    return TL_USAGE;
  memcpy(&ss, src, sizeof(ss));
  if(ss < min_size || ss < sizeof(uint32_t))
    return TL_USAGE;
  if(ss > dst_size) {
    const unsigned char *p = (const unsigned char *)src;
    size_t i;
    for(i = dst_size; i < ss; i++)
      if(p[i])
        return TL_ABI;
  }
  memset(dst, 0, dst_size);
  memcpy(dst, src, ss < dst_size ? ss : dst_size);
  ss = (uint32_t)dst_size;
  memcpy(dst, &ss, sizeof(ss));
  return TL_OK;
}

int
Tl_result_ok(const void *res)
{
  uint32_t ss;
  if(!res)
    return 0;
  memcpy(&ss, res, sizeof(ss));
  return ss >= sizeof(uint32_t);
}

void
Tl_result_out(void *dst, const void *src, size_t src_size)
{
  uint32_t ss;
  size_t n;
  memcpy(&ss, dst, sizeof(ss));
  n = ss < src_size ? ss : src_size;
  if(n > sizeof(uint32_t))
    memcpy((char *)dst + sizeof(uint32_t),
           (const char *)src + sizeof(uint32_t), n - sizeof(uint32_t));
}

int
Tl_sink_ok(const struct tl_sink *s)
{
  return s && s->struct_size >= offsetof(struct tl_sink, ctx) +
         sizeof(s->ctx) && s->write;
}

int
Tl_sink_write(const struct tl_sink *s, const void *buf, size_t len)
{
  if(!len)
    return 0;
  return s->write(s->ctx, buf, len) ? -1 : 0;
}

static ssize_t
cookie_write(void *cookie, const char *buf, size_t len)
{
  const struct tl_sink *s = cookie;
  if(Tl_sink_write(s, buf, len)) {
    errno = EIO;
    return -1;
  }
  return (ssize_t)len;
}

FILE *
Tl_sink_fopen(const struct tl_sink *s)
{
  cookie_io_functions_t io = {NULL, cookie_write, NULL, NULL};
  FILE *f = fopencookie((void *)s, "w", io);
  if(f)
    setvbuf(f, NULL, _IOFBF, 1 << 16);
  return f;
}
