/* SPDX-License-Identifier: MIT */
/*
 * Error messages collected as lines of one caller-owned buffer, so that a
 * validation pass goes on after the first error and reports every one of
 * them ("path:line: message" each). The buffer starts as "" and ends with a
 * note when more errors came than fit.
 */
#ifndef PK_CORE_ERRLIST_H
#define PK_CORE_ERRLIST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <probekit/plugin.h>

/* At most this many lines are kept; the rest are counted in the last line. */
#define ERRLIST_MAX_LINES 50

/* Append one error line (no trailing newline needed). */
void errlist_add(char *err, size_t err_len, const char *fmt, ...) PK_PRINTF(3, 4);
void errlist_vadd(char *err, size_t err_len, const char *fmt, va_list ap) PK_PRINTF(3, 0);

/* Number of errors added so far (kept or not). */
unsigned errlist_count(const char *err);

/* Print every line as "probekit: LINE" to `out`. */
void errlist_print(FILE *out, const char *err);

#endif
