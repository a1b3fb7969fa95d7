/* SPDX-License-Identifier: MIT */
/*
 * Finding, loading and checking plugins. A plugin that cannot be used is
 * refused with a one-line reason; the others still load.
 */
#ifndef PK_CORE_LOADER_H
#define PK_CORE_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include <probekit/plugin.h>

#include "btf_fields.h"
#include "plugin_copy.h"

struct plugin_handle {
        struct pk_plugin desc; /* the plugin's descriptor, zero-extended to the host's size */
        void *dl;              /* NULL for plugins built into probekit */
        char *path;            /* the .so, or "built-in" */
        /* `attach = auto|<mode>...`, for probes that declare attach modes */
        struct pk_option attach_option;
        const char **attach_choices;
        /* the event tables resolved from BTF (desc.events points here when any) */
        struct btf_fields btf;
        /* the file as it was loaded (zero for built-ins): a reload restarts what changed */
        struct plugin_file_id file;
};

/* A plugin file that was not loaded, and why ("shadowed" ones lost to a same-named plugin). */
struct plugin_refusal {
        char *path;
        char *reason;
        bool shadowed;
};

struct plugin_set {
        struct plugin_handle *items;
        size_t n;
        size_t refused;                  /* files that were refused while scanning */
        struct plugin_refusal *refusals; /* each of them, for `probekit plugins` */
        size_t n_refusals;
};

/* Called once for each refused file, with the reason; `shadowed`: by a plugin of its name. */
typedef void (*plugin_refusal_fn)(const char *path, const char *reason, bool shadowed, void *ctx);

/*
 * Check a descriptor as the host sees it: ABI version, size, every required
 * member. Returns 0, or -EINVAL with the reason in `why`.
 */
int plugin_check_descriptor(const struct pk_plugin *desc, char *why, size_t why_len);

/* Add a descriptor (built-in or from a file) after checking it and its name's uniqueness. */
int plugin_set_add(struct plugin_set *set, const struct pk_plugin *desc, void *dl, const char *path,
                   char *why, size_t why_len);

/* dlopen one file and add the plugin it holds. */
int plugin_set_load_file(struct plugin_set *set, const char *path, char *why, size_t why_len);

/*
 * Load every *.so in `dir`, in name order; refusals are reported, kept in
 * set->refusals, and not fatal. A plugin whose name is loaded already (from
 * a directory scanned before) is shadowed: directories are scanned in
 * order of precedence.
 */
int plugin_set_load_dir(struct plugin_set *set, const char *dir, plugin_refusal_fn on_refusal,
                        void *ctx);

const struct plugin_handle *plugin_set_find(const struct plugin_set *set, const char *name);
void plugin_set_free(struct plugin_set *set);

/* The options the core declares for every probe instance, and their count. */
const struct pk_option *core_probe_options(size_t *count);
/* The options the core declares for every sink instance. */
const struct pk_option *core_sink_options(size_t *count);

#endif
