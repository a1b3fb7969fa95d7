/* SPDX-License-Identifier: MIT */
#include "check.h"

#include <stdio.h>

static unsigned failures;
static unsigned checks;

bool check_true(bool ok, const char *what, const char *file, int line)
{
        checks++;
        if (ok)
                return true;
        failures++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
        return false;
}

bool check_int_eq(long long expected, long long actual, const char *what, const char *file,
                  int line)
{
        checks++;
        if (expected == actual)
                return true;
        failures++;
        fprintf(stderr, "%s:%d: %s: expected %lld, got %lld\n", file, line, what, expected, actual);
        return false;
}

/* Bytes shown around a difference at most, so a huge output stays readable. */
#define SHOW_BEFORE 80
#define SHOW_BYTES  400

/*
 * Shows s[from..) unambiguously: printable ASCII as is, the rest as \xNN,
 * a newline as \n and a line break.
 */
static void print_bytes(const char *label, const char *s, size_t n, size_t from)
{
        size_t end = n - from > SHOW_BYTES ? from + SHOW_BYTES : n;

        fprintf(stderr, "  %s (%zu bytes%s): ", label, n, from || end < n ? ", excerpt" : "");
        for (size_t i = from; i < end; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c == '\n')
                        fputs("\\n\n    ", stderr);
                else if (c >= 0x20 && c < 0x7f && c != '\\')
                        fputc(c, stderr);
                else
                        fprintf(stderr, "\\x%02x", c);
        }
        fputc('\n', stderr);
}

bool check_bytes_eq(const char *expected, size_t expected_len, const char *actual,
                    size_t actual_len, const char *file, int line)
{
        size_t at = 0;

        checks++;
        if (actual && expected_len == actual_len && memcmp(expected, actual, actual_len) == 0)
                return true;
        failures++;
        while (actual && at < expected_len && at < actual_len && expected[at] == actual[at])
                at++;
        fprintf(stderr, "%s:%d: bytes differ at offset %zu\n", file, line, at);
        size_t from = at > SHOW_BEFORE ? at - SHOW_BEFORE : 0;

        print_bytes("expected", expected, expected_len, from < expected_len ? from : 0);
        print_bytes("actual", actual ? actual : "", actual ? actual_len : 0,
                    actual && from < actual_len ? from : 0);
        return false;
}

int check_exit_code(const char *test_name)
{
        if (failures) {
                fprintf(stderr, "%s: %u of %u checks failed\n", test_name, failures, checks);
                return 1;
        }
        printf("%s: all %u checks passed\n", test_name, checks);
        return 0;
}
