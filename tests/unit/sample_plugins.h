/* SPDX-License-Identifier: MIT */
/*
 * Valid plugin descriptors for the loader and plan tests, which copy and
 * break them or load them into a plugin set. Nothing here is ever run: the
 * callbacks only have to exist.
 */
#ifndef PROBEKIT_UNIT_SAMPLE_PLUGINS_H
#define PROBEKIT_UNIT_SAMPLE_PLUGINS_H

#include <probekit/plugin.h>

/*
 * "alpha": a probe with an option of every type and two attach modes,
 *   depth (int, 1..100, default 8), verbose (bool, default false),
 *   prefix (string ≤ 8, no default), style (enum short|long, default short),
 *   paths (list, default "/tmp, /var").
 */
extern const struct pk_plugin sample_alpha_probe;
/* "beta": a probe with no options and no attach modes. */
extern const struct pk_plugin sample_beta_probe;
/* "gamma": a sink with an `output` string option. */
extern const struct pk_plugin sample_gamma_sink;

#endif /* PROBEKIT_UNIT_SAMPLE_PLUGINS_H */
