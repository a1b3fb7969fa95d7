// SPDX-License-Identifier: MIT
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

#include <ini.h>
#include <probekit/plugin.h>

/* inih reports no line to its handler here, so the reader counts lines. */
struct reader_state {
        FILE *file; /* or NULL when reading from `text` */
        const char *text;
        unsigned line;
        struct config *cfg;
        char *err;
        size_t err_len;
        int error; /* first semantic error, -errno */
};

static char *read_line(char *buf, int size, void *stream)
{
        struct reader_state *st = stream;
        char *line;

        if (st->file) {
                line = fgets(buf, size, st->file);
        } else {
                const char *nl;
                size_t len;

                if (!st->text || !*st->text)
                        return NULL;
                nl = strchr(st->text, '\n');
                len = nl ? (size_t)(nl - st->text + 1) : strlen(st->text);
                if (len > (size_t)size - 1)
                        len = size - 1;
                memcpy(buf, st->text, len);
                buf[len] = '\0';
                st->text += len;
                line = buf;
        }
        if (line)
                st->line++;
        return line;
}

static struct config_section *add_section(struct config *cfg, const char *name, unsigned line)
{
        struct config_section *grown =
            realloc(cfg->sections, (cfg->n_sections + 1) * sizeof(*grown));

        if (!grown)
                return NULL;
        cfg->sections = grown;
        grown = &cfg->sections[cfg->n_sections];
        memset(grown, 0, sizeof(*grown));
        grown->name = strdup(name);
        if (!grown->name)
                return NULL;
        grown->line = line;
        cfg->n_sections++;
        return grown;
}

static int add_entry(struct config_section *sec, const char *key, const char *value, unsigned line)
{
        struct config_entry *grown = realloc(sec->entries, (sec->n_entries + 1) * sizeof(*grown));

        if (!grown)
                return -ENOMEM;
        sec->entries = grown;
        grown = &sec->entries[sec->n_entries];
        grown->key = strdup(key);
        grown->value = strdup(value);
        grown->line = line;
        if (!grown->key || !grown->value) {
                free(grown->key);
                free(grown->value);
                return -ENOMEM;
        }
        sec->n_entries++;
        return 0;
}

static int fail(struct reader_state *st, int rc, const char *fmt, ...) PK_PRINTF(3, 4);

static int fail(struct reader_state *st, int rc, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        snprintf(st->err, st->err_len, "%s:%u: %s", st->cfg->path, st->line, msg);
        st->error = rc;
        return 0; /* stops inih */
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
        struct reader_state *st = user;
        struct config *cfg = st->cfg;
        struct config_section *sec = NULL;

        if (st->error)
                return 0;
        if (!*section)
                return fail(st, -EINVAL, "'%s' is outside any [section]", key);
        /* headers were recorded by the reader, so the section exists already */
        for (size_t i = cfg->n_sections; i-- > 0 && !sec;) {
                if (!strcmp(cfg->sections[i].name, section))
                        sec = &cfg->sections[i];
        }
        if (!sec) {
                sec = add_section(cfg, section, st->line);
                if (!sec)
                        return fail(st, -ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < sec->n_entries; i++) {
                if (!strcmp(sec->entries[i].key, key))
                        return fail(st, -EINVAL, "'%s' was already set at line %u", key,
                                    sec->entries[i].line);
        }
        if (add_entry(sec, key, value, st->line))
                return fail(st, -ENOMEM, "out of memory");
        return 1;
}

/*
 * inih reports sections only through their entries; a section header with no
 * entries is therefore invisible to it. Scan for headers ourselves so an
 * empty `[tp_exec]` still enables that probe.
 */
static int on_section_header(struct reader_state *st, const char *line)
{
        const char *start = line, *end;
        char name[256];

        while (*start == ' ' || *start == '\t')
                start++;
        if (*start != '[')
                return 0;
        end = strchr(start, ']');
        if (!end || (size_t)(end - start - 1) >= sizeof(name))
                return 0;
        while (start + 1 < end && (start[1] == ' ' || start[1] == '\t'))
                start++;
        while (end - 1 > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        memcpy(name, start + 1, end - start - 1);
        name[end - start - 1] = '\0';
        if (config_find_section(st->cfg, name)) {
                fail(st, -EINVAL, "section [%s] was already given at line %u", name,
                     config_find_section(st->cfg, name)->line);
                return st->error;
        }
        if (!add_section(st->cfg, name, st->line))
                return -ENOMEM;
        return 0;
}

static char *read_line_and_sections(char *buf, int size, void *stream)
{
        struct reader_state *st = stream;
        char *line = read_line(buf, size, stream);

        if (line && !st->error && on_section_header(st, line) && !st->error)
                st->error = -ENOMEM;
        return line;
}

static int parse(struct reader_state *st)
{
        int rc = ini_parse_stream(read_line_and_sections, st, on_entry, st);

        if (st->error)
                return st->error;
        if (rc > 0) {
                snprintf(st->err, st->err_len, "%s:%d: not a '[section]' or 'key = value' line",
                         st->cfg->path, rc);
                return -EINVAL;
        }
        if (rc < 0) {
                snprintf(st->err, st->err_len, "%s: cannot be read", st->cfg->path);
                return -EIO;
        }
        return 0;
}

int config_read_file(const char *path, struct config *cfg, char *err, size_t err_len)
{
        struct reader_state st = {.cfg = cfg, .err = err, .err_len = err_len};
        int rc;

        memset(cfg, 0, sizeof(*cfg));
        cfg->path = strdup(path);
        if (!cfg->path)
                return -ENOMEM;
        st.file = fopen(path, "re");
        if (!st.file) {
                rc = -errno;
                snprintf(err, err_len, "%s: %s", path, strerror(-rc));
                return rc;
        }
        rc = parse(&st);
        fclose(st.file);
        return rc;
}

int config_read_string(const char *name, const char *text, struct config *cfg, char *err,
                       size_t err_len)
{
        struct reader_state st = {.cfg = cfg, .text = text, .err = err, .err_len = err_len};

        memset(cfg, 0, sizeof(*cfg));
        cfg->path = strdup(name);
        if (!cfg->path)
                return -ENOMEM;
        return parse(&st);
}

const struct config_section *config_find_section(const struct config *cfg, const char *name)
{
        for (size_t i = 0; i < cfg->n_sections; i++) {
                if (!strcmp(cfg->sections[i].name, name))
                        return &cfg->sections[i];
        }
        return NULL;
}

void config_free(struct config *cfg)
{
        for (size_t i = 0; i < cfg->n_sections; i++) {
                struct config_section *sec = &cfg->sections[i];

                for (size_t e = 0; e < sec->n_entries; e++) {
                        free(sec->entries[e].key);
                        free(sec->entries[e].value);
                }
                free(sec->entries);
                free(sec->name);
        }
        free(cfg->sections);
        free(cfg->path);
        memset(cfg, 0, sizeof(*cfg));
}
