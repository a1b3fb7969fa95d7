/* SPDX-License-Identifier: MIT */
/* Where the sinks write: files, appending, large writes, errors reported. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "builtin_sinks.h"
#include "check.h"
#include "expect_output.h"
#include "fake_host.h"
#include "outbuf.h"

static const struct pk_record simple = {.probe = "p", .event = "e", .ts_ns = 5};
#define SIMPLE_JSON "{\"ts\":5,\"probe\":\"p\",\"event\":\"e\"," JSON_NO_HEADER "}\n"

static void test_truncate(void)
{
        static const struct fake_option truncate[] = {{"truncate", "true"}, {NULL, NULL}};
        char *path = fake_temp_path();
        struct fake_output out = {0};
        FILE *file;

        if (!CHECK(path != NULL))
                return;
        file = fopen(path, "w");
        if (CHECK(file != NULL)) {
                fputs("old content\n", file);
                fclose(file);
        }
        CHECK_INT_EQ(0, fake_sink_run(&pk_json_sink_plugin, truncate, path, &simple, 1, &out));
        CHECK_BYTES_EQ(SIMPLE_JSON, out.data, out.len);
        free(out.data);
        unlink(path);
        free(path);
}

/* Appending is the default: a restart or a copytruncate rotation keeps what is there. */
static void test_appends_by_default(void)
{
        char *path = fake_temp_path();
        struct fake_output out = {0};

        if (!CHECK(path != NULL))
                return;
        CHECK_INT_EQ(0, fake_sink_run(&pk_json_sink_plugin, NULL, path, &simple, 1, &out));
        free(out.data);
        CHECK_INT_EQ(0, fake_sink_run(&pk_json_sink_plugin, NULL, path, &simple, 1, &out));
        CHECK_BYTES_EQ(SIMPLE_JSON SIMPLE_JSON, out.data, out.len);
        free(out.data);
        unlink(path);
        free(path);
}

/* A restart appending to the text sink's file does not repeat the header in the middle. */
static void test_text_header_once(void)
{
        char *path = fake_temp_path();
        struct fake_output out = {0};
        size_t headers = 0;

        if (!CHECK(path != NULL))
                return;
        CHECK_INT_EQ(0, fake_sink_run(&pk_text_sink_plugin, NULL, path, &simple, 1, &out));
        free(out.data);
        CHECK_INT_EQ(0, fake_sink_run(&pk_text_sink_plugin, NULL, path, &simple, 1, &out));
        for (const char *p = out.data; p && (p = strstr(p, "DETAILS")); p++)
                headers++;
        CHECK_INT_EQ(1, headers);
        CHECK(out.data && strncmp(out.data, "TIME", 4) == 0);
        free(out.data);
        unlink(path);
        free(path);
}

static void test_open_failure(void)
{
        struct fake_output out = {0};

        CHECK_INT_EQ(-ENOENT, fake_sink_run(&pk_text_sink_plugin, NULL, "/nonexistent/dir/out",
                                            &simple, 1, &out));
        CHECK(out.data == NULL);
}

/* /dev/full fails every write with ENOSPC: flush must say so, once. */
static void test_write_error_reported(void)
{
        struct outbuf ob;

        if (access("/dev/full", W_OK) != 0)
                return;
        CHECK_INT_EQ(0, outbuf_open(&ob, "/dev/full", false));
        outbuf_literal(&ob, "lost");
        outbuf_end_record(&ob);
        CHECK_INT_EQ(-ENOSPC, outbuf_flush(&ob));
        CHECK_INT_EQ(1, ob.dropped);
        CHECK_INT_EQ(1, ob.errors);
        CHECK_INT_EQ(0, ob.records);
        CHECK_INT_EQ(0, outbuf_flush(&ob));
        CHECK_INT_EQ(0, outbuf_close(&ob));
}

/* Reads the pipe slowly to its end; exits 0 when it got exactly `expected` bytes. */
static void slow_reader(int fd, size_t expected)
{
        const struct timespec pause = {.tv_nsec = 20 * 1000 * 1000};
        static char chunk[64 * 1024];
        size_t total = 0;
        ssize_t got;

        nanosleep(&pause, NULL); /* let the writer fill the pipe first */
        while ((got = read(fd, chunk, sizeof(chunk))) > 0)
                total += (size_t)got;
        _exit(total == expected ? 0 : 1);
}

