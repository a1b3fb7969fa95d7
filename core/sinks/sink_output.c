/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L

#include "sink_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output_file.h"

#define BACKOFF_FIRST_NS (100ULL * 1000000ULL)
#define BACKOFF_MAX_NS   (5000ULL * 1000000ULL)
#define LOG_INTERVAL_NS  (SINK_OUTPUT_LOG_INTERVAL_S * 1000000000ULL)

static uint64_t now_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static const char *shown_path(const struct sink_output *so)
{
        return so->path ? so->path : "standard output";
}

/* truncate = true, or the older append = false, empties the file at start. */
static bool wants_truncate(const struct pk_host *host, struct pk_instance *inst)
{
        if (host->opt_is_set(inst, "truncate"))
                return host->opt_bool(inst, "truncate");
        return host->opt_is_set(inst, "append") && !host->opt_bool(inst, "append");
}

static const char *open_error_text(int err)
{
        if (err == -EBUSY)
                return "the file is locked by another process (another probekit writing to it?)";
        return strerror(-err);
}

static bool wait_for_readers;

void sink_output_wait_for_readers(void)
{
        wait_for_readers = true;
}

/* A pipe, FIFO, socket or terminal: never wait for its reader (outbuf.h). */
static void pace_by_reader(struct sink_output *so)
{
        int err = wait_for_readers ? 0 : outbuf_pace_by_reader(&so->ob);

        if (err)
                so->host->log(so->inst, PK_LOG_WARN,
                              "%s: no non-blocking descriptor for it (%s): a reader that stops "
                              "reading will hold up probekit",
                              shown_path(so), strerror(-err));
}

int sink_output_open(const struct pk_host *host, struct pk_instance *inst, size_t state_size,
                     void **state)
{
        const char *path = host->opt_string(inst, "output");
        struct sink_output *so = calloc(1, state_size);
        int err = -ENOMEM;

        if (!so)
                return -ENOMEM;
        so->host = host;
        so->inst = inst;
        if (!output_is_stdout(path)) {
                so->path = strdup(path);
                if (!so->path)
                        goto cleanup;
        }
        if (so->path) {
                bool regular;
                int fd = output_file_open(so->path, wants_truncate(host, inst), &regular);

                struct stat st;

                err = fd < 0 ? fd : outbuf_init(&so->ob, fd, true);
                if (err && fd >= 0)
                        close(fd);
                so->fresh = !err && (fstat(fd, &st) || !regular || st.st_size == 0);
        } else {
                err = outbuf_init(&so->ob, STDOUT_FILENO, false);
                so->fresh = true;
        }
        if (err) {
                host->log(inst, PK_LOG_ERROR, "cannot open output %s: %s", shown_path(so),
                          open_error_text(err));
                goto cleanup;
        }
        pace_by_reader(so);
        *state = so;
        return 0;
cleanup:
        free(so->path);
        free(so);
        return err;
}

/* The output failed with err: drop what is buffered, refuse records for a while. */
static void fail(struct sink_output *so, int err)
{
        uint64_t now = now_ns();

        outbuf_discard(&so->ob);
        so->failing = err;
        snprintf(so->condition, sizeof(so->condition), "%s: %s%s", shown_path(so), strerror(-err),
                 err == -EPIPE ? "" : "; retrying");
        if (err == -EPIPE) {
                so->retry_at_ns = UINT64_MAX;
                if (!so->trouble_since_ns)
                        so->host->log(so->inst, PK_LOG_ERROR,
                                      "%s: the reader is gone (EPIPE): ending the run",
                                      shown_path(so));
                so->trouble_since_ns = so->trouble_since_ns ? so->trouble_since_ns : now;
                return;
        }
        if (!so->trouble_since_ns) {
                so->trouble_since_ns = now;
                so->last_log_ns = now;
                so->backoff_ns = BACKOFF_FIRST_NS;
                so->refused = 0;
                /* outbuf_discard() above counted this failure's records already */
                so->dropped_at_trouble = so->ob.dropped;
                so->host->log(so->inst, PK_LOG_ERROR,
                              "%s: %s: records are dropped (and counted) until it works again; "
                              "retrying",
                              shown_path(so), strerror(-err));
        } else {
                so->backoff_ns =
                    so->backoff_ns * 2 > BACKOFF_MAX_NS ? BACKOFF_MAX_NS : so->backoff_ns * 2;
                if (now - so->last_log_ns >= LOG_INTERVAL_NS) {
                        so->last_log_ns = now;
                        so->host->log(
                            so->inst, PK_LOG_WARN,
                            "%s: still failing (%s) after %llus; %llu records dropped "
                            "so far",
                            shown_path(so), strerror(-err),
                            (unsigned long long)((now - so->trouble_since_ns) / 1000000000ULL),
                            (unsigned long long)(so->ob.dropped - so->dropped_at_trouble +
                                                 so->refused));
                }
        }
        so->retry_at_ns = now + so->backoff_ns;
}

