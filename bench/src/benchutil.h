/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by the benchmark's load generators: the start gate
 * (a load is started paused so the harness knows its pid before any tracer
 * attaches), clocks, and argument parsing.
 */
#ifndef PROBEKIT_BENCH_UTIL_H
#define PROBEKIT_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

/* Block until the harness writes one byte to stdin (or closes it). */
void bench_wait_start(void);

/* Nanoseconds on the given clock. */
uint64_t bench_now_ns(clockid_t clock);

/* Parse a positive count from argv; exits with a usage message on error. */
uint64_t bench_parse_count(const char *text, const char *what);

#endif /* PROBEKIT_BENCH_UTIL_H */
