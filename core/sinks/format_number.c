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

/* 10^0 .. 10^19, the last power of ten a uint64_t holds. */
static const uint64_t powers_of_ten[20] = {
    1ull,
    10ull,
    100ull,
    1000ull,
    10000ull,
    100000ull,
    1000000ull,
    10000000ull,
    100000000ull,
    1000000000ull,
    10000000000ull,
    100000000000ull,
    1000000000000ull,
    10000000000000ull,
    100000000000000ull,
    1000000000000000ull,
    10000000000000000ull,
    100000000000000000ull,
    1000000000000000000ull,
    10000000000000000000ull,
};

/*
 * From the bit length b: a value in [2^(b-1), 2^b) has t or t + 1 digits, where
 * t = floor(b * log10(2)) (1233 / 4096 gives exactly that for b <= 64), and
 * the power-of-ten table tells which.
 */
static unsigned decimal_digits(uint64_t value)
{
        unsigned bits = 64u - (unsigned)__builtin_clzll(value | 1);
        unsigned t = (bits * 1233u) >> 12;

        return t + 1u - (value < powers_of_ten[t]);
}

/* Exactly 8 digits of value < 10^8 at dst, in 32-bit arithmetic. */
static inline void write_8_digits(char *dst, uint32_t value)
{
        uint32_t high = value / 10000u, low = value % 10000u;

        memcpy(dst, digit_pairs + (high / 100u) * 2, 2);
        memcpy(dst + 2, digit_pairs + (high % 100u) * 2, 2);
        memcpy(dst + 4, digit_pairs + (low / 100u) * 2, 2);
        memcpy(dst + 6, digit_pairs + (low % 100u) * 2, 2);
}

/* Writes the low `width` digits of value backwards, ending at end. */
static void write_digits_backwards(char *end, uint64_t value, unsigned width)
{
        char *p = end;
        uint32_t low;

        /* Eight digits at a time, then the rest in 32-bit arithmetic. */
        while (width >= 8) {
                uint64_t high = value / 100000000u;

                p -= 8;
                write_8_digits(p, (uint32_t)(value - high * 100000000u));
                value = high;
                width -= 8;
        }
        low = (uint32_t)(value % 100000000u);
        while (width >= 2) {
                p -= 2;
                memcpy(p, digit_pairs + (low % 100u) * 2, 2);
                low /= 100u;
                width -= 2;
        }
        if (width)
                p[-1] = (char)('0' + low % 10u);
}

char *format_fixed(char *dst, uint64_t value, unsigned width)
{
        write_digits_backwards(dst + width, value, width);
        return dst + width;
}

char *format_u64(char *dst, uint64_t value)
{
        char *end, *p;
        uint32_t low;

        if (value < 10) {
                *dst = (char)('0' + value);
                return dst + 1;
        }
        end = dst + decimal_digits(value);
        p = end;
        while (value >= 100000000u) {
                uint64_t high = value / 100000000u;

                p -= 8;
                write_8_digits(p, (uint32_t)(value - high * 100000000u));
                value = high;
        }
        low = (uint32_t)value;
        while (low >= 100u) {
                p -= 2;
                memcpy(p, digit_pairs + (low % 100u) * 2, 2);
                low /= 100u;
        }
        if (low >= 10u)
                memcpy(p - 2, digit_pairs + low * 2, 2);
        else
                p[-1] = (char)('0' + low);
        return end;
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
