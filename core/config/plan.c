// SPDX-License-Identifier: MIT
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errlist.h"
#include "metrics_address.h"
#include "validate.h"

static const char *const format_choices[] = {"text", "json", "capture", "none", NULL};
static const char *const log_choices[] = {"error", "warn", "info", "debug", NULL};

static const struct pk_option global_decls[] = {
    {.key = "plugin_dir",
     .type = PK_OPT_LIST,
     .help = "More directories to load plugins from, after the built-in plugin directory."},
    {.key = "format",
     .type = PK_OPT_ENUM,
     .default_value = "text",
     .choices = format_choices,
     .help = "Output format of the main sink: text (aligned columns), json (one object per "
             "line), capture (raw samples for `probekit replay`) or none."},
    {.key = "output",
     .type = PK_OPT_STRING,
     .default_value = "-",
     .help = "Where the main sink writes: - for standard output, or a file path."},
    {.key = "stats_interval",
     .type = PK_OPT_INT,
     .default_value = "1",
     .min = 1,
     .max = 86400,
     .help = "Seconds between checks of every probe's drop counter (new drops are logged) "
             "and calls of the plugins' tick()."},
    {.key = "flush_interval_ms",
     .type = PK_OPT_INT,
     .default_value = "25",
     .min = 1,
     .max = 10000,
     .help = "Longest time an event waits in a ring buffer or a sink's buffer before it is "
             "written out (the bound on latency with batched wakeups)."},
    {.key = "control_socket",
     .type = PK_OPT_STRING,
     .default_value = "/run/probekit.sock",
     .max = 107,
     .help = "Unix socket that `probekit list` asks; created with mode 0600."},
    {.key = "log_level",
     .type = PK_OPT_ENUM,
     .default_value = "info",
     .choices = log_choices,
     .help = "Least severe message written to standard error."},
    {.key = "metrics",
     .type = PK_OPT_STRING,
     .default_value = "",
     .max = 63,
     .help = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics (an IPv4 address or a "
             "bracketed IPv6 one, e.g. 127.0.0.1:9464); empty: off. See docs/metrics.md."},
    {.key = "sessions",
     .type = PK_OPT_BOOL,
     .default_value = "false",
     .help = "Report login sessions as `session` events (start and end) and answer `probekit "
             "sessions`; see docs/session-audit.md."},
    {.key = "mount_tracefs",
     .type = PK_OPT_BOOL,
     .default_value = "true",
     .help = "Mount tracefs on /sys/kernel/tracing when a probe needs it and it is missing."},
};

const struct pk_option *global_options(size_t *count)
{
        *count = PK_COUNT(global_decls);
        return global_decls;
}

/* Assign every entry of a section, adding file:line of each bad one to `err`. */
static int assign_section(const struct config *cfg, const struct config_section *sec,
                          struct option_set *opts, const char *what, char *err, size_t err_len)
{
        int first = 0;

        for (size_t i = 0; i < sec->n_entries; i++) {
                const struct config_entry *e = &sec->entries[i];
                char why[512];
                int rc = option_set_assign(opts, e->key, e->value, e->line, why, sizeof(why));

                if (rc == -ENOENT) {
                        errlist_add(err, err_len, "%s:%u: unknown option '%s' in [%s] (%s)",
                                    cfg->path, e->line, e->key, sec->name, what);
                        rc = -EINVAL;
                } else if (rc) {
                        errlist_add(err, err_len, "%s:%u: %s: %s", cfg->path, e->line, e->key, why);
                }
                if (rc && !first)
                        first = rc;
        }
        return first;
}

/* `metrics` must be an address run can listen on, so `check` refuses what run would. */
static int check_metrics_address(const struct config *cfg, const struct option_set *global,
                                 char *err, size_t err_len)
{
        const struct option_value *v = option_set_get(global, "metrics");
        struct sockaddr_storage addr;
        char why[256];

        if (!v || !v->s || !*v->s || !metrics_parse_address(v->s, &addr, why, sizeof(why)))
                return 0;
        errlist_add(err, err_len, "%s:%u: metrics: %s", cfg->path, v->line, why);
        return -EINVAL;
}

int plan_read_globals(const struct config *cfg, struct option_set *global, char *err,
                      size_t err_len)
{
        const struct config_section *sec = config_find_section(cfg, PK_GLOBAL_SECTION);
        const struct pk_option *arrays[] = {global_decls};
        size_t counts[] = {PK_COUNT(global_decls)};
        int rc;

        rc = option_set_init(global, arrays, counts, 1, err, err_len);
        if (rc || !sec)
                return rc;
        rc = assign_section(cfg, sec, global, "see docs/configuration.md", err, err_len);
        if (!rc)
                rc = check_metrics_address(cfg, global, err, err_len);
        return rc;
}

int instance_spec_init(struct instance_spec *spec, const char *name,
                       const struct plugin_handle *plugin, unsigned line, char *err, size_t err_len)
{
        const struct pk_option *arrays[3];
        size_t counts[3], n = 0;
        int rc;

        memset(spec, 0, sizeof(*spec));
        if (plugin->desc.kind == PK_KIND_PROBE)
                arrays[n] = core_probe_options(&counts[n]);
        else
                arrays[n] = core_sink_options(&counts[n]);
        n++;
        if (plugin->attach_choices) {
                arrays[n] = &plugin->attach_option;
                counts[n++] = 1;
        }
        arrays[n] = plugin->desc.options;
        counts[n++] = plugin->desc.n_options;
        rc = option_set_init(&spec->opts, arrays, counts, n, err, err_len);
        if (rc)
                return rc;
        spec->name = strdup(name);
        if (!spec->name) {
                option_set_free(&spec->opts);
                return -ENOMEM;
        }
        spec->plugin = plugin;
        spec->line = line;
        return 0;
}

void plan_spec_free(struct instance_spec *spec)
{
        option_set_free(&spec->opts);
        free(spec->name);
}

static int plan_append(struct plan *plan, struct instance_spec *spec)
{
        struct instance_spec *grown = realloc(plan->specs, (plan->n_specs + 1) * sizeof(*grown));

        if (!grown)
                return -ENOMEM;
        plan->specs = grown;
        plan->specs[plan->n_specs++] = *spec;
        return 0;
}

static const char *section_plugin_name(const struct config_section *sec, unsigned *line)
{
        *line = sec->line;
        for (size_t i = 0; i < sec->n_entries; i++) {
                if (!strcmp(sec->entries[i].key, "plugin")) {
                        *line = sec->entries[i].line;
                        return sec->entries[i].value;
                }
        }
        return sec->name;
}

static void list_plugin_names(const struct plugin_set *plugins, char *buf, size_t len)
{
        size_t used = 0;

        buf[0] = '\0';
        for (size_t i = 0; i < plugins->n; i++) {
                int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
                                 plugins->items[i].desc.name);

                if (n < 0 || (size_t)n >= len - used)
                        break;
                used += n;
        }
}

