/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "netsink.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_MS 1000000ULL

uint64_t netsink_now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void netsink_init(struct netsink *ns, const struct pk_host *host, struct pk_instance *inst,
                  const struct netsink_transport *transport, void *ctx)
{
        pthread_condattr_t attr;

        ns->host = host;
        ns->inst = inst;
        ns->transport = transport;
        ns->ctx = ctx;
        ns->max_records = (uint64_t)host->opt_int(inst, "queue_size");
        ns->max_bytes = (uint64_t)host->opt_int(inst, "queue_bytes");
        ns->backoff_min_ns = (uint64_t)host->opt_int(inst, "reconnect_min_ms") * NS_PER_MS;
        ns->backoff_max_ns = (uint64_t)host->opt_int(inst, "reconnect_max_ms") * NS_PER_MS;
        if (ns->backoff_max_ns < ns->backoff_min_ns)
                ns->backoff_max_ns = ns->backoff_min_ns;
        ns->close_timeout_ns = (uint64_t)host->opt_int(inst, "close_timeout_ms") * NS_PER_MS;
        pthread_mutex_init(&ns->lock, NULL);
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&ns->wake, &attr);
        pthread_condattr_destroy(&attr);
}

static struct nmsg *nmsg_new(const char *key, const char *body, size_t len)
{
        size_t key_len = key ? strlen(key) : 0;
        struct nmsg *m = malloc(sizeof(*m) + key_len + 1 + len);

        if (!m)
                return NULL;
        m->next = NULL;
        m->attempts = 0;
        m->key_len = (uint32_t)key_len;
        m->len = len;
        if (key_len)
                memcpy(m->data, key, key_len);
        m->data[key_len] = '\0';
        memcpy(m->data + key_len + 1, body, len);
        return m;
}

int netsink_push(struct netsink *ns, const char *key, const char *body, size_t len)
{
        struct nmsg *m = nmsg_new(key, body, len);

        pthread_mutex_lock(&ns->lock);
        ns->accepted++;
        if (!m || ns->queue_records >= ns->max_records || ns->queue_bytes + len > ns->max_bytes) {
                ns->dropped++;
                pthread_mutex_unlock(&ns->lock);
                free(m);
                return 0;
        }
        m->seq = ++ns->next_seq;
        if (ns->tail)
                ns->tail->next = m;
        else
                ns->head = m;
        ns->tail = m;
        ns->queue_records++;
        ns->queue_bytes += len;
        /* a wake-up (a futex call) only when the thread sleeps for want of records */
        if (ns->thread_idle)
                pthread_cond_signal(&ns->wake);
        pthread_mutex_unlock(&ns->lock);
        return 0;
}

void netsink_requeue(struct netsink *ns, const char *key, const char *body, size_t len,
                     uint64_t seq, uint32_t attempts)
{
        struct nmsg *m = nmsg_new(key, body, len);

        pthread_mutex_lock(&ns->lock);
        ns->inflight--;
        if (!m) {
                ns->dropped++;
                ns->errors++;
                pthread_mutex_unlock(&ns->lock);
                return;
        }
        /* Past the bounds if need be: it was accepted already. */
        m->seq = seq;
        m->attempts = attempts + 1;
        m->next = ns->head;
        ns->head = m;
        /*
         * The server did not take it: give it (a leader election, the link)
         * a moment, longer each time until an acknowledgement comes.
         */
        ns->hold_ns = ns->hold_ns ? ns->hold_ns * 2 : ns->backoff_min_ns;
        if (ns->hold_ns > ns->backoff_max_ns)
                ns->hold_ns = ns->backoff_max_ns;
        ns->hold_until_ns = netsink_now_ns() + ns->hold_ns;
        ns->errors++;
        if (!ns->tail)
                ns->tail = m;
        ns->queue_records++;
        ns->queue_bytes += len;
        pthread_cond_signal(&ns->wake);
        pthread_mutex_unlock(&ns->lock);
}

void netsink_acked(struct netsink *ns, size_t bytes)
{
        pthread_mutex_lock(&ns->lock);
        ns->inflight--;
        ns->delivered++;
        ns->delivered_bytes += bytes;
        ns->hold_ns = 0;
        pthread_cond_signal(&ns->wake);
        pthread_mutex_unlock(&ns->lock);
}

void netsink_lost(struct netsink *ns, uint64_t count)
{
        pthread_mutex_lock(&ns->lock);
        ns->inflight -= count;
        ns->dropped += count;
        pthread_cond_signal(&ns->wake);
        pthread_mutex_unlock(&ns->lock);
}

void netsink_count_error(struct netsink *ns)
{
        pthread_mutex_lock(&ns->lock);
        ns->errors++;
        pthread_mutex_unlock(&ns->lock);
}

