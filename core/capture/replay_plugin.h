/* SPDX-License-Identifier: MIT */
/*
 * The installed plugin a capture's instance was made with (same name and
 * version): an instance of it, created with the options the capture
 * recorded, whose decode() replay uses for the event types that have one.
 * Its create() must not touch the kernel (the same rule as for `check`).
 */
#ifndef PK_CORE_CAPTURE_REPLAY_PLUGIN_H
#define PK_CORE_CAPTURE_REPLAY_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "loader.h"
#include "replay.h"

/* Look for the plugin in `plugins`; on a match set p->use_decode for its event types. */
void replay_plugin_bind(struct replay_probe *p, const struct plugin_set *plugins);

/* Decode with the plugin's decode() into p->values; 0 or -errno (malformed). */
int replay_plugin_decode(struct replay_probe *p, uint32_t event, const void *sample, size_t size,
                         uint64_t *absent);

/* Destroy the plugin instance, if one was made. */
void replay_plugin_release(struct replay_probe *p);

#endif
