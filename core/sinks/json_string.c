/* SPDX-License-Identifier: MIT */
#include "json_string.h"

#include <stdbool.h>

#include "utf8.h"

static bool is_plain_ascii(unsigned char c)
{
        return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void put_escaped_ascii(struct outbuf *ob, unsigned char c)
{
        static const char hex[] = "0123456789abcdef";
        char *p = outbuf_reserve(ob, 6);

        *p++ = '\\';
        switch (c) {
        case '"':
        case '\\':
                *p++ = (char)c;
                break;
        case '\b':
                *p++ = 'b';
                break;
        case '\f':
                *p++ = 'f';
                break;
        case '\n':
                *p++ = 'n';
                break;
        case '\r':
                *p++ = 'r';
                break;
        case '\t':
                *p++ = 't';
                break;
        default:
                memcpy(p, "u00", 3);
                p[3] = hex[c >> 4];
                p[4] = hex[c & 0xf];
                p += 5;
                break;
        }
        outbuf_commit(ob, p);
}

void json_put_string(struct outbuf *ob, const char *s, size_t n)
{
        const unsigned char *in = (const unsigned char *)s;
        size_t i = 0;

        outbuf_putc(ob, '"');
        while (i < n) {
                size_t run = i;

                while (run < n && is_plain_ascii(in[run]))
                        run++;
                outbuf_write(ob, in + i, run - i);
                i = run;
                if (i == n)
                        break;
                if (in[i] < 0x80) {
                        put_escaped_ascii(ob, in[i]);
                        i++;
                        continue;
                }
                size_t seq = utf8_sequence_len(in + i, n - i);

                if (seq) {
                        outbuf_write(ob, in + i, seq);
                        i += seq;
                } else {
                        outbuf_literal(ob, UTF8_REPLACEMENT);
                        i++;
                }
        }
        outbuf_putc(ob, '"');
}
