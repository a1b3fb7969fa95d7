// SPDX-License-Identifier: MIT
/*
 * probekit new-plugin NAME DIR: a buildable probe plugin folder, copied from
 * the installed template (share/probekit/template) with "myprobe" renamed.
 * It writes only into a directory it creates or that is empty, and creates
 * every file with O_EXCL: nothing that exists is ever overwritten.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "exe_dir.h"
#include "log.h"
#include "setup.h"

#ifndef PROBEKIT_TEMPLATE_RELDIR
#define PROBEKIT_TEMPLATE_RELDIR "../share/probekit/template"
#endif

#define TEMPLATE_NAME     "myprobe"
#define TEMPLATE_FILE_MAX (1 << 20)

static const char usage[] =
    "Usage: probekit new-plugin NAME DIR [--template DIR]\n"
    "\nMake DIR (new, or empty) a probe plugin named NAME that builds against this\n"
    "probekit's SDK: a copy of its plugin template (share/probekit/template), files\n"
    "and identifiers renamed. NAME is [a-z_][a-z0-9_]*: the plugin's name, its .so\n"
    "and its skeleton's prefix.\n";

static bool plugin_name_ok(const char *name)
{
        size_t len = strlen(name);

        if (len == 0 || len > 63 || isdigit((unsigned char)name[0]))
                return false;
        for (size_t i = 0; i < len; i++) {
                if (!islower((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) &&
                    name[i] != '_')
                        return false;
        }
        return true;
}

/* `text` with every "myprobe" as `lower` and "MYPROBE" as `upper`; NULL when out of memory. */
static char *rename_all(const char *text, size_t len, const char *lower, const char *upper,
                        size_t *out_len)
{
        const size_t from = strlen(TEMPLATE_NAME), to = strlen(lower);
        size_t cap = len + (len / from + 1) * (to > from ? to - from : 0) + 1, n = 0;
        char *out = malloc(cap);

        if (!out)
                return NULL;
        for (size_t i = 0; i < len;) {
                if (i + from <= len && !strncmp(text + i, TEMPLATE_NAME, from)) {
                        memcpy(out + n, lower, to);
                } else if (i + from <= len && !strncmp(text + i, "MYPROBE", from)) {
                        memcpy(out + n, upper, to);
                } else {
                        out[n++] = text[i++];
                        continue;
                }
                n += to;
                i += from;
        }
        out[n] = '\0';
        *out_len = n;
        return out;
}

static int read_file(const char *path, char **data, size_t *len)
{
        FILE *f = fopen(path, "rb");
        size_t n;

        if (!f)
                return -errno;
        *data = malloc(TEMPLATE_FILE_MAX);
        if (!*data) {
                fclose(f);
                return -ENOMEM;
        }
        n = fread(*data, 1, TEMPLATE_FILE_MAX, f);
        if (ferror(f) || n == TEMPLATE_FILE_MAX) {
                fclose(f);
                free(*data);
                return -EFBIG;
        }
        fclose(f);
        *len = n;
        return 0;
}

static int write_new_file(int dir_fd, const char *name, const char *data, size_t len)
{
        int fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        int rc = 0;

        if (fd < 0)
                return -errno;
        while (len > 0) {
                ssize_t n = write(fd, data, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0) {
                        rc = n < 0 ? -errno : -EIO;
                        break;
                }
                data += n;
                len -= (size_t)n;
        }
        if (close(fd) && !rc)
                rc = -errno;
        return rc;
}

/* Create DIR, or take it when it is an empty directory; returns an fd on it. */
static int open_target(const char *dir)
{
        struct dirent *entry;
        int fd, rc = 0;
        DIR *d;

        if (mkdir(dir, 0755) && errno != EEXIST)
                return -errno;
        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        d = fdopendir(dup(fd));
        if (!d) {
                close(fd);
                return -errno;
        }
        while ((entry = readdir(d))) {
                if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) {
                        rc = -ENOTEMPTY;
                        break;
                }
        }
        closedir(d);
        if (rc) {
                close(fd);
                return rc;
        }
        return fd;
}

