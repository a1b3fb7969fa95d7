/* SPDX-License-Identifier: MIT */
/* The sinks' building blocks: numbers, durations, UTF-8 checks, local time. */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "format_duration.h"
#include "format_number.h"
#include "local_clock.h"
#include "utf8.h"

#define CHECK_FORMAT(expected, call)                                                               \
        do {                                                                                       \
                char buf_[32];                                                                     \
                char *end_ = call;                                                                 \
                CHECK_BYTES_EQ((expected), buf_, (size_t)(end_ - buf_));                           \
        } while (0)

static void test_unsigned(void)
{
        CHECK_FORMAT("0", format_u64(buf_, 0));
        CHECK_FORMAT("9", format_u64(buf_, 9));
        CHECK_FORMAT("10", format_u64(buf_, 10));
        CHECK_FORMAT("99", format_u64(buf_, 99));
        CHECK_FORMAT("100", format_u64(buf_, 100));
        CHECK_FORMAT("1000", format_u64(buf_, 1000));
        CHECK_FORMAT("9999", format_u64(buf_, 9999));
        CHECK_FORMAT("10000", format_u64(buf_, 10000));
        CHECK_FORMAT("4294967295", format_u64(buf_, UINT32_MAX));
        CHECK_FORMAT("10000000000000000000", format_u64(buf_, 10000000000000000000ull));
        CHECK_FORMAT("18446744073709551615", format_u64(buf_, UINT64_MAX));
}

static void test_every_digit_count(void)
{
        uint64_t value = 1;

        for (int digits = 1; digits <= 19; digits++) {
                char buf[32];
                char *end = format_u64(buf, value);

                CHECK_INT_EQ(digits, end - buf);
                CHECK(buf[0] == '1');
                value *= 10;
        }
}

/* 10^k - 1 (k nines) and 10^k (a one and k zeros), unsigned and negated, for every k. */
static void test_every_digit_count_boundary(void)
{
        char nines[24] = "", power_text[24] = "1", negative[24] = "-";
        uint64_t power = 1;

        for (int k = 1; k <= 19; k++) {
                power *= 10;
                nines[k - 1] = '9';
                power_text[k] = '0';
                CHECK_FORMAT(nines, format_u64(buf_, power - 1));
                CHECK_FORMAT(power_text, format_u64(buf_, power));
                if (k > 18)
                        continue; /* -10^19 does not fit an int64_t */
                memcpy(negative + 1, nines, sizeof(nines) - 1);
                CHECK_FORMAT(negative, format_s64(buf_, -(int64_t)(power - 1)));
                memcpy(negative + 1, power_text, sizeof(power_text) - 1);
                CHECK_FORMAT(negative, format_s64(buf_, -(int64_t)power));
        }
}

/* Digits the slow way, for the checks below. */
static const char *reference_u64(char *buf, size_t size, uint64_t value)
{
        char *p = buf + size;

        *--p = '\0';
        do {
                *--p = (char)('0' + value % 10);
                value /= 10;
        } while (value);
        return p;
}

/* 2^k - 1 and 2^k for every k: where the digit count from the bit length could be off by one. */
static void test_every_bit_length(void)
{
        for (int k = 1; k < 64; k++) {
                uint64_t power = (uint64_t)1 << k;
                char expected[32];

                CHECK_FORMAT(reference_u64(expected, sizeof(expected), power - 1),
                             format_u64(buf_, power - 1));
                CHECK_FORMAT(reference_u64(expected, sizeof(expected), power),
                             format_u64(buf_, power));
        }
        CHECK_FORMAT("18446744073709551615", format_u64(buf_, UINT64_MAX));
}

static void test_signed(void)
{
        CHECK_FORMAT("0", format_s64(buf_, 0));
        CHECK_FORMAT("-1", format_s64(buf_, -1));
        CHECK_FORMAT("-2147483648", format_s64(buf_, INT32_MIN));
        CHECK_FORMAT("9223372036854775807", format_s64(buf_, INT64_MAX));
        CHECK_FORMAT("-9223372036854775808", format_s64(buf_, INT64_MIN));
}

