#!/bin/sh
# samples/plugin/ builds out of tree against an installed touchline: `make
# install DESTDIR=...` of this build, pkg-config on the installed
# touchline.pc, the sample's Makefile, and the plugin loaded with --plugin
# and from the installed plugin folder.
. "$TL_SRCDIR/tests/lib.sh"
B=$(dirname "$TOUCHLINE")
command -v pkg-config >/dev/null || skip_all "pkg-config not installed"
command -v sqlite3 >/dev/null || skip_all "sqlite3 not installed"
[ "${TL_SANITIZERS:-no}" = yes ] && skip_all "the sample is built without sanitizers"
I="$T_TMP/inst"
make -C "$B" install DESTDIR="$I" >"$T_TMP/install.log" 2>&1
ok $? "make install DESTDIR"
PREFIX=$(sed -n 's/^prefix=//p' "$B/touchline.pc")
LIBDIR=$(PKG_CONFIG_PATH= pkg-config --define-variable=prefix="$PREFIX" --variable=libdir "$B/touchline.pc" 2>/dev/null || echo "$PREFIX/lib")
PC="$I$LIBDIR/pkgconfig"
[ -f "$PC/touchline.pc" ]; ok $? "touchline.pc installed in $LIBDIR/pkgconfig"
[ -f "$I$PREFIX/include/touchline/plugin.h" ]; ok $? "plugin.h installed"
# the installed .pc names the configured prefix; the tree sits under
# DESTDIR: move the prefix there
export PKG_CONFIG_PATH="$PC" PKG_CONFIG_LIBDIR="$PC"
export PKG_CONFIG="pkg-config --define-variable=prefix=$I$PREFIX"
cflags=$($PKG_CONFIG --cflags touchline | sed 's/ *$//')
is "$cflags" "-I$I$PREFIX/include" "pkg-config --cflags touchline"
cp -R "$TL_SRCDIR/samples/plugin" "$T_TMP/sample" && chmod -R u+w "$T_TMP/sample"
make -C "$T_TMP/sample" CFLAGS="-O2 -Werror" >"$T_TMP/build.log" 2>&1
ok $? "the sample builds with its Makefile"
[ $? -eq 0 ] || sed 's/^/# /' "$T_TMP/build.log"
is "$(nm -D --defined-only "$T_TMP/sample/hello.so" | awk '{print $3}')" \
   tl_plugin_init "it exports exactly tl_plugin_init"
out=$("$TOUCHLINE" plugins --plugin "$T_TMP/sample/hello.so" | grep '^hello' | cut -f1-3,5)
is "$out" "$(printf 'hello\t1.0.0\t1.1\tname:hello.txt')" "touchline loads it"
DB="$T_TMP/c.db"
"$TOUCHLINE" artifacts "$DB" add "$T_TMP/sample/hello.txt" --label stick \
  --plugin "$T_TMP/sample/hello.so" 2>/dev/null
is "$?" 4 "artifacts add with the sample (one bad line: exit 4)"
is "$(sqlite3 "$DB" "SELECT t_ns, raw, kind, path, object_id IS NULL FROM artifact_event ORDER BY t_ns")" \
   '1686000000000000000|1686000000|observed|C:\Users\alice\report.docx|1
1686000001000000000|1686000001|observed|\\fs01\share\plan.xlsx|1' "its events"
is "$(sqlite3 "$DB" "SELECT status, n_events, n_corrupt FROM artifact_file")" \
   "corrupt|2|1" "the bad line counted"
# make install of the sample into the staged plugin folder
make -C "$T_TMP/sample" install >/dev/null 2>&1
ok $? "the sample's make install"
PD=$($PKG_CONFIG --variable=plugindir touchline)
[ -f "$PD/hello.so" ]; ok $? "into the plugin folder pkg-config names ($PD)"
done_testing
