// SPDX-License-Identifier: MIT
/*
 * SIGHUP and `probekit reload`: read and validate the whole configuration
 * again (setup_load, as `check` does); on any error nothing changes. Then
 * apply reload_diff()'s steps: probes that stop are drained first, sinks
 * stop after them and start before new probes, kept instances are not
 * touched (they only point at the new plugin set and option values, which
 * are equal).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_identity.h"
#include "control_commands.h"
#include "log.h"
#include "reload_diff.h"
#include "reload_globals.h"
#include "run.h"
#include "service_notify.h"
#include "setup.h"
#include "strbuf.h"

struct reload_result {
        struct strbuf *report; /* NULL for SIGHUP: the log only */
        bool json;
        unsigned n_reported;
        unsigned failed; /* instances that could not start */
};

/* Load the configuration again; errors are collected in `errors` (a malloc'd string). */
static int load_next(struct run *run, struct setup *next, char **errors)
{
        struct setup_args args = *run->opts.setup_args;
        size_t len = 0;
        FILE *stream = open_memstream(errors, &len);
        int rc;

        if (!stream)
                return -errno;
        args.errors = stream;
        rc = setup_load(next, &args);
        fclose(stream);
        return rc;
}

static bool is_sink(const struct pk_instance *inst)
{
        return inst->plugin->desc.kind == PK_KIND_SINK;
}

/* The instances a reload compares: every one but those removed earlier. */
static struct pk_instance **running_instances(struct run *run, struct reload_current **current,
                                              size_t *n)
{
        struct pk_instance **insts = calloc(run->n_probes + run->n_sinks + 1, sizeof(*insts));

        *current = calloc(run->n_probes + run->n_sinks + 1, sizeof(**current));
        *n = 0;
        if (!insts || !*current) {
                free(insts);
                free(*current);
                return NULL;
        }
        for (size_t k = 0; k < run->n_probes + run->n_sinks; k++) {
                struct pk_instance *inst =
                    k < run->n_probes ? &run->probes[k] : &run->sinks[k - run->n_probes];

                if (inst->state == INSTANCE_REMOVED)
                        continue;
                insts[*n] = inst;
                (*current)[(*n)++] = (struct reload_current){inst->name, inst->plugin, &inst->opts};
        }
        return insts;
}

static void report_step(struct reload_result *res, const char *name, const char *action,
                        const char *why, const struct pk_instance *inst)
{
        const char *state = inst ? instance_state_name(inst->state) : "removed";
        bool failed = inst && inst->state == INSTANCE_FAILED;

        if (failed)
                log_error(name, "reload: %s (%s): failed: %s", action, why ? why : "",
                          inst->reason);
        else if (strcmp(action, "kept"))
                log_info(name, "reload: %s%s%s%s", action, why ? " (" : "", why ? why : "",
                         why ? ")" : "");
        if (!res->report)
                return;
        if (res->json) {
                strbuf_printf(res->report, "%s{\"name\":", res->n_reported ? "," : "");
                strbuf_json_string(res->report, name);
                strbuf_printf(res->report, ",\"action\":\"%s\",\"why\":", action);
                if (why)
                        strbuf_json_string(res->report, why);
                else
                        strbuf_printf(res->report, "null");
                strbuf_printf(res->report, ",\"state\":\"%s\",\"reason\":", state);
                strbuf_json_string(res->report, failed ? inst->reason : "");
                strbuf_printf(res->report, "}");
        } else {
                strbuf_printf(res->report, "%-16s %-10s %-9s %s%s\n", name, action, state,
                              why ? why : "", failed ? inst->reason : "");
        }
        res->n_reported++;
}

/* Start what the plan's spec describes, in a new slot or the one its name had. */
static void start_from_spec(struct run *run, struct instance_spec *spec, const char *action,
                            const char *why, struct reload_result *res)
{
        char name[256];
        struct pk_instance *inst = NULL;
        int rc;

        snprintf(name, sizeof(name), "%s", spec->name);
        rc = run_add_instance(run, spec, &inst);
        if (rc) {
                log_error(name, "reload: cannot add the instance: %s", strerror(-rc));
                res->failed++;
                return;
        }
        if (inst->state == INSTANCE_PENDING && run_start_instance(run, inst))
                res->failed++;
        report_step(res, name, action, why, inst);
}

static void apply_steps(struct run *run, struct pk_instance **insts, struct reload_step *steps,
                        size_t n_steps, struct plan *plan, struct reload_result *res)
{
        /* stop: probes first (their rings are delivered), then sinks */
        for (int sinks = 0; sinks < 2; sinks++) {
                for (size_t i = 0; i < n_steps; i++) {
                        struct pk_instance *inst = insts[steps[i].current];

                        if ((steps[i].action != RELOAD_STOP && steps[i].action != RELOAD_RESTART) ||
                            is_sink(inst) != sinks)
                                continue;
                        run_stop_instance(run, inst, INSTANCE_REMOVED);
                        if (steps[i].action == RELOAD_STOP)
                                report_step(res, inst->name, "stopped", steps[i].why, NULL);
                }
        }
        /* kept: the same plugin and equal options, now owned by the new plan */
        for (size_t i = 0; i < n_steps; i++) {
                struct instance_spec *spec = &plan->specs[steps[i].next];
                struct pk_instance *inst = insts[steps[i].current];
                struct option_set old = inst->opts;

                if (steps[i].action != RELOAD_KEEP)
                        continue;
                inst->plugin = spec->plugin;
                inst->opts = spec->opts;
                spec->opts = old;
                report_step(res, inst->name, "kept", NULL, inst);
        }
        /* start: sinks first, so new probes have somewhere to write */
        for (int probes = 0; probes < 2; probes++) {
                for (size_t i = 0; i < n_steps; i++) {
                        struct instance_spec *spec = &plan->specs[steps[i].next];

                        if ((steps[i].action != RELOAD_START &&
                             steps[i].action != RELOAD_RESTART) ||
                            (spec->plugin->desc.kind == PK_KIND_PROBE) != probes)
                                continue;
                        start_from_spec(run, spec,
                                        steps[i].action == RELOAD_START ? "started" : "restarted",
                                        steps[i].why, res);
                }
        }
}

