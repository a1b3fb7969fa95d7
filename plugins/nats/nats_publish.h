/* SPDX-License-Identifier: MIT */
/*
 * The NATS side of the sink, on the NATS C client (libnats): one connection
 * that reconnects by itself, a JetStream context publishing asynchronously
 * with at most `max_pending` messages awaiting their acknowledgement. Each
 * message carries a Nats-Msg-Id made of this run's id and the record's
 * sequence number, so a message sent again after a lost acknowledgement is
 * stored once (the stream's duplicate window).
 *
 * An acknowledgement counts the record delivered; a timeout or "no
 * responders" (the stream's leader moving, the server away) puts it back at
 * the head of the sink's queue to be sent again; a refusal by the server
 * (a stream limit, a wrong stream) counts it dropped and is logged.
 */
#ifndef NATS_PUBLISH_H
#define NATS_PUBLISH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <nats/nats.h>

#include "netsink.h"
#include "netsink_options.h"

struct nats_publish_config {
        const char *const *servers;
        size_t n_servers;
        const char *stream;         /* NULL: any stream that takes the subject */
        bool create_stream;         /* create `stream` when missing */
        const char *stream_subject; /* subjects of a created stream */
        int64_t stream_replicas;
        const char *credentials; /* .creds file */
        const char *token;
        const char *user, *password;
        struct netsink_tls_files tls_files;
        bool tls; /* set when any tls_files are, or by the `tls` option */
        int64_t max_pending;
        int64_t ack_timeout_ms;
        int64_t reconnect_wait_ms;
};

struct nats_publish {
        struct netsink *ns;
        struct nats_publish_config cfg;
        natsOptions *opts;
        natsConnection *nc;
        jsCtx *js;
        bool stream_checked; /* since the last (re)connect */
        char run_id[64];     /* Nats-Msg-Id prefix: host, pid, start time */
        int refusals_logged;
        /* Closing: libnats's callbacks leave the sink alone; `closed` once it is done. */
        atomic_bool closing;
        pthread_mutex_t closed_lock;
        pthread_cond_t closed_cond;
        bool closed;
};

/* Sets up the client options (no connection yet): 0 or -errno with why. */
int nats_publish_init(struct nats_publish *np, struct netsink *ns,
                      const struct nats_publish_config *cfg, const char *host, char *why,
                      size_t why_size);
/*
 * Closes the connection, waits (at most 2 s) for libnats's last callback,
 * then frees the client: after it no libnats thread calls into the sink.
 */
void nats_publish_free(struct nats_publish *np);

extern const struct netsink_transport nats_transport;

#endif /* NATS_PUBLISH_H */
