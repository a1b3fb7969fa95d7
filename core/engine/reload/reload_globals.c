// SPDX-License-Identifier: MIT
#include "reload_globals.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "plan.h"
#include "reload_diff.h"
#include "run.h"
#include "strbuf.h"

/* How a reload treats each [probekit] key; a key not listed needs a restart. */
enum global_use {
        USE_BY_RELOAD, /* the reload itself reads it: plugin_dir, the main sink's format/output */
        USE_STATS_INTERVAL,
        USE_FLUSH_INTERVAL,
        USE_LOG_LEVEL,
        USE_METRICS,
        USE_MOUNT_TRACEFS, /* for the probes started from now on */
        USE_AT_START,      /* control_socket, sessions: a restart */
};

static const struct {
        const char *key;
        enum global_use use;
} global_uses[] = {
    {"plugin_dir", USE_BY_RELOAD},
    {"format", USE_BY_RELOAD},
    {"output", USE_BY_RELOAD},
    {"stats_interval", USE_STATS_INTERVAL},
    {"flush_interval_ms", USE_FLUSH_INTERVAL},
    {"log_level", USE_LOG_LEVEL},
    {"metrics", USE_METRICS},
    {"mount_tracefs", USE_MOUNT_TRACEFS},
    {"control_socket", USE_AT_START},
    {"sessions", USE_AT_START},
};

static enum global_use use_of(const char *key)
{
        for (size_t i = 0; i < sizeof(global_uses) / sizeof(global_uses[0]); i++) {
                if (!strcmp(global_uses[i].key, key))
                        return global_uses[i].use;
        }
        return USE_AT_START;
}

const char *global_outcome_name(enum global_outcome outcome)
{
        switch (outcome) {
        case GLOBAL_APPLIED:
                return "applied";
        case GLOBAL_NEEDS_RESTART:
                return "needs a restart";
        case GLOBAL_FAILED:
                return "failed";
        case GLOBAL_OVERRIDDEN:
                return "overridden";
        }
        return "?";
}

/* The value as the file would spell it, escaped: it reaches the log and the client's terminal. */
static void value_text(const struct pk_option *decl, const struct option_value *v, char *out,
                       size_t out_len)
{
        char buf[512];
        size_t len = sizeof(buf), used = 0;

        buf[0] = '\0';
        switch (decl->type) {
        case PK_OPT_BOOL:
                snprintf(buf, len, "%s", v->b ? "true" : "false");
                break;
        case PK_OPT_INT:
                snprintf(buf, len, "%lld", (long long)v->i);
                break;
        case PK_OPT_LIST:
                for (size_t i = 0; i < v->n_items && used < len; i++)
                        used += snprintf(buf + used, len - used, "%s%s", i ? "," : "", v->items[i]);
                break;
        default:
                snprintf(buf, len, "%s", v->s ? v->s : "");
                break;
        }
        log_escape(buf, out, out_len);
}

/* Apply one changed value to the running loop; 0, or -errno with the reason. */
static int apply(struct run *run, enum global_use use, const struct option_value *v, char *reason,
                 size_t len)
{
        int rc = 0;

        switch (use) {
        case USE_BY_RELOAD:
                break;
        case USE_STATS_INTERVAL:
                run->opts.stats_interval_s = v->i;
                break;
        case USE_FLUSH_INTERVAL:
                rc = run_set_flush_interval(run, v->i);
                if (rc)
                        snprintf(reason, len, "cannot set the timer: %s", strerror(-rc));
                break;
        case USE_LOG_LEVEL:
                log_set_level((enum pk_log_level)v->choice);
                break;
        case USE_METRICS:
                rc = run_set_metrics(run, v->s);
                if (rc)
                        snprintf(reason, len, "cannot serve /metrics there (the log says why)");
                break;
        case USE_MOUNT_TRACEFS:
                run->opts.mount_tracefs = v->b;
                break;
        case USE_AT_START:
                return -EOPNOTSUPP;
        }
        return rc;
}

