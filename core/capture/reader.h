/* SPDX-License-Identifier: MIT */
/*
 * Reading a capture file block by block: the file header is checked (magic,
 * byte order, version, checksum), then every block's sync word, length and
 * checksum. A damaged block is skipped by looking for the next valid one; a
 * file that ends inside a block is reported as truncated, or, when
 * following a growing file, waited for.
 */
#ifndef PK_CORE_CAPTURE_READER_H
#define PK_CORE_CAPTURE_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "capture_format.h"

struct capture_reader {
        int fd;
        unsigned char *buf; /* file bytes [buf_offset, buf_offset + len) */
        size_t cap;
        size_t pos; /* of the next block in buf */
        size_t len;
        uint64_t buf_offset;
        bool eof; /* the last read() returned 0 */
        struct capture_file_header header;
        uint64_t trailer_offset; /* of the TRAILER block; 0: none seen */
        uint64_t damage_offset;  /* of the damaged block CAPTURE_DAMAGED reported last */
};

struct capture_block {
        uint16_t type;
        uint32_t length;
        const unsigned char *payload; /* 8-byte aligned; valid until the next call */
        uint64_t offset;              /* of the block header in the file */
};

enum capture_read_status {
        CAPTURE_BLOCK = 1,      /* *block holds the next block */
        CAPTURE_END = 0,        /* the file ends after a whole block (or its trailer) */
        CAPTURE_PARTIAL = -1,   /* the file ends inside a block: `why` says where */
        CAPTURE_DAMAGED = -2,   /* a damaged stretch was skipped: `why` says which */
        CAPTURE_READ_ERROR = -3 /* read() failed: `why` says why */
};

/*
 * Read and check the file header of `fd`. Returns 0, or -EINVAL (not a
 * capture, or a damaged header), -EPROTONOSUPPORT (a newer major version)
 * or -errno of read(), with the reason in `why`.
 */
int capture_reader_open(struct capture_reader *r, int fd, char *why, size_t why_len);

/*
 * The next block. After CAPTURE_DAMAGED the reader stands at the next valid
 * block (or at the end); after CAPTURE_PARTIAL it stays at the incomplete
 * block, so a caller following a growing file calls again later.
 */
enum capture_read_status capture_reader_next(struct capture_reader *r, struct capture_block *block,
                                             char *why, size_t why_len);

/* File offset of the next block to read. */
uint64_t capture_reader_offset(const struct capture_reader *r);

void capture_reader_close(struct capture_reader *r);

#endif
