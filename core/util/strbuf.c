// SPDX-License-Identifier: MIT
#include "strbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static int strbuf_reserve(struct strbuf *sb, size_t more)
{
        size_t cap = sb->cap ? sb->cap : 256;
        char *grown;

        if (sb->error)
                return sb->error;
        if (sb->len + more + 1 <= sb->cap)
                return 0;
        while (cap < sb->len + more + 1)
                cap *= 2;
        grown = realloc(sb->data, cap);
        if (!grown) {
                sb->error = -ENOMEM;
                return sb->error;
        }
        sb->data = grown;
        sb->cap = cap;
        return 0;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(NULL, 0, fmt, ap);
        va_end(ap);
        if (n < 0 || strbuf_reserve(sb, (size_t)n))
                return;
        va_start(ap, fmt);
        vsnprintf(sb->data + sb->len, sb->cap - sb->len, fmt, ap);
        va_end(ap);
        sb->len += (size_t)n;
}

void strbuf_json_string(struct strbuf *sb, const char *s)
{
        const unsigned char *p = (const unsigned char *)(s ? s : "");
        size_t left = strlen((const char *)p);

        strbuf_printf(sb, "\"");
        while (left) {
                unsigned char c = *p;
                size_t n = 1;

                if (c == '"' || c == '\\')
                        strbuf_printf(sb, "\\%c", c);
                else if (c < 0x20)
                        strbuf_printf(sb, "\\u%04x", c);
                else if (c < 0x80)
                        strbuf_printf(sb, "%c", c);
                else if ((n = utf8_sequence_len(p, left)))
                        strbuf_printf(sb, "%.*s", (int)n, (const char *)p);
                else
                        strbuf_printf(sb, "%s", UTF8_REPLACEMENT); /* keep the JSON valid */
                if (!n)
                        n = 1;
                p += n;
                left -= n;
        }
        strbuf_printf(sb, "\"");
}

void strbuf_free(struct strbuf *sb)
{
        free(sb->data);
        sb->data = NULL;
        sb->len = sb->cap = 0;
}