static void log_change(const struct global_change *c)
{
        switch (c->outcome) {
        case GLOBAL_APPLIED:
                log_info(NULL, "reload: [%s] %s = %s applied", PK_GLOBAL_SECTION, c->key, c->value);
                break;
        case GLOBAL_NEEDS_RESTART:
                log_warn(NULL, "reload: %s: [%s] %s = %s needs a restart; %s stays in force",
                         c->where, PK_GLOBAL_SECTION, c->key, c->value, c->running);
                break;
        case GLOBAL_FAILED:
                log_error(NULL, "reload: %s: [%s] %s = %s not applied: %s; %s stays in force",
                          c->where, PK_GLOBAL_SECTION, c->key, c->value, c->reason, c->running);
                break;
        case GLOBAL_OVERRIDDEN:
                log_info(NULL, "reload: %s: [%s] %s = %s not applied: -v/-q on the command line",
                         c->where, PK_GLOBAL_SECTION, c->key, c->value);
                break;
        }
}

static void swap_values(struct option_value *a, struct option_value *b)
{
        struct option_value tmp = *a;

        *a = *b;
        *b = tmp;
}

size_t reload_apply_globals(struct run *run, struct option_set *running, struct option_set *next,
                            const char *config_path, struct global_change *changes)
{
        size_t n = 0;

        for (size_t i = 0; i < running->n && n < RELOAD_MAX_GLOBALS; i++) {
                const struct pk_option *decl = running->decls[i];
                int j = option_set_find(next, decl->key);
                struct option_set one_a = {&running->decls[i], &running->values[i], 1};
                struct option_set one_b;
                struct global_change *c = &changes[n];
                enum global_use use = use_of(decl->key);

                if (j < 0)
                        continue;
                one_b = (struct option_set){&next->decls[j], &next->values[j], 1};
                if (option_sets_equal(&one_a, &one_b))
                        continue;
                memset(c, 0, sizeof(*c));
                c->key = decl->key;
                if (next->values[j].line)
                        snprintf(c->where, sizeof(c->where), "%s:%u", config_path,
                                 next->values[j].line);
                else
                        snprintf(c->where, sizeof(c->where), "%s", config_path);
                value_text(decl, &next->values[j], c->value, sizeof(c->value));
                if (use == USE_LOG_LEVEL && run->opts.log_level_from_cli)
                        c->outcome = GLOBAL_OVERRIDDEN;
                else if (use == USE_AT_START)
                        c->outcome = GLOBAL_NEEDS_RESTART;
                else if (apply(run, use, &next->values[j], c->reason, sizeof(c->reason)))
                        c->outcome = GLOBAL_FAILED;
                else
                        c->outcome = GLOBAL_APPLIED;
                /* the running set holds what is in force; the next one is freed */
                if (c->outcome == GLOBAL_APPLIED)
                        swap_values(&running->values[i], &next->values[j]);
                value_text(decl, &running->values[i], c->running, sizeof(c->running));
                log_change(c);
                n++;
        }
        return n;
}

void reload_report_globals(const struct global_change *changes, size_t n, struct strbuf *out,
                           bool json)
{
        for (size_t i = 0; i < n; i++) {
                const struct global_change *c = &changes[i];

                if (!json) {
                        strbuf_printf(out, "[%s] %s = %s: %s", PK_GLOBAL_SECTION, c->key, c->value,
                                      global_outcome_name(c->outcome));
                        if (c->outcome != GLOBAL_APPLIED)
                                strbuf_printf(out, " (%s%s%s); %s stays in force", c->where,
                                              c->reason[0] ? ": " : "", c->reason, c->running);
                        strbuf_printf(out, "\n");
                        continue;
                }
                strbuf_printf(out, "%s{\"key\":\"%s\",\"action\":\"%s\",\"where\":", i ? "," : "",
                              c->key, global_outcome_name(c->outcome));
                strbuf_json_string(out, c->where);
                strbuf_printf(out, ",\"value\":");
                strbuf_json_string(out, c->value);
                strbuf_printf(out, ",\"running\":");
                strbuf_json_string(out, c->running);
                strbuf_printf(out, ",\"reason\":");
                strbuf_json_string(out, c->reason);
                strbuf_printf(out, "}");
        }
}
