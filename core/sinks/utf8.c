/* SPDX-License-Identifier: MIT */
#include "utf8.h"

#include <stdbool.h>

static bool is_continuation(unsigned char c)
{
        return (c & 0xc0) == 0x80;
}

/*
 * The ranges follow the well-formed byte sequences table of the Unicode
 * standard (section 3.9): the second byte's range depends on the first.
 */
size_t utf8_sequence_len(const unsigned char *s, size_t n)
{
        unsigned char c = s[0];
        unsigned char second_min = 0x80, second_max = 0xbf;
        size_t len;

        if (c >= 0xc2 && c <= 0xdf) {
                len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
                len = 3;
                if (c == 0xe0)
                        second_min = 0xa0; /* overlong below U+0800 */
                else if (c == 0xed)
                        second_max = 0x9f; /* UTF-16 surrogates */
        } else if (c >= 0xf0 && c <= 0xf4) {
                len = 4;
                if (c == 0xf0)
                        second_min = 0x90; /* overlong below U+10000 */
                else if (c == 0xf4)
                        second_max = 0x8f; /* above U+10FFFF */
        } else {
                return 0;
        }
        if (n < len || s[1] < second_min || s[1] > second_max)
                return 0;
        for (size_t i = 2; i < len; i++)
                if (!is_continuation(s[i]))
                        return 0;
        return len;
}
