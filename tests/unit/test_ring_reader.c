// SPDX-License-Identifier: MIT
/*
 * The ring reader against a real BPF ring buffer map (needs root and a
 * kernel with BPF, like the integration tests): tiny socket-filter programs,
 * run with BPF_PROG_TEST_RUN, write or discard samples; the reader must hand
 * over every written sample once, in order, skip discarded ones, stop at its
 * byte budget and after a callback error, and resume where it stopped; of
 * what arrives while it drains, it reads on only when read_on_min bytes came.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "ring_reader.h"
#include "unit_check.h"

#define RING_SIZE   4096
#define SAMPLE_SIZE 8
#define RECORD_SIZE 16 /* 8-byte kernel header + the sample */

#define INSN(code_, dst, src, off_, imm_)                                                          \
        ((struct bpf_insn){                                                                        \
            .code = (code_), .dst_reg = (dst), .src_reg = (src), .off = (off_), .imm = (imm_)})
#define LD_MAP_FD(dst, fd)                                                                         \
        INSN(BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)
#define MOV_IMM(dst, imm) INSN(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm)
#define MOV_REG(dst, src) INSN(BPF_ALU64 | BPF_MOV | BPF_X, dst, src, 0, 0)
#define ADD_IMM(dst, imm) INSN(BPF_ALU64 | BPF_ADD | BPF_K, dst, 0, 0, imm)
#define CALL(helper)      INSN(BPF_JMP | BPF_CALL, 0, 0, 0, helper)
#define EXIT()            INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

#define LOAD(name, insns)                                                                          \
        bpf_prog_load(BPF_PROG_TYPE_SOCKET_FILTER, (name), "GPL", (insns),                         \
                      sizeof(insns) / sizeof((insns)[0]), NULL)

/* One 8-byte sample holding bpf_ktime_get_ns(): increasing from run to run. */
static int load_writer(int map_fd)
{
        struct bpf_insn insns[] = {
            CALL(BPF_FUNC_ktime_get_ns),
            INSN(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -8, 0),
            LD_MAP_FD(BPF_REG_1, map_fd),
            MOV_REG(BPF_REG_2, BPF_REG_10),
            ADD_IMM(BPF_REG_2, -8),
            MOV_IMM(BPF_REG_3, SAMPLE_SIZE),
            MOV_IMM(BPF_REG_4, 0),
            CALL(BPF_FUNC_ringbuf_output),
            MOV_IMM(BPF_REG_0, 0),
            EXIT(),
        };

        return LOAD("pk_ring_write", insns);
}

/* Reserves a sample and discards it: a record the reader must skip. */
static int load_discarder(int map_fd)
{
        struct bpf_insn insns[] = {
            LD_MAP_FD(BPF_REG_1, map_fd),
            MOV_IMM(BPF_REG_2, SAMPLE_SIZE),
            MOV_IMM(BPF_REG_3, 0),
            CALL(BPF_FUNC_ringbuf_reserve),
            INSN(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 3, 0),
            MOV_REG(BPF_REG_1, BPF_REG_0),
            MOV_IMM(BPF_REG_2, 0),
            CALL(BPF_FUNC_ringbuf_discard),
            MOV_IMM(BPF_REG_0, 0),
            EXIT(),
        };

        return LOAD("pk_ring_discard", insns);
}

static int run_times(int prog_fd, int times)
{
        char packet[64] = {0};
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = packet, .data_size_in = sizeof(packet),
                    .repeat = times);

        return bpf_prog_test_run_opts(prog_fd, &opts);
}

struct seen {
        int count;
        int bad_size;
        int out_of_order;
        uint64_t last;
        int fail_at; /* return -EIO for this sample (1-based); 0: never */
        int feed_at; /* at this sample (1-based), the producer writes feed_n more */
        int feed_n;
        int feed_prog;
};

