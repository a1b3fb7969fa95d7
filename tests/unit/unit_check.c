// SPDX-License-Identifier: MIT
#include "unit_check.h"

#include <stdio.h>
#include <string.h>

static unsigned passed, failed;

static bool count(bool ok)
{
        if (ok)
                passed++;
        else
                failed++;
        return ok;
}

bool unit_expect(bool ok, const char *what, const char *file, int line)
{
        if (!ok)
                fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
        return count(ok);
}

bool unit_expect_int(long long want, long long got, const char *what, const char *file, int line)
{
        if (want != got)
                fprintf(stderr, "%s:%d: FAILED: %s is %lld, expected %lld\n", file, line, what, got,
                        want);
        return count(want == got);
}

static const char *shown(const char *s)
{
        return s ? s : "(null)";
}

bool unit_expect_str(const char *want, const char *got, const char *what, const char *file,
                     int line)
{
        bool ok = (!want && !got) || (want && got && !strcmp(want, got));

        if (!ok)
                fprintf(stderr, "%s:%d: FAILED: %s is \"%s\", expected \"%s\"\n", file, line, what,
                        shown(got), shown(want));
        return count(ok);
}

bool unit_expect_has(const char *text, const char *part, const char *what, const char *file,
                     int line)
{
        bool ok = text && part && strstr(text, part);

        if (!ok)
                fprintf(stderr, "%s:%d: FAILED: %s is \"%s\", expected it to contain \"%s\"\n",
                        file, line, what, shown(text), shown(part));
        return count(ok);
}

int unit_finish(void)
{
        printf("%u passed, %u failed\n", passed, failed);
        return failed ? 1 : 0;
}
