/* SPDX-License-Identifier: MIT */
#include "format_number.h"

#include <string.h>

/* "00".."99": two digits per division halves the divisions. */
static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

static unsigned decimal_digits(uint64_t value)
{
        unsigned digits = 1;

        while (value >= 10000) {
                value /= 10000;
                digits += 4;
        }
        if (value >= 1000)
                return digits + 3;
        if (value >= 100)
                return digits + 2;
        if (value >= 10)
                return digits + 1;
        return digits;
}

/* Writes the low `width` digits of value backwards, ending at end. */
static void write_digits_backwards(char *end, uint64_t value, unsigned width)
{
        char *p = end;

        while (width >= 2) {
                unsigned pair = (unsigned)(value % 100) * 2;

                value /= 100;
                p -= 2;
                memcpy(p, digit_pairs + pair, 2);
                width -= 2;
        }
        if (width)
                *--p = (char)('0' + value % 10);
}

char *format_fixed(char *dst, uint64_t value, unsigned width)
{
        write_digits_backwards(dst + width, value, width);
        return dst + width;
}

char *format_u64(char *dst, uint64_t value)
{
        if (value < 10) {
                *dst = (char)('0' + value);
                return dst + 1;
        }
        return format_fixed(dst, value, decimal_digits(value));
}

char *format_s64(char *dst, int64_t value)
{
        if (value >= 0)
                return format_u64(dst, (uint64_t)value);
        *dst = '-';
        /* Negate in unsigned arithmetic: -INT64_MIN does not fit an int64_t. */
        return format_u64(dst + 1, 0 - (uint64_t)value);
}

char *format_hex(char *dst, uint64_t value)
{
        static const char hex[] = "0123456789abcdef";
        unsigned digits = 1;
        char *p;

        while (digits < 16 && (value >> (digits * 4)))
                digits++;
        dst[0] = '0';
        dst[1] = 'x';
        p = dst + 2 + digits;
        for (unsigned i = 0; i < digits; i++) {
                *--p = hex[value & 0xf];
                value >>= 4;
        }
        return dst + 2 + digits;
}
