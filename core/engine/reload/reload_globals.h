/* SPDX-License-Identifier: MIT */
/*
 * The [probekit] settings at a reload: those the loop can change while it
 * runs are applied; the others (control_socket, sessions) need a restart,
 * and the reload says so for each (file:line, the new value, the one that
 * stays) in the log and in `probekit reload`'s reply. docs/operations.md
 * has the table.
 */
#ifndef PK_CORE_RELOAD_GLOBALS_H
#define PK_CORE_RELOAD_GLOBALS_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

struct run;
struct strbuf;

enum global_outcome {
        GLOBAL_APPLIED,
        GLOBAL_NEEDS_RESTART, /* the running value stays until the next start */
        GLOBAL_FAILED,        /* could not be applied now (the reason says why); the old stays */
        GLOBAL_OVERRIDDEN,    /* the command line's value wins (-v, -q) */
};

struct global_change {
        const char *key;
        enum global_outcome outcome;
        char where[300];   /* "file:line" of the new value, or the file when it is a default */
        char value[128];   /* the new value, as text */
        char running[128]; /* the value in force after the reload */
        char reason[160];  /* GLOBAL_FAILED */
};

#define RELOAD_MAX_GLOBALS 16

/*
 * Compare the running [probekit] settings with the next ones and apply what
 * changed: an applied value moves into `running` (its old one into `next`,
 * freed with it). Every change is logged and described in `changes`
 * (at most RELOAD_MAX_GLOBALS); returns how many there are.
 */
size_t reload_apply_globals(struct run *run, struct option_set *running, struct option_set *next,
                            const char *config_path, struct global_change *changes);

/* The changes as text lines, or as the members of a JSON array. */
void reload_report_globals(const struct global_change *changes, size_t n, struct strbuf *out,
                           bool json);

const char *global_outcome_name(enum global_outcome outcome);

#endif
