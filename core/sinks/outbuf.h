/* SPDX-License-Identifier: MIT */
/*
 * A large output buffer in front of one file descriptor, that writes whole
 * records only.
 *
 * A sink appends the pieces of one record, then ends it with
 * outbuf_end_record(). When the buffer runs out of room it writes out the
 * records ended so far and moves the one being built to the front, so a
 * record is never cut at a buffer boundary. Only a record larger than the
 * whole buffer is written out in pieces as it is built. A write error drops
 * the records that were buffered and did not get out (counted in `dropped`,
 * so a dead output cannot grow memory); on a regular file the bytes of a
 * short write after its last whole line (and the pieces of a large record
 * already out) are cut off again (ftruncate), so the file never ends in half
 * a record. Every record ends with one newline, its only one. The error is kept until
 * outbuf_take_error() reports it.
 *
 * An output paced by its reader (a pipe, a FIFO, a socket, a terminal:
 * outbuf_pace_by_reader()) is never waited for: what the reader does not
 * take at once waits in an output_queue, and the sink refuses new records
 * while outbuf_reader_behind() says too much waits.
 */
#ifndef PROBEKIT_SINKS_OUTBUF_H
#define PROBEKIT_SINKS_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output_queue.h"

/* A test may build the sinks with a smaller buffer, down to OUTBUF_MAX_RESERVE. */
#ifndef OUTBUF_SIZE
#define OUTBUF_SIZE (256u * 1024u)
#endif
/* The most a caller may ask outbuf_reserve() for at once. */
#define OUTBUF_MAX_RESERVE 4096u

struct outbuf {
        int fd;
        bool owns_fd;
        bool regular; /* fd is a regular file: a short write can be cut off again */
        bool paced;   /* written through `queue`, never waiting for the reader */
        struct output_queue queue;
        size_t streamed;     /* bytes of the record being built already written out */
        unsigned text_lines; /* lines in buf that are not records (a header) */
        int error;           /* first -errno since the last outbuf_take_error() */
        size_t len;
        size_t record_end; /* end of the last whole record in buf */
        char *buf;         /* OUTBUF_SIZE bytes */

        /* counters */
        uint64_t records; /* records written out (or handed to the queue) */
        uint64_t bytes;   /* bytes written out (or handed to the queue) */
        uint64_t errors;  /* failed writes */
        uint64_t dropped; /* records ended here, then lost to a write error */
        uint64_t queued;  /* records ended, in buf, not yet written */
};

/* A buffer in front of fd, which it closes when owns_fd. */
int outbuf_init(struct outbuf *ob, int fd, bool owns_fd);
/* path NULL, "" or "-": standard output; else the file, truncated unless append. */
int outbuf_open(struct outbuf *ob, const char *path, bool append);
/*
 * Closes the descriptor (if owned) and uses fd instead; what is buffered
 * stays, what waited in the queue for the old reader is dropped and counted.
 */
void outbuf_set_fd(struct outbuf *ob, int fd, bool owns_fd);
/*
 * Writes to a pipe, FIFO, socket or terminal through a queue instead of
 * waiting for its reader (output_queue.h); a regular file is left as it is.
 * 0, or -errno when no non-blocking descriptor could be had: the output is
 * then written blocking, as before.
 */
int outbuf_pace_by_reader(struct outbuf *ob);
/* Too much waits for a slow reader: the sink refuses new records. */
static inline bool outbuf_reader_behind(const struct outbuf *ob)
{
        return ob->paced && output_queue_full(&ob->queue);
}
/* Records handed to the queue that its reader has not taken yet. */
static inline uint64_t outbuf_records_waiting(const struct outbuf *ob)
{
        return ob->paced ? output_queue_records(&ob->queue) : 0;
}
/* Writes out the whole records buffered; 0 or the first -errno since the last report. */
int outbuf_flush(struct outbuf *ob);
/* Flushes, then frees the buffer and closes the file if outbuf_open() opened it. */
int outbuf_close(struct outbuf *ob);
/* Returns and clears the kept write error. */
int outbuf_take_error(struct outbuf *ob);

/* Ends the record built since the last end. */
static inline void outbuf_end_record(struct outbuf *ob)
{
        ob->record_end = ob->len;
        ob->streamed = 0;
        ob->queued++;
}

/* Ends one line of text that is not a record (a header): written, but not counted. */
static inline void outbuf_end_text(struct outbuf *ob)
{
        ob->text_lines++;
        ob->record_end = ob->len;
        ob->streamed = 0;
}

/*
 * Forgets the record being built, after a write error (not counted here:
 * the caller reports it).
 */
static inline void outbuf_cancel_record(struct outbuf *ob)
{
        ob->len = ob->record_end;
        ob->streamed = 0;
}

/* Drops every buffered record, counting them in `dropped`. */
void outbuf_discard(struct outbuf *ob);

/*
 * Slow path: writes out the whole records so that n more bytes fit after the
 * record being built; when that record alone is too large, writes out what
 * it has so far too. Returns where the record continues.
 */
char *outbuf_make_room(struct outbuf *ob, size_t n);
void outbuf_write_slow(struct outbuf *ob, const void *data, size_t n);

/*
 * Room for n <= OUTBUF_MAX_RESERVE bytes at the returned pointer; the caller
 * writes there and hands the end to outbuf_commit().
 */
static inline char *outbuf_reserve(struct outbuf *ob, size_t n)
{
        if (OUTBUF_SIZE - ob->len < n)
                return outbuf_make_room(ob, n);
        return ob->buf + ob->len;
}

static inline void outbuf_commit(struct outbuf *ob, const char *end)
{
        ob->len = (size_t)(end - ob->buf);
}

/*
 * For a caller that writes through a pointer p into reserved, not yet
 * committed bytes: room for n <= OUTBUF_MAX_RESERVE more bytes at the
 * returned pointer, which is p while the buffer has them, else where the
 * record continues once the whole records before it are written out.
 * Only a compare on the fast path: p stays in a register, ob->len untouched.
 */
static inline char *outbuf_room(struct outbuf *ob, char *p, size_t n)
{
        if ((size_t)(ob->buf + OUTBUF_SIZE - p) >= n)
                return p;
        outbuf_commit(ob, p);
        return outbuf_make_room(ob, n);
}

static inline void outbuf_write(struct outbuf *ob, const void *data, size_t n)
{
        if (OUTBUF_SIZE - ob->len >= n) {
                memcpy(ob->buf + ob->len, data, n);
                ob->len += n;
                return;
        }
        outbuf_write_slow(ob, data, n);
}

/* A string literal, its length known at compile time. */
#define outbuf_literal(ob, lit) outbuf_write((ob), (lit), sizeof(lit) - 1)

static inline void outbuf_putc(struct outbuf *ob, char c)
{
        if (ob->len == OUTBUF_SIZE)
                outbuf_make_room(ob, 1);
        ob->buf[ob->len++] = c;
}

#endif /* PROBEKIT_SINKS_OUTBUF_H */
