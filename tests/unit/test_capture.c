// SPDX-License-Identifier: MIT
/*
 * The capture format without the kernel: what the writer puts in a file the
 * reader gives back (samples byte for byte, repeated headers rebuilt, the
 * clock, the trailer), CRC-32C's check value, and how the reader reports a
 * cut file and skips a damaged block.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <probekit/plugin.h>

#include "crc32c.h"
#include "reader.h"
#include "unit_check.h"
#include "writer.h"

#define N_SAMPLES 1000

struct test_sample {
        struct pk_event_header hdr;
        uint64_t value;
        char text[16];
};

static void make_sample(struct test_sample *s, int i)
{
        memset(s, 0, sizeof(*s));
        s->hdr.ts_ns = 1000 + (uint64_t)i;
        /* runs of the same thread, so most headers repeat */
        s->hdr.pid = s->hdr.tid = 100 + (uint32_t)(i / 10);
        s->hdr.present = PK_HDR_TASK;
        snprintf(s->hdr.comm, sizeof(s->hdr.comm), "t%d", i / 10);
        s->value = (uint64_t)i * 7;
        snprintf(s->text, sizeof(s->text), "s%d", i);
}

/* A capture of N_SAMPLES samples of instance 3 in a memfd; returns its fd. */
static int write_capture(size_t *size)
{
        char path[64];
        struct capture_writer w;
        int fd = memfd_create("capture", 0);

        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        EXPECT_INT(0, capture_writer_open(&w, path, "unit"));
        capture_writer_clock(&w, 5000);
        for (int i = 0; i < N_SAMPLES; i++) {
                struct test_sample s;

                make_sample(&s, i);
                capture_writer_sample(&w, 3, &s, sizeof(s));
        }
        EXPECT_INT(0, capture_writer_close(&w, 42));
        *size = (size_t)lseek(fd, 0, SEEK_END);
        return fd;
}

/* Read every block; the samples must be the ones written. Returns how many. */
static int read_back(int fd, enum capture_read_status *last, char *why, size_t why_len)
{
        struct capture_reader r;
        struct capture_block b;
        int samples = 0, damaged = 0;
        unsigned char prev[CAPTURE_SAMPLE_HEADER];

        lseek(fd, 0, SEEK_SET);
        if (capture_reader_open(&r, fd, why, why_len)) {
                capture_reader_close(&r);
                *last = CAPTURE_READ_ERROR;
                return -1;
        }
        for (;;) {
                *last = capture_reader_next(&r, &b, why, why_len);
                if (*last == CAPTURE_DAMAGED) {
                        EXPECT_HAS(why, "damaged block at byte 64");
                        damaged++;
                        continue;
                }
                if (*last != CAPTURE_BLOCK)
                        break;
                EXPECT_INT(0, b.offset % CAPTURE_ALIGN);
                if (b.type != CAPTURE_BLOCK_SAMPLES)
                        continue;
                const unsigned char *p = b.payload + 8;
                uint32_t count;

                memcpy(&count, b.payload + 4, 4);
                for (uint32_t i = 0; i < count; i++, samples++) {
                        struct test_sample want, got;
                        uint32_t size, flags, stored;

                        memcpy(&size, p, 4);
                        memcpy(&flags, p + 4, 4);
                        EXPECT_INT(sizeof(got), size);
                        stored = flags ? size - 48 : size;
                        if (flags) { /* rebuilt as the reader's replay does */
                                memcpy(&got, p + 8, 8);
                                memcpy((char *)&got + 8, prev + 8, 48);
                                memcpy((char *)&got + 56, p + 16, size - 56);
                        } else {
                                memcpy(&got, p + 8, size);
                                memcpy(prev, &got, sizeof(prev));
                        }
                        EXPECT(i > 0 || flags == 0); /* a block starts with a whole header */
                        make_sample(&want, samples);
                        EXPECT(memcmp(&want, &got, sizeof(got)) == 0);
                        p += 8 + capture_padded(stored);
                }
        }
        capture_reader_close(&r);
        EXPECT(damaged <= 1);
        return samples;
}

