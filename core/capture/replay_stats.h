/* SPDX-License-Identifier: MIT */
/*
 * `probekit replay --stats`: per probe and event, records, time span and
 * losses, as text or (--json) as one JSON document for every file.
 */
#ifndef PK_CORE_CAPTURE_REPLAY_STATS_H
#define PK_CORE_CAPTURE_REPLAY_STATS_H

#include <stdint.h>
#include <stdio.h>

#include "reader.h"
#include "replay.h"
#include "strbuf.h"

/* Where and why reading one file stopped. */
enum replay_end {
        REPLAY_END_TRAILER = 0,   /* read to the clean-stop trailer */
        REPLAY_END_NO_TRAILER,    /* whole blocks, then the end of the file */
        REPLAY_END_TRUNCATED,     /* the file ends inside a block */
        REPLAY_END_READ_ERROR,    /* read() failed */
        REPLAY_END_REFUSED,       /* not a capture, a damaged header, a newer version */
        REPLAY_END_OPEN_ERROR,    /* open() failed */
        REPLAY_END_INTERRUPTED,   /* a signal stopped --follow */
        REPLAY_END_OUTPUT_CLOSED, /* the sinks' reader went away */
        REPLAY_END_FAILED,        /* out of memory or a sink error */
};

/* Damaged stretches (or blocks that did not parse) kept to be named one by one. */
#define REPLAY_PROBLEMS_KEPT 20

struct replay_problem {
        uint64_t offset; /* of the damaged block */
        char why[640];
};

struct replay_outcome {
        enum replay_end end;
        uint64_t end_offset; /* of the first byte not read (for TRUNCATED: the cut block) */
        char end_why[640];   /* "" at the trailer */
        struct replay_problem problems[REPLAY_PROBLEMS_KEPT];
        uint64_t n_problems; /* every one; the first REPLAY_PROBLEMS_KEPT are kept */
};

/* Note one damaged stretch; returns true when it is among the ones kept. */
bool replay_outcome_problem(struct replay_outcome *o, uint64_t offset, const char *why);

void replay_stats_print(FILE *out, const char *path, const struct capture_reader *r,
                        const struct replay *rp);

/*
 * One file's entry of the --stats --json document. `r` and `rp` are NULL
 * when the file was not opened or its header was refused. Every string that
 * comes from the file is escaped.
 */
void replay_stats_json(struct strbuf *sb, const char *path, const struct capture_reader *r,
                       const struct replay *rp, const struct replay_outcome *o);

#endif
