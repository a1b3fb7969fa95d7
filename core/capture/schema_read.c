// SPDX-License-Identifier: MIT
#include "schema_read.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

/* Far more than any plugin declares; a bigger count is damage, not a schema. */
#define MAX_COUNT 65536u

static bool read_count(struct cursor *c, uint32_t *n)
{
        if (!cursor_u32(c, n))
                return false;
        if (*n > MAX_COUNT || *n > c->left) { /* every item takes a byte at least */
                c->bad = true;
                return false;
        }
        return true;
}

static void free_field(struct pk_field *f)
{
        free((char *)f->name);
        free((char *)f->help);
        if (f->names) {
                for (uint32_t i = 0; i < f->names->n_names; i++)
                        free((char *)f->names->names[i].name);
                free((struct pk_name *)f->names->names);
                free((struct pk_names *)f->names);
        }
}

static bool read_names(struct cursor *c, struct pk_field *f)
{
        uint32_t kind, n;
        struct pk_names *names;
        struct pk_name *items;

        if (!cursor_u32(c, &kind) || !read_count(c, &n))
                return false;
        if (!kind)
                return true;
        names = calloc(1, sizeof(*names));
        items = calloc(n + 1, sizeof(*items));
        if (!names || !items) {
                free(names);
                free(items);
                c->bad = true;
                return false;
        }
        names->kind = (enum pk_names_kind)kind;
        names->names = items;
        f->names = names;
        for (uint32_t i = 0; i < n; i++) {
                if (!cursor_u64(c, &items[i].value) || !cursor_strdup(c, (char **)&items[i].name))
                        return false;
                names->n_names++;
        }
        return true;
}

static bool read_field(struct cursor *c, struct pk_field *f)
{
        uint32_t type;

        if (!cursor_strdup(c, (char **)&f->name) || !cursor_u32(c, &type) ||
            !cursor_u32(c, &f->offset) || !cursor_u32(c, &f->size) || !cursor_u32(c, &f->flags) ||
            !cursor_strdup(c, (char **)&f->help))
                return false;
        f->type = (enum pk_field_type)type;
        /* as the loader requires of plugins: the sinks read the elements in place */
        if (type == PK_FIELD_U64_ARRAY && (f->offset % 8 || f->size % 8)) {
                c->bad = true;
                return false;
        }
        return read_names(c, f);
}

/* Types this reader decodes; a newer writer's other types are left out (PK_RECORD_PARTIAL). */
static bool known_type(uint32_t type)
{
        return type >= PK_FIELD_U8 && type <= PK_FIELD_S16;
}

static bool read_event(struct cursor *c, struct pk_event_type *e, bool *custom, bool *lossy,
                       uint32_t **kept, uint32_t *n_written)
{
        uint32_t decode, n;
        struct pk_field *fields;

        if (!cursor_strdup(c, (char **)&e->name) || !cursor_strdup(c, (char **)&e->help) ||
            !cursor_u32(c, &e->min_size) || !cursor_u32(c, &e->max_size) ||
            !cursor_u32(c, &e->flags) || !cursor_u32(c, &decode) || !read_count(c, &n))
                return false;
        *custom = decode != 0;
        *n_written = n;
        fields = calloc(n + 1, sizeof(*fields));
        *kept = calloc(n + 1, sizeof(**kept));
        if (!fields || !*kept) {
                free(fields);
                c->bad = true;
                return false;
        }
        e->fields = fields;
        for (uint32_t i = 0; i < n; i++) {
                if (!read_field(c, &fields[e->n_fields]))
                        return false;
                if (!known_type(fields[e->n_fields].type)) {
                        free_field(&fields[e->n_fields]);
                        memset(&fields[e->n_fields], 0, sizeof(fields[0]));
                        (*kept)[i] = UINT32_MAX;
                        *lossy = true;
                        continue;
                }
                (*kept)[i] = e->n_fields++;
        }
        return true;
}

static bool read_options(struct cursor *c, struct capture_schema *s)
{
        uint32_t n;

        if (!read_count(c, &n))
                return false;
        s->options = calloc(n + 1, sizeof(*s->options));
        if (!s->options) {
                c->bad = true;
                return false;
        }
        for (uint32_t i = 0; i < n; i++) {
                if (!cursor_strdup(c, &s->options[i].key) ||
                    !cursor_strdup(c, &s->options[i].value))
                        return false;
                s->n_options++;
        }
        return true;
}

int schema_read(struct capture_schema *s, const unsigned char *payload, size_t len, char *why,
                size_t why_len)
{
        struct cursor c = {.p = payload, .left = len};
        uint32_t n;

        memset(s, 0, sizeof(*s));
        if (!cursor_u32(&c, &s->id) || !cursor_strdup(&c, &s->name) ||
            !cursor_strdup(&c, &s->plugin) || !cursor_strdup(&c, &s->version) ||
            !cursor_strdup(&c, &s->mode) || !read_options(&c, s) || !read_count(&c, &n))
                goto bad;
        if (!*s->mode) {
                free(s->mode);
                s->mode = NULL;
        }
        s->events = calloc(n + 1, sizeof(*s->events));
        s->custom_decode = calloc(n + 1, sizeof(*s->custom_decode));
        s->lossy = calloc(n + 1, sizeof(*s->lossy));
        s->kept = calloc(n + 1, sizeof(*s->kept));
        s->n_written = calloc(n + 1, sizeof(*s->n_written));
        if (!s->events || !s->custom_decode || !s->lossy || !s->kept || !s->n_written)
                goto bad;
        for (uint32_t i = 0; i < n; i++) {
                if (!read_event(&c, &s->events[i], &s->custom_decode[i], &s->lossy[i], &s->kept[i],
                                &s->n_written[i])) {
                        s->n_events = i + 1; /* free what it holds */
                        goto bad;
                }
                s->n_events++;
                if (s->events[i].n_fields > s->max_fields)
                        s->max_fields = s->events[i].n_fields;
        }
        return 0;
bad:
        snprintf(why, why_len, "schema block cut short or malformed");
        schema_free(s);
        return -EINVAL;
}

void schema_free(struct capture_schema *s)
{
        for (uint32_t i = 0; s->events && i < s->n_events; i++) {
                struct pk_event_type *e = &s->events[i];

                /* a field that failed half-way is freed too: calloc left the rest NULL */
                for (uint32_t k = 0; e->fields && k <= e->n_fields; k++)
                        free_field((struct pk_field *)&e->fields[k]);
                free((struct pk_field *)e->fields);
                free((char *)e->name);
                free((char *)e->help);
                free(s->kept[i]);
        }
        for (uint32_t i = 0; s->options && i <= s->n_options; i++) {
                free(s->options[i].key);
                free(s->options[i].value);
        }
        free(s->options);
        free(s->events);
        free(s->custom_decode);
        free(s->lossy);
        free(s->kept);
        free(s->n_written);
        free(s->name);
        free(s->plugin);
        free(s->version);
        free(s->mode);
        memset(s, 0, sizeof(*s));
}
