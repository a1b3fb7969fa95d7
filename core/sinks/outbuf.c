/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "outbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_file.h"

int outbuf_init(struct outbuf *ob, int fd, bool owns_fd)
{
        *ob = (struct outbuf){.fd = -1};
        ob->buf = malloc(OUTBUF_SIZE);
        if (!ob->buf)
                return -ENOMEM;
        outbuf_set_fd(ob, fd, owns_fd);
        return 0;
}

int outbuf_open(struct outbuf *ob, const char *path, bool append)
{
        bool regular = false;
        int fd, err;

        if (output_is_stdout(path))
                return outbuf_init(ob, STDOUT_FILENO, false);
        fd = output_file_open(path, !append, &regular);
        if (fd < 0) {
                *ob = (struct outbuf){.fd = -1};
                return fd;
        }
        err = outbuf_init(ob, fd, true);
        if (err)
                close(fd);
        return err;
}

/* What waited for the reader is lost (a failure, a new output): count it dropped. */
static void drop_queue(struct outbuf *ob)
{
        uint64_t lost;

        if (!ob->paced)
                return;
        ob->bytes -= ob->queue.len; /* counted when handed over, never written */
        lost = output_queue_discard(&ob->queue);
        ob->records -= lost;
        ob->dropped += lost;
}

/* Back to plain writes (a new descriptor, or the end): what waited is dropped. */
static void stop_pacing(struct outbuf *ob)
{
        if (!ob->paced)
                return;
        drop_queue(ob);
        output_queue_free(&ob->queue);
        ob->paced = false;
}

