/* SPDX-License-Identifier: MIT */
/*
 * The queue in front of a reader that sets the pace: writes never wait, the
 * bytes arrive whole and in order once the reader reads, the records still
 * waiting are counted exactly, a paced outbuf leaves the caller's
 * descriptor blocking, and a reader that is gone is EPIPE.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "outbuf.h"
#include "output_queue.h"

#define LINES     50000
#define LINE_SIZE 32 /* "line 0000000 ...\n" padded: 32 bytes each */

static void make_line(char *out, unsigned i)
{
        snprintf(out, LINE_SIZE + 1, "line %07u %*s\n", i, LINE_SIZE - 14, "x");
}

/* Reads everything the pipe holds now, without waiting, appending to *got. */
static void read_available(int fd, char *got, size_t *got_len, size_t cap)
{
        ssize_t n;

        while (*got_len < cap && (n = read(fd, got + *got_len, cap - *got_len)) > 0)
                *got_len += (size_t)n;
}

static void test_queue_never_waits_and_keeps_order(void)
{
        const size_t total = (size_t)LINES * LINE_SIZE;
        char *got = malloc(total + 7), line[LINE_SIZE + 1];
        size_t got_len = 0;
        struct output_queue q;
        bool socket = true;
        int fds[2], fd;

        if (!CHECK(got && pipe(fds) == 0))
                goto cleanup_got;
        fd = output_queue_open_fd(fds[1], &socket);
        CHECK(fd >= 0 && fd != fds[1]);
        CHECK(!socket);
        CHECK_INT_EQ(0, fcntl(fds[1], F_GETFL) & O_NONBLOCK); /* the caller's stays blocking */
        fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
        output_queue_init(&q, fd, socket, 256 * 1024);

        /* 1.6 MB into a 64 KiB pipe nobody reads yet: every write returns at once */
        CHECK_INT_EQ(0, output_queue_write(&q, "header\n", 7, 1));
        for (unsigned i = 0; i < LINES; i++) {
                make_line(line, i);
                if (!CHECK_INT_EQ(0, output_queue_write(&q, line, LINE_SIZE, 0)))
                        break;
        }
        CHECK(q.len > 0);
        CHECK(output_queue_full(&q));
        /*
         * The pipe took the header and 64 KiB of lines, maybe ending inside one;
         * the lines that end in what waits are the records still counted.
         */
        CHECK_INT_EQ(0, q.text_waiting);
        CHECK_INT_EQ((q.len + LINE_SIZE - 1) / LINE_SIZE, output_queue_records(&q));

        /* the reader reads: flushes move the rest, in order, with nothing lost */
        while (q.len > 0) {
                read_available(fds[0], got, &got_len, total + 7);
                if (!CHECK_INT_EQ(0, output_queue_flush(&q)))
                        break;
        }
        read_available(fds[0], got, &got_len, total + 7);
        CHECK_INT_EQ(0, output_queue_records(&q));
        CHECK_INT_EQ(total + 7, got_len);
        if (got_len == total + 7) {
                CHECK_BYTES_EQ("header\n", got, 7);
                for (unsigned i = 0; i < LINES; i += 997) {
                        make_line(line, i);
                        CHECK_BYTES_EQ_LEN(line, LINE_SIZE, got + 7 + (size_t)i * LINE_SIZE,
                                           LINE_SIZE);
                }
        }

        /* the reader goes away: EPIPE, and what waited is discarded and counted */
        CHECK_INT_EQ(0, output_queue_write(&q, line, LINE_SIZE, 0));
        close(fds[0]);
        CHECK_INT_EQ(-EPIPE, output_queue_write(&q, line, LINE_SIZE, 0));
        CHECK_INT_EQ(0, output_queue_discard(&q));
        output_queue_free(&q);
        close(fd);
        close(fds[1]);
cleanup_got:
        free(got);
}

/* A paced outbuf: records out of a full pipe wait in the queue, counted, never lost. */
static void test_paced_outbuf_counts(void)
{
        int fds[2], saved_stdout = dup(STDOUT_FILENO);
        char line[LINE_SIZE + 1], sink[64 * 1024];
        struct outbuf ob;
        uint64_t taken = 0;
        ssize_t n;

        if (!CHECK(saved_stdout >= 0 && pipe(fds) == 0))
                return;
        fflush(stdout);
        dup2(fds[1], STDOUT_FILENO);
        CHECK_INT_EQ(0, outbuf_init(&ob, STDOUT_FILENO, false));
        CHECK_INT_EQ(0, outbuf_pace_by_reader(&ob));
        CHECK(ob.paced && ob.fd != STDOUT_FILENO && ob.owns_fd);
        CHECK_INT_EQ(0, fcntl(STDOUT_FILENO, F_GETFL) & O_NONBLOCK);
        for (unsigned i = 0; i < 20000; i++) {
                make_line(line, i);
                outbuf_write(&ob, line, LINE_SIZE);
                outbuf_end_record(&ob);
        }
        CHECK_INT_EQ(0, outbuf_flush(&ob));
        CHECK(outbuf_records_waiting(&ob) > 0);
        CHECK_INT_EQ(20000, ob.records); /* all handed over: written or waiting */
        fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
        while (outbuf_records_waiting(&ob) > 0) {
                while ((n = read(fds[0], sink, sizeof(sink))) > 0)
                        taken += (uint64_t)n;
                if (!CHECK_INT_EQ(0, outbuf_flush(&ob)))
                        break;
        }
        while ((n = read(fds[0], sink, sizeof(sink))) > 0)
                taken += (uint64_t)n;
        CHECK_INT_EQ(20000ULL * LINE_SIZE, taken);
        CHECK_INT_EQ(20000ULL * LINE_SIZE, ob.bytes);
        CHECK_INT_EQ(0, ob.dropped);

        /* a record waiting when the reader is gone is dropped, counted */
        outbuf_write(&ob, line, LINE_SIZE);
        outbuf_end_record(&ob);
        close(fds[0]);
        CHECK_INT_EQ(-EPIPE, outbuf_flush(&ob));
        CHECK_INT_EQ(1, ob.dropped);
        CHECK_INT_EQ(20000ULL * LINE_SIZE, ob.bytes); /* the lost record's bytes are not counted */
        CHECK_INT_EQ(0, outbuf_close(&ob));
        dup2(saved_stdout, STDOUT_FILENO);
        close(saved_stdout);
        close(fds[1]);
}

/* A regular file is not paced: it is written as before. */
static void test_regular_file_not_paced(void)
{
        FILE *tmp = tmpfile();
        struct outbuf ob;

        if (!CHECK(tmp))
                return;
        CHECK_INT_EQ(0, outbuf_init(&ob, fileno(tmp), false));
        CHECK_INT_EQ(0, outbuf_pace_by_reader(&ob));
        CHECK(!ob.paced && ob.fd == fileno(tmp));
        CHECK_INT_EQ(0, outbuf_close(&ob));
        fclose(tmp);
}

int main(void)
{
        signal(SIGPIPE, SIG_IGN);
        test_queue_never_waits_and_keeps_order();
        test_paced_outbuf_counts();
        test_regular_file_not_paced();
        return check_exit_code("test_output_queue");
}
