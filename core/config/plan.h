/* SPDX-License-Identifier: MIT */
/*
 * From a read INI file and the loaded plugins to what will run: the global
 * settings of [probekit] and one validated spec per probe or sink instance.
 * Every error names the file and line it comes from.
 */
#ifndef PK_CORE_PLAN_H
#define PK_CORE_PLAN_H

#include <stdbool.h>

#include "config.h"
#include "loader.h"
#include "options.h"

#define PK_GLOBAL_SECTION "probekit"

struct instance_spec {
        char *name;
        const struct plugin_handle *plugin;
        struct option_set opts;
        unsigned line; /* 0: not from a file */
};

struct plan {
        struct instance_spec *specs;
        size_t n_specs;
};

/* The [probekit] section's declared options. */
const struct pk_option *global_options(size_t *count);

/* Validate [probekit] (when present) into `global`, which gets every default. */
int plan_read_globals(const struct config *cfg, struct option_set *global, char *err,
                      size_t err_len);

/*
 * One spec per section other than [probekit]. With `all_probes`, every probe
 * plugin that no section names gets an instance with its defaults (the
 * built-in default configuration).
 */
int plan_build(const struct config *cfg, const struct plugin_set *plugins, bool all_probes,
               struct plan *plan, char *err, size_t err_len);

/*
 * Keep only the instances named in `names`; a name that is no instance but a
 * probe plugin gets an instance with its defaults. Sinks are kept.
 */
int plan_select(struct plan *plan, const struct plugin_set *plugins, char *const *names,
                size_t n_names, char *err, size_t err_len);

/* A spec for `plugin` named `name` with the defaults of every option. */
int instance_spec_init(struct instance_spec *spec, const char *name,
                       const struct plugin_handle *plugin, unsigned line, char *err,
                       size_t err_len);

bool spec_enabled(const struct instance_spec *spec);
void plan_spec_free(struct instance_spec *spec);
void plan_free(struct plan *plan);

#endif
