// SPDX-License-Identifier: MIT
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>
#include <probekit/plugin.h>

#include "errlist.h"

/*
 * inih reports no line to its handler here, so the reader counts lines. The
 * file is read into memory first (see config_read_file), so the reader sees
 * every byte: a NUL inside a line, or a line longer than inih's buffer,
 * would otherwise be cut silently and the rest read as a line of its own.
 */
struct reader_state {
        const char *text; /* what is left to read */
        const char *end;
        unsigned line;
        struct config *cfg;
        char *err; /* errlist: every error, one per line */
        size_t err_len;
        int error;             /* first error, -errno */
        unsigned syntax_error; /* line already reported as bad syntax, so inih's is not */
};

/* inih keeps section names in a 50-byte buffer and cuts longer ones. */
#define MAX_SECTION_NAME 48

/*
 * Entries under a section header that was refused are reported with it, not
 * once more each: inih is handed this name instead, which on_entry skips.
 */
static const char refused_section[] = "\x01refused";

/* Largest configuration file read; a bigger one is surely not a config. */
#define MAX_CONFIG_BYTES (4 << 20)

static int fail(struct reader_state *st, int rc, const char *fmt, ...) PK_PRINTF(3, 4);

static int fail(struct reader_state *st, int rc, const char *fmt, ...)
{
        char msg[512];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        errlist_add(st->err, st->err_len, "%s:%u: %s", st->cfg->path, st->line, msg);
        if (!st->error)
                st->error = rc;
        return 1; /* inih goes on: every error of the file is reported */
}

/*
 * One line into buf (size bytes, NUL included). A line that does not fit,
 * or holds a NUL byte, is reported and handed to inih as an empty line.
 */
