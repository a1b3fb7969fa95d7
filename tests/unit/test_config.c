// SPDX-License-Identifier: MIT
/* config.c: sections and entries with their lines, and each kind of bad file. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "errlist.h"
#include "unit_check.h"

/* Write `text` to a new temporary file; its path goes to `path` (PATH_MAX-sized). */
static bool write_temp_file(const char *text, char *path, size_t path_len)
{
        FILE *f;
        int fd;

        snprintf(path, path_len, "/tmp/probekit-unit-config-XXXXXX");
        fd = mkstemp(path);
        if (!EXPECT(fd >= 0))
                return false;
        f = fdopen(fd, "w");
        if (!EXPECT(f != NULL)) {
                close(fd);
                return false;
        }
        fputs(text, f);
        fclose(f);
        return true;
}

static const struct config_entry *find_entry(const struct config_section *sec, const char *key)
{
        for (size_t i = 0; sec && i < sec->n_entries; i++) {
                if (!strcmp(sec->entries[i].key, key))
                        return &sec->entries[i];
        }
        return NULL;
}

/* The entry `key` of [section] has `value` and comes from `line`. */
static void expect_entry(const struct config *cfg, const char *section, const char *key,
                         const char *value, unsigned line)
{
        const struct config_entry *e = find_entry(config_find_section(cfg, section), key);

        if (!EXPECT(e != NULL)) {
                fprintf(stderr, "  no entry '%s' in [%s]\n", key, section);
                return;
        }
        EXPECT_STR(value, e->value);
        EXPECT_INT(line, e->line);
}

static const char good_text[] = "; a comment first\n"                /* 1 */
                                "[probekit]\n"                       /* 2 */
                                "format = json\n"                    /* 3 */
                                "\n"                                 /* 4 */
                                "# another comment\n"                /* 5 */
                                "output=/tmp/out ; inline comment\n" /* 6 */
                                "[tp_exec]\n"                        /* 7 */
                                "\n"                                 /* 8 */
                                "[second]\n"                         /* 9 */
                                "  plugin   =   tp_exec  \n"         /* 10 */
                                "pid = 42\n";                        /* 11 */

static void expect_good_config(const struct config *cfg, const char *path)
{
        const struct config_section *sec;

        EXPECT_STR(path, cfg->path);
        if (!EXPECT_INT(3, cfg->n_sections))
                return;
        EXPECT_STR("probekit", cfg->sections[0].name);
        EXPECT_INT(2, cfg->sections[0].line);
        EXPECT_INT(2, cfg->sections[0].n_entries);
        expect_entry(cfg, "probekit", "format", "json", 3);
        expect_entry(cfg, "probekit", "output", "/tmp/out", 6);

        /* an empty section is recorded: it enables that probe */
        sec = config_find_section(cfg, "tp_exec");
        if (EXPECT(sec != NULL)) {
                EXPECT_INT(7, sec->line);
                EXPECT_INT(0, sec->n_entries);
        }

        EXPECT_STR("second", cfg->sections[2].name);
        EXPECT_INT(9, cfg->sections[2].line);
        EXPECT_INT(2, cfg->sections[2].n_entries);
        expect_entry(cfg, "second", "plugin", "tp_exec", 10);
        expect_entry(cfg, "second", "pid", "42", 11);
        EXPECT(!config_find_section(cfg, "missing"));
}

static void test_read_string(void)
{
        struct config cfg;
        char err[512] = "";

        EXPECT_INT(0, config_read_string("inline", good_text, &cfg, err, sizeof(err)));
        EXPECT_STR("", err);
        expect_good_config(&cfg, "inline");
        config_free(&cfg);
}

static void test_read_file(void)
{
        char path[64], err[512] = "";
        struct config cfg;

        if (!write_temp_file(good_text, path, sizeof(path)))
                return;
        EXPECT_INT(0, config_read_file(path, &cfg, err, sizeof(err)));
        EXPECT_STR("", err);
        expect_good_config(&cfg, path);
        config_free(&cfg);
        unlink(path);
}

