/* SPDX-License-Identifier: MIT */
/* A growing string, for the control socket's small replies (not the event path). */
#ifndef PK_CORE_STRBUF_H
#define PK_CORE_STRBUF_H

#include <stddef.h>

#include <probekit/plugin.h>

struct strbuf {
        char *data;
        size_t len;
        size_t cap;
        int error; /* -ENOMEM once an append failed */
};

void strbuf_printf(struct strbuf *sb, const char *fmt, ...) PK_PRINTF(2, 3);
/* Append `s` as a JSON string literal, quotes included. */
void strbuf_json_string(struct strbuf *sb, const char *s);
void strbuf_free(struct strbuf *sb);

#endif