static char *read_line(char *buf, int size, void *stream)
{
        struct reader_state *st = stream;
        const char *nl, *nul;
        size_t len;

        if (st->text >= st->end)
                return NULL;
        nl = memchr(st->text, '\n', (size_t)(st->end - st->text));
        len = nl ? (size_t)(nl - st->text + 1) : (size_t)(st->end - st->text);
        st->line++;
        nul = memchr(st->text, '\0', len);
        if (nul) {
                fail(st, -EINVAL, "a NUL byte at column %zu: not a text file",
                     (size_t)(nul - st->text) + 1);
                st->syntax_error = st->line;
                len = 0;
        } else if (len - (nl != NULL) > (size_t)size - 2) {
                fail(st, -EINVAL, "line is %zu bytes long; the INI reader takes at most %d",
                     len - (nl != NULL), size - 2);
                st->syntax_error = st->line;
                len = 0;
        } else {
                memcpy(buf, st->text, len);
        }
        st->text += nl ? (size_t)(nl - st->text + 1) : (size_t)(st->end - st->text);
        if (!len)
                buf[len++] = '\n';
        buf[len] = '\0';
        return buf;
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

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
        struct reader_state *st = user;
        struct config *cfg = st->cfg;
        struct config_section *sec = NULL;

        if (!strcmp(section, refused_section))
                return 1;
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
 * entries is therefore invisible to it. Record headers here, so an empty
 * `[tp_exec]` still enables that probe, and hand inih the header rewritten as
 * `[name]` so both agree on the trimmed name.
 */
static void on_section_header(struct reader_state *st, char *line, int size)
{
        char *start = line + 1, *end = strchr(line, ']');
        const struct config_section *before;
        char name[MAX_SECTION_NAME + 1];
        size_t len;

        if (!end) {
                fail(st, -EINVAL, "a section header needs its closing ']'");
                goto refused;
        }
        while (start < end && (*start == ' ' || *start == '\t'))
                start++;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        len = (size_t)(end - start);
        if (len == 0 || len > MAX_SECTION_NAME) {
                fail(st, -EINVAL, "a section name must have 1 to %d characters", MAX_SECTION_NAME);
                goto refused;
        }
        memcpy(name, start, len);
        name[len] = '\0';
        before = config_find_section(st->cfg, name);
        if (before) {
                fail(st, -EINVAL, "section [%s] was already given at line %u", name, before->line);
                goto refused;
        }
        if (!add_section(st->cfg, name, st->line)) {
                fail(st, -ENOMEM, "out of memory");
                goto refused;
        }
        snprintf(line, (size_t)size, "[%s]\n", name);
        return;
refused:
        snprintf(line, (size_t)size, "[%s]\n", refused_section);
}

/* Whether a line (blanks stripped) is one inih would refuse: report it ourselves. */
static bool is_bad_line(const char *line)
{
        if (!*line || *line == '\n' || *line == '\r' || *line == ';' || *line == '#' ||
            *line == '[')
                return false;
        return !strpbrk(line, "=:");
}

/*
 * The reader inih calls: counts lines, drops leading blanks (inih would take
 * an indented line for the continuation of the previous value), records
 * section headers and reports lines that are neither a header nor an entry
 * (inih itself would report only the first of them).
 */
static char *read_line_and_sections(char *buf, int size, void *stream)
{
        struct reader_state *st = stream;
        char *line = read_line(buf, size, stream);
        size_t blanks;

        if (!line)
                return NULL;
        blanks = strspn(line, " \t");
        if (blanks)
                memmove(line, line + blanks, strlen(line + blanks) + 1);
        if (line[0] == '[') {
                on_section_header(st, line, size);
        } else if (is_bad_line(line)) {
                fail(st, -EINVAL, "not a '[section]' or 'key = value' line");
                snprintf(line, (size_t)size, "\n");
        }
        return line;
}

static int parse(struct reader_state *st)
{
        int rc;

        st->err[0] = '\0';
        rc = ini_parse_stream(read_line_and_sections, st, on_entry, st);
        /* inih's own verdict, for a line it refused that is not one of ours */
        if (rc > 0 && !st->error) {
                errlist_add(st->err, st->err_len, "%s:%d: not a '[section]' or 'key = value' line",
                            st->cfg->path, rc);
                st->error = -EINVAL;
        }
        if (rc < 0 && !st->error) {
                errlist_add(st->err, st->err_len, "%s: cannot be read", st->cfg->path);
                st->error = -EIO;
        }
        return st->error;
}

/*
 * Read the whole file, refusing what is not a regular file before reading it:
 * a directory, a FIFO or a device (/dev/zero) would fail late, block or never
 * end. O_NONBLOCK keeps the open itself from waiting for a FIFO's writer.
 */
static int slurp_regular_file(const char *path, char **text, size_t *len, char *err, size_t err_len)
{
        struct stat st;
        char *buf = NULL;
        size_t got = 0;
        int fd, rc = 0;

        fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
        if (fd < 0) {
                rc = -errno;
                errlist_add(err, err_len, "%s: %s", path, strerror(-rc));
                return rc;
        }
        if (fstat(fd, &st)) {
                rc = -errno;
                errlist_add(err, err_len, "%s: %s", path, strerror(-rc));
                goto cleanup;
        }
        if (!S_ISREG(st.st_mode)) {
                rc = -EINVAL;
                errlist_add(err, err_len, "%s: not a regular file (a %s)", path,
                            S_ISDIR(st.st_mode)    ? "directory"
                            : S_ISFIFO(st.st_mode) ? "FIFO"
                            : S_ISSOCK(st.st_mode) ? "socket"
                                                   : "device");
                goto cleanup;
        }
        if (st.st_size > MAX_CONFIG_BYTES) {
                rc = -EFBIG;
                errlist_add(err, err_len, "%s: %lld bytes; a configuration is at most %d", path,
                            (long long)st.st_size, MAX_CONFIG_BYTES);
                goto cleanup;
        }
        buf = malloc((size_t)st.st_size + 1);
        if (!buf) {
                rc = -ENOMEM;
                goto cleanup;
        }
        while (got < (size_t)st.st_size) {
                ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        rc = -errno;
                        errlist_add(err, err_len, "%s: %s", path, strerror(-rc));
                        goto cleanup;
                }
                if (n == 0)
                        break; /* shrank meanwhile: read what is there */
                got += (size_t)n;
        }
        buf[got] = '\0';
        *text = buf;
        *len = got;
        buf = NULL;
cleanup:
        free(buf);
        close(fd);
        return rc;
}

int config_read_file(const char *path, struct config *cfg, char *err, size_t err_len)
{
        struct reader_state st = {.cfg = cfg, .err = err, .err_len = err_len};
        char *text = NULL;
        size_t len = 0;
        int rc;

        memset(cfg, 0, sizeof(*cfg));
        err[0] = '\0';
        cfg->path = strdup(path);
        if (!cfg->path)
                return -ENOMEM;
        rc = slurp_regular_file(path, &text, &len, err, err_len);
        if (rc)
                return rc;
        st.text = text;
        st.end = text + len;
        rc = parse(&st);
        free(text);
        return rc;
}

int config_read_string(const char *name, const char *text, struct config *cfg, char *err,
                       size_t err_len)
{
        struct reader_state st = {.cfg = cfg, .err = err, .err_len = err_len};

        memset(cfg, 0, sizeof(*cfg));
        cfg->path = strdup(name);
        if (!cfg->path)
                return -ENOMEM;
        st.text = text;
        st.end = text + strlen(text);
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
