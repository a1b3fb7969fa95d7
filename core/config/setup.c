// SPDX-License-Identifier: MIT
#include "setup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin_sinks.h"
#include "capture_sink.h"
#include "errlist.h"
#include "exe_dir.h"
#include "log.h"
#include "metrics_address.h"
#include "validate.h"

#ifndef PROBEKIT_PLUGIN_RELDIR
#define PROBEKIT_PLUGIN_RELDIR "../lib/probekit/plugins"
#endif

/* Where errors go: stderr, or the stream a reload collects them in (setup_args.errors). */
static FILE *error_stream;

const char *builtin_plugin_dir(void)
{
        static char dir[PATH_MAX + 64];

        if (dir[0])
                return dir;
        return exe_relative_path(PROBEKIT_PLUGIN_RELDIR, dir, sizeof(dir));
}

int setup_args_add_plugin_dir(struct setup_args *args, char *dir)
{
        char **grown = realloc(args->plugin_dirs, (args->n_plugin_dirs + 1) * sizeof(*grown));

        if (!grown)
                return -ENOMEM;
        args->plugin_dirs = grown;
        args->plugin_dirs[args->n_plugin_dirs++] = dir;
        return 0;
}

void setup_args_free(struct setup_args *args)
{
        free(args->plugin_dirs);
        for (size_t i = 0; i < args->n_probes; i++)
                free(args->probes[i]);
        free(args->probes);
        args->plugin_dirs = args->probes = NULL;
        args->n_plugin_dirs = args->n_probes = 0;
}

int split_commas(const char *text, char ***items, size_t *n)
{
        static const struct pk_option list = {.key = "list", .type = PK_OPT_LIST};
        struct option_value value = {0};
        char err[256];
        int rc = option_parse(&list, text, &value, err, sizeof(err));

        if (rc)
                return rc;
        *items = value.items;
        *n = value.n_items;
        return 0;
}

static void on_refusal(const char *path, const char *reason, bool shadowed, void *ctx)
{
        (void)ctx;
        /* a directory given on purpose winning over an installed plugin is no warning */
        if (shadowed)
                log_info(NULL, "%s: %s", path, reason);
        else
                log_warn(NULL, "%s: refused: %s", path, reason);
}

/* Whether `dir` was loaded already (under this or another name); else remember it. */
static bool dir_seen(struct setup *s, const char *dir)
{
        char resolved[PATH_MAX], **grown;

        if (!realpath(dir, resolved))
                return false;
        for (size_t i = 0; i < s->n_plugin_dirs; i++) {
                if (!strcmp(s->plugin_dirs[i], resolved))
                        return true;
        }
        grown = realloc(s->plugin_dirs, (s->n_plugin_dirs + 1) * sizeof(*grown));
        if (!grown)
                return false;
        s->plugin_dirs = grown;
        s->plugin_dirs[s->n_plugin_dirs] = strdup(resolved);
        if (s->plugin_dirs[s->n_plugin_dirs])
                s->n_plugin_dirs++;
        return false;
}

static int load_dir(struct setup *s, const char *dir, bool must_exist)
{
        int rc;

        if (dir_seen(s, dir)) {
                log_debug(NULL, "plugin directory %s: loaded already", dir);
                return 0;
        }
        rc = plugin_set_load_dir(&s->plugins, dir, on_refusal, NULL);
        if (rc == -ENOENT && !must_exist)
                return 0;
        if (rc) {
                log_error(NULL, "plugin directory %s: %s", dir, strerror(-rc));
                return rc;
        }
        return 0;
}

static int add_builtin_sinks(struct setup *s)
{
        const struct pk_plugin *sinks[] = {&pk_text_sink_plugin, &pk_json_sink_plugin,
                                           &pk_capture_sink_plugin};
        char why[256];

        for (size_t i = 0; i < PK_COUNT(sinks); i++) {
                if (plugin_set_add(&s->plugins, sinks[i], NULL, "built-in", why, sizeof(why))) {
                        log_error(NULL, "built-in sink: %s", why);
                        return -EINVAL;
                }
        }
        return 0;
}

/*
 * Read the file and [probekit]. A file with bad lines is still validated as
 * far as it was read, so that one run names every error; they are kept in
 * s->errors and printed once the plan is built too (setup_load), or here
 * when the file could not be read at all.
 */
static int read_config(struct setup *s, const struct setup_args *args)
{
        int rc, globals_rc;

        if (args->config_path)
                rc = config_read_file(args->config_path, &s->cfg, s->errors, sizeof(s->errors));
        else
                rc = config_read_string("built-in default", "", &s->cfg, s->errors,
                                        sizeof(s->errors));
        if (rc && rc != -EINVAL) {
                errlist_print(error_stream, s->errors);
                return rc;
        }
        globals_rc = plan_read_globals(&s->cfg, &s->global, s->errors, sizeof(s->errors));
        if (!rc)
                rc = globals_rc;
        if (globals_rc == -ENOMEM || (globals_rc && !s->global.values)) {
                errlist_print(error_stream, s->errors);
                return globals_rc;
        }
        s->config_rc = rc;
        return 0;
}

