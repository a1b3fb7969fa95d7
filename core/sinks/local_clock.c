/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "local_clock.h"

#include <string.h>
#include <time.h>

#include "format_number.h"

void local_clock_init(struct local_clock *clock)
{
        clock->second = UINT64_MAX;
        memcpy(clock->hms, "??:??:??", sizeof(clock->hms));
}

static void update_hms(struct local_clock *clock, uint64_t second)
{
        time_t t = (time_t)second;
        struct tm tm;
        char *p = clock->hms;

        clock->second = second;
        if (!localtime_r(&t, &tm)) {
                memcpy(clock->hms, "??:??:??", sizeof(clock->hms));
                return;
        }
        p = format_fixed(p, (uint64_t)tm.tm_hour, 2);
        *p++ = ':';
        p = format_fixed(p, (uint64_t)tm.tm_min, 2);
        *p++ = ':';
        format_fixed(p, (uint64_t)tm.tm_sec, 2);
}

char *local_clock_format(struct local_clock *clock, uint64_t realtime_ns, char *dst)
{
        uint64_t second = realtime_ns / 1000000000u;

        if (second != clock->second)
                update_hms(clock, second);
        memcpy(dst, clock->hms, sizeof(clock->hms));
        dst[8] = '.';
        return format_fixed(dst + 9, realtime_ns / 1000000u % 1000u, 3);
}