/* Copy every regular file of `template` into dir_fd, renamed; returns the count or -errno. */
static int copy_template(const char *template, int dir_fd, const char *name, const char *upper)
{
        struct dirent *entry;
        int copied = 0, rc = 0;
        DIR *d = opendir(template);

        if (!d)
                return -errno;
        while (!rc && (entry = readdir(d))) {
                char path[PATH_MAX], *data = NULL, *renamed = NULL, *new_name = NULL;
                size_t len = 0, renamed_len, name_len;
                struct stat st;

                snprintf(path, sizeof(path), "%s/%s", template, entry->d_name);
                if (stat(path, &st) || !S_ISREG(st.st_mode))
                        continue;
                rc = read_file(path, &data, &len);
                if (!rc) {
                        renamed = rename_all(data, len, name, upper, &renamed_len);
                        new_name = rename_all(entry->d_name, strlen(entry->d_name), name, upper,
                                              &name_len);
                        rc = renamed && new_name ? 0 : -ENOMEM;
                }
                if (!rc)
                        rc = write_new_file(dir_fd, new_name, renamed, renamed_len);
                if (rc)
                        fprintf(stderr, "probekit: new-plugin: %s: %s\n", entry->d_name,
                                strerror(-rc));
                else
                        copied++;
                free(data);
                free(renamed);
                free(new_name);
        }
        closedir(d);
        return rc ? rc : copied;
}

static int parse_args(int argc, char **argv, const char **template)
{
        static const struct option longopts[] = {
            {"template", required_argument, NULL, 't'},
            {"help", no_argument, NULL, 'h'},
            {0},
        };
        int opt;

        while ((opt = getopt_long(argc, argv, "t:h", longopts, NULL)) != -1) {
                switch (opt) {
                case 't':
                        *template = optarg;
                        break;
                case 'h':
                        fputs(usage, stdout);
                        exit(EXIT_OK);
                default:
                        fputs(usage, stderr);
                        return EXIT_USAGE;
                }
        }
        if (argc - optind != 2) {
                fputs(usage, stderr);
                return EXIT_USAGE;
        }
        return EXIT_OK;
}

int cmd_new_plugin(int argc, char **argv)
{
        char found[PATH_MAX + 64], prefix[PATH_MAX + 8], upper[64], safe[PATH_MAX];
        const char *template = NULL, *name, *dir;
        int rc = parse_args(argc, argv, &template), fd, copied;

        if (rc)
                return rc;
        name = argv[optind];
        dir = argv[optind + 1];
        if (!plugin_name_ok(name)) {
                log_escape(name, safe, sizeof(safe));
                fprintf(stderr,
                        "probekit: new-plugin: '%s' is not a plugin name: [a-z_][a-z0-9_]*, "
                        "at most 63 bytes\n",
                        safe);
                return EXIT_USAGE;
        }
        for (size_t i = 0; i <= strlen(name); i++)
                upper[i] = (char)toupper((unsigned char)name[i]);
        if (!template)
                template = exe_relative_path(PROBEKIT_TEMPLATE_RELDIR, found, sizeof(found));
        if (!template) {
                fputs("probekit: new-plugin: cannot find the template; give --template DIR\n",
                      stderr);
                return EXIT_USAGE;
        }
        log_escape(dir, safe, sizeof(safe));
        fd = open_target(dir);
        if (fd < 0) {
                fprintf(stderr, "probekit: new-plugin: %s: %s%s\n", safe, strerror(-fd),
                        fd == -ENOTEMPTY ? " (only a new or empty directory is written)" : "");
                return EXIT_USAGE;
        }
        copied = copy_template(template, fd, name, upper);
        close(fd);
        if (copied <= 0) {
                fprintf(stderr, "probekit: new-plugin: template %s: %s\n", template,
                        copied ? strerror(-copied) : "no files");
                return EXIT_RUNTIME;
        }
        if (!exe_relative_path("..", prefix, sizeof(prefix)))
                snprintf(prefix, sizeof(prefix), "PREFIX");
        printf("%s: plugin '%s' (%d files from %s)\n"
               "build it:  cmake -S %s -B %s/build -DCMAKE_PREFIX_PATH=%s && "
               "cmake --build %s/build\n"
               "try it:    probekit info %s --plugin-dir %s/build\n",
               safe, name, copied, template, safe, safe, prefix, safe, name, safe);
        return EXIT_OK;
}