/* Print every error collected so far; returns the first error's code. */
static int report_errors(struct setup *s, int rc)
{
        if (!rc)
                rc = s->config_rc;
        if (rc)
                errlist_print(error_stream, s->errors);
        return rc;
}

/*
 * With `collecting`, errors of the file are kept for setup_load to print with
 * the plan's; `plugins` and `info` stop at them.
 */
static int load_plugins(struct setup *s, const struct setup_args *args, bool collecting)
{
        const struct option_value *dirs;
        const char *builtin = builtin_plugin_dir();
        int rc;

        memset(s, 0, sizeof(*s));
        error_stream = args->errors ? args->errors : stderr;
        rc = read_config(s, args);
        if (rc)
                return rc;
        if (s->config_rc && !collecting) {
                errlist_print(error_stream, s->errors);
                return s->config_rc;
        }
        rc = add_builtin_sinks(s);
        if (rc)
                return rc;
        /* in order of precedence: a plugin found first shadows those of its name after it */
        for (size_t i = 0; i < args->n_plugin_dirs; i++) {
                rc = load_dir(s, args->plugin_dirs[i], true);
                if (rc)
                        return rc;
        }
        dirs = option_set_get(&s->global, "plugin_dir");
        for (size_t i = 0; dirs && i < dirs->n_items; i++) {
                rc = load_dir(s, dirs->items[i], true);
                if (rc)
                        return rc;
        }
        if (builtin)
                return load_dir(s, builtin, false);
        return 0;
}

int setup_load_plugins(struct setup *s, const struct setup_args *args)
{
        return load_plugins(s, args, false);
}

static int apply_overrides(struct setup *s, const struct setup_args *args)
{
        const char *keys[] = {"format", "output", "control_socket", "metrics"};
        const char *values[] = {args->format, args->output, args->control_socket, args->metrics};
        struct sockaddr_storage addr;
        char err[512];

        for (size_t i = 0; i < PK_COUNT(keys); i++) {
                if (!values[i])
                        continue;
                if (option_set_assign(&s->global, keys[i], values[i], 0, err, sizeof(err))) {
                        fprintf(error_stream, "probekit: --%s: %s\n", keys[i], err);
                        return -EINVAL;
                }
        }
        if (args->metrics && *args->metrics &&
            metrics_parse_address(args->metrics, &addr, err, sizeof(err))) {
                fprintf(error_stream, "probekit: --metrics: %s\n", err);
                return -EINVAL;
        }
        return 0;
}

/* The sink [probekit] format/output ask for, unless format = none. */
static int add_main_sink(struct setup *s)
{
        const char *format = option_set_get(&s->global, "format")->s;
        const char *output = option_set_get(&s->global, "output")->s;
        const struct plugin_handle *plugin = plugin_set_find(&s->plugins, format);
        struct instance_spec spec, *grown;
        char err[512];
        int rc;

        if (!strcmp(format, "none"))
                return 0;
        for (size_t i = 0; i < s->plan.n_specs; i++) {
                if (!strcmp(s->plan.specs[i].name, format))
                        return 0; /* configured in its own section */
        }
        rc = instance_spec_init(&spec, format, plugin, 0, err, sizeof(err));
        if (!rc)
                rc = option_set_assign(&spec.opts, "output", output, 0, err, sizeof(err));
        if (rc) {
                fprintf(error_stream, "probekit: main sink: %s\n", err);
                return rc;
        }
        err[0] = '\0';
        rc = spec_validate(&spec, s->cfg.path, err, sizeof(err));
        if (rc) {
                errlist_print(error_stream, err);
                plan_spec_free(&spec);
                return rc;
        }
        grown = realloc(s->plan.specs, (s->plan.n_specs + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        s->plan.specs = grown;
        s->plan.specs[s->plan.n_specs++] = spec;
        return 0;
}

int setup_load(struct setup *s, const struct setup_args *args)
{
        int rc;

        rc = load_plugins(s, args, true);
        if (!rc)
                rc = apply_overrides(s, args);
        if (rc)
                return rc;
        rc = plan_build(&s->cfg, &s->plugins, args->config_path == NULL, &s->plan, s->errors,
                        sizeof(s->errors));
        if (!rc && !s->config_rc && args->n_probes)
                rc = plan_select(&s->plan, &s->plugins, args->probes, args->n_probes, s->errors,
                                 sizeof(s->errors));
        rc = report_errors(s, rc);
        if (rc)
                return rc;
        return add_main_sink(s);
}

void setup_free(struct setup *s)
{
        plan_free(&s->plan);
        plugin_set_free(&s->plugins);
        option_set_free(&s->global);
        config_free(&s->cfg);
        for (size_t i = 0; i < s->n_plugin_dirs; i++)
                free(s->plugin_dirs[i]);
        free(s->plugin_dirs);
        s->plugin_dirs = NULL;
        s->n_plugin_dirs = 0;
}