/* A non-blocking standard output (inherited that way) must not lose output. */
static void test_nonblocking_stdout(void)
{
        const size_t total = 2 * OUTBUF_SIZE;
        int fds[2], saved_stdout = dup(STDOUT_FILENO), status = -1;
        struct outbuf ob;
        pid_t child;

        if (!CHECK(saved_stdout >= 0 && pipe(fds) == 0))
                return;
        child = fork();
        if (child == 0) {
                close(fds[1]);
                slow_reader(fds[0], total);
        }
        close(fds[0]);
        if (!CHECK(child > 0))
                goto cleanup;
        fflush(stdout);
        dup2(fds[1], STDOUT_FILENO);
        fcntl(STDOUT_FILENO, F_SETFL, fcntl(STDOUT_FILENO, F_GETFL) | O_NONBLOCK);
        CHECK_INT_EQ(0, outbuf_open(&ob, "-", false));
        for (size_t i = 0; i < total; i++)
                outbuf_putc(&ob, 'x');
        outbuf_end_record(&ob);
        CHECK_INT_EQ(0, outbuf_close(&ob));
        dup2(saved_stdout, STDOUT_FILENO);
        close(fds[1]); /* the reader sees the end */
        fds[1] = -1;
        CHECK(waitpid(child, &status, 0) == child);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
cleanup:
        dup2(saved_stdout, STDOUT_FILENO);
        close(saved_stdout);
        if (fds[1] >= 0)
                close(fds[1]);
}

/* Small pieces, a reserve across the end of the buffer, and one write larger than it. */
static void test_outbuf_large_output(void)
{
        const size_t big = 3 * OUTBUF_SIZE / 2;
        char *path = fake_temp_path();
        char *data = malloc(big);
        struct fake_output out = {0};
        struct outbuf ob;
        size_t expected_len = 0;

        if (!CHECK(path && data))
                goto cleanup;
        for (size_t i = 0; i < big; i++)
                data[i] = (char)('A' + i % 26);
        CHECK_INT_EQ(0, outbuf_open(&ob, path, false));
        for (size_t i = 0; i < OUTBUF_SIZE - 2; i++)
                outbuf_putc(&ob, (char)('a' + i % 26));
        expected_len += OUTBUF_SIZE - 2;
        char *p = outbuf_reserve(&ob, 4);
        memcpy(p, "1234", 4);
        outbuf_commit(&ob, p + 4);
        expected_len += 4;
        outbuf_write(&ob, data, big);
        expected_len += big;
        outbuf_end_record(&ob);
        CHECK_INT_EQ(0, outbuf_close(&ob));

        CHECK_INT_EQ(0, fake_read_file(path, &out));
        CHECK_INT_EQ(expected_len, out.len);
        if (out.len == expected_len) {
                CHECK(out.data[OUTBUF_SIZE - 3] == 'a' + (OUTBUF_SIZE - 3) % 26);
                CHECK_BYTES_EQ("1234", out.data + OUTBUF_SIZE - 2, 4);
                CHECK(memcmp(out.data + OUTBUF_SIZE + 2, data, big) == 0);
        }
        unlink(path);
cleanup:
        free(out.data);
        free(data);
        free(path);
}

static void test_options_are_declared(void)
{
        const struct pk_plugin *plugins[] = {&pk_text_sink_plugin, &pk_json_sink_plugin};

        for (size_t i = 0; i < PK_COUNT(plugins); i++) {
                const struct pk_plugin *plugin = plugins[i];
                bool has_output = false;

                CHECK_INT_EQ(PK_KIND_SINK, plugin->kind);
                CHECK_INT_EQ(sizeof(struct pk_plugin), plugin->struct_size);
                CHECK(plugin->sink && plugin->sink->open && plugin->sink->write &&
                      plugin->sink->flush && plugin->sink->close);
                for (uint32_t j = 0; j < plugin->n_options; j++) {
                        CHECK(plugin->options[j].help != NULL);
                        has_output |= strcmp(plugin->options[j].key, "output") == 0;
                }
                CHECK(has_output);
        }
        CHECK_STR_EQ("text", pk_text_sink_plugin.name);
        CHECK_STR_EQ("json", pk_json_sink_plugin.name);
}

int main(void)
{
        test_truncate();
        test_appends_by_default();
        test_text_header_once();
        test_open_failure();
        test_write_error_reported();
        test_outbuf_large_output();
        test_nonblocking_stdout();
        test_options_are_declared();
        return check_exit_code("test_sink_output");
}
