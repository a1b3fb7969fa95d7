// SPDX-License-Identifier: MIT
#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crc32c.h"

static uint64_t realtime_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Standard output may be non-blocking (shared with a shell): wait rather than lose bytes. */
static int write_all(int fd, const unsigned char *data, size_t n)
{
        while (n > 0) {
                ssize_t done = write(fd, data, n);

                if (done < 0) {
                        struct pollfd pfd = {.fd = fd, .events = POLLOUT};

                        if (errno == EINTR)
                                continue;
                        if (errno != EAGAIN && errno != EWOULDBLOCK)
                                return -errno;
                        if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
                                return -errno;
                        continue;
                }
                data += done;
                n -= (size_t)done;
        }
        return 0;
}

/* Write out the buffer (whole blocks only: the open block is closed first by callers). */
static void drain(struct capture_writer *w)
{
        int rc;

        if (!w->len)
                return;
        rc = write_all(w->fd, w->buf, w->len);
        if (rc && !w->error)
                w->error = rc;
        if (!rc)
                w->bytes += w->len;
        w->len = 0;
}

/* Fill in a block header at `start` for the payload that follows it in buf; pad. */
static void seal_block(struct capture_writer *w, size_t start, enum capture_block_type type)
{
        struct capture_block_header h = {.sync = CAPTURE_BLOCK_SYNC, .type = (uint16_t)type};
        size_t payload_len = w->len - start - CAPTURE_BLOCK_HEADER_SIZE;
        uint32_t crc;

        h.length = (uint32_t)payload_len;
        crc = crc32c(0, (const unsigned char *)&h + 4, 8);
        h.crc = crc32c(crc, w->buf + start + CAPTURE_BLOCK_HEADER_SIZE, payload_len);
        memcpy(w->buf + start, &h, sizeof(h));
        /* SAMPLES payloads are multiples of 8 already; others are padded here */
        while (w->len % CAPTURE_ALIGN)
                w->buf[w->len++] = 0;
        w->blocks++;
}

static void close_samples(struct capture_writer *w)
{
        unsigned char *count_at;

        if (w->block_start == SIZE_MAX)
                return;
        count_at = w->buf + w->block_start + CAPTURE_BLOCK_HEADER_SIZE + 4;
        memcpy(count_at, &w->block_count, 4);
        seal_block(w, w->block_start, CAPTURE_BLOCK_SAMPLES);
        w->block_start = SIZE_MAX;
}

void capture_writer_start_samples(struct capture_writer *w, uint32_t instance, uint32_t size)
{
        size_t need = CAPTURE_BLOCK_HEADER_SIZE + 8 + CAPTURE_SAMPLE_PREFIX + capture_padded(size);
        unsigned char *p;

        close_samples(w);
        if (CAPTURE_WRITER_BUFFER - w->len < need)
                drain(w);
        /* a sample larger than the buffer cannot happen: ring samples are < 1 MiB here */
        w->block_start = w->len;
        w->block_instance = instance;
        w->block_count = 0;
        w->have_prev = false; /* every block decodes on its own */
        p = w->buf + w->len + CAPTURE_BLOCK_HEADER_SIZE;
        memcpy(p, &instance, 4);
        memset(p + 4, 0, 4); /* the count, set when the block closes */
        w->len += CAPTURE_BLOCK_HEADER_SIZE + 8;
}

void capture_writer_block(struct capture_writer *w, enum capture_block_type type,
                          const void *payload, size_t len)
{
        size_t need = CAPTURE_BLOCK_HEADER_SIZE + capture_padded((uint32_t)len);
        size_t start;

        close_samples(w);
        if (CAPTURE_WRITER_BUFFER - w->len < need)
                drain(w);
        if (need > CAPTURE_WRITER_BUFFER || len > CAPTURE_MAX_PAYLOAD) {
                /* cannot happen with the schemas and records probekit makes; refuse */
                if (!w->error)
                        w->error = -EFBIG;
                return;
        }
        start = w->len;
        w->len += CAPTURE_BLOCK_HEADER_SIZE;
        memcpy(w->buf + w->len, payload, len);
        w->len += len;
        seal_block(w, start, type);
}

void capture_writer_clock(struct capture_writer *w, int64_t offset_ns)
{
        if (w->clock_written && w->clock_offset == offset_ns)
                return;
        w->clock_offset = offset_ns;
        w->clock_written = true;
        capture_writer_block(w, CAPTURE_BLOCK_CLOCK, &offset_ns, sizeof(offset_ns));
}

int capture_writer_open(struct capture_writer *w, const char *path, const char *writer_name)
{
        struct capture_file_header h = {
            .version_major = CAPTURE_VERSION_MAJOR,
            .version_minor = CAPTURE_VERSION_MINOR,
            .header_size = CAPTURE_FILE_HEADER_SIZE,
            .created_ns = realtime_ns(),
            .byte_order = CAPTURE_BYTE_ORDER_MARK,
        };

        *w = (struct capture_writer){.fd = -1, .block_start = SIZE_MAX};
        w->buf = malloc(CAPTURE_WRITER_BUFFER);
        if (!w->buf)
                return -ENOMEM;
        if (!path || !path[0] || !strcmp(path, "-")) {
                w->fd = STDOUT_FILENO;
        } else {
                w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
                if (w->fd < 0) {
                        int err = -errno;

                        free(w->buf);
                        w->buf = NULL;
                        return err;
                }
                w->owns_fd = true;
        }
        memcpy(h.magic, CAPTURE_MAGIC, CAPTURE_MAGIC_LEN);
        snprintf(h.writer, sizeof(h.writer), "%s", writer_name ? writer_name : "");
        h.crc = crc32c(0, &h, offsetof(struct capture_file_header, crc));
        memcpy(w->buf, &h, sizeof(h));
        w->len = sizeof(h);
        /* at once: a reader following the file can check it before any event */
        drain(w);
        return capture_writer_take_error(w);
}

int capture_writer_take_error(struct capture_writer *w)
{
        int err = w->error;

        w->error = 0;
        return err;
}

int capture_writer_flush(struct capture_writer *w)
{
        close_samples(w);
        drain(w);
        return capture_writer_take_error(w);
}

int capture_writer_close(struct capture_writer *w, uint64_t stop_ns)
{
        uint64_t trailer[4];
        int rc;

        if (!w->buf)
                return 0;
        close_samples(w);
        trailer[0] = stop_ns;
        trailer[1] = w->blocks;
        trailer[2] = w->samples;
        trailer[3] = w->records;
        capture_writer_block(w, CAPTURE_BLOCK_TRAILER, trailer, sizeof(trailer));
        rc = capture_writer_flush(w);
        if (w->owns_fd && close(w->fd) && !rc)
                rc = -errno;
        free(w->buf);
        w->buf = NULL;
        w->fd = -1;
        return rc;
}
