/* SPDX-License-Identifier: MIT */
/*
 * The network sinks' bounded queue and sink thread (netsink.c) with a
 * transport the test controls: a full queue drops and counts at once, an
 * unreachable server is a condition (not a failure) and queued records go
 * out once it answers, acknowledged delivery counts on the acknowledgement,
 * a record sent back is sent again with its sequence number, and
 * delivered + dropped + queued == accepted whenever the test looks.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../unit/unit_check.h"
#include "netsink.h"

static int64_t opt_queue_size = 4;

static void fake_log(struct pk_instance *inst, enum pk_log_level level, const char *fmt, ...)
{
        va_list ap;

        (void)inst;
        (void)level;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
}

static int64_t fake_opt_int(struct pk_instance *inst, const char *key)
{
        (void)inst;
        if (strcmp(key, "queue_size") == 0)
                return opt_queue_size;
        if (strcmp(key, "queue_bytes") == 0)
                return 1 << 20;
        if (strcmp(key, "close_timeout_ms") == 0)
                return 500;
        return 5; /* reconnect_min_ms, reconnect_max_ms */
}

static const struct pk_host host = {.log = fake_log, .opt_int = fake_opt_int};

static atomic_bool server_up;
static atomic_int sends;
static uint64_t sent_seq[64];

static int fake_connect(void *ctx, char *why, size_t why_size)
{
        (void)ctx;
        if (atomic_load(&server_up))
                return 0;
        snprintf(why, why_size, "connection refused");
        return -ECONNREFUSED;
}

static int fake_send(void *ctx, const struct nmsg *m, char *why, size_t why_size)
{
        int n = atomic_fetch_add(&sends, 1);

        (void)ctx;
        (void)why;
        (void)why_size;
        if (n < 64)
                sent_seq[n] = m->seq;
        return 0;
}

static void fake_disconnect(void *ctx)
{
        (void)ctx;
}

static const struct netsink_transport plain = {
    .connect = fake_connect, .send = fake_send, .disconnect = fake_disconnect};
static const struct netsink_transport acked = {
    .connect = fake_connect, .send = fake_send, .disconnect = fake_disconnect, .acked = true};

static struct pk_sink_stats stats_of(struct netsink *ns)
{
        struct pk_sink_stats st;

        netsink_stats(ns, &st);
        return st;
}

/* Waits (at most 5 s) until `sends` reaches n. */
static void wait_sends(int n)
{
        struct timespec pause = {.tv_nsec = 1000000};

        for (int i = 0; i < 5000 && atomic_load(&sends) < n; i++)
                nanosleep(&pause, NULL);
}

/* Waits (at most 5 s) until the sink shows a condition. */
static struct pk_sink_stats wait_condition(struct netsink *ns)
{
        struct timespec pause = {.tv_nsec = 1000000};
        struct pk_sink_stats st = stats_of(ns);

        for (int i = 0; i < 5000 && !st.condition; i++, st = stats_of(ns))
                nanosleep(&pause, NULL);
        return st;
}

/* Waits (at most 5 s) until the sink's counters say `records` delivered. */
static struct pk_sink_stats wait_records(struct netsink *ns, uint64_t records)
{
        struct timespec pause = {.tv_nsec = 1000000};
        struct pk_sink_stats st = stats_of(ns);

        for (int i = 0; i < 5000 && st.records < records; i++, st = stats_of(ns))
                nanosleep(&pause, NULL);
        return st;
}

static void test_queue_while_down(void)
{
        struct netsink ns = {0};
        struct pk_sink_stats st;

        atomic_store(&server_up, false);
        netsink_init(&ns, &host, NULL, &plain, NULL);
        EXPECT_INT(0, netsink_start(&ns));
        for (int i = 0; i < 10; i++)
                EXPECT_INT(0, netsink_push(&ns, NULL, "message", 7));
        st = wait_condition(&ns);
        EXPECT_INT(0, st.records);
        EXPECT_INT(6, st.dropped); /* queue_size 4: the other 6 at once */
        EXPECT_INT(4, st.queued);
        EXPECT(st.condition && strstr(st.condition, "reconnecting: connection refused"));

        atomic_store(&server_up, true);
        st = wait_records(&ns, 4);
        EXPECT_INT(4, st.records);
        EXPECT_INT(28, st.bytes);
        EXPECT_INT(0, st.queued);
        EXPECT_STR(NULL, st.condition);
        EXPECT_INT(10, st.records + st.dropped + st.queued);
        EXPECT(st.errors >= 1);
        netsink_stop(&ns);
        netsink_free(&ns);
}

static void test_acknowledged(void)
{
        struct netsink ns = {0};
        struct pk_sink_stats st;

        opt_queue_size = 100;
        atomic_store(&server_up, true);
        atomic_store(&sends, 0);
        netsink_init(&ns, &host, NULL, &acked, NULL);
        EXPECT_INT(0, netsink_start(&ns));
        for (int i = 0; i < 3; i++)
                netsink_push(&ns, "subject", "data", 4);
        wait_sends(3);
        st = stats_of(&ns);
        EXPECT_INT(3, atomic_load(&sends));
        EXPECT_INT(0, st.records); /* sent, not acknowledged yet */
        EXPECT_INT(3, st.queued);

        netsink_requeue(&ns, "subject", "data", 4, 2, 0); /* record 2: no ack */
        netsink_acked(&ns, 4);
        netsink_acked(&ns, 4);
        wait_sends(4);
        EXPECT_INT(4, atomic_load(&sends));
        EXPECT_INT(2, sent_seq[3]); /* sent again with its own sequence number */
        st = wait_records(&ns, 2);
        EXPECT_INT(2, st.records);
        EXPECT_INT(1, st.queued);
        netsink_acked(&ns, 4);
        st = wait_records(&ns, 3);
        EXPECT_INT(3, st.records);
        EXPECT_INT(0, st.queued + st.dropped);
        netsink_stop(&ns);
        netsink_free(&ns);
}

int main(void)
{
        test_queue_while_down();
        test_acknowledged();
        return unit_finish();
}
