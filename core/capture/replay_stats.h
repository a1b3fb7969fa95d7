/* SPDX-License-Identifier: MIT */
/* `probekit replay --stats`: per probe and event, records, time span and losses. */
#ifndef PK_CORE_CAPTURE_REPLAY_STATS_H
#define PK_CORE_CAPTURE_REPLAY_STATS_H

#include <stdio.h>

#include "reader.h"
#include "replay.h"

void replay_stats_print(FILE *out, const char *path, const struct capture_reader *r,
                        const struct replay *rp);

#endif
