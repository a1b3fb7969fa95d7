// SPDX-License-Identifier: MIT
#include "ring_reader.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

/* The kernel's record header: the length with two flag bits, then a page offset. */
#define RECORD_HEADER_SIZE 8u
#define RECORD_BUSY        (1u << 31)
#define RECORD_DISCARD     (1u << 30)

static uint64_t load_acquire_u64(const uint64_t *p)
{
        return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static uint32_t load_acquire_u32(const uint32_t *p)
{
        return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release_u64(uint64_t *p, uint64_t v)
{
        __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

int ring_reader_open(struct ring_reader *r, int map_fd)
{
        struct bpf_map_info info;
        __u32 info_len = sizeof(info);
        long page = sysconf(_SC_PAGESIZE);
        void *consumer, *producer;
        int rc;

        memset(r, 0, sizeof(*r));
        memset(&info, 0, sizeof(info));
        rc = bpf_obj_get_info_by_fd(map_fd, &info, &info_len);
        if (rc)
                return rc < 0 ? rc : -EINVAL;
        if (info.type != BPF_MAP_TYPE_RINGBUF || !info.max_entries ||
            (info.max_entries & (info.max_entries - 1)))
                return -EINVAL;
        consumer = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
        if (consumer == MAP_FAILED)
                return -errno;
        /* The producer page, then the data twice, so a sample never wraps. */
        producer = mmap(NULL, (size_t)page + 2 * (size_t)info.max_entries, PROT_READ, MAP_SHARED,
                        map_fd, page);
        if (producer == MAP_FAILED) {
                rc = -errno;
                munmap(consumer, (size_t)page);
                return rc;
        }
        r->consumer_pos = consumer;
        r->producer_pos = producer;
        r->data = (const uint8_t *)producer + page;
        r->mask = info.max_entries - 1;
        r->page_size = (size_t)page;
        /* Often enough that a producer never waits on space we already read. */
        r->publish_every = info.max_entries / 8 < 64 * 1024 ? info.max_entries / 8 : 64 * 1024;
        r->read_on_min = r->publish_every;
        return 0;
}

void ring_reader_close(struct ring_reader *r)
{
        if (r->consumer_pos)
                munmap(r->consumer_pos, r->page_size);
        if (r->producer_pos)
                munmap((void *)r->producer_pos, r->page_size + 2 * (r->mask + 1));
        memset(r, 0, sizeof(*r));
}

long ring_reader_drain(struct ring_reader *r, uint64_t budget, ring_sample_fn fn, void *ctx)
{
        uint64_t cons = *r->consumer_pos, published = cons, start = cons;
        uint64_t prod = load_acquire_u64(r->producer_pos);
        long count = 0;
        int stop = 0;

        if (prod - cons > r->peak_pending)
                r->peak_pending = prod - cons;

        for (;;) {
                const uint32_t *header = (const uint32_t *)(r->data + (cons & r->mask));
                uint32_t len;
                uint32_t size;

                /*
                 * Caught up: go on only if the producer has written a
                 * worthwhile amount meanwhile. Reading right behind it pulls
                 * the cache lines it is writing (its position, the header of
                 * the sample it fills) back and forth between the CPUs, which
                 * slowed a traced firehose by a tenth; what is left waits
                 * for its wakeup or the periodic drain.
                 */
                if (cons >= prod) {
                        uint64_t next = load_acquire_u64(r->producer_pos);

                        if (next - cons < r->read_on_min)
                                break;
                        prod = next;
                }
                len = load_acquire_u32(header);
                size = len & ~(RECORD_BUSY | RECORD_DISCARD);

                /* Reserved but not yet committed: it and what follows must wait. */
                if (len & RECORD_BUSY)
                        break;
                cons += (RECORD_HEADER_SIZE + size + 7) & ~7ull;
                if (!(len & RECORD_DISCARD)) {
                        count++;
                        stop = fn(ctx, header + RECORD_HEADER_SIZE / sizeof(*header), size);
                        if (stop)
                                break;
                }
                if (cons - published >= r->publish_every) {
                        store_release_u64(r->consumer_pos, cons);
                        published = cons;
                }
                if (cons - start >= budget)
                        break;
        }
        if (cons != published)
                store_release_u64(r->consumer_pos, cons);
        return stop < 0 ? stop : count;
}

double ring_reader_take_peak_fill(struct ring_reader *r)
{
        double fill = (double)r->peak_pending / (double)(r->mask + 1);

        r->peak_pending = 0;
        return fill > 1.0 ? 1.0 : fill;
}