static void test_hex_and_fixed(void)
{
        CHECK_FORMAT("0x0", format_hex(buf_, 0));
        CHECK_FORMAT("0xabc", format_hex(buf_, 0xabc));
        CHECK_FORMAT("0xffffffffffffffff", format_hex(buf_, UINT64_MAX));
        CHECK_FORMAT("007", format_fixed(buf_, 7, 3));
        CHECK_FORMAT("45", format_fixed(buf_, 12345, 2));
        CHECK_FORMAT("", format_fixed(buf_, 12345, 0));
        CHECK_FORMAT("000000123", format_fixed(buf_, 123, 9));
        CHECK_FORMAT("999999999", format_fixed(buf_, 999999999, 9));
        CHECK_FORMAT("23456789", format_fixed(buf_, 123456789, 8));
        CHECK_FORMAT("00000000000000000000", format_fixed(buf_, 0, 20));
        CHECK_FORMAT("0000000000000000000", format_fixed(buf_, 10000000000000000000ull, 19));
        /* Every width of the widest value: its low digits. */
        for (unsigned width = 0; width <= 20; width++) {
                static const char max[] = "18446744073709551615";

                CHECK_FORMAT(max + 20 - width, format_fixed(buf_, UINT64_MAX, width));
        }
}

static void test_duration(void)
{
        CHECK_FORMAT("0ns", format_duration(buf_, 0));
        CHECK_FORMAT("999ns", format_duration(buf_, 999));
        CHECK_FORMAT("1.000us", format_duration(buf_, 1000));
        CHECK_FORMAT("999.999us", format_duration(buf_, 999999));
        CHECK_FORMAT("1.000ms", format_duration(buf_, 1000000));
        CHECK_FORMAT("12.345ms", format_duration(buf_, 12345678));
        CHECK_FORMAT("1.050s", format_duration(buf_, 1050000000));
        CHECK_FORMAT("18446744073.709s", format_duration(buf_, UINT64_MAX));
}

#define CHECK_UTF8(expected_len, literal)                                                          \
        CHECK_INT_EQ((expected_len),                                                               \
                     utf8_sequence_len((const unsigned char *)(literal), sizeof(literal) - 1))

static void test_utf8(void)
{
        CHECK_UTF8(2, "\xc2\x80");
        CHECK_UTF8(2, "\xdf\xbf");
        CHECK_UTF8(3, "\xe0\xa0\x80");
        CHECK_UTF8(3, "\xed\x9f\xbf"); /* U+D7FF, just below the surrogates */
        CHECK_UTF8(3, "\xef\xbf\xbf");
        CHECK_UTF8(4, "\xf0\x90\x80\x80");
        CHECK_UTF8(4, "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
        CHECK_UTF8(0, "\x80");
        CHECK_UTF8(0, "\xc1\xbf");         /* overlong */
        CHECK_UTF8(0, "\xe0\x9f\xbf");     /* overlong */
        CHECK_UTF8(0, "\xed\xa0\x80");     /* surrogate */
        CHECK_UTF8(0, "\xf0\x8f\xbf\xbf"); /* overlong */
        CHECK_UTF8(0, "\xf4\x90\x80\x80"); /* above U+10FFFF */
        CHECK_UTF8(0, "\xf8\x88\x80\x80");
        CHECK_UTF8(0, "\xe2\x82"); /* cut short */
        CHECK_UTF8(0, "\xe2\x82x");
}

static void test_local_clock(void)
{
        struct local_clock clock;
        char buf[LOCAL_CLOCK_LEN];

        setenv("TZ", "UTC", 1);
        tzset();
        local_clock_init(&clock);
        local_clock_format(&clock, 1764045000123456789ull, buf);
        CHECK_BYTES_EQ("04:30:00.123", buf, sizeof(buf));
        /* Same second: from the cache. */
        local_clock_format(&clock, 1764045000999000000ull, buf);
        CHECK_BYTES_EQ("04:30:00.999", buf, sizeof(buf));
        local_clock_format(&clock, 1764045001000000000ull, buf);
        CHECK_BYTES_EQ("04:30:01.000", buf, sizeof(buf));
        local_clock_format(&clock, 0, buf);
        CHECK_BYTES_EQ("00:00:00.000", buf, sizeof(buf));
}

int main(void)
{
        test_unsigned();
        test_every_digit_count();
        test_every_digit_count_boundary();
        test_every_bit_length();
        test_signed();
        test_hex_and_fixed();
        test_duration();
        test_utf8();
        test_local_clock();
        return check_exit_code("test_formatting");
}
