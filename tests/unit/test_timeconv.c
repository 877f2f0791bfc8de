/* Time conversion (base/timeconv.c): FILETIME and unix seconds to int64 ns
** since 1970 with exact values at the edges of the range, and the ISO 8601
** text of those values. */
#include "config.h"

#include <stdint.h>

#include "base/timeconv_int.h"
#include "tap.h"

static const char *
fmt(int64_t ns)
{
  static char buf[64];
  return Tl_format_ns(ns, buf, sizeof(buf));
}

int
main(void)
{
  int cl = -1;
  int64_t ns;
  /* FILETIME ticks of the last and first 100 ns that fit int64 ns */
  const uint64_t ft_max = (uint64_t)TL_FILETIME_UNIX_EPOCH +
                          UINT64_C(92233720368547758);
  const uint64_t ft_min = (uint64_t)TL_FILETIME_UNIX_EPOCH -
                          UINT64_C(92233720368547758);

  is_int(Tl_filetime_to_ns((uint64_t)TL_FILETIME_UNIX_EPOCH + 1, &cl), 100,
         "one tick after 1970 is 100 ns");
  is_int(cl, 0, "not clamped");
  is_int(Tl_filetime_to_ns((uint64_t)TL_FILETIME_UNIX_EPOCH - 1, &cl), -100,
         "one tick before 1970 is -100 ns");
  /* 2023-06-12T11:34:07.1234567Z (python3 datetime agrees) */
  ns = Tl_filetime_to_ns(UINT64_C(133310432471234567), &cl);
  is_int(ns, INT64_C(1686569647123456700), "FILETIME 133310432471234567");
  is_str(fmt(ns), "2023-06-12T11:34:07.123456700Z", "... formats with 100 ns");
  ns = Tl_filetime_to_ns(ft_max, &cl);
  is_int(ns, INT64_C(9223372036854775800), "largest FILETIME that fits");
  is_int(cl, 0, "... not clamped");
  is_str(fmt(ns), "2262-04-11T23:47:16.854775800Z", "... is 2262-04-11");
  Tl_filetime_to_ns(ft_max + 1, &cl);
  is_int(cl, 1, "one tick later is clamped");
  ns = Tl_filetime_to_ns(ft_min, &cl);
  is_int(ns, -INT64_C(9223372036854775800), "smallest FILETIME that fits");
  is_int(cl, 0, "... not clamped");
  is_str(fmt(ns), "1677-09-21T00:12:43.145224200Z", "... is 1677-09-21");
  ns = Tl_filetime_to_ns(ft_min - 1, &cl);
  is_int(cl, 1, "one tick earlier is clamped");
  is_int(ns, INT64_MIN, "... to INT64_MIN");
  Tl_filetime_to_ns(UINT64_C(0x8000000000000000), &cl);
  is_int(cl, 1, "FILETIME >= 2^63 (negative as int64) clamped high");
  is_int(Tl_filetime_to_ns(UINT64_C(0x8000000000000000), &cl), INT64_MAX,
         "... to INT64_MAX");

  is_int(Tl_unix_to_ns(0, 0, &cl), 0, "unix 0");
  is_int(Tl_unix_to_ns(1078084817, 215147200, &cl),
         INT64_C(1078084817215147200), "unix seconds + ns");
  is_int(Tl_unix_to_ns(2147483648LL, 1, &cl), INT64_C(2147483648000000001),
         "past 2038 with 1 ns");
  is_str(fmt(INT64_C(2147483648000000001)),
         "2038-01-19T03:14:08.000000001Z", "... formats");
  is_int(Tl_unix_to_ns(-1, 999999999, &cl), -1, "-1 s + 999999999 ns");
  is_int(Tl_unix_to_ns(9223372036LL, 854775807u, &cl), INT64_MAX,
         "INT64_MAX exactly");
  is_int(cl, 0, "... not clamped");
  Tl_unix_to_ns(9223372036LL, 854775808u, &cl);
  is_int(cl, 1, "1 ns more is clamped");
  is_int(Tl_unix_to_ns(-9223372037LL, 145224192u, &cl), INT64_MIN,
         "INT64_MIN exactly");
  is_int(cl, 0, "... not clamped");
  is_int(Tl_unix_to_ns(-9223372037LL, 145224191u, &cl), INT64_MIN,
         "1 ns less clamps");
  is_int(cl, 1, "... and says so");
  is_int(Tl_unix_to_ns(INT64_MAX, 0, &cl), INT64_MAX,
         "INT64_MAX seconds clamp, no overflow");

  is_str(fmt(0), "1970-01-01T00:00:00.000000000Z", "0 formats");
  is_str(fmt(-1), "1969-12-31T23:59:59.999999999Z", "-1 ns formats");
  is_str(fmt(INT64_MAX), "2262-04-11T23:47:16.854775807Z", "INT64_MAX");
  is_str(fmt(INT64_MIN), "1677-09-21T00:12:43.145224192Z", "INT64_MIN");
  is_str(fmt(INT64_C(951782400000000000)), "2000-02-29T00:00:00.000000000Z",
         "leap day 2000");
  return done_testing();
}
