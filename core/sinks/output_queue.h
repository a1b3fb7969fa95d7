/* SPDX-License-Identifier: MIT */
/*
 * The bytes for an output whose reader sets the pace (a pipe, a FIFO, a
 * socket, a terminal), written without ever making the event loop wait.
 *
 * A write goes straight to the reader when nothing is waiting and the reader
 * takes it; whatever the reader does not take at once waits here, in order,
 * and output_queue_flush() (the loop's flush timer) sends more of it. The
 * queue itself never drops bytes, so a record is never cut: a sink asks
 * output_queue_full() before it formats a record and refuses that record
 * (counted dropped) while more than `limit` bytes wait. Memory is bounded by
 * limit plus what one sink buffer and one record hold.
 *
 * The descriptor is a file description of our own, opened non-blocking
 * (output_queue_open_fd()), so the flag never reaches a shell or another
 * program sharing the terminal or pipe; a socket is written with
 * send(MSG_DONTWAIT) instead. Records are lines: the queue counts those it
 * still holds by the newlines in its bytes.
 */
#ifndef PROBEKIT_SINKS_OUTPUT_QUEUE_H
#define PROBEKIT_SINKS_OUTPUT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What waits for a slow reader before new records are refused. */
#define OUTPUT_QUEUE_LIMIT (4u * 1024u * 1024u)

struct output_queue {
        int fd;      /* non-blocking (the owner of the queue closes it) */
        bool socket; /* written with send(MSG_DONTWAIT) */
        size_t limit;
        char *buf; /* cap bytes; the waiting bytes are buf[start, start + len) */
        size_t start, len, cap;
        uint64_t lines_waiting; /* newlines among the waiting bytes */
        uint64_t text_waiting;  /* of those, lines that are not records (a header) */
};

/*
 * A non-blocking descriptor for fd that changes nothing for others sharing
 * it: a new file description of the same pipe, FIFO or terminal
 * (/proc/self/fd/N), or fd itself when it is a socket (*socket set).
 * -errno when neither works; the caller then keeps writing fd blocking.
 */
int output_queue_open_fd(int fd, bool *socket);

/* An empty queue in front of fd (from output_queue_open_fd()). */
void output_queue_init(struct output_queue *q, int fd, bool socket, size_t limit);
/* Frees what waits (the descriptor stays open). */
void output_queue_free(struct output_queue *q);

/*
 * Hands n bytes to the reader: written now, or queued behind what waits.
 * `text` of their newlines end lines that are not records. 0 or -errno of a
 * failed write (EPIPE: the reader is gone; nothing is queued then).
 */
int output_queue_write(struct output_queue *q, const char *data, size_t n, unsigned text);
/* Sends what the reader takes now of what waits; never waits. 0 or -errno. */
int output_queue_flush(struct output_queue *q);
/* Drops what waits (after a failure); returns the records it held. */
uint64_t output_queue_discard(struct output_queue *q);

/* Records (lines not counted as text) still waiting for the reader. */
static inline uint64_t output_queue_records(const struct output_queue *q)
{
        return q->lines_waiting - q->text_waiting;
}

/* More than the limit waits: a new record is to be refused. */
static inline bool output_queue_full(const struct output_queue *q)
{
        return q->len > q->limit;
}

#endif /* PROBEKIT_SINKS_OUTPUT_QUEUE_H */
