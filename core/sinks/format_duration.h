/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_SINKS_FORMAT_DURATION_H
#define PROBEKIT_SINKS_FORMAT_DURATION_H

#include <stdint.h>

/* "18446744073.709s" is the longest. */
#define FORMAT_DURATION_MAX 20

/*
 * Nanoseconds in the largest unit that keeps an integer part: "999ns",
 * "1.234us", "12.345ms", "3.000s" (three decimals, cut, not rounded).
 * Returns the end of what it wrote (no NUL).
 */
char *format_duration(char *dst, uint64_t ns);

#endif /* PROBEKIT_SINKS_FORMAT_DURATION_H */
