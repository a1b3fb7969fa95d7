/* SPDX-License-Identifier: MIT */
/*
 * A large append-only output buffer in front of one file descriptor.
 *
 * Appending never fails and never allocates: when the buffer runs out of room
 * it is written out first. A write error drops the buffered bytes (so a dead
 * output cannot grow memory) and is kept until outbuf_take_error() reports it.
 */
#ifndef PROBEKIT_SINKS_OUTBUF_H
#define PROBEKIT_SINKS_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A test may build the sinks with a smaller buffer, down to OUTBUF_MAX_RESERVE. */
#ifndef OUTBUF_SIZE
#define OUTBUF_SIZE (256u * 1024u)
#endif
/* The most a caller may ask outbuf_reserve() for at once. */
#define OUTBUF_MAX_RESERVE 4096u

struct outbuf {
        int fd;
        bool owns_fd;
        int error; /* first -errno since the last outbuf_take_error() */
        size_t len;
        char *buf; /* OUTBUF_SIZE bytes */
};

/* path NULL, "" or "-": standard output; else the file, truncated unless append. */
int outbuf_open(struct outbuf *ob, const char *path, bool append);
/* Writes out what is buffered; 0 or the first -errno since the last report. */
int outbuf_flush(struct outbuf *ob);
/* Flushes, then frees the buffer and closes the file if outbuf_open() opened it. */
int outbuf_close(struct outbuf *ob);
/* Returns and clears the kept write error. */
int outbuf_take_error(struct outbuf *ob);

/* Slow paths of the inline functions below. */
void outbuf_drain(struct outbuf *ob);
void outbuf_write_slow(struct outbuf *ob, const void *data, size_t n);

/*
 * Room for n <= OUTBUF_MAX_RESERVE bytes at the returned pointer; the caller
 * writes there and hands the end to outbuf_commit().
 */
static inline char *outbuf_reserve(struct outbuf *ob, size_t n)
{
        if (OUTBUF_SIZE - ob->len < n)
                outbuf_drain(ob);
        return ob->buf + ob->len;
}

static inline void outbuf_commit(struct outbuf *ob, const char *end)
{
        ob->len = (size_t)(end - ob->buf);
}

/*
 * For a caller that writes through a pointer p into reserved, not yet
 * committed bytes: room for n <= OUTBUF_MAX_RESERVE more bytes at the
 * returned pointer, which is p while the buffer has them, else the start of
 * the buffer once what lies before p has been committed and written out.
 * Only a compare on the fast path: p stays in a register, ob->len untouched.
 */
static inline char *outbuf_room(struct outbuf *ob, char *p, size_t n)
{
        if ((size_t)(ob->buf + OUTBUF_SIZE - p) >= n)
                return p;
        outbuf_commit(ob, p);
        outbuf_drain(ob);
        return ob->buf;
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
                outbuf_drain(ob);
        ob->buf[ob->len++] = c;
}

#endif /* PROBEKIT_SINKS_OUTBUF_H */