/* A write went through: the trouble, if any, is over. */
static void recovered(struct sink_output *so)
{
        uint64_t now = now_ns();

        if (!so->trouble_since_ns)
                return;
        so->host->log(so->inst, PK_LOG_INFO,
                      "%s: writing again after %.1fs; %llu records dropped meanwhile",
                      shown_path(so), (double)(now - so->trouble_since_ns) / 1e9,
                      (unsigned long long)(so->ob.dropped - so->dropped_at_trouble + so->refused));
        so->trouble_since_ns = 0;
}

/* Whether the path still names the file we write (not renamed or removed). */
static bool same_file(const struct sink_output *so)
{
        struct stat at_path, open_now;

        return so->ob.fd >= 0 && fstat(so->ob.fd, &open_now) == 0 &&
               stat(so->path, &at_path) == 0 && at_path.st_dev == open_now.st_dev &&
               at_path.st_ino == open_now.st_ino;
}

/*
 * Opens the output file again when the path names another file now (a
 * rename rotation); the same file is kept (we hold its lock; O_APPEND
 * follows a copytruncate). Standard output is just tried again.
 */
static int reopen_output(struct sink_output *so)
{
        bool regular;
        int fd;

        if (!so->path || same_file(so))
                return 0;
        fd = output_file_open(so->path, false, &regular);
        if (fd < 0)
                return fd;
        outbuf_set_fd(&so->ob, fd, true);
        pace_by_reader(so);
        return 0;
}

/* While failing: 0 when it is time to try again and the reopen worked. */
static int try_again(struct sink_output *so)
{
        int err;

        if (so->failing == -EPIPE || now_ns() < so->retry_at_ns)
                return so->failing;
        err = reopen_output(so);
        if (err) {
                fail(so, err);
                return err;
        }
        so->failing = 0;
        return 0;
}

/*
 * The reader of a paced output is more than the queue's limit behind: new
 * records are refused (counted by the host) until half of that is taken.
 * Logged when it begins, then at most once per SINK_OUTPUT_LOG_INTERVAL_S;
 * sink_output_flush() logs the end once the reader has taken everything.
 */
static int reader_behind(struct sink_output *so)
{
        const struct output_queue *q = &so->ob.queue;
        uint64_t now;

        if (!so->refusing_for_reader) {
                if (!outbuf_reader_behind(&so->ob))
                        return 0;
                so->refusing_for_reader = true;
        } else if (q->len <= q->limit / 2) {
                so->refusing_for_reader = false;
                return 0;
        }
        so->behind_refused++;
        now = now_ns();
        if (!so->behind_since_ns) {
                so->behind_since_ns = now;
                so->behind_logged_ns = now;
                so->host->log(so->inst, PK_LOG_WARN,
                              "%s: the reader is %zu bytes behind: records are dropped (and "
                              "counted) until it catches up",
                              shown_path(so), q->len);
        } else if (now - so->behind_logged_ns >= LOG_INTERVAL_NS) {
                so->behind_logged_ns = now;
                so->host->log(so->inst, PK_LOG_WARN,
                              "%s: the reader is still behind after %llus; %llu records dropped "
                              "so far",
                              shown_path(so),
                              (unsigned long long)((now - so->behind_since_ns) / 1000000000ULL),
                              (unsigned long long)so->behind_refused);
        }
        return -ENOBUFS;
}

