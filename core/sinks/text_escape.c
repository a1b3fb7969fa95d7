/* SPDX-License-Identifier: MIT */
#include "text_escape.h"

#include "utf8.h"

static bool is_plain_ascii(unsigned char c, bool quoted)
{
        return c >= 0x20 && c < 0x7f && c != '\\' && !(quoted && c == '"');
}

static void put_byte_escape(struct outbuf *ob, unsigned char c)
{
        static const char hex[] = "0123456789abcdef";
        char *p = outbuf_reserve(ob, 4);

        p[0] = '\\';
        p[1] = 'x';
        p[2] = hex[c >> 4];
        p[3] = hex[c & 0xf];
        outbuf_commit(ob, p + 4);
}

static size_t put_escaped(struct outbuf *ob, const char *s, size_t n, bool quoted)
{
        const unsigned char *in = (const unsigned char *)s;
        size_t columns = 0;
        size_t i = 0;

        while (i < n) {
                size_t run = i;

                while (run < n && is_plain_ascii(in[run], quoted))
                        run++;
                outbuf_write(ob, in + i, run - i);
                columns += run - i;
                i = run;
                if (i == n)
                        break;
                if (in[i] == '\\' || in[i] == '"') {
                        outbuf_putc(ob, '\\');
                        outbuf_putc(ob, (char)in[i]);
                        columns += 2;
                        i++;
                        continue;
                }
                size_t seq = in[i] >= 0x80 ? utf8_sequence_len(in + i, n - i) : 0;

                if (seq) {
                        /* One column a character; wide CJK glyphs are rare in these fields. */
                        outbuf_write(ob, in + i, seq);
                        columns += 1;
                        i += seq;
                } else {
                        put_byte_escape(ob, in[i]);
                        columns += 4;
                        i++;
                }
        }
        return columns;
}

size_t text_put_escaped(struct outbuf *ob, const char *s, size_t n)
{
        return put_escaped(ob, s, n, false);
}

static bool needs_quotes(const char *s, size_t n)
{
        if (n == 0)
                return true;
        for (size_t i = 0; i < n; i++)
                if (s[i] == ' ' || s[i] == '"')
                        return true;
        return false;
}

void text_put_value_string(struct outbuf *ob, const char *s, size_t n)
{
        if (!needs_quotes(s, n)) {
                put_escaped(ob, s, n, false);
                return;
        }
        outbuf_putc(ob, '"');
        put_escaped(ob, s, n, true);
        outbuf_putc(ob, '"');
}
