/* touchline version, stamped by configure. */
#ifndef TOUCHLINE_VERSION_H
#define TOUCHLINE_VERSION_H
#define TL_VERSION "0.1.0"
/* X*1000000 + Y*1000 + Z for version X.Y.Z */
#define TL_VERSION_NUMBER 1000
#endif