void netsink_set_condition(struct netsink *ns, const char *why)
{
        pthread_mutex_lock(&ns->lock);
        snprintf(ns->condition, sizeof(ns->condition), "%s", why ? why : "");
        pthread_mutex_unlock(&ns->lock);
}

void netsink_stats(struct netsink *ns, struct pk_sink_stats *stats)
{
        pthread_mutex_lock(&ns->lock);
        stats->records = ns->delivered;
        stats->bytes = ns->delivered_bytes;
        stats->errors = ns->errors;
        stats->dropped = ns->dropped;
        stats->queued = ns->queue_records + ns->inflight;
        memcpy(ns->condition_out, ns->condition, sizeof(ns->condition_out));
        stats->condition = ns->condition_out[0] ? ns->condition_out : NULL;
        pthread_mutex_unlock(&ns->lock);
}

void netsink_sink_stats(void *state, struct pk_sink_stats *stats)
{
        netsink_stats(state, stats);
}

int netsink_sink_flush(void *state)
{
        (void)state;
        return 0;
}

/*
 * Waits until `until` (monotonic ns), or until a stop is asked for meanwhile
 * (once stopping, back-off waits go on: the deadline bounds them); the lock
 * is held.
 */
static void wait_until(struct netsink *ns, uint64_t until)
{
        struct timespec ts = {.tv_sec = (time_t)(until / 1000000000ULL),
                              .tv_nsec = (long)(until % 1000000000ULL)};
        bool was_stopping = ns->stopping;

        while (!(ns->stopping && !was_stopping) && netsink_now_ns() < until)
                if (pthread_cond_timedwait(&ns->wake, &ns->lock, &ts) == ETIMEDOUT)
                        break;
}

static bool out_of_time(struct netsink *ns)
{
        return ns->stopping && netsink_now_ns() >= ns->stop_deadline_ns;
}

/* The head of the queue, waiting for one; NULL when stopping and nothing is left. */
static struct nmsg *next_message(struct netsink *ns)
{
        struct nmsg *m;

        pthread_mutex_lock(&ns->lock);
        while (!ns->head && !ns->stopping) {
                ns->thread_idle = true;
                pthread_cond_wait(&ns->wake, &ns->lock);
                ns->thread_idle = false;
        }
        /* Stopping: acknowledgements still due may send records back here. */
        while (!ns->head && ns->inflight > 0 && !out_of_time(ns)) {
                struct timespec ts = {.tv_sec = (time_t)(ns->stop_deadline_ns / 1000000000ULL),
                                      .tv_nsec = (long)(ns->stop_deadline_ns % 1000000000ULL)};

                pthread_cond_timedwait(&ns->wake, &ns->lock, &ts);
        }
        m = out_of_time(ns) ? NULL : ns->head;
        pthread_mutex_unlock(&ns->lock);
        return m;
}

/*
 * Takes m (sent, or given up) off the queue, counting it as delivered, in
 * flight or dropped. m was the head when the sink thread took it, but an
 * acknowledgement handler may have put records back in front of it since.
 */
static void pop_message(struct netsink *ns, struct nmsg *m, bool delivered, bool inflight)
{
        struct nmsg **link, *prev = NULL;

        pthread_mutex_lock(&ns->lock);
        for (link = &ns->head; *link != m; link = &(*link)->next)
                prev = *link;
        *link = m->next;
        if (ns->tail == m)
                ns->tail = prev;
        ns->queue_records--;
        ns->queue_bytes -= m->len;
        if (inflight) {
                ns->inflight++;
        } else if (delivered) {
                ns->delivered++;
                ns->delivered_bytes += m->len;
        } else {
                ns->dropped++;
        }
        pthread_mutex_unlock(&ns->lock);
        free(m);
}

struct link_state {
        bool connected;
        bool down_logged; /* the current outage was logged */
        uint64_t backoff_ns;
        uint64_t failures; /* of the current outage */
};

static void backoff(struct netsink *ns, struct link_state *ls)
{
        uint64_t until = netsink_now_ns() + ls->backoff_ns;

        pthread_mutex_lock(&ns->lock);
        if (ns->stopping && until > ns->stop_deadline_ns)
                until = ns->stop_deadline_ns;
        wait_until(ns, until);
        pthread_mutex_unlock(&ns->lock);
        ls->backoff_ns *= 2;
        if (ls->backoff_ns > ns->backoff_max_ns)
                ls->backoff_ns = ns->backoff_max_ns;
}

static void link_down(struct netsink *ns, struct link_state *ls, const char *what, const char *why)
{
        char condition[sizeof(ns->condition)];

        snprintf(condition, sizeof(condition), "reconnecting: %s", why);
        pthread_mutex_lock(&ns->lock);
        ns->errors++;
        memcpy(ns->condition, condition, sizeof(ns->condition));
        pthread_mutex_unlock(&ns->lock);
        if (!ls->down_logged) {
                ns->host->log(ns->inst, PK_LOG_WARN,
                              "%s %s: %s; reconnecting with back-off, holding up to %" PRIu64
                              " records",
                              what, ns->peer, why, ns->max_records);
                ls->down_logged = true;
        }
        if (ls->connected)
                ns->transport->disconnect(ns->ctx);
        ls->connected = false;
        ls->failures++;
}

