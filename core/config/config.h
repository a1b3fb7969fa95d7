/* SPDX-License-Identifier: MIT */
/*
 * The INI file as read: sections and `key = value` entries with the line each
 * came from. Nothing is interpreted here; see plan.h for validation.
 */
#ifndef PK_CORE_CONFIG_H
#define PK_CORE_CONFIG_H

#include <stddef.h>

struct config_entry {
        char *key;
        char *value;
        unsigned line;
};

struct config_section {
        char *name;
        unsigned line;
        struct config_entry *entries;
        size_t n_entries;
};

struct config {
        char *path; /* for messages; "built-in default" when there is no file */
        struct config_section *sections;
        size_t n_sections;
};

/*
 * Read an INI file (a regular file only: never a FIFO, device or directory).
 * Syntax errors, lines too long for the reader, NUL bytes, keys outside a
 * section, sections or keys given twice are all reported, one
 * "path:line: message" line each, in `err` (an errlist.h list); returns 0 or
 * -errno of the first error (-EINVAL for a bad file). Even then `cfg` holds
 * what was read, so validating it reports the later errors too.
 */
int config_read_file(const char *path, struct config *cfg, char *err, size_t err_len);
/* Same, from a string (the built-in default, tests). */
int config_read_string(const char *name, const char *text, struct config *cfg, char *err,
                       size_t err_len);

const struct config_section *config_find_section(const struct config *cfg, const char *name);
void config_free(struct config *cfg);

#endif
