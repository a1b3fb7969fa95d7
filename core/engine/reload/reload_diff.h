/* SPDX-License-Identifier: MIT */
/*
 * What a reload changes: the running instances against the new plan, by
 * name. An instance whose plugin (same file, unchanged on disk) and options
 * are the same is kept as it runs; one whose plugin or options changed is
 * restarted; a new name is started; a name gone from the plan is stopped.
 * Pure: no kernel, no I/O (tests/unit/test_reload_diff.c).
 */
#ifndef PK_CORE_RELOAD_DIFF_H
#define PK_CORE_RELOAD_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "loader.h"
#include "options.h"
#include "plan.h"

enum reload_action {
        RELOAD_KEEP,
        RELOAD_RESTART,
        RELOAD_START,
        RELOAD_STOP,
};

/* A running instance as the diff sees it. */
struct reload_current {
        const char *name;
        const struct plugin_handle *plugin;
        const struct option_set *opts;
};

struct reload_step {
        enum reload_action action;
        size_t current;  /* index into the current instances (KEEP, RESTART, STOP) */
        size_t next;     /* index into the plan's specs (KEEP, RESTART, START) */
        const char *why; /* RESTART: "options changed", "plugin file changed", ... */
};

/* Whether two option sets hold the same values (where they were set does not matter). */
bool option_sets_equal(const struct option_set *a, const struct option_set *b);

/* Whether two handles are the same plugin from the same, unchanged file. */
bool plugin_unchanged(const struct plugin_handle *a, const struct plugin_handle *b);

/*
 * One step per current instance and per new spec, in this order: stops and
 * restarts first, then keeps, then starts. `*steps` is allocated; 0 or
 * -ENOMEM.
 */
int reload_diff(const struct reload_current *current, size_t n_current,
                const struct instance_spec *next, size_t n_next, struct reload_step **steps,
                size_t *n_steps);

const char *reload_action_name(enum reload_action action);

#endif
