#!/bin/sh
# The public API as built: libtouchline exports exactly the functions of
# include/touchline/*.h listed in tests/public-symbols.txt, the installed
# headers stand alone, and the touchline tool has no SQLite of its own (the
# timeline export is in the library). TAP.
. "${TL_SRCDIR:-.}/tests/lib.sh"

command -v nm >/dev/null 2>&1 || skip_all "nm not installed"
B=$(dirname "$TOUCHLINE")
LIB=$B/.libs/libtouchline.so
[ -f "$LIB" ] || skip_all "no shared libtouchline (configured --disable-shared?)"
# the tool: libtool's real binary, or the program itself
BIN=$B/.libs/touchline
[ -f "$BIN" ] || BIN=$TOUCHLINE

grep -v '^#' "$TL_SRCDIR/tests/public-symbols.txt" > "$T_TMP/want"
nm -D --defined-only "$LIB" | awk '{ print $NF }' | sort > "$T_TMP/got"
d=$(diff "$T_TMP/want" "$T_TMP/got")
ok $? "nm -D --defined-only libtouchline == tests/public-symbols.txt"
[ -n "$d" ] && echo "$d" | sed 's/^/# /'
is "$(wc -l < "$T_TMP/got" | tr -d ' ')" "$(wc -l < "$T_TMP/want" | tr -d ' ')" \
  "as many exported symbols as listed"

# every function a public header declares is in the list, and back
cat "$TL_SRCDIR"/include/touchline/*.h |
  sed -n 's/^[a-z_][a-z0-9_ ]*[ *]\(tl_[a-z0-9_]*\)(.*/\1/p' | sort -u > "$T_TMP/decl"
d=$(diff "$T_TMP/want" "$T_TMP/decl")
ok $? "the headers declare exactly the listed functions"
[ -n "$d" ] && echo "$d" | sed 's/^/# /'
grep -q '^tl_timeline_export$' "$T_TMP/decl" && grep -q '^tl_query_events$' "$T_TMP/decl"
ok $? "the declaration scan sees query.h"

# no internal name leaks: Tl_* and tlx_* stay hidden
is "$(nm -D --defined-only "$LIB" | awk '{ print $NF }' | grep -c '^Tl_\|tlx_')" 0 \
  "no Tl_ or tlx_ symbol exported"

# the tool binary: no sqlite3 symbol defined or needed, no libsqlite3
n=$(nm -D "$BIN" 2>/dev/null | grep -c sqlite3)
is "$n" 0 "touchline binary: no sqlite3 dynamic symbol"
n=$(nm "$BIN" 2>/dev/null | grep -c sqlite3)
is "$n" 0 "touchline binary: no sqlite3 symbol at all"
if command -v readelf >/dev/null 2>&1; then
  readelf -d "$BIN" | grep NEEDED > "$T_TMP/needed"
  grep -q 'libtouchline' "$T_TMP/needed" && ! grep -q 'sqlite' "$T_TMP/needed"
  ok $? "touchline binary needs libtouchline, not libsqlite3"
else
  ok 0 "touchline binary needs # SKIP readelf not installed"
fi
# ... while the library has it (the check above looks at the right file)
nm -D "$LIB" | grep -q ' U sqlite3_prepare_v2'
ok $? "libtouchline itself uses sqlite3_prepare_v2"

# each installed header compiles on its own, in C and with -Wall -Werror
CC=${CC:-cc}
if command -v "$CC" >/dev/null 2>&1; then
  for h in touchline sink query; do
    printf '#include <touchline/%s.h>\nint main(void) { return 0; }\n' "$h" > "$T_TMP/h.c"
    "$CC" -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only \
      -I"$TL_SRCDIR/include" -I"$B/include" "$T_TMP/h.c" 2> "$T_TMP/h.err"
    ok $? "<touchline/$h.h> compiles alone (c99 -pedantic)"
    [ -s "$T_TMP/h.err" ] && head -5 "$T_TMP/h.err" | sed 's/^/# /'
    # C89-clean (docs: public headers use /* */ only, no C99 syntax)
    "$CC" -std=c89 -Wall -Wextra -Werror -pedantic -fsyntax-only \
      -I"$TL_SRCDIR/include" -I"$B/include" "$T_TMP/h.c" 2> "$T_TMP/h.err"
    ok $? "<touchline/$h.h> compiles as C89 (-pedantic)"
    [ -s "$T_TMP/h.err" ] && head -5 "$T_TMP/h.err" | sed 's/^/# /'
  done
  if command -v c++ >/dev/null 2>&1; then
    printf '#include <touchline/touchline.h>\nint main() { return 0; }\n' > "$T_TMP/h.cc"
    c++ -Wall -Werror -fsyntax-only -I"$TL_SRCDIR/include" -I"$B/include" \
      "$T_TMP/h.cc" 2> "$T_TMP/h.err"
    ok $? "<touchline/touchline.h> compiles as C++ (extern \"C\")"
  else
    ok 0 "headers in C++ # SKIP no c++"
  fi
  # and needs no sqlite3, libtsk or libewf header
  ! grep -nE '^#include.*(sqlite3|tsk/|libewf)' "$TL_SRCDIR"/include/touchline/*.h
  ok $? "public headers include no sqlite3, libtsk or libewf header"
else
  ok 0 "headers compile # SKIP no C compiler"
fi

done_testing
