/* SPDX-License-Identifier: MIT */
/*
 * Facility and severity names (RFC 5424 6.2.1), and the `severities` option:
 * "probe=severity" or "probe.event=severity" items, the most specific match
 * wins, else the `severity` option.
 */
#ifndef SYSLOG_LEVELS_H
#define SYSLOG_LEVELS_H

#include <stddef.h>

extern const char *const syslog_facility_names[];
extern const char *const syslog_severity_names[];

/* Index of name in a NULL-terminated table, or -1. */
int syslog_name_index(const char *const *names, const char *name, size_t len);

struct severity_rule {
        char *probe;
        char *event; /* NULL: every event of the probe */
        int severity;
};

struct severity_map {
        struct severity_rule *rules;
        size_t n;
        int fallback;
};

/* Parses one item; 0, or -EINVAL with why. */
int severity_rule_parse(const char *item, struct severity_rule *rule, char *why, size_t why_size);
int severity_map_build(struct severity_map *map, const char *const *items, size_t n, int fallback,
                       char *why, size_t why_size);
int severity_map_lookup(const struct severity_map *map, const char *probe, const char *event);
void severity_map_free(struct severity_map *map);

#endif /* SYSLOG_LEVELS_H */
