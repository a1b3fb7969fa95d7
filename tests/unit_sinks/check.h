/* SPDX-License-Identifier: MIT */
/*
 * Just enough assertions for the sink tests: a failed check prints
 * file:line and what differed, and the test goes on; check_exit_code()
 * makes the executable fail when any check did.
 */
#ifndef PROBEKIT_TESTS_CHECK_H
#define PROBEKIT_TESTS_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define CHECK(cond) check_true((cond), #cond, __FILE__, __LINE__)
#define CHECK_INT_EQ(expected, actual)                                                             \
        check_int_eq((long long)(expected), (long long)(actual), #actual, __FILE__, __LINE__)
/* A string literal against n bytes that need not be NUL-terminated. */
#define CHECK_BYTES_EQ(expected, actual, actual_len)                                               \
        check_bytes_eq((expected), strlen(expected), (actual), (actual_len), __FILE__, __LINE__)
/* Both sides as (pointer, length). */
#define CHECK_BYTES_EQ_LEN(expected, expected_len, actual, actual_len)                             \
        check_bytes_eq((expected), (expected_len), (actual), (actual_len), __FILE__, __LINE__)
#define CHECK_STR_EQ(expected, actual)                                                             \
        CHECK_BYTES_EQ((expected), (actual), (actual) ? strlen(actual) : 0)

bool check_true(bool ok, const char *what, const char *file, int line);
bool check_int_eq(long long expected, long long actual, const char *what, const char *file,
                  int line);
bool check_bytes_eq(const char *expected, size_t expected_len, const char *actual,
                    size_t actual_len, const char *file, int line);
/* Prints a summary; 0 when every check passed, 1 otherwise. */
int check_exit_code(const char *test_name);

#endif /* PROBEKIT_TESTS_CHECK_H */