/* The reader has taken everything that waited: the slow spell, if any, is over. */
static void reader_caught_up(struct sink_output *so)
{
        if (!so->behind_since_ns || so->ob.queue.len)
                return;
        so->host->log(so->inst, PK_LOG_INFO,
                      "%s: the reader caught up after %.1fs; %llu records dropped meanwhile",
                      shown_path(so), (double)(now_ns() - so->behind_since_ns) / 1e9,
                      (unsigned long long)so->behind_refused);
        so->behind_since_ns = 0;
        so->behind_refused = 0;
        so->refusing_for_reader = false;
}

int sink_output_begin_record(struct sink_output *so)
{
        int err;

        if (!so->failing)
                return so->ob.paced ? reader_behind(so) : 0;
        err = try_again(so);
        if (err)
                so->refused++;
        return err;
}

int sink_output_end_record(struct sink_output *so)
{
        int err = outbuf_take_error(&so->ob);

        if (err) {
                /* a write out of the records before this one failed: this one is refused too */
                outbuf_cancel_record(&so->ob);
                fail(so, err);
                so->refused++;
                return err;
        }
        outbuf_end_record(&so->ob);
        return 0;
}

int sink_output_flush(void *state)
{
        struct sink_output *so = state;
        uint64_t written = so->ob.records;
        int err;

        if (so->failing) {
                err = try_again(so);
                if (err)
                        return err == -EPIPE ? err : 0;
        }
        err = outbuf_flush(&so->ob);
        if (err) {
                fail(so, err);
                return err;
        }
        if (so->ob.records > written)
                recovered(so);
        if (so->ob.paced)
                reader_caught_up(so);
        return 0;
}

int sink_output_reopen(void *state)
{
        struct sink_output *so = state;
        int err;

        if (!so->path)
                return sink_output_flush(so);
        /* what was written before the rotation goes to the old file */
        sink_output_flush(so);
        if (so->failing == -EPIPE)
                return -EPIPE;
        err = reopen_output(so);
        if (err) {
                so->host->log(so->inst, PK_LOG_ERROR, "reopening %s: %s", so->path,
                              open_error_text(err));
                fail(so, err);
                return err;
        }
        so->failing = 0;
        return 0;
}

void sink_output_stats(void *state, struct pk_sink_stats *stats)
{
        struct sink_output *so = state;

        uint64_t waiting = outbuf_records_waiting(&so->ob);

        stats->records = so->ob.records - waiting;
        stats->bytes = so->ob.bytes - (so->ob.paced ? so->ob.queue.len : 0);
        stats->errors = so->ob.errors;
        stats->dropped = so->ob.dropped;
        stats->queued = so->ob.queued + waiting;
        /* a failure stays the condition until a write works again, not just a reopen */
        stats->condition = so->trouble_since_ns ? so->condition : NULL;
        if (!stats->condition && so->refusing_for_reader) {
                snprintf(so->behind, sizeof(so->behind),
                         "%s: the reader is behind (%zu bytes wait); records are dropped",
                         shown_path(so), so->ob.queue.len);
                stats->condition = so->behind;
        }
}

void sink_output_close(void *state)
{
        struct sink_output *so = state;

        if (!so)
                return;
        /* close() cannot report: the host has flushed just before and seen any error. */
        outbuf_close(&so->ob);
        free(so->path);
        free(so);
}

int sink_output_validate(const struct pk_host *host, struct pk_instance *inst)
{
        const char *path = host->opt_string(inst, "output");
        char why[512];

        if (!output_file_check(path, why, sizeof(why)))
                return 0;
        if (host->struct_size > offsetof(struct pk_host, option_error) && host->option_error)
                host->option_error(inst, "output", "%s", why);
        else
                host->log(inst, PK_LOG_ERROR, "output: %s", why);
        return -EINVAL;
}
