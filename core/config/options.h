/* SPDX-License-Identifier: MIT */
/*
 * Option values: parsing a text value against a declared struct pk_option,
 * and the set of values of one instance (or of the [probekit] section).
 */
#ifndef PK_CORE_OPTIONS_H
#define PK_CORE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/plugin.h>

struct option_value {
        bool set;
        bool b;
        int64_t i;
        int choice;   /* PK_OPT_ENUM: index into choices */
        char *s;      /* STRING, ENUM (the choice's text) */
        char **items; /* LIST */
        size_t n_items;
        unsigned line; /* where it was set in the config; 0: default or command line */
};

/* Declarations and values side by side: values[i] belongs to decls[i]. */
struct option_set {
        const struct pk_option **decls;
        struct option_value *values;
        size_t n;
};

/*
 * Parse `text` as a value of `decl` into `out` (freeing what `out` held).
 * Returns 0, or -EINVAL with a message in `err` that names the expected form.
 */
int option_parse(const struct pk_option *decl, const char *text, struct option_value *out,
                 char *err, size_t err_len);
void option_value_clear(struct option_value *value);

/* Build a set from several declaration arrays and apply every default. */
int option_set_init(struct option_set *set, const struct pk_option *const *arrays,
                    const size_t *counts, size_t n_arrays, char *err, size_t err_len);
void option_set_free(struct option_set *set);

/* Index of `key` in the set, or -1. */
int option_set_find(const struct option_set *set, const char *key);
const struct option_value *option_set_get(const struct option_set *set, const char *key);

/* Set `key` from text; -ENOENT for an unknown key, -EINVAL for a bad value. */
int option_set_assign(struct option_set *set, const char *key, const char *text, unsigned line,
                      char *err, size_t err_len);

const char *option_type_name(enum pk_option_type type);

#endif
