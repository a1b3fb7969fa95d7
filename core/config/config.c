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
        unsigned error_line;
};

/* inih keeps section names in a 50-byte buffer and cuts longer ones. */
#define MAX_SECTION_NAME 48

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
        st->error_line = st->line;
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
        /* inih stops calling once an error is set; sections always exist by now */
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
/*
 * inih reports sections only through their entries; a section header with no
 * entries is therefore invisible to it. Record headers here, so an empty
 * `[tp_exec]` still enables that probe, and hand inih the header rewritten as
 * `[name]` so both agree on the trimmed name.
 */
static int on_section_header(struct reader_state *st, char *line, int size)
{
        char *start = line + 1, *end = strchr(line, ']');
        const struct config_section *before;
        char name[MAX_SECTION_NAME + 1];
        size_t len;

        if (!end)
                return 0; /* inih reports the bad line */
        while (start < end && (*start == ' ' || *start == '\t'))
                start++;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        len = (size_t)(end - start);
        if (len == 0 || len > MAX_SECTION_NAME) {
                fail(st, -EINVAL, "a section name must have 1 to %d characters", MAX_SECTION_NAME);
                return st->error;
        }
        memcpy(name, start, len);
        name[len] = '\0';
        before = config_find_section(st->cfg, name);
        if (before) {
                fail(st, -EINVAL, "section [%s] was already given at line %u", name, before->line);
                return st->error;
        }
        if (!add_section(st->cfg, name, st->line))
                return -ENOMEM;
        snprintf(line, (size_t)size, "[%s]\n", name);
        return 0;
}

/*
 * The reader inih calls: counts lines, drops leading blanks (inih would take
 * an indented line for the continuation of the previous value) and records
 * section headers.
 */
static char *read_line_and_sections(char *buf, int size, void *stream)
{
        struct reader_state *st = stream;
        char *line = read_line(buf, size, stream);
        size_t blanks;
        int rc;

        if (!line)
                return NULL;
        blanks = strspn(line, " \t");
        if (blanks)
                memmove(line, line + blanks, strlen(line + blanks) + 1);
        if (line[0] == '[' && !st->error) {
                rc = on_section_header(st, line, size);
                if (rc && !st->error)
                        st->error = rc;
        }
        return line;
}

static int parse(struct reader_state *st)
{
        int rc = ini_parse_stream(read_line_and_sections, st, on_entry, st);

        /* report whichever came first: a bad line, or a bad entry */
        if (st->error && !(rc > 0 && (unsigned)rc < st->error_line))
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
