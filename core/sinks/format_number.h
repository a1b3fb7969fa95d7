/* SPDX-License-Identifier: MIT */
/*
 * Integer to text without printf: the sinks format millions of numbers a
 * second. Each function writes at the destination, which must have room for
 * FORMAT_NUMBER_MAX bytes, and returns the end of what it wrote (no NUL).
 */
#ifndef PROBEKIT_SINKS_FORMAT_NUMBER_H
#define PROBEKIT_SINKS_FORMAT_NUMBER_H

#include <stdint.h>

/* "-9223372036854775808" and "0xffffffffffffffff" both fit. */
#define FORMAT_NUMBER_MAX 20

char *format_u64(char *dst, uint64_t value);
char *format_s64(char *dst, int64_t value);
/* Lower-case hexadecimal with a 0x prefix. */
char *format_hex(char *dst, uint64_t value);
/* Exactly `width` decimal digits, zero-padded (the low digits when value is wider). */
char *format_fixed(char *dst, uint64_t value, unsigned width);

#endif /* PROBEKIT_SINKS_FORMAT_NUMBER_H */
