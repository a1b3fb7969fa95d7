// SPDX-License-Identifier: MIT
/*
 * The capture reader and replay on any bytes: the file header checks, block
 * framing, checksums, resynchronisation after damage, schema parsing and the
 * decoding of samples and records against a schema read from the same
 * bytes. Whatever it decodes renders through the JSON and text sinks, and
 * what was read through `replay --stats` (text and JSON). Seeds
 * are real captures, so mutations get past the checksums only where the
 * fuzzer finds them: the CRC check is skipped when the input's first byte
 * after the magic says so (see below), to reach the parsers behind it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "builtin_sinks.h"
#include "crc32c.h"
#include "fake_host.h"
#include "reader.h"
#include "replay.h"
#include "replay_stats.h"

/* What --stats and --stats --json print for the replay, into nothing. */
static void render_stats(const struct capture_reader *r, const struct replay *rp)
{
        static FILE *devnull;
        struct replay_outcome o = {.end = REPLAY_END_NO_TRAILER};
        struct strbuf sb = {0};

        if (!devnull && !(devnull = fopen("/dev/null", "w")))
                abort();
        replay_stats_print(devnull, "fuzz", r, rp);
        replay_stats_json(&sb, "fuzz", r, rp, &o);
        strbuf_free(&sb);
}

static int render(const struct pk_record *rec, void *ctx)
{
        static struct fake_sink sinks[2];
        static int opened;

        (void)ctx;
        if (!opened) {
                if (fake_sink_open(&pk_json_sink_plugin, NULL, "/dev/null", &sinks[0]) ||
                    fake_sink_open(&pk_text_sink_plugin, NULL, "/dev/null", &sinks[1]))
                        abort();
                opened = 1;
        }
        for (int i = 0; i < 2; i++)
                sinks[i].plugin->sink->write(sinks[i].state, rec);
        return 0;
}

/*
 * Random bytes almost never carry valid CRCs. With the low bit of the last
 * input byte set, the input is re-sealed first: every block header that
 * frames a block inside the input gets the CRC of what it frames, so the
 * fuzzer explores the payload parsers as well as the framing.
 */
static void reseal(uint8_t *data, size_t size)
{
        size_t at = CAPTURE_FILE_HEADER_SIZE;

        if (size >= CAPTURE_FILE_HEADER_SIZE) {
                uint32_t crc = crc32c(0, data, CAPTURE_FILE_HEADER_SIZE - 4);

                memcpy(data + CAPTURE_FILE_HEADER_SIZE - 4, &crc, 4);
        }
        while (at + CAPTURE_BLOCK_HEADER_SIZE <= size) {
                uint32_t length, crc;

                memcpy(&length, data + at + 8, 4);
                if (length > size - at - CAPTURE_BLOCK_HEADER_SIZE)
                        break;
                crc = crc32c(0, data + at + 4, 8);
                crc = crc32c(crc, data + at + CAPTURE_BLOCK_HEADER_SIZE, length);
                memcpy(data + at + 12, &crc, 4);
                at += CAPTURE_BLOCK_HEADER_SIZE + capture_padded(length);
        }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        struct replay rp = {.deliver = render};
        struct capture_reader r;
        struct capture_block b;
        uint8_t *copy;
        char why[512];
        int fd, blocks = 0;

        fd = memfd_create("capture", MFD_CLOEXEC);
        if (fd < 0)
                abort();
        copy = malloc(size ? size : 1);
        if (!copy)
                abort();
        memcpy(copy, data, size);
        if (size && (data[size - 1] & 1))
                reseal(copy, size);
        if (write(fd, copy, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0)
                abort();
        free(copy);
        if (capture_reader_open(&r, fd, why, sizeof(why)) == 0) {
                while (blocks++ < 100000) {
                        enum capture_read_status st = capture_reader_next(&r, &b, why, sizeof(why));

                        if (st == CAPTURE_BLOCK)
                                replay_block(&rp, &b, why, sizeof(why));
                        else if (st != CAPTURE_DAMAGED)
                                break;
                }
                render_stats(&r, &rp);
        }
        capture_reader_close(&r);
        replay_free(&rp);
        close(fd);
        return 0;
}