static int add_section_instance(const struct config *cfg, const struct config_section *sec,
                                const struct plugin_set *plugins, struct plan *plan, char *err,
                                size_t err_len)
{
        const struct plugin_handle *plugin;
        struct instance_spec spec;
        char known[1024], what[128];
        const char *plugin_name;
        unsigned line;
        int rc;

        plugin_name = section_plugin_name(sec, &line);
        plugin = plugin_set_find(plugins, plugin_name);
        if (!plugin) {
                list_plugin_names(plugins, known, sizeof(known));
                errlist_add(err, err_len, "%s:%u: [%s]: no plugin named '%s' was found (found: %s)",
                            cfg->path, line, sec->name, plugin_name, known);
                return -ENOENT;
        }
        rc = instance_spec_init(&spec, sec->name, plugin, sec->line, err, err_len);
        if (rc)
                return rc;
        snprintf(what, sizeof(what), "`probekit info %s` lists its options", plugin->desc.name);
        rc = assign_section(cfg, sec, &spec.opts, what, err, err_len);
        /* values the schema took may still break the core's or the plugin's rules */
        if (!rc && spec_enabled(&spec))
                rc = spec_validate(&spec, cfg->path, err, err_len);
        if (!rc)
                rc = plan_append(plan, &spec);
        if (rc)
                plan_spec_free(&spec);
        return rc;
}

