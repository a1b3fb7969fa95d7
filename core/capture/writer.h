/* SPDX-License-Identifier: MIT */
/*
 * The capture file writer: the file header, then whole blocks appended to a
 * large buffer and written out in one write() when it fills or on flush.
 * Only whole blocks reach the file, so a reader following it never sees a
 * block whose length is not yet known; samples of one instance go into one
 * open SAMPLES block until another instance's sample, another block or the
 * end of the buffer closes it.
 */
#ifndef PK_CORE_CAPTURE_WRITER_H
#define PK_CORE_CAPTURE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "capture_format.h"

/* Bytes buffered before a write(); also the most a SAMPLES block holds. */
#define CAPTURE_WRITER_BUFFER (1u << 20)

struct capture_writer {
        int fd;
        bool owns_fd;
        int error; /* first -errno of a write, kept until capture_writer_take_error() */
        unsigned char *buf;
        size_t len;
        /* the open SAMPLES block: its header's offset in buf, or SIZE_MAX */
        size_t block_start;
        uint32_t block_instance;
        uint32_t block_count;
        /* the header of the block's last sample, for CAPTURE_SAMPLE_SAME_HEADER */
        unsigned char prev_header[CAPTURE_SAMPLE_HEADER];
        bool have_prev;
        int64_t clock_offset;
        bool clock_written;
        /* totals, for the trailer */
        uint64_t bytes; /* written to the file, header included */
        uint64_t blocks;
        uint64_t samples;
        uint64_t records;
};

/*
 * Create (truncate) `path` ("-": standard output) and write the file header.
 * `writer_name` goes into the header ("probekit 1.2.3"). 0 or -errno.
 */
int capture_writer_open(struct capture_writer *w, const char *path, const char *writer_name);

/* The monotonic to realtime offset of the samples that follow; a block when it changed. */
void capture_writer_clock(struct capture_writer *w, int64_t offset_ns);

/* Slow path of capture_writer_sample(): close the open block, start one for `instance`. */
void capture_writer_start_samples(struct capture_writer *w, uint32_t instance, uint32_t size);

/* Bytes 8..55 of two sample headers are equal: six word compares, no call. */
static inline bool capture_same_header(const unsigned char *a, const unsigned char *b)
{
        uint64_t diff = 0;

        for (int i = 8; i < CAPTURE_SAMPLE_HEADER; i += 8) {
                uint64_t x, y;

                memcpy(&x, a + i, 8);
                memcpy(&y, b + i, 8);
                diff |= x ^ y;
        }
        return diff == 0;
}

/*
 * Append one raw sample of `instance`. A sample whose header, but for its
 * timestamp, is the same as the previous sample's in the block (the same
 * thread, again) is stored without those 48 bytes (CAPTURE_SAMPLE_SAME_HEADER).
 */
static inline void capture_writer_sample(struct capture_writer *w, uint32_t instance,
                                         const void *data, uint32_t size)
{
        const unsigned char *bytes = data;
        uint32_t stored = size, flags = 0, entry;
        unsigned char *p;

        if (w->block_start == SIZE_MAX || w->block_instance != instance ||
            CAPTURE_WRITER_BUFFER - w->len < CAPTURE_SAMPLE_PREFIX + capture_padded(size))
                capture_writer_start_samples(w, instance, size);
        p = w->buf + w->len;
        if (size >= CAPTURE_SAMPLE_HEADER && w->have_prev &&
            capture_same_header(bytes, w->prev_header)) {
                stored = size - (CAPTURE_SAMPLE_HEADER - 8);
                flags = CAPTURE_SAMPLE_SAME_HEADER;
                memcpy(p + CAPTURE_SAMPLE_PREFIX, bytes, 8);
                memcpy(p + CAPTURE_SAMPLE_PREFIX + 8, bytes + CAPTURE_SAMPLE_HEADER,
                       size - CAPTURE_SAMPLE_HEADER);
        } else {
                memcpy(p + CAPTURE_SAMPLE_PREFIX, bytes, size);
                if (size >= CAPTURE_SAMPLE_HEADER) {
                        memcpy(w->prev_header, bytes, CAPTURE_SAMPLE_HEADER);
                        w->have_prev = true;
                }
        }
        entry = CAPTURE_SAMPLE_PREFIX + capture_padded(stored);
        /* prefix: u32 size, u32 flags; then the stored bytes, zero-padded to 8 */
        memcpy(p, &size, 4);
        memcpy(p + 4, &flags, 4);
        memset(p + CAPTURE_SAMPLE_PREFIX + stored, 0, entry - CAPTURE_SAMPLE_PREFIX - stored);
        w->len += entry;
        w->block_count++;
        w->samples++;
}

/* Append one whole block of any type (closes the open SAMPLES block first). */
void capture_writer_block(struct capture_writer *w, enum capture_block_type type,
                          const void *payload, size_t len);

/* Close the open block and write out everything buffered. 0 or the kept -errno. */
int capture_writer_flush(struct capture_writer *w);

/* Returns and clears the first write error since the last call. */
int capture_writer_take_error(struct capture_writer *w);

/* Write the trailer, flush, close the file (when opened here), free. */
int capture_writer_close(struct capture_writer *w, uint64_t stop_ns);

#endif
