/* SPDX-License-Identifier: MIT */
/*
 * Wall-clock nanoseconds to local "HH:MM:SS.mmm". localtime_r() is slow
 * (it may look at the time zone each call), so the HH:MM:SS of the last
 * second seen is kept: events mostly come many to a second.
 */
#ifndef PROBEKIT_SINKS_LOCAL_CLOCK_H
#define PROBEKIT_SINKS_LOCAL_CLOCK_H

#include <stdint.h>

#define LOCAL_CLOCK_LEN 12 /* "HH:MM:SS.mmm" */

struct local_clock {
        uint64_t second; /* of `hms`; UINT64_MAX: none yet */
        char hms[8];
};

void local_clock_init(struct local_clock *clock);
/* Writes LOCAL_CLOCK_LEN bytes (no NUL) at dst and returns their end. */
char *local_clock_format(struct local_clock *clock, uint64_t realtime_ns, char *dst);

#endif /* PROBEKIT_SINKS_LOCAL_CLOCK_H */
