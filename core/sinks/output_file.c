/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE

#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

bool output_is_stdout(const char *path)
{
        return !path || !path[0] || (path[0] == '-' && !path[1]);
}

static int lock_and_truncate(int fd, bool truncate)
{
        if (flock(fd, LOCK_EX | LOCK_NB) < 0)
                return errno == EWOULDBLOCK ? -EBUSY : -errno;
        if (truncate && ftruncate(fd, 0) < 0)
                return -errno;
        return 0;
}

int output_file_open(const char *path, bool truncate, bool *regular)
{
        /* O_NONBLOCK: a FIFO nobody reads fails (ENXIO) instead of hanging the start */
        int fd =
            open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0644);
        struct stat st;
        int err;

        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0) {
                err = -errno;
                goto fail;
        }
        *regular = S_ISREG(st.st_mode);
        if (*regular) {
                err = lock_and_truncate(fd, truncate);
                if (err)
                        goto fail;
        }
        /* back to blocking writes: a slow reader of a FIFO is waited for */
        if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
                err = -errno;
                goto fail;
        }
        return fd;
fail:
        close(fd);
        return err;
}

static int check_directory(const char *path, char *why, size_t why_len)
{
        char *copy = strdup(path);
        const char *dir;
        struct stat st;
        int err = 0;

        if (!copy)
                return -ENOMEM;
        dir = dirname(copy);
        if (stat(dir, &st) < 0) {
                err = -errno;
                snprintf(why, why_len, "%s: directory %s: %s", path, dir, strerror(errno));
        } else if (!S_ISDIR(st.st_mode)) {
                err = -ENOTDIR;
                snprintf(why, why_len, "%s: %s is not a directory", path, dir);
        } else if (access(dir, W_OK | X_OK) < 0) {
                err = -errno;
                snprintf(why, why_len, "%s: directory %s is not writable: %s", path, dir,
                         strerror(errno));
        }
        free(copy);
        return err;
}

int output_file_check(const char *path, char *why, size_t why_len)
{
        struct stat st;

        if (output_is_stdout(path))
                return 0;
        if (stat(path, &st) < 0) {
                if (errno != ENOENT) {
                        snprintf(why, why_len, "%s: %s", path, strerror(errno));
                        return -errno;
                }
                return check_directory(path, why, why_len);
        }
        if (S_ISDIR(st.st_mode)) {
                snprintf(why, why_len, "%s is a directory", path);
                return -EISDIR;
        }
        if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
                snprintf(why, why_len, "%s is not a regular file", path);
                return -EINVAL;
        }
        if (access(path, W_OK) < 0) {
                snprintf(why, why_len, "%s is not writable: %s", path, strerror(errno));
                return -errno;
        }
        return 0;
}
