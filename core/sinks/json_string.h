/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_SINKS_JSON_STRING_H
#define PROBEKIT_SINKS_JSON_STRING_H

#include <stddef.h>

#include "outbuf.h"

/*
 * Appends s[0..n) as a quoted JSON string: quote, backslash and control
 * characters escaped, and each byte that is not part of well-formed UTF-8
 * replaced by U+FFFD, so the output is always valid JSON.
 */
void json_put_string(struct outbuf *ob, const char *s, size_t n);

#endif /* PROBEKIT_SINKS_JSON_STRING_H */
