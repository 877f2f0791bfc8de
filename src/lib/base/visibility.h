/* Force-included into every libtouchline source: the public tl_* API is
** exported, everything else stays hidden (-fvisibility=hidden). */
#ifndef TL_VISIBILITY_H
#define TL_VISIBILITY_H
#pragma GCC visibility push(default)
#include <touchline/touchline.h>
#pragma GCC visibility pop
#endif
