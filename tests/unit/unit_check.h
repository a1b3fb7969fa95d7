/* SPDX-License-Identifier: MIT */
/*
 * Assertions for the core's unit tests. A failed check prints where it is and
 * both values, and the test goes on; unit_finish() prints the totals and gives
 * the executable's exit status (non-zero when any check failed).
 */
#ifndef PROBEKIT_UNIT_CHECK_H
#define PROBEKIT_UNIT_CHECK_H

#include <stdbool.h>

#define EXPECT(cond) unit_expect((cond), #cond, __FILE__, __LINE__)
#define EXPECT_INT(want, got)                                                                      \
        unit_expect_int((long long)(want), (long long)(got), #got, __FILE__, __LINE__)
/* Either side may be NULL; two NULLs are equal. */
#define EXPECT_STR(want, got) unit_expect_str((want), (got), #got, __FILE__, __LINE__)
/* `text` contains `part`. */
#define EXPECT_HAS(text, part) unit_expect_has((text), (part), #text, __FILE__, __LINE__)

bool unit_expect(bool ok, const char *what, const char *file, int line);
bool unit_expect_int(long long want, long long got, const char *what, const char *file, int line);
bool unit_expect_str(const char *want, const char *got, const char *what, const char *file,
                     int line);
bool unit_expect_has(const char *text, const char *part, const char *what, const char *file,
                     int line);

/* Print "N passed, N failed"; returns 0 when nothing failed, 1 otherwise. */
int unit_finish(void);

#endif /* PROBEKIT_UNIT_CHECK_H */
