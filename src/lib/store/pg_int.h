/*
** PostgreSQL case stores (docs/POSTGRESQL.md): what the rest of the
** library may use of store/pg.c. libpq appears only in pg.c.
*/
#ifndef TL_PG_INT_H
#define TL_PG_INT_H

#include <stddef.h>
#include <touchline/touchline.h>

/* Write uri into out (n bytes) with any password left out: the password
** of the user-info part (user:PASSWORD@host) and a password=... parameter
** are replaced by "***". What every message and record that names a
** PostgreSQL case uses. A path is copied as it is. */
void Tl_pg_redact(const char *uri, char *out, size_t n);

#endif
