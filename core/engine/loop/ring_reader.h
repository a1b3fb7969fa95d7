/* SPDX-License-Identifier: MIT */
/*
 * Reads one BPF ring buffer map through its shared mappings, in place of
 * libbpf's ring_buffer, so the consumer controls when it publishes its
 * position: libbpf stores consumer_pos after every sample, which moves that
 * cache line to the consumer's CPU and back to the producer's on every
 * reserve. This reader publishes it once per batch of bytes and at the end of
 * each drain.
 */
#ifndef PK_CORE_RING_READER_H
#define PK_CORE_RING_READER_H

#include <stddef.h>
#include <stdint.h>

/* Called for every complete, non-discarded sample; a -errno return stops the drain. */
typedef int (*ring_sample_fn)(void *ctx, const void *data, uint32_t size);

struct ring_reader {
        uint64_t *consumer_pos;       /* shared page, written by us */
        const uint64_t *producer_pos; /* shared page, written by the kernel */
        const uint8_t *data;          /* data_size bytes, mapped twice in a row */
        uint64_t mask;                /* data_size - 1 */
        size_t page_size;
        uint64_t publish_every; /* bytes consumed between consumer_pos stores */
        /*
         * Once caught up with the producer, read on only if this many bytes
         * arrived meanwhile (publish_every by default; 1 to follow it closely).
         */
        uint64_t read_on_min;
        uint64_t peak_pending; /* most bytes found waiting at the start of a drain */
};

/* Map the ring buffer map `map_fd`; 0 or -errno. */
int ring_reader_open(struct ring_reader *r, int map_fd);
void ring_reader_close(struct ring_reader *r);

/*
 * Hand every sample committed so far, up to about `budget` bytes, to fn,
 * and what arrives meanwhile while it comes in batches of read_on_min.
 * Returns the number of samples handed over, or the callback's -errno when
 * it stopped the drain (the sample it refused is consumed).
 */
long ring_reader_drain(struct ring_reader *r, uint64_t budget, ring_sample_fn fn, void *ctx);

/*
 * The fullest the ring was at the start of a drain since the last call, as
 * a fraction of its size (probekit_ring_fill_ratio), and start over.
 */
double ring_reader_take_peak_fill(struct ring_reader *r);

#endif