/* CRC-32C one bit at a time: the definition, to check the fast paths against. */
static uint32_t crc32c_bitwise(const unsigned char *p, size_t n)
{
        uint32_t crc = 0xffffffffu;

        while (n--) {
                crc ^= *p++;
                for (int k = 0; k < 8; k++)
                        crc = crc & 1 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
        }
        return ~crc;
}

static void test_crc(void)
{
        static unsigned char buf[3 * 8192 * 2 + 1000];
        unsigned seed = 15;

        for (size_t i = 0; i < sizeof(buf); i++)
                buf[i] = (unsigned char)(rand_r(&seed) >> 7);
        /* lengths around the three-lane stretches (3 x 8192, 3 x 256) and odd offsets */
        static const size_t lens[] = {
            0, 1, 7, 8, 255, 768, 769, 3 * 8192 - 1, 3 * 8192, 3 * 8192 + 777, 2 * 3 * 8192 + 5};
        for (size_t i = 0; i < PK_COUNT(lens); i++) {
                for (size_t off = 0; off < 3; off++)
                        EXPECT_INT(crc32c_bitwise(buf + off, lens[i]),
                                   crc32c(0, buf + off, lens[i]));
        }
        EXPECT_INT(0xE3069283u, crc32c(0, "123456789", 9));
        /* continuing a CRC equals computing it over the joined bytes */
        EXPECT_INT(crc32c(0, "123456789", 9), crc32c(crc32c(0, "1234", 4), "56789", 5));
}

static void test_round_trip(void)
{
        enum capture_read_status last;
        char why[512] = "";
        size_t size;
        int fd = write_capture(&size);

        EXPECT_INT(N_SAMPLES, read_back(fd, &last, why, sizeof(why)));
        EXPECT_INT(CAPTURE_END, last);
        /* 40 of 96 bytes repeat: most samples take 8 + 56 bytes, not 8 + 104 */
        EXPECT(size < 64 + N_SAMPLES * 80);
        close(fd);
}

static void test_cut(void)
{
        enum capture_read_status last;
        char why[512] = "";
        size_t size;
        int fd = write_capture(&size);

        /* the trailer's last bytes gone: everything before it reads, the cut is named */
        EXPECT_INT(0, ftruncate(fd, (off_t)size - 4));
        read_back(fd, &last, why, sizeof(why));
        EXPECT_INT(CAPTURE_PARTIAL, last);
        EXPECT_HAS(why, "truncated at byte");
        close(fd);
}

static void test_damage(void)
{
        enum capture_read_status last;
        char why[512] = "";
        unsigned char byte;
        size_t size;
        int fd = write_capture(&size);

        /* a byte of the first block's payload (the CLOCK block) flipped */
        EXPECT_INT(1, pread(fd, &byte, 1, 64 + 16));
        byte ^= 0xff;
        EXPECT_INT(1, pwrite(fd, &byte, 1, 64 + 16));
        /* every sample still reads: the damaged block alone is skipped */
        EXPECT_INT(N_SAMPLES, read_back(fd, &last, why, sizeof(why)));
        EXPECT_INT(CAPTURE_END, last);
        close(fd);
}

static void test_refusals(void)
{
        struct capture_reader r;
        char why[512] = "";
        size_t size;
        int fd = write_capture(&size);
        uint16_t major = 2;

        EXPECT_INT(2, pwrite(fd, &major, 2, 8));
        lseek(fd, 0, SEEK_SET);
        EXPECT(capture_reader_open(&r, fd, why, sizeof(why)) != 0);
        EXPECT_HAS(why, "newer than this probekit reads");
        capture_reader_close(&r);
        EXPECT_INT(8, pwrite(fd, "NOTACAPT", 8, 0));
        lseek(fd, 0, SEEK_SET);
        EXPECT(capture_reader_open(&r, fd, why, sizeof(why)) != 0);
        EXPECT_HAS(why, "not a probekit capture");
        capture_reader_close(&r);
        close(fd);
}

int main(void)
{
        test_crc();
        test_round_trip();
        test_cut();
        test_damage();
        test_refusals();
        return unit_finish();
}
