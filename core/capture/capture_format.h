/* SPDX-License-Identifier: MIT */
/*
 * The capture file's on-disk layout (docs/capture-format.md is the spec):
 * a file header, then blocks, every integer little-endian. Shared by the
 * writer and the reader.
 */
#ifndef PK_CORE_CAPTURE_FORMAT_H
#define PK_CORE_CAPTURE_FORMAT_H

#include <stdint.h>

/* "\x89PKCAP\r\n": the high byte and the CR LF catch 7-bit and text-mode transfers. */
#define CAPTURE_MAGIC     "\x89PKCAP\r\n"
#define CAPTURE_MAGIC_LEN 8

#define CAPTURE_VERSION_MAJOR 1
#define CAPTURE_VERSION_MINOR 0

#define CAPTURE_FILE_HEADER_SIZE 64
#define CAPTURE_BYTE_ORDER_MARK  0x01020304u
#define CAPTURE_WRITER_LEN       24

/* "PKBK" as bytes: the start of every block, where a reader resynchronises. */
#define CAPTURE_BLOCK_SYNC        0x4B424B50u
#define CAPTURE_BLOCK_HEADER_SIZE 16
/* Blocks start at multiples of this in the file; payloads are zero-padded to it. */
#define CAPTURE_ALIGN 8
/* No block's payload is larger: a bigger length is damage, not a block. */
#define CAPTURE_MAX_PAYLOAD (16u << 20)

enum capture_block_type {
        CAPTURE_BLOCK_SCHEMA = 1,   /* one probe instance: plugin, events, fields */
        CAPTURE_BLOCK_SAMPLES = 2,  /* raw ring buffer samples of one instance */
        CAPTURE_BLOCK_CLOCK = 3,    /* monotonic to realtime offset for what follows */
        CAPTURE_BLOCK_RECORD = 4,   /* one record made in user space (host->emit()) */
        CAPTURE_BLOCK_COUNTERS = 5, /* per instance: events, kernel drops, malformed */
        CAPTURE_BLOCK_TRAILER = 6,  /* the clean stop: nothing follows */
};

/* Per sample in a SAMPLES block: u32 size, u32 flags, the stored bytes, padding. */
#define CAPTURE_SAMPLE_PREFIX 8
/* sizeof(struct pk_event_header): every sample starts with it */
#define CAPTURE_SAMPLE_HEADER 56
/*
 * Sample flag: bytes 8..55 of the header (all but ts_ns) are those of the
 * previous sample in the block and are not stored: the stored bytes are
 * ts_ns, then the sample from byte 56 on.
 */
#define CAPTURE_SAMPLE_SAME_HEADER 1u

/* The file header as it is on disk (little-endian hosts write it as is). */
struct capture_file_header {
        char magic[CAPTURE_MAGIC_LEN];
        uint16_t version_major;
        uint16_t version_minor;
        uint32_t header_size;
        uint64_t created_ns; /* CLOCK_REALTIME */
        uint32_t byte_order; /* CAPTURE_BYTE_ORDER_MARK */
        uint32_t flags;      /* 0 */
        char writer[CAPTURE_WRITER_LEN];
        uint32_t reserved;
        uint32_t crc; /* crc32c of the bytes before it */
};

struct capture_block_header {
        uint32_t sync; /* CAPTURE_BLOCK_SYNC */
        uint16_t type; /* enum capture_block_type */
        uint16_t flags;
        uint32_t length; /* of the payload, without padding */
        uint32_t crc;    /* crc32c of bytes 4..11 of this header, then the payload */
};

_Static_assert(sizeof(struct capture_file_header) == CAPTURE_FILE_HEADER_SIZE, "file header");
_Static_assert(sizeof(struct capture_block_header) == CAPTURE_BLOCK_HEADER_SIZE, "block header");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the capture format is little-endian; this writer stores samples as the kernel made them"
#endif

static inline uint32_t capture_padded(uint32_t n)
{
        return (n + CAPTURE_ALIGN - 1) & ~(uint32_t)(CAPTURE_ALIGN - 1);
}

#endif
