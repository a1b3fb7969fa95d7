// SPDX-License-Identifier: MIT
#include "reload_diff.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool strings_equal(const char *a, const char *b)
{
        return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool values_equal(const struct option_value *a, const struct option_value *b)
{
        if (a->b != b->b || a->i != b->i || a->choice != b->choice || !strings_equal(a->s, b->s) ||
            a->n_items != b->n_items)
                return false;
        for (size_t i = 0; i < a->n_items; i++) {
                if (!strings_equal(a->items[i], b->items[i]))
                        return false;
        }
        return true;
}

bool option_sets_equal(const struct option_set *a, const struct option_set *b)
{
        if (a->n != b->n)
                return false;
        for (size_t i = 0; i < a->n; i++) {
                int j = option_set_find(b, a->decls[i]->key);

                if (j < 0 || !values_equal(&a->values[i], &b->values[j]))
                        return false;
        }
        return true;
}

bool plugin_unchanged(const struct plugin_handle *a, const struct plugin_handle *b)
{
        return a == b || (!strcmp(a->desc.name, b->desc.name) && strings_equal(a->path, b->path) &&
                          plugin_file_id_equal(&a->file, &b->file));
}

static const char *restart_reason(const struct reload_current *cur,
                                  const struct instance_spec *spec)
{
        if (strcmp(cur->plugin->desc.name, spec->plugin->desc.name))
                return "plugin changed";
        if (!plugin_unchanged(cur->plugin, spec->plugin))
                return "plugin file changed";
        if (!option_sets_equal(cur->opts, &spec->opts))
                return "options changed";
        return NULL;
}

static const struct instance_spec *find_spec(const struct instance_spec *next, size_t n_next,
                                             const char *name, size_t *index)
{
        for (size_t i = 0; i < n_next; i++) {
                if (next[i].name && !strcmp(next[i].name, name)) {
                        *index = i;
                        return &next[i];
                }
        }
        return NULL;
}

static bool name_running(const struct reload_current *current, size_t n_current, const char *name)
{
        for (size_t i = 0; i < n_current; i++) {
                if (!strcmp(current[i].name, name))
                        return true;
        }
        return false;
}

int reload_diff(const struct reload_current *current, size_t n_current,
                const struct instance_spec *next, size_t n_next, struct reload_step **steps,
                size_t *n_steps)
{
        struct reload_step *out = calloc(n_current + n_next + 1, sizeof(*out));
        size_t n = 0;

        if (!out)
                return -ENOMEM;
        /* stops and restarts first: a restarted instance frees its name and resources */
        for (int pass = 0; pass < 2; pass++) {
                for (size_t i = 0; i < n_current; i++) {
                        size_t j = 0;
                        const struct instance_spec *spec =
                            find_spec(next, n_next, current[i].name, &j);
                        const char *why = spec ? restart_reason(&current[i], spec) : NULL;

                        if (pass == 0 && !spec)
                                out[n++] = (struct reload_step){RELOAD_STOP, i, 0, "removed"};
                        else if (pass == 0 && why)
                                out[n++] = (struct reload_step){RELOAD_RESTART, i, j, why};
                        else if (pass == 1 && spec && !why)
                                out[n++] = (struct reload_step){RELOAD_KEEP, i, j, NULL};
                }
        }
        for (size_t j = 0; j < n_next; j++) {
                if (!name_running(current, n_current, next[j].name))
                        out[n++] = (struct reload_step){RELOAD_START, 0, j, "added"};
        }
        *steps = out;
        *n_steps = n;
        return 0;
}

const char *reload_action_name(enum reload_action action)
{
        switch (action) {
        case RELOAD_KEEP:
                return "kept";
        case RELOAD_RESTART:
                return "restarted";
        case RELOAD_START:
                return "started";
        case RELOAD_STOP:
                return "stopped";
        }
        return "?";
}