/* The new plan replaces the old; the old plugin handles stay (stopped instances name them). */
static int adopt(struct run *run, struct setup *next)
{
        struct setup *cur = run->opts.setup;
        struct plugin_set *retired =
            realloc(run->retired_plugins, (run->n_retired_plugins + 1) * sizeof(*retired));
        struct config cfg = cur->cfg;
        struct plan plan = cur->plan;

        if (!retired)
                return -ENOMEM;
        run->retired_plugins = retired;
        retired[run->n_retired_plugins++] = cur->plugins;
        cur->plugins = next->plugins;
        cur->cfg = next->cfg;
        cur->plan = next->plan;
        memset(&next->plugins, 0, sizeof(next->plugins));
        next->cfg = cfg;
        next->plan = plan;
        setup_free(next);
        return 0;
}

static void report_refusal(struct reload_result *res, const char *errors)
{
        const char *line = errors ? errors : "";

        if (res->report && res->json)
                strbuf_printf(res->report, "{\"error\":\"the configuration has errors; nothing "
                                           "changed\",\"errors\":[");
        for (unsigned n = 0; *line; n++) {
                size_t len = strcspn(line, "\n");
                char text[1024];

                /* setup's lines start "probekit: " for a terminal; the log adds its own */
                if (len > 10 && !strncmp(line, "probekit: ", 10))
                        snprintf(text, sizeof(text), "%.*s", (int)len - 10, line + 10);
                else
                        snprintf(text, sizeof(text), "%.*s", (int)len, line);
                log_error(NULL, "reload refused: %s", text);
                if (res->report && res->json) {
                        strbuf_printf(res->report, "%s", n ? "," : "");
                        strbuf_json_string(res->report, text);
                } else if (res->report) {
                        strbuf_printf(res->report, "%s\n", text);
                }
                line += len + (line[len] == '\n');
        }
        if (res->report && res->json)
                strbuf_printf(res->report, "]}\n");
        else if (res->report)
                strbuf_printf(res->report, "the configuration has errors; nothing changed\n");
}

int run_reload(struct run *run, struct strbuf *report, bool json)
{
        struct reload_result res = {.report = report, .json = json};
        struct global_change globals[RELOAD_MAX_GLOBALS];
        size_t n_globals;
        struct reload_current *current = NULL;
        struct reload_step *steps = NULL;
        struct pk_instance **insts = NULL;
        struct setup next;
        char *errors = NULL;
        size_t n_current, n_steps;
        int rc;

        if (!run->opts.setup || !run->opts.setup_args)
                return -EOPNOTSUPP;
        log_info(NULL, "reload: reading the configuration again");
        service_notify_reloading();
        rc = load_next(run, &next, &errors);
        if (rc) {
                report_refusal(&res, errors);
                setup_free(&next);
                free(errors);
                /* the old configuration runs on: systemd leaves "reloading" */
                service_notify_ready(run_count_attached(run), 0);
                return -EINVAL;
        }
        free(errors);
        /* first: the probes started below see the new mount_tracefs, the log its level */
        n_globals = reload_apply_globals(run, &run->opts.setup->global, &next.global, next.cfg.path,
                                         globals);
        insts = running_instances(run, &current, &n_current);
        rc = insts ? reload_diff(current, n_current, next.plan.specs, next.plan.n_specs, &steps,
                                 &n_steps)
                   : -ENOMEM;
        if (rc) {
                setup_free(&next);
                goto cleanup;
        }
        if (json)
                strbuf_printf(report, "{\"instances\":[");
        apply_steps(run, insts, steps, n_steps, &next.plan, &res);
        if (json)
                strbuf_printf(report, "],\"settings\":[");
        if (report)
                reload_report_globals(globals, n_globals, report, json);
        if (json)
                strbuf_printf(report, "],\"failed\":%u}\n", res.failed);
        rc = adopt(run, &next);
        if (!rc && config_identity_loaded(run->opts.setup_args->config_path))
                log_warn(NULL, "cannot hash the configuration for probekit_config_sha256_info");
        log_info(NULL, "reload: done, %zu probes attached, %u failed to start",
                 run_count_attached(run), res.failed);
        for (size_t i = 0; i < n_globals; i++) {
                if (globals[i].outcome == GLOBAL_FAILED)
                        rc = rc ? rc : -EAGAIN;
        }
        if (!rc && res.failed)
                rc = -EAGAIN;
cleanup:
        service_notify_ready(run_count_attached(run), res.failed);
        free(steps);
        free(current);
        free(insts);
        return rc;
}

int control_cmd_reload(const struct control_call *call, struct strbuf *out)
{
        int rc = run_reload(call->run, out, call->json);

        if (rc == -EOPNOTSUPP)
                return control_error(call, out, "this instance cannot reload its configuration");
        if (rc == -ENOMEM)
                return control_error(call, out, "out of memory");
        return rc;
}
