/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "outbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

int outbuf_open(struct outbuf *ob, const char *path, bool append)
{
        int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC);

        *ob = (struct outbuf){.fd = -1};
        ob->buf = malloc(OUTBUF_SIZE);
        if (!ob->buf)
                return -ENOMEM;
        if (!path || !path[0] || (path[0] == '-' && !path[1])) {
                ob->fd = STDOUT_FILENO;
                return 0;
        }
        ob->fd = open(path, flags, 0644);
        if (ob->fd < 0) {
                int err = -errno;

                free(ob->buf);
                ob->buf = NULL;
                return err;
        }
        ob->owns_fd = true;
        return 0;
}

/*
 * Standard output may be inherited non-blocking (shared with a shell or
 * another program): wait until it takes more rather than lose output.
 */
static int wait_writable(int fd)
{
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};

        while (poll(&pfd, 1, -1) < 0)
                if (errno != EINTR)
                        return -errno;
        return 0;
}

static int write_all(int fd, const char *data, size_t n)
{
        while (n > 0) {
                ssize_t done = write(fd, data, n);

                if (done < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN || errno == EWOULDBLOCK) {
                                int err = wait_writable(fd);

                                if (err)
                                        return err;
                                continue;
                        }
                        return -errno;
                }
                if (done == 0)
                        return -EIO; /* no progress: do not spin */
                data += done;
                n -= (size_t)done;
        }
        return 0;
}

static void keep_error(struct outbuf *ob, int err)
{
        if (err && !ob->error)
                ob->error = err;
}

void outbuf_drain(struct outbuf *ob)
{
        keep_error(ob, write_all(ob->fd, ob->buf, ob->len));
        ob->len = 0;
}

void outbuf_write_slow(struct outbuf *ob, const void *data, size_t n)
{
        outbuf_drain(ob);
        if (n < OUTBUF_SIZE) {
                memcpy(ob->buf, data, n);
                ob->len = n;
                return;
        }
        /* Larger than the whole buffer: copying it through would gain nothing. */
        keep_error(ob, write_all(ob->fd, data, n));
}

int outbuf_take_error(struct outbuf *ob)
{
        int err = ob->error;

        ob->error = 0;
        return err;
}

int outbuf_flush(struct outbuf *ob)
{
        if (ob->len > 0)
                outbuf_drain(ob);
        return outbuf_take_error(ob);
}

int outbuf_close(struct outbuf *ob)
{
        int err = 0;

        if (!ob->buf)
                return 0;
        err = outbuf_flush(ob);
        if (ob->owns_fd && close(ob->fd) < 0 && !err)
                err = -errno;
        free(ob->buf);
        *ob = (struct outbuf){.fd = -1};
        return err;
}
