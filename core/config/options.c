// SPDX-License-Identifier: MIT
#include "options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *option_type_name(enum pk_option_type type)
{
        switch (type) {
        case PK_OPT_BOOL:
                return "bool";
        case PK_OPT_INT:
                return "int";
        case PK_OPT_STRING:
                return "string";
        case PK_OPT_ENUM:
                return "enum";
        case PK_OPT_LIST:
                return "list";
        }
        return "?";
}

void option_value_clear(struct option_value *value)
{
        free(value->s);
        for (size_t i = 0; i < value->n_items; i++)
                free(value->items[i]);
        free(value->items);
        memset(value, 0, sizeof(*value));
}

static int parse_bool(const char *text, bool *out)
{
        static const char *const yes[] = {"true", "yes", "on", "1"};
        static const char *const no[] = {"false", "no", "off", "0"};

        for (size_t i = 0; i < PK_COUNT(yes); i++) {
                if (!strcasecmp(text, yes[i])) {
                        *out = true;
                        return 0;
                }
                if (!strcasecmp(text, no[i])) {
                        *out = false;
                        return 0;
                }
        }
        return -EINVAL;
}

/* Decimal or 0x hex, with an optional K/M/G (binary) suffix for sizes. */
static int parse_int(const char *text, int64_t *out)
{
        char *end;
        long long value;
        int64_t scale = 1;

        errno = 0;
        /* base 16 only with 0x: "010" is ten, not octal eight */
        if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
                value = strtoll(text, &end, 16);
        else
                value = strtoll(text, &end, 10);
        if (errno || end == text)
                return -EINVAL;
        if (*end == 'k' || *end == 'K')
                scale = 1 << 10;
        else if (*end == 'm' || *end == 'M')
                scale = 1 << 20;
        else if (*end == 'g' || *end == 'G')
                scale = 1 << 30;
        if (scale != 1)
                end++;
        if (*end != '\0')
                return -EINVAL;
        if (value > INT64_MAX / scale || value < INT64_MIN / scale)
                return -ERANGE;
        *out = value * scale;
        return 0;
}

static char *trimmed_copy(const char *start, size_t len)
{
        while (len && (*start == ' ' || *start == '\t')) {
                start++;
                len--;
        }
        while (len && (start[len - 1] == ' ' || start[len - 1] == '\t'))
                len--;
        return strndup(start, len);
}

static int parse_list(const struct pk_option *decl, const char *text, struct option_value *out,
                      char *err, size_t err_len)
{
        const char *p = text;

        while (*p) {
                const char *comma = strchr(p, ',');
                size_t len = comma ? (size_t)(comma - p) : strlen(p);
                char *item = trimmed_copy(p, len);
                char **grown;

                if (!item)
                        return -ENOMEM;
                if (!*item) {
                        free(item);
                        snprintf(err, err_len, "empty item in list '%s'", text);
                        return -EINVAL;
                }
                if (decl->max > 0 && (int64_t)strlen(item) > decl->max) {
                        snprintf(err, err_len, "item '%s' is longer than %lld bytes", item,
                                 (long long)decl->max);
                        free(item);
                        return -EINVAL;
                }
                grown = realloc(out->items, (out->n_items + 1) * sizeof(*grown));
                if (!grown) {
                        free(item);
                        return -ENOMEM;
                }
                out->items = grown;
                out->items[out->n_items++] = item;
                p += len;
                if (*p == ',' && !*++p) {
                        snprintf(err, err_len, "empty item in list '%s'", text);
                        return -EINVAL;
                }
        }
        return 0;
}

static void describe_choices(const struct pk_option *decl, char *buf, size_t len)
{
        size_t used = 0;

        buf[0] = '\0';
        for (size_t i = 0; decl->choices && decl->choices[i]; i++) {
                int n = snprintf(buf + used, len - used, "%s%s", i ? "|" : "", decl->choices[i]);

                if (n < 0 || (size_t)n >= len - used)
                        break;
                used += n;
        }
}

