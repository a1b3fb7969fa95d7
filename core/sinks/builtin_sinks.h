/* SPDX-License-Identifier: MIT */
/* The sinks compiled into the probekit executable. */
#ifndef PROBEKIT_SINKS_BUILTIN_SINKS_H
#define PROBEKIT_SINKS_BUILTIN_SINKS_H

#include <probekit/plugin.h>

extern const struct pk_plugin pk_text_sink_plugin;
extern const struct pk_plugin pk_json_sink_plugin;

#endif /* PROBEKIT_SINKS_BUILTIN_SINKS_H */
