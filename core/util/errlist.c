// SPDX-License-Identifier: MIT
#include "errlist.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The buffer holds the kept lines, then, once lines were left out, a last
 * line "... and N more errors". Counting re-reads that line, so the list
 * needs no state besides its text.
 */
static const char more_prefix[] = "... and ";

static unsigned lines_in(const char *err, const char **more)
{
        unsigned n = 0;

        *more = NULL;
        for (const char *p = err; *p;) {
                const char *nl = strchr(p, '\n');

                if (!strncmp(p, more_prefix, sizeof(more_prefix) - 1)) {
                        *more = p;
                        break;
                }
                n++;
                if (!nl)
                        break;
                p = nl + 1;
        }
        return n;
}

unsigned errlist_count(const char *err)
{
        const char *more;
        unsigned n = lines_in(err, &more);

        if (more)
                n += (unsigned)strtoul(more + sizeof(more_prefix) - 1, NULL, 10);
        return n;
}

static void note_left_out(char *err, size_t err_len, const char *more)
{
        unsigned left_out = more ? (unsigned)strtoul(more + sizeof(more_prefix) - 1, NULL, 10) : 0;
        size_t at = more ? (size_t)(more - err) : strlen(err);

        snprintf(err + at, err_len - at, "%s%s%u more errors", !more && at ? "\n" : "", more_prefix,
                 left_out + 1);
}

void errlist_vadd(char *err, size_t err_len, const char *fmt, va_list ap)
{
        const char *more;
        unsigned kept = lines_in(err, &more);
        size_t used = strlen(err);
        char line[1024];
        int len;

        if (!err_len)
                return;
        len = vsnprintf(line, sizeof(line), fmt, ap);
        if (len < 0)
                return;
        /* keep room for the "... and N more errors" line */
        if (more || kept >= ERRLIST_MAX_LINES || used + (size_t)len + 2 + 40 > err_len) {
                note_left_out(err, err_len, more);
                return;
        }
        snprintf(err + used, err_len - used, "%s%s", used ? "\n" : "", line);
}

void errlist_add(char *err, size_t err_len, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        errlist_vadd(err, err_len, fmt, ap);
        va_end(ap);
}

void errlist_print(FILE *out, const char *err)
{
        for (const char *p = err; *p;) {
                const char *nl = strchr(p, '\n');
                int len = nl ? (int)(nl - p) : (int)strlen(p);

                char raw[1024], safe[4200];

                snprintf(raw, sizeof(raw), "%.*s", len, p);
                log_escape(raw, safe, sizeof(safe));
                fprintf(out, "probekit: %s\n", safe);
                if (!nl)
                        break;
                p = nl + 1;
        }
}