void outbuf_set_fd(struct outbuf *ob, int fd, bool owns_fd)
{
        struct stat st;

        stop_pacing(ob);
        if (ob->owns_fd && ob->fd >= 0)
                close(ob->fd);
        ob->fd = fd;
        ob->owns_fd = owns_fd;
        ob->regular = fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

int outbuf_pace_by_reader(struct outbuf *ob)
{
        bool socket;
        int fd;

        if (ob->regular || ob->fd < 0)
                return 0;
        fd = output_queue_open_fd(ob->fd, &socket);
        if (fd < 0)
                return fd;
        if (fd != ob->fd)
                outbuf_set_fd(ob, fd, true);
        ob->paced = true;
        output_queue_init(&ob->queue, fd, socket, OUTPUT_QUEUE_LIMIT);
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

/* Writes n bytes; on failure *written says how many went out before it. */
static int write_all(int fd, const char *data, size_t n, size_t *written)
{
        *written = 0;
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
                *written += (size_t)done;
        }
        return 0;
}

/*
 * Out to the file, or to the queue of a paced output (which takes all of it
 * or, on failure, none); text of the newlines are not records.
 */
static int write_out(struct outbuf *ob, const char *data, size_t n, unsigned text, size_t *written)
{
        int err;

        if (!ob->paced)
                return write_all(ob->fd, data, n, written);
        err = output_queue_write(&ob->queue, data, n, text);
        *written = err ? 0 : n;
        if (err)
                drop_queue(ob);
        return err;
}

/*
 * The bytes of a failed write that did reach the file end in part of a
 * record: cut them off again, so that every line in the file is whole.
 * Shrinking needs no space, so this works on a full filesystem too. The
 * file is locked against other writers (output_file_open()).
 */
static void undo_short_write(struct outbuf *ob, size_t written)
{
        struct stat st;

        if (!written || !ob->regular || fstat(ob->fd, &st) < 0)
                return;
        if ((uint64_t)st.st_size >= written && ftruncate(ob->fd, st.st_size - (off_t)written) < 0)
                ob->errors++; /* nothing more to do: the error is reported already */
}

static void keep_error(struct outbuf *ob, int err)
{
        if (err && !ob->error)
                ob->error = err;
}

/*
 * A write that failed after `written` bytes: the whole lines among them stay
 * (every record ends with its one newline; the sinks escape any other), the
 * bytes after the last newline are cut off again. Returns the records kept.
 */
static uint64_t keep_whole_lines(struct outbuf *ob, size_t written)
{
        size_t keep = written;
        uint64_t lines = 0;

        while (keep > 0 && ob->buf[keep - 1] != '\n')
                keep--;
        undo_short_write(ob, written - keep);
        for (const char *p = ob->buf; (p = memchr(p, '\n', (size_t)(ob->buf + keep - p))); p++)
                lines++;
        ob->bytes += keep;
        return lines > ob->text_lines ? lines - ob->text_lines : 0;
}

/* Writes buf[0, record_end) and moves the record being built to the front. */
static void write_records(struct outbuf *ob)
{
        size_t n = ob->record_end, written = 0;
        int err = n ? write_out(ob, ob->buf, n, ob->text_lines, &written) : 0;

        if (err) {
                uint64_t kept = keep_whole_lines(ob, written);

                ob->records += kept;
                ob->errors++;
                ob->dropped += ob->queued - kept;
                keep_error(ob, err);
        } else {
                ob->records += ob->queued;
                ob->bytes += n;
        }
        ob->queued = 0;
        ob->text_lines = 0;
        if (n && ob->len > n)
                memmove(ob->buf, ob->buf + n, ob->len - n);
        ob->len -= n;
        ob->record_end = 0;
}

/*
 * The record being built is larger than the whole buffer: write out what it
 * has so far. After an error nothing more is written until it is reported:
 * the record will be cancelled.
 */
static void stream_record(struct outbuf *ob)
{
        size_t written;
        int err = ob->error ? ob->error : write_out(ob, ob->buf, ob->len, 0, &written);

        if (err && !ob->error) {
                undo_short_write(ob, ob->streamed + written);
                ob->bytes -= ob->streamed;
                ob->errors++;
                keep_error(ob, err);
        } else if (!err) {
                ob->streamed += ob->len;
                ob->bytes += ob->len;
        }
        ob->len = 0;
}

char *outbuf_make_room(struct outbuf *ob, size_t n)
{
        write_records(ob);
        if (OUTBUF_SIZE - ob->len < n)
                stream_record(ob);
        return ob->buf + ob->len;
}

void outbuf_write_slow(struct outbuf *ob, const void *data, size_t n)
{
        const char *in = data;

        outbuf_make_room(ob, n < OUTBUF_SIZE ? n : OUTBUF_SIZE);
        while (n > 0) {
                size_t room = OUTBUF_SIZE - ob->len, piece;

                if (room == 0) {
                        outbuf_make_room(ob, OUTBUF_SIZE);
                        room = OUTBUF_SIZE - ob->len;
                }
                piece = n < room ? n : room;
                memcpy(ob->buf + ob->len, in, piece);
                ob->len += piece;
                in += piece;
                n -= piece;
        }
}

void outbuf_discard(struct outbuf *ob)
{
        drop_queue(ob);
        ob->dropped += ob->queued;
        ob->queued = 0;
        ob->text_lines = 0;
        ob->len = ob->record_end = ob->streamed = 0;
}

int outbuf_take_error(struct outbuf *ob)
{
        int err = ob->error;

        ob->error = 0;
        return err;
}

int outbuf_flush(struct outbuf *ob)
{
        if (ob->record_end > 0)
                write_records(ob);
        if (ob->paced && !ob->error) {
                int err = output_queue_flush(&ob->queue);

                if (err) {
                        drop_queue(ob);
                        ob->errors++;
                        keep_error(ob, err);
                }
        }
        return outbuf_take_error(ob);
}

int outbuf_close(struct outbuf *ob)
{
        int err = 0;

        if (!ob->buf)
                return 0;
        err = outbuf_flush(ob);
        stop_pacing(ob);
        if (ob->owns_fd && ob->fd >= 0 && close(ob->fd) < 0 && !err)
                err = -errno;
        free(ob->buf);
        ob->buf = NULL;
        ob->fd = -1;
        ob->owns_fd = false;
        return err;
}