static bool plan_uses_plugin(const struct plan *plan, const struct plugin_handle *plugin)
{
        for (size_t i = 0; i < plan->n_specs; i++) {
                if (plan->specs[i].plugin == plugin)
                        return true;
        }
        return false;
}

static int add_default_instance(struct plan *plan, const struct plugin_handle *plugin, char *err,
                                size_t err_len)
{
        struct instance_spec spec;
        int rc = instance_spec_init(&spec, plugin->desc.name, plugin, 0, err, err_len);

        if (rc)
                return rc;
        rc = plan_append(plan, &spec);
        if (rc)
                plan_spec_free(&spec);
        return rc;
}

int plan_build(const struct config *cfg, const struct plugin_set *plugins, bool all_probes,
               struct plan *plan, char *err, size_t err_len)
{
        int rc = 0;

        memset(plan, 0, sizeof(*plan));
        /* every section, so that one run reports the errors of all of them */
        for (size_t i = 0; i < cfg->n_sections; i++) {
                int section_rc;

                if (!strcmp(cfg->sections[i].name, PK_GLOBAL_SECTION))
                        continue;
                section_rc =
                    add_section_instance(cfg, &cfg->sections[i], plugins, plan, err, err_len);
                if (section_rc == -ENOMEM) {
                        rc = section_rc;
                        goto cleanup;
                }
                if (section_rc && !rc)
                        rc = section_rc;
        }
        if (rc)
                goto cleanup;
        for (size_t i = 0; all_probes && i < plugins->n; i++) {
                const struct plugin_handle *plugin = &plugins->items[i];

                if (plugin->desc.kind != PK_KIND_PROBE || plan_uses_plugin(plan, plugin))
                        continue;
                rc = add_default_instance(plan, plugin, err, err_len);
                if (rc)
                        goto cleanup;
        }
        return 0;
cleanup:
        plan_free(plan);
        return rc;
}

static const struct instance_spec *plan_find(const struct plan *plan, const char *name)
{
        for (size_t i = 0; i < plan->n_specs; i++) {
                if (!strcmp(plan->specs[i].name, name))
                        return &plan->specs[i];
        }
        return NULL;
}

int plan_select(struct plan *plan, const struct plugin_set *plugins, char *const *names,
                size_t n_names, char *err, size_t err_len)
{
        struct plan kept = {0};
        int rc = 0;

        for (size_t i = 0; i < n_names; i++) {
                const struct plugin_handle *plugin = plugin_set_find(plugins, names[i]);

                if (plan_find(plan, names[i]))
                        continue;
                if (!plugin || plugin->desc.kind != PK_KIND_PROBE) {
                        snprintf(err, err_len,
                                 "--probes: '%s' is neither a configured probe nor a probe plugin "
                                 "(`probekit plugins` lists them)",
                                 names[i]);
                        return -ENOENT;
                }
                rc = add_default_instance(plan, plugin, err, err_len);
                if (rc)
                        return rc;
        }
        for (size_t i = 0; i < plan->n_specs; i++) {
                struct instance_spec *spec = &plan->specs[i];
                bool wanted = spec->plugin->desc.kind == PK_KIND_SINK;

                for (size_t k = 0; k < n_names && !wanted; k++)
                        wanted = !strcmp(spec->name, names[k]);
                if (wanted) {
                        rc = plan_append(&kept, spec);
                        if (rc)
                                goto cleanup;
                        /* force it on: naming a probe asks for it */
                        kept.specs[kept.n_specs - 1]
                            .opts.values[option_set_find(&spec->opts, "enabled")]
                            .b = true;
                } else {
                        plan_spec_free(spec);
                }
                memset(spec, 0, sizeof(*spec));
        }
cleanup:
        free(plan->specs);
        *plan = kept;
        return rc;
}

bool spec_enabled(const struct instance_spec *spec)
{
        const struct option_value *v = option_set_get(&spec->opts, "enabled");

        return v && v->b;
}

void plan_free(struct plan *plan)
{
        for (size_t i = 0; i < plan->n_specs; i++)
                plan_spec_free(&plan->specs[i]);
        free(plan->specs);
        memset(plan, 0, sizeof(*plan));
}