static int on_sample(void *ctx, const void *data, uint32_t size)
{
        struct seen *seen = ctx;
        uint64_t value;

        seen->count++;
        if (size != SAMPLE_SIZE) {
                seen->bad_size++;
                return 0;
        }
        memcpy(&value, data, sizeof(value));
        if (value < seen->last)
                seen->out_of_order++;
        seen->last = value;
        if (seen->count == seen->feed_at)
                run_times(seen->feed_prog, seen->feed_n);
        return seen->count == seen->fail_at ? -EIO : 0;
}

int main(void)
{
        struct ring_reader reader;
        struct seen seen = {0};
        int map_fd, writer, discarder;

        map_fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "pk_ring_test", 0, 0, RING_SIZE, NULL);
        if (!EXPECT(map_fd >= 0))
                return unit_finish();
        writer = load_writer(map_fd);
        discarder = load_discarder(map_fd);
        if (!EXPECT(writer >= 0) || !EXPECT(discarder >= 0))
                return unit_finish();
        if (!EXPECT_INT(0, ring_reader_open(&reader, map_fd)))
                return unit_finish();
        EXPECT_INT(-EINVAL, ring_reader_open(&(struct ring_reader){0}, writer));

        /* empty */
        EXPECT_INT(0, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));

        /* written samples, with discarded records between them */
        EXPECT_INT(0, run_times(writer, 50));
        EXPECT_INT(0, run_times(discarder, 10));
        EXPECT_INT(0, run_times(writer, 50));
        EXPECT_INT(100, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        EXPECT_INT(100, seen.count);
        EXPECT_INT(0, seen.bad_size);
        EXPECT_INT(0, seen.out_of_order);
        /* everything read, and the position published for the producer */
        EXPECT(*reader.consumer_pos == *reader.producer_pos);

        /* the budget: about 10 records now, the rest on the next drain */
        EXPECT_INT(0, run_times(writer, 100));
        EXPECT_INT(10, ring_reader_drain(&reader, 10 * RECORD_SIZE, on_sample, &seen));
        EXPECT(*reader.consumer_pos < *reader.producer_pos);
        EXPECT_INT(90, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        EXPECT_INT(0, seen.out_of_order);

        /* a full ring wraps: the reader's mapping must follow the positions around */
        for (int round = 0; round < 5; round++) {
                EXPECT_INT(0, run_times(writer, RING_SIZE / RECORD_SIZE - 1));
                EXPECT_INT(RING_SIZE / RECORD_SIZE - 1,
                           ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        }
        EXPECT_INT(0, seen.out_of_order);
        EXPECT_INT(0, seen.bad_size);

        /* a callback error stops the drain after that sample; the next one resumes */
        seen.count = 0;
        seen.fail_at = 5;
        EXPECT_INT(0, run_times(writer, 20));
        EXPECT_INT(-EIO, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        EXPECT_INT(5, seen.count);
        EXPECT_INT(15, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        EXPECT_INT(20, seen.count);
        /* everything read, and the position published for the producer */
        EXPECT(*reader.consumer_pos == *reader.producer_pos);

        /* samples written during a drain: a short tail is left for the next one */
        seen = (struct seen){.feed_at = 1, .feed_n = 3, .feed_prog = writer};
        EXPECT_INT(0, run_times(writer, 2));
        EXPECT_INT(2, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        EXPECT(*reader.consumer_pos < *reader.producer_pos);
        EXPECT_INT(3, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        /* read_on_min bytes or more are read on */
        EXPECT(40 * RECORD_SIZE >= reader.read_on_min);
        seen = (struct seen){.feed_at = 1, .feed_n = 40, .feed_prog = writer};
        EXPECT_INT(0, run_times(writer, 2));
        EXPECT_INT(42, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        /* read_on_min = 1 follows the producer to the end */
        reader.read_on_min = 1;
        seen = (struct seen){.feed_at = 1, .feed_n = 3, .feed_prog = writer};
        EXPECT_INT(0, run_times(writer, 2));
        EXPECT_INT(5, ring_reader_drain(&reader, UINT64_MAX, on_sample, &seen));
        EXPECT(*reader.consumer_pos == *reader.producer_pos);
        EXPECT_INT(0, seen.out_of_order);
        ring_reader_close(&reader);
        return unit_finish();
}
