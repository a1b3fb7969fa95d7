/* SPDX-License-Identifier: MIT */
/* Starting and stopping probe instances: open, configure, load, attach. */
#ifndef PK_CORE_PROBE_H
#define PK_CORE_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "instance.h"

struct probe_env {
        bool mount_tracefs;
};

/*
 * Bring a probe up, trying its attach modes in order. On failure the
 * instance is marked failed with the reason and -errno is returned; nothing
 * of it stays loaded.
 */
int probe_start(struct pk_instance *inst, const struct probe_env *env);

/* CLOCK_REALTIME in nanoseconds (an instance's `since`). */
uint64_t realtime_ns(void);

/* Read the kernel's count of failed reserves into inst->drops. */
void probe_read_drops(struct pk_instance *inst);

/* Whether the instance asked for a wakeup per sample (`wakeup = every`). */
bool probe_wakes_every_sample(const struct pk_instance *inst);

/* Detach, unload and free the plugin's state. Safe on any state. */
void probe_stop(struct pk_instance *inst);

#endif
