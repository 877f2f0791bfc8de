/* Minimal TAP for C unit tests: ok(), is_int(), is_str(); done_testing(). */
#ifndef TL_TAP_H
#define TL_TAP_H
#include <stdio.h>
#include <string.h>

static int tap_n, tap_fail;

#define ok(cond, ...) do { \
    int ok_ = (cond) ? 1 : 0; \
    printf("%sok %d - ", ok_ ? "" : "not ", ++tap_n); \
    printf(__VA_ARGS__); putchar('\n'); \
    if(!ok_) tap_fail++; } while(0)

#define is_int(got, want, ...) do { \
    long long g_ = (long long)(got), w_ = (long long)(want); \
    ok(g_ == w_, __VA_ARGS__); \
    if(g_ != w_) printf("#   got %lld, want %lld\n", g_, w_); } while(0)

#define is_str(got, want, ...) do { \
    const char *g_ = (got), *w_ = (want); \
    ok(g_ && !strcmp(g_, w_), __VA_ARGS__); \
    if(!g_ || strcmp(g_, w_)) printf("#   got '%s', want '%s'\n", \
                                     g_ ? g_ : "(null)", w_); } while(0)

#define done_testing() (printf("1..%d\n", tap_n), tap_fail ? 1 : 0)
#endif
