/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "output_queue.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* An empty queue gives back a buffer larger than this. */
#define KEEP_WHEN_EMPTY (1024u * 1024u)

int output_queue_open_fd(int fd, bool *socket)
{
        char path[32];
        struct stat st;
        int own;

        if (fstat(fd, &st) < 0)
                return -errno;
        *socket = S_ISSOCK(st.st_mode);
        if (*socket)
                return fd;
        /* a new open file description: O_NONBLOCK on it is ours alone */
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        own = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
        return own < 0 ? -errno : own;
}

void output_queue_init(struct output_queue *q, int fd, bool socket, size_t limit)
{
        *q = (struct output_queue){.fd = fd, .socket = socket, .limit = limit};
}

void output_queue_free(struct output_queue *q)
{
        free(q->buf);
        q->buf = NULL;
        q->start = q->len = q->cap = 0;
        q->lines_waiting = q->text_waiting = 0;
}

static uint64_t count_lines(const char *p, size_t n)
{
        const char *end = p + n;
        uint64_t lines = 0;

        while ((p = memchr(p, '\n', (size_t)(end - p)))) {
                lines++;
                p++;
        }
        return lines;
}

/* Bytes the reader takes now (0 when it takes none), or -errno. */
static ssize_t send_some(struct output_queue *q, const char *data, size_t n)
{
        ssize_t done;

        do {
                done = q->socket ? send(q->fd, data, n, MSG_DONTWAIT | MSG_NOSIGNAL)
                                 : write(q->fd, data, n);
        } while (done < 0 && errno == EINTR);
        if (done >= 0)
                return done;
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
}

/* `lines` newlines have left the queue's front: fewer records and text lines wait. */
static void lines_sent(struct output_queue *q, uint64_t lines)
{
        uint64_t text = lines < q->text_waiting ? lines : q->text_waiting;

        q->text_waiting -= text;
        q->lines_waiting -= lines;
}

/* Room for n more waiting bytes, made before anything is sent: no half write on ENOMEM. */
static int make_room(struct output_queue *q, size_t n)
{
        size_t want = q->len + n, cap;
        char *grown;

        if (q->start + want <= q->cap)
                return 0;
        if (want <= q->cap) {
                memmove(q->buf, q->buf + q->start, q->len);
                q->start = 0;
                return 0;
        }
        for (cap = q->cap ? q->cap : 64u * 1024u; cap < want; cap *= 2)
                ;
        grown = malloc(cap);
        if (!grown)
                return -ENOMEM;
        if (q->len)
                memcpy(grown, q->buf + q->start, q->len);
        free(q->buf);
        q->buf = grown;
        q->cap = cap;
        q->start = 0;
        return 0;
}

int output_queue_flush(struct output_queue *q)
{
        while (q->len > 0) {
                ssize_t done = send_some(q, q->buf + q->start, q->len);

                if (done < 0)
                        return (int)done;
                if (done == 0)
                        break;
                lines_sent(q, count_lines(q->buf + q->start, (size_t)done));
                q->start += (size_t)done;
                q->len -= (size_t)done;
        }
        if (q->len == 0) {
                q->start = 0;
                if (q->cap > KEEP_WHEN_EMPTY)
                        output_queue_free(q);
        }
        return 0;
}

int output_queue_write(struct output_queue *q, const char *data, size_t n, unsigned text)
{
        size_t sent = 0;
        int err = output_queue_flush(q);

        if (err || n == 0)
                return err;
        err = make_room(q, n);
        if (err)
                return err;
        if (q->len == 0) {
                ssize_t done = send_some(q, data, n);
                uint64_t lines;

                if (done < 0)
                        return (int)done;
                sent = (size_t)done;
                if (sent == n)
                        return 0;
                /* the text lines (a header) come first in what a sink writes */
                lines = count_lines(data, sent);
                text = lines < text ? text - (unsigned)lines : 0;
        }
        memcpy(q->buf + q->start + q->len, data + sent, n - sent);
        q->len += n - sent;
        q->lines_waiting += count_lines(data + sent, n - sent);
        q->text_waiting += text;
        return 0;
}

uint64_t output_queue_discard(struct output_queue *q)
{
        uint64_t records = output_queue_records(q);

        q->start = q->len = 0;
        q->lines_waiting = q->text_waiting = 0;
        return records;
}
