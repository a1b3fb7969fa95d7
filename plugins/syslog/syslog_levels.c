/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "syslog_levels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const syslog_facility_names[] = {
    "kern",   "user",     "mail",   "daemon", "auth",   "syslog", "lpr",   "news",   "uucp",
    "cron",   "authpriv", "ftp",    "ntp",    "audit",  "alert",  "clock", "local0", "local1",
    "local2", "local3",   "local4", "local5", "local6", "local7", NULL,
};

const char *const syslog_severity_names[] = {
    "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug", NULL,
};

int syslog_name_index(const char *const *names, const char *name, size_t len)
{
        for (int i = 0; names[i]; i++)
                if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
                        return i;
        return -1;
}

int severity_rule_parse(const char *item, struct severity_rule *rule, char *why, size_t why_size)
{
        const char *eq = strchr(item, '='), *dot;
        const char *sev;

        *rule = (struct severity_rule){0};
        if (!eq || eq == item) {
                snprintf(why, why_size, "'%s' is not probe=severity or probe.event=severity", item);
                return -EINVAL;
        }
        sev = eq + 1;
        rule->severity = syslog_name_index(syslog_severity_names, sev, strlen(sev));
        if (rule->severity < 0) {
                snprintf(why, why_size,
                         "'%s': '%s' is not a severity (emerg, alert, crit, err, warning, "
                         "notice, info, debug)",
                         item, sev);
                return -EINVAL;
        }
        dot = memchr(item, '.', (size_t)(eq - item));
        rule->probe = strndup(item, (size_t)((dot ? dot : eq) - item));
        rule->event = dot ? strndup(dot + 1, (size_t)(eq - dot - 1)) : NULL;
        if (!rule->probe || (dot && !rule->event)) {
                free(rule->probe);
                free(rule->event);
                return -ENOMEM;
        }
        return 0;
}

int severity_map_build(struct severity_map *map, const char *const *items, size_t n, int fallback,
                       char *why, size_t why_size)
{
        *map = (struct severity_map){.fallback = fallback};
        if (n == 0)
                return 0;
        map->rules = calloc(n, sizeof(*map->rules));
        if (!map->rules)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int rc = severity_rule_parse(items[i], &map->rules[i], why, why_size);

                if (rc) {
                        severity_map_free(map);
                        return rc;
                }
                map->n++;
        }
        return 0;
}

int severity_map_lookup(const struct severity_map *map, const char *probe, const char *event)
{
        int found = map->fallback;

        for (size_t i = 0; i < map->n; i++) {
                const struct severity_rule *r = &map->rules[i];

                if (strcmp(r->probe, probe) != 0)
                        continue;
                if (!r->event)
                        found = r->severity;
                else if (strcmp(r->event, event) == 0)
                        return r->severity;
        }
        return found;
}

void severity_map_free(struct severity_map *map)
{
        for (size_t i = 0; i < map->n; i++) {
                free(map->rules[i].probe);
                free(map->rules[i].event);
        }
        free(map->rules);
        *map = (struct severity_map){0};
}