static void link_up(struct netsink *ns, struct link_state *ls)
{
        if (ls->down_logged)
                ns->host->log(ns->inst, PK_LOG_INFO,
                              "connected to %s again after %" PRIu64 " failed attempts", ns->peer,
                              ls->failures);
        netsink_set_condition(ns, NULL);
        ls->connected = true;
        ls->down_logged = false;
        ls->failures = 0;
        ls->backoff_ns = ns->backoff_min_ns;
}

static void send_one(struct netsink *ns, struct link_state *ls, struct nmsg *m)
{
        char why[200] = "";
        int rc;

        pthread_mutex_lock(&ns->lock);
        if (ns->hold_until_ns > netsink_now_ns()) {
                wait_until(ns, ns->hold_until_ns);
                pthread_mutex_unlock(&ns->lock);
                return; /* the head may have changed meanwhile */
        }
        pthread_mutex_unlock(&ns->lock);
        rc = ns->transport->send(ns->ctx, m, why, sizeof(why));

        if (rc == 0) {
                pop_message(ns, m, true, ns->transport->acked);
        } else if (rc == -EAGAIN) {
                pthread_mutex_lock(&ns->lock);
                wait_until(ns, netsink_now_ns() + 5 * NS_PER_MS);
                pthread_mutex_unlock(&ns->lock);
        } else if (rc == -EMSGSIZE) {
                netsink_count_error(ns);
                ns->host->log(ns->inst, PK_LOG_WARN, "record %" PRIu64 " dropped: %s", m->seq,
                              why[0] ? why : "too large to send");
                pop_message(ns, m, false, false);
        } else {
                link_down(ns, ls, "lost", why[0] ? why : strerror(-rc));
                backoff(ns, ls);
        }
}

static void *sink_thread(void *arg)
{
        struct netsink *ns = arg;
        struct link_state ls = {.backoff_ns = ns->backoff_min_ns};
        struct nmsg *m;

        ls.connected = false;
        for (;;) {
                if (!ls.connected) {
                        char why[200] = "";
                        int rc;

                        pthread_mutex_lock(&ns->lock);
                        rc = out_of_time(ns) || (ns->stopping && !ns->head);
                        pthread_mutex_unlock(&ns->lock);
                        if (rc)
                                break;
                        rc = ns->transport->connect(ns->ctx, why, sizeof(why));
                        if (rc) {
                                link_down(ns, &ls, "cannot reach", why[0] ? why : strerror(-rc));
                                backoff(ns, &ls);
                                continue;
                        }
                        link_up(ns, &ls);
                }
                m = next_message(ns);
                if (!m)
                        break;
                send_one(ns, &ls, m);
        }
        if (ns->transport->drain)
                ns->transport->drain(ns->ctx, ns->stop_deadline_ns);
        if (ls.connected)
                ns->transport->disconnect(ns->ctx);
        return NULL;
}

int netsink_start(struct netsink *ns)
{
        int rc = pthread_create(&ns->thread, NULL, sink_thread, ns);

        if (rc)
                return -rc;
        ns->thread_started = true;
        return 0;
}

void netsink_stop(struct netsink *ns)
{
        struct nmsg *m, *next;
        uint64_t left = 0;

        pthread_mutex_lock(&ns->lock);
        ns->stopping = true;
        ns->stop_deadline_ns = netsink_now_ns() + ns->close_timeout_ns;
        pthread_cond_broadcast(&ns->wake);
        pthread_mutex_unlock(&ns->lock);
        if (ns->thread_started)
                pthread_join(ns->thread, NULL);
        ns->thread_started = false;

        pthread_mutex_lock(&ns->lock);
        for (m = ns->head; m; m = next) {
                next = m->next;
                free(m);
                left++;
        }
        ns->head = ns->tail = NULL;
        ns->dropped += left + ns->inflight; /* the transport's drain gave up on these */
        ns->queue_records = ns->queue_bytes = ns->inflight = 0;
        pthread_mutex_unlock(&ns->lock);
        ns->host->log(ns->inst, ns->dropped ? PK_LOG_WARN : PK_LOG_INFO,
                      "%s: %" PRIu64 " records accepted, %" PRIu64 " delivered (%" PRIu64
                      " bytes), %" PRIu64 " dropped, %" PRIu64 " errors",
                      ns->peer, ns->accepted, ns->delivered, ns->delivered_bytes, ns->dropped,
                      ns->errors);
}

void netsink_free(struct netsink *ns)
{
        msgbuf_free(&ns->scratch);
        pthread_cond_destroy(&ns->wake);
        pthread_mutex_destroy(&ns->lock);
}
