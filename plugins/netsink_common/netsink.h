/* SPDX-License-Identifier: MIT */
/*
 * What the syslog and nats sinks share: a bounded queue of formatted
 * messages between probekit's event loop (write()) and the sink's own
 * thread, which connects, sends, and reconnects with back-off; and the
 * counters behind stats().
 *
 * The accounting, exact at every moment (each counter changes under the
 * queue's lock, or atomically with the step that moves a message on):
 *
 *   accepted = delivered + dropped + queued
 *
 * where `queued` counts messages in the queue and messages handed to a
 * transport that acknowledges later (nats: sent, ack not yet back). write()
 * never blocks and always takes the record: when the queue is full it is
 * counted as dropped at once.
 */
#ifndef NETSINK_H
#define NETSINK_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <probekit/plugin.h>

#include "msgbuf.h"

/* One formatted message: `key` (a nats subject, or empty) then `len` bytes. */
struct nmsg {
        struct nmsg *next;
        uint64_t seq;      /* 1, 2, ... in the order write() accepted them */
        uint32_t attempts; /* sends so far that failed or were not acknowledged */
        uint32_t key_len;
        size_t len;
        char data[]; /* key, NUL, message */
};

static inline const char *nmsg_key(const struct nmsg *m)
{
        return m->data;
}

static inline const char *nmsg_body(const struct nmsg *m)
{
        return m->data + m->key_len + 1;
}

/* What a transport does on the sink thread. Each returns 0 or -errno. */
struct netsink_transport {
        /* Connect (or check the connection); on failure, why in `why`. */
        int (*connect)(void *ctx, char *why, size_t why_size);
        /*
         * Send one message. 0: sent (counted delivered, unless `acked`, where
         * the transport later calls netsink_acked() or netsink_requeue());
         * -EAGAIN: not now, try the same message again shortly (window
         * full); -EMSGSIZE: this message can never be sent (dropped);
         * other: the connection is broken (disconnect, back off, resend).
         */
        int (*send)(void *ctx, const struct nmsg *m, char *why, size_t why_size);
        void (*disconnect)(void *ctx);
        /* At close, once the queue is empty or time is up: wait for acks. */
        void (*drain)(void *ctx, uint64_t deadline_ns);
        bool acked; /* delivery is counted by acknowledgements */
};

struct netsink {
        const struct pk_host *host;
        struct pk_instance *inst;
        const struct netsink_transport *transport;
        void *ctx;
        char peer[256]; /* for log messages: "tcp:127.0.0.1:514" */

        uint64_t max_records, max_bytes; /* queue bounds */
        uint64_t backoff_min_ns, backoff_max_ns;
        uint64_t close_timeout_ns;

        pthread_mutex_t lock;
        pthread_cond_t wake;
        struct nmsg *head, *tail;
        uint64_t queue_records, queue_bytes; /* in the queue proper */
        uint64_t inflight;                   /* sent, not acknowledged yet */
        uint64_t next_seq;
        uint64_t hold_until_ns; /* after a record came back unacknowledged */
        uint64_t hold_ns;       /* the last such wait; 0 after an acknowledgement */
        bool stopping;
        bool thread_idle; /* the sink thread waits for a record */
        uint64_t stop_deadline_ns;

        /* Counters, under `lock`. */
        uint64_t delivered, delivered_bytes, dropped, errors, accepted;
        char condition[256]; /* "" when all is well */
        char condition_out[256];

        struct msgbuf scratch; /* formatting, on the loop thread only */
        pthread_t thread;
        bool thread_started;
};

/* Fills the bounds and timing from the common options (NETSINK_OPTIONS, netsink_options.h). */
void netsink_init(struct netsink *ns, const struct pk_host *host, struct pk_instance *inst,
                  const struct netsink_transport *transport, void *ctx);
/* Starts the sink thread. */
int netsink_start(struct netsink *ns);
/*
 * Queues key + body (copied) as one message. Never blocks; a full queue or
 * a failed allocation counts the message as dropped. Returns 0.
 */
int netsink_push(struct netsink *ns, const char *key, const char *body, size_t len);
/* stats() for the sink. */
void netsink_stats(struct netsink *ns, struct pk_sink_stats *stats);
/*
 * pk_sink_ops.stats and .flush for a sink state that starts with its struct
 * netsink (flush has nothing to do: the sink's thread sends as soon as a
 * record is queued).
 */
void netsink_sink_stats(void *state, struct pk_sink_stats *stats);
int netsink_sink_flush(void *state);

/*
 * Stops the thread: it goes on sending for at most close_timeout, then
 * counts what is left as dropped, and logs the totals. Frees the queue.
 */
void netsink_stop(struct netsink *ns);
/* Frees the lock and buffers, once nothing (a transport's thread) can call in. */
void netsink_free(struct netsink *ns);

/* From a transport's acknowledgement callbacks (any thread). */
void netsink_acked(struct netsink *ns, size_t bytes);
/* Not acknowledged: back at the queue's head to be sent again. */
void netsink_requeue(struct netsink *ns, const char *key, const char *body, size_t len,
                     uint64_t seq, uint32_t attempts);
/* Not acknowledged and given up (or lost at close): counted as dropped. */
void netsink_lost(struct netsink *ns, uint64_t count);
void netsink_count_error(struct netsink *ns);
/* Sets (why != NULL) or clears the condition shown by stats(). */
void netsink_set_condition(struct netsink *ns, const char *why);

uint64_t netsink_now_ns(void);

#endif /* NETSINK_H */