static void test_empty_and_last_line(void)
{
        struct config cfg;
        char err[512] = "";

        EXPECT_INT(0, config_read_string("empty", "", &cfg, err, sizeof(err)));
        EXPECT_INT(0, cfg.n_sections);
        EXPECT_STR("empty", cfg.path);
        config_free(&cfg);

        /* no newline at the end, and CRLF line ends */
        EXPECT_INT(0, config_read_string("crlf", "[a]\r\nk = v\r\n[b]", &cfg, err, sizeof(err)));
        EXPECT_INT(2, cfg.n_sections);
        expect_entry(&cfg, "a", "k", "v", 2);
        if (EXPECT(config_find_section(&cfg, "b") != NULL))
                EXPECT_INT(3, config_find_section(&cfg, "b")->line);
        config_free(&cfg);
}

/* Reading `text` fails with -EINVAL and exactly `want` as the message. */
static void expect_refused(const char *text, const char *want)
{
        struct config cfg;
        char err[512] = "";

        EXPECT_INT(-EINVAL, config_read_string("bad.ini", text, &cfg, err, sizeof(err)));
        EXPECT_STR(want, err);
        config_free(&cfg);
}

/* Blanks around a section name and before keys are not part of them. */
static void test_blanks(void)
{
        struct config cfg;
        char err[512] = "";

        EXPECT_INT(0, config_read_string("blanks", "[ tp_exec ]\n  pid = 1\n\tuid = 0\n", &cfg, err,
                                         sizeof(err)));
        EXPECT_STR("", err);
        EXPECT_INT(1, cfg.n_sections);
        expect_entry(&cfg, "tp_exec", "pid", "1", 2);
        expect_entry(&cfg, "tp_exec", "uid", "0", 3);
        config_free(&cfg);
}

static void test_refusals(void)
{
        expect_refused("[a]\nx = 1\n\n[b]\n[a]\n",
                       "bad.ini:5: section [a] was already given at line 1");
        expect_refused("[a]\nx = 1\ny = 2\n; comment\nx = 3\n",
                       "bad.ini:5: 'x' was already set at line 2");
        expect_refused("; header\nx = 1\n[a]\n", "bad.ini:2: 'x' is outside any [section]");
        expect_refused("[a]\nx = 1\n\nthis line means nothing\ny = 2\n",
                       "bad.ini:4: not a '[section]' or 'key = value' line");
        expect_refused("[a]\n[unclosed\n", "bad.ini:2: a section header needs its closing ']'");
        /* every error is reported, one line each, in the file's order */
        expect_refused("[a]\npid 1\npid = 2\npid = 3\n",
                       "bad.ini:2: not a '[section]' or 'key = value' line\n"
                       "bad.ini:4: 'pid' was already set at line 3");
        expect_refused("[a]\nx\n[a]\nk = 1\ny\n",
                       "bad.ini:2: not a '[section]' or 'key = value' line\n"
                       "bad.ini:3: section [a] was already given at line 1\n"
                       "bad.ini:5: not a '[section]' or 'key = value' line");
        expect_refused("[]\n", "bad.ini:1: a section name must have 1 to 48 characters");
        expect_refused("[a_section_name_that_is_much_longer_than_inih_keeps]\nk = v\n",
                       "bad.ini:1: a section name must have 1 to 48 characters");
}

/*
 * Debian's inih reads lines into a 200-byte buffer: a longer line must be
 * refused with its number, never split into a second line. Here the tail of
 * a long comment would otherwise have read as `enabled = false`.
 */
static void test_long_line(void)
{
        char text[600], want[200];
        struct config cfg;
        char err[512] = "";

        snprintf(text, sizeof(text), "[a]\n; %0*d enabled = false\nk = 1\n", 300, 0);
        EXPECT_INT(-EINVAL, config_read_string("long.ini", text, &cfg, err, sizeof(err)));
        snprintf(want, sizeof(want),
                 "long.ini:2: line is %zu bytes long; the INI reader takes at most",
                 strlen("; ") + 300 + strlen(" enabled = false"));
        EXPECT(strstr(err, want) == err);
        EXPECT(!strstr(err, "long.ini:3"));
        /* the lines around it are still read */
        expect_entry(&cfg, "a", "k", "1", 3);
        if (EXPECT(config_find_section(&cfg, "a") != NULL))
                EXPECT_INT(1, config_find_section(&cfg, "a")->n_entries);
        config_free(&cfg);
}