int option_parse(const struct pk_option *decl, const char *text, struct option_value *out,
                 char *err, size_t err_len)
{
        struct option_value value = {0};
        char choices[256];
        int rc = 0;

        switch (decl->type) {
        case PK_OPT_BOOL:
                if (parse_bool(text, &value.b)) {
                        snprintf(err, err_len,
                                 "'%s' is not a bool (true/false, yes/no, on/off, 1/0)", text);
                        return -EINVAL;
                }
                break;
        case PK_OPT_INT:
                if (parse_int(text, &value.i)) {
                        snprintf(err, err_len, "'%s' is not an integer", text);
                        return -EINVAL;
                }
                if (value.i < decl->min || value.i > decl->max) {
                        snprintf(err, err_len, "%lld is out of range [%lld, %lld]",
                                 (long long)value.i, (long long)decl->min, (long long)decl->max);
                        return -EINVAL;
                }
                break;
        case PK_OPT_STRING:
                if (decl->max > 0 && (int64_t)strlen(text) > decl->max) {
                        snprintf(err, err_len, "'%s' is longer than %lld bytes", text,
                                 (long long)decl->max);
                        return -EINVAL;
                }
                value.s = strdup(text);
                if (!value.s)
                        return -ENOMEM;
                break;
        case PK_OPT_ENUM:
                value.choice = -1;
                for (int i = 0; decl->choices && decl->choices[i]; i++) {
                        if (!strcmp(text, decl->choices[i]))
                                value.choice = i;
                }
                if (value.choice < 0) {
                        describe_choices(decl, choices, sizeof(choices));
                        snprintf(err, err_len, "'%s' is not one of %s", text, choices);
                        return -EINVAL;
                }
                value.s = strdup(text);
                if (!value.s)
                        return -ENOMEM;
                break;
        case PK_OPT_LIST:
                rc = parse_list(decl, text, &value, err, err_len);
                if (rc) {
                        option_value_clear(&value);
                        return rc;
                }
                break;
        default:
                snprintf(err, err_len, "option has an unknown type %d", (int)decl->type);
                return -EINVAL;
        }
        option_value_clear(out);
        *out = value;
        out->set = true;
        return 0;
}

int option_set_init(struct option_set *set, const struct pk_option *const *arrays,
                    const size_t *counts, size_t n_arrays, char *err, size_t err_len)
{
        size_t total = 0, k = 0;

        memset(set, 0, sizeof(*set));
        for (size_t a = 0; a < n_arrays; a++)
                total += counts[a];
        set->decls = calloc(total ? total : 1, sizeof(*set->decls));
        set->values = calloc(total ? total : 1, sizeof(*set->values));
        if (!set->decls || !set->values) {
                option_set_free(set);
                return -ENOMEM;
        }
        set->n = total;
        for (size_t a = 0; a < n_arrays; a++) {
                for (size_t i = 0; i < counts[a]; i++, k++) {
                        const struct pk_option *decl = &arrays[a][i];
                        char why[256];

                        set->decls[k] = decl;
                        if (!decl->default_value)
                                continue;
                        if (option_parse(decl, decl->default_value, &set->values[k], why,
                                         sizeof(why))) {
                                snprintf(err, err_len, "default of option '%s': %s", decl->key,
                                         why);
                                option_set_free(set);
                                return -EINVAL;
                        }
                }
        }
        return 0;
}

void option_set_free(struct option_set *set)
{
        for (size_t i = 0; set->values && i < set->n; i++)
                option_value_clear(&set->values[i]);
        free(set->values);
        free(set->decls);
        memset(set, 0, sizeof(*set));
}

int option_set_find(const struct option_set *set, const char *key)
{
        /* later arrays override earlier ones: search from the end */
        for (size_t i = set->n; i-- > 0;) {
                if (!strcmp(set->decls[i]->key, key))
                        return (int)i;
        }
        return -1;
}

const struct option_value *option_set_get(const struct option_set *set, const char *key)
{
        int i = option_set_find(set, key);

        return i < 0 ? NULL : &set->values[i];
}

int option_set_assign(struct option_set *set, const char *key, const char *text, unsigned line,
                      char *err, size_t err_len)
{
        int i = option_set_find(set, key);
        int rc;

        if (i < 0)
                return -ENOENT;
        rc = option_parse(set->decls[i], text, &set->values[i], err, err_len);
        if (!rc)
                set->values[i].line = line;
        return rc;
}
