/* SPDX-License-Identifier: MIT */
#include "json_string.h"

#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* What each byte needs. */
enum byte_class {
        COPY = 0, /* printable ASCII other than quote and backslash */
        ESCAPE,   /* quote, backslash, control character; NUL ends the string */
        UTF8,     /* 0x80 and above: kept only within a well-formed sequence */
};

#define TIMES_16(c) c, c, c, c, c, c, c, c, c, c, c, c, c, c, c, c

/* Every byte not named is COPY: 0x20-0x7f but for the quote and the backslash. */
const unsigned char json_byte_class[256] = {
    [0x00] = TIMES_16(ESCAPE),
    TIMES_16(ESCAPE),
    ['"'] = ESCAPE,
    ['\\'] = ESCAPE,
    [0x80] = TIMES_16(UTF8),
    TIMES_16(UTF8),
    TIMES_16(UTF8),
    TIMES_16(UTF8),
    TIMES_16(UTF8),
    TIMES_16(UTF8),
    TIMES_16(UTF8),
    TIMES_16(UTF8),
};

/* Input bytes json_put_string() takes between two checks for room. */
#define BLOCK 64
/*
 * A block writes at most 6 bytes per input byte, counting a whole UTF-8
 * sequence begun within it (it writes no more bytes than it reads); with
 * the quotes around the string.
 */
#define BLOCK_ROOM JSON_STRING_MAX(BLOCK)
_Static_assert(BLOCK_ROOM <= OUTBUF_MAX_RESERVE, "outbuf_room() takes no more");

static char *escape_ascii(char *p, unsigned char c)
{
        static const char hex[] = "0123456789abcdef";

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
        return p;
}

/*
 * Escapes from *in while fewer than `block` of the *left bytes have been
 * read, stopping at a NUL (and then setting *left to 0); advances *in and
 * *left past what it read and returns the end of what it wrote.
 */
static inline char *escape_some(char *p, const unsigned char **in, size_t *left, size_t block)
{
        const unsigned char *s = *in;
        size_t n = *left;
        size_t stop = n < block ? n : block;
        size_t i = 0;

        while (i < stop) {
                unsigned char c = s[i];
                size_t seq;

                switch (json_byte_class[c]) {
                case COPY:
                        *p++ = (char)c;
                        i++;
                        break;
                case ESCAPE:
                        if (c == '\0') {
                                *in = s + i;
                                *left = 0;
                                return p;
                        }
                        p = escape_ascii(p, c);
                        i++;
                        break;
                default:
                        seq = utf8_sequence_len(s + i, n - i);
                        if (seq) {
                                memcpy(p, s + i, seq);
                                p += seq;
                                i += seq;
                        } else {
                                memcpy(p, UTF8_REPLACEMENT, sizeof(UTF8_REPLACEMENT) - 1);
                                p += sizeof(UTF8_REPLACEMENT) - 1;
                                i++;
                        }
                        break;
                }
        }
        *in = s + i;
        *left = n - i;
        return p;
}

char *json_format_string(char *dst, const char *s, size_t n)
{
        const unsigned char *in = (const unsigned char *)s;
        char *p = dst;

        *p++ = '"';
        p = escape_some(p, &in, &n, n);
        *p++ = '"';
        return p;
}

char *json_put_string(struct outbuf *ob, char *p, const char *s, size_t n)
{
        const unsigned char *in = (const unsigned char *)s;

        p = outbuf_room(ob, p, BLOCK_ROOM);
        *p++ = '"';
        for (;;) {
                p = escape_some(p, &in, &n, BLOCK);
                if (n == 0)
                        break;
                p = outbuf_room(ob, p, BLOCK_ROOM);
        }
        *p++ = '"';
        return p;
}