/* A NUL byte in a file (`comm = ab\0cd`) would cut the value silently. */
static void test_nul_byte(void)
{
        static const char text[] = "[a]\ncomm = ab\0cd\nk = 1\n";
        char path[64], err[512] = "", want[600];
        struct config cfg;
        FILE *f;

        if (!write_temp_file("", path, sizeof(path)))
                return;
        f = fopen(path, "w");
        if (EXPECT(f != NULL)) {
                fwrite(text, 1, sizeof(text) - 1, f);
                fclose(f);
        }
        EXPECT_INT(-EINVAL, config_read_file(path, &cfg, err, sizeof(err)));
        snprintf(want, sizeof(want), "%s:2: a NUL byte at column 10: not a text file", path);
        EXPECT_STR(want, err);
        config_free(&cfg);
        unlink(path);
}

/* Only regular files: a directory, a FIFO or a device is refused at once. */
static void test_not_regular(void)
{
        char dir[] = "/tmp/pk-unit-config-XXXXXX", fifo[64], err[512] = "", want[600];
        struct config cfg;

        if (!EXPECT(mkdtemp(dir) != NULL))
                return;
        EXPECT_INT(-EINVAL, config_read_file(dir, &cfg, err, sizeof(err)));
        snprintf(want, sizeof(want), "%s: not a regular file (a directory)", dir);
        EXPECT_STR(want, err);
        config_free(&cfg);
        snprintf(fifo, sizeof(fifo), "%s/fifo.ini", dir);
        if (EXPECT(mkfifo(fifo, 0600) == 0)) {
                err[0] = '\0';
                EXPECT_INT(-EINVAL, config_read_file(fifo, &cfg, err, sizeof(err)));
                snprintf(want, sizeof(want), "%s: not a regular file (a FIFO)", fifo);
                EXPECT_STR(want, err);
                config_free(&cfg);
                unlink(fifo);
        }
        err[0] = '\0';
        EXPECT_INT(-EINVAL, config_read_file("/dev/zero", &cfg, err, sizeof(err)));
        EXPECT_STR("/dev/zero: not a regular file (a device)", err);
        config_free(&cfg);
        rmdir(dir);
}

/* Past ERRLIST_MAX_LINES errors the rest are counted, not listed. */
static void test_error_cap(void)
{
        char text[4096] = "[a]\n", err[8192] = "";
        struct config cfg;
        size_t used = strlen(text);

        for (int i = 0; i < ERRLIST_MAX_LINES + 7; i++)
                used += (size_t)snprintf(text + used, sizeof(text) - used, "bad%d\n", i);
        EXPECT_INT(-EINVAL, config_read_string("many.ini", text, &cfg, err, sizeof(err)));
        EXPECT_INT(ERRLIST_MAX_LINES + 7, errlist_count(err));
        EXPECT(strstr(err, "\n... and 7 more errors") != NULL);
        config_free(&cfg);
}

static void test_refusal_in_file(void)
{
        char path[64], err[512] = "", want[600];
        struct config cfg;

        if (!write_temp_file("[a]\nk = 1\n[b]\nk = 1\n[a]\n", path, sizeof(path)))
                return;
        EXPECT_INT(-EINVAL, config_read_file(path, &cfg, err, sizeof(err)));
        snprintf(want, sizeof(want), "%s:5: section [a] was already given at line 1", path);
        EXPECT_STR(want, err);
        config_free(&cfg);
        unlink(path);
}

static void test_missing_file(void)
{
        const char *path = "/nonexistent/probekit/unit.ini";
        struct config cfg;
        char err[512] = "";

        EXPECT_INT(-ENOENT, config_read_file(path, &cfg, err, sizeof(err)));
        EXPECT_STR("/nonexistent/probekit/unit.ini: No such file or directory", err);
        config_free(&cfg);
}

int main(void)
{
        test_read_string();
        test_read_file();
        test_empty_and_last_line();
        test_blanks();
        test_refusals();
        test_refusal_in_file();
        test_long_line();
        test_nul_byte();
        test_not_regular();
        test_error_cap();
        test_missing_file();
        return unit_finish();
}
