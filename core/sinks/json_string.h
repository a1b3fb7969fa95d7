/* SPDX-License-Identifier: MIT */
#ifndef PROBEKIT_SINKS_JSON_STRING_H
#define PROBEKIT_SINKS_JSON_STRING_H

#include <stddef.h>

#include "outbuf.h"

/*
 * Both functions write s as a quoted JSON string: s up to its first NUL or
 * its first n bytes, whichever ends first; quote, backslash and control
 * characters escaped, and each byte that is not part of well-formed UTF-8
 * replaced by U+FFFD, so the output is always valid JSON.
 */

/* The most json_format_string() writes for n bytes: \u00XX for each, and the quotes. */
#define JSON_STRING_MAX(n) (6 * (n) + 2)

/* At dst, which has room for JSON_STRING_MAX(n) bytes; returns the end. */
char *json_format_string(char *dst, const char *s, size_t n);

/*
 * Into ob at p, a position in reserved but not yet committed bytes (see
 * outbuf_room()), for a string of any length (n may be SIZE_MAX for a C
 * string): makes room as it goes, and returns the end, still uncommitted.
 */
char *json_put_string(struct outbuf *ob, char *p, const char *s, size_t n);

/* 0 for the bytes copied as they are: printable ASCII but the quote and the backslash. */
extern const unsigned char json_byte_class[256];

/* Up to this many bytes, json_put_short_string() tries the copy without a call. */
#define JSON_SHORT_STRING 32

/*
 * json_put_string(), for the strings most records hold (names, short values):
 * inline, a copy as long as every byte is plain and the end comes within
 * JSON_SHORT_STRING bytes, else the same call.
 */
static inline char *json_put_short_string(struct outbuf *ob, char *p, const char *s, size_t n)
{
        const unsigned char *in = (const unsigned char *)s;
        size_t max = n < JSON_SHORT_STRING ? n : JSON_SHORT_STRING;
        size_t i;

        p = outbuf_room(ob, p, JSON_SHORT_STRING + 2);
        p[0] = '"';
        for (i = 0; i < max && json_byte_class[in[i]] == 0; i++)
                p[1 + i] = (char)in[i];
        if (i == n || (i < max && in[i] == '\0')) {
                p[1 + i] = '"';
                return p + i + 2;
        }
        return json_put_string(ob, p, s, n);
}

#endif /* PROBEKIT_SINKS_JSON_STRING_H */
