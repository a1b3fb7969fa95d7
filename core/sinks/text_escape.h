/* SPDX-License-Identifier: MIT */
/*
 * Strings for the terminal: control bytes, DEL and bytes that are not part of
 * well-formed UTF-8 are shown as \xNN and a backslash as \\, so what is
 * printed can never move the cursor or be mistaken for an escape.
 */
#ifndef PROBEKIT_SINKS_TEXT_ESCAPE_H
#define PROBEKIT_SINKS_TEXT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "outbuf.h"

/* Appends s[0..n) escaped; returns the number of terminal columns it takes. */
size_t text_put_escaped(struct outbuf *ob, const char *s, size_t n);

/*
 * Appends a `name=value` value: in double quotes, with `"` escaped, when it
 * is empty or holds a space or a quote, so the line still splits on spaces.
 */
void text_put_value_string(struct outbuf *ob, const char *s, size_t n);

#endif /* PROBEKIT_SINKS_TEXT_ESCAPE_H */
