// SPDX-License-Identifier: MIT
#include "reader.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crc32c.h"

#define READ_CHUNK (1u << 20)

/* Have at least n bytes at r->pos unless the file ends first; returns what is there. */
static size_t fill(struct capture_reader *r, size_t n, int *err)
{
        while (r->len - r->pos < n) {
                ssize_t got;

                if (r->pos > 0) {
                        memmove(r->buf, r->buf + r->pos, r->len - r->pos);
                        r->buf_offset += r->pos;
                        r->len -= r->pos;
                        r->pos = 0;
                }
                if (r->cap - r->len < READ_CHUNK || r->cap < n) {
                        size_t cap = r->cap ? r->cap : 2 * READ_CHUNK;
                        unsigned char *grown;

                        while (cap < n || cap - r->len < READ_CHUNK)
                                cap *= 2;
                        grown = realloc(r->buf, cap);
                        if (!grown) {
                                *err = -ENOMEM;
                                break;
                        }
                        r->buf = grown;
                        r->cap = cap;
                }
                got = read(r->fd, r->buf + r->len, r->cap - r->len);
                if (got < 0) {
                        if (errno == EINTR)
                                continue;
                        *err = -errno;
                        break;
                }
                if (got == 0) {
                        r->eof = true;
                        break;
                }
                r->len += (size_t)got;
        }
        return r->len - r->pos;
}

uint64_t capture_reader_offset(const struct capture_reader *r)
{
        return r->buf_offset + r->pos;
}

int capture_reader_open(struct capture_reader *r, int fd, char *why, size_t why_len)
{
        struct capture_file_header *h = &r->header;
        size_t have;
        int err = 0;

        memset(r, 0, sizeof(*r));
        r->fd = fd;
        have = fill(r, CAPTURE_FILE_HEADER_SIZE, &err);
        if (err) {
                snprintf(why, why_len, "read: %s", strerror(-err));
                return err;
        }
        if (have < CAPTURE_MAGIC_LEN || memcmp(r->buf, CAPTURE_MAGIC, CAPTURE_MAGIC_LEN)) {
                snprintf(why, why_len,
                         "not a probekit capture (the file does not start with "
                         "the capture magic \\x89PKCAP\\r\\n)");
                return -EINVAL;
        }
        if (have < CAPTURE_FILE_HEADER_SIZE) {
                snprintf(why, why_len, "truncated at byte %zu: expected a file header of %d bytes",
                         have, CAPTURE_FILE_HEADER_SIZE);
                return -EINVAL;
        }
        memcpy(h, r->buf, sizeof(*h));
        if (h->byte_order != CAPTURE_BYTE_ORDER_MARK) {
                snprintf(why, why_len,
                         "byte order mark is 0x%08x, not 0x%08x: damaged, or "
                         "written in another byte order",
                         h->byte_order, CAPTURE_BYTE_ORDER_MARK);
                return -EINVAL;
        }
        if (h->version_major > CAPTURE_VERSION_MAJOR) {
                snprintf(why, why_len,
                         "capture format version %u.%u is newer than this probekit reads "
                         "(%u.x): replay it with a newer probekit",
                         h->version_major, h->version_minor, CAPTURE_VERSION_MAJOR);
                return -EPROTONOSUPPORT;
        }
        if (h->crc != crc32c(0, r->buf, offsetof(struct capture_file_header, crc))) {
                snprintf(why, why_len, "file header damaged (checksum mismatch in bytes 0-63)");
                return -EINVAL;
        }
        if (h->version_major < 1 || h->header_size < CAPTURE_FILE_HEADER_SIZE ||
            h->header_size % CAPTURE_ALIGN || h->header_size > 4096) {
                snprintf(why, why_len, "file header damaged (version %u, header size %u)",
                         h->version_major, h->header_size);
                return -EINVAL;
        }
        have = fill(r, h->header_size, &err);
        if (have < h->header_size) {
                snprintf(why, why_len, "truncated at byte %zu: expected a file header of %u bytes",
                         have, h->header_size);
                return -EINVAL;
        }
        r->pos = h->header_size;
        return 0;
}

/* Is there a whole, valid block at `at` (an offset into buf)? Sets *need when it is short. */
enum block_check { BLOCK_OK, BLOCK_SHORT, BLOCK_BAD };

static enum block_check check_block(const struct capture_reader *r, size_t at,
                                    struct capture_block_header *h, const char **what)
{
        size_t have = r->len - at;
        uint32_t crc;

        if (have < CAPTURE_BLOCK_HEADER_SIZE) {
                *what = "a block header";
                return BLOCK_SHORT;
        }
        memcpy(h, r->buf + at, sizeof(*h));
        if (h->sync != CAPTURE_BLOCK_SYNC) {
                *what = "no block sync word (PKBK)";
                return BLOCK_BAD;
        }
        if (h->length > CAPTURE_MAX_PAYLOAD) {
                *what = "a block length past the format's limit";
                return BLOCK_BAD;
        }
        if (have < CAPTURE_BLOCK_HEADER_SIZE + (size_t)capture_padded(h->length)) {
                *what = "the rest of a block";
                return BLOCK_SHORT;
        }
        crc = crc32c(0, r->buf + at + 4, 8);
        crc = crc32c(crc, r->buf + at + CAPTURE_BLOCK_HEADER_SIZE, h->length);
        if (crc != h->crc) {
                *what = "a block checksum mismatch";
                return BLOCK_BAD;
        }
        return BLOCK_OK;
}

/*
 * After damage at r->pos: the next 8-aligned position where a whole valid
 * block starts, reading on as needed. Returns its offset in buf, or
 * SIZE_MAX when the file ends first.
 */
static size_t resync(struct capture_reader *r, int *err)
{
        size_t at = r->pos + CAPTURE_ALIGN;

        for (;;) {
                struct capture_block_header h;
                const char *what;
                size_t base;

                while (at + 4 <= r->len) {
                        uint32_t sync;

                        memcpy(&sync, r->buf + at, 4);
                        if (sync == CAPTURE_BLOCK_SYNC && check_block(r, at, &h, &what) == BLOCK_OK)
                                return at;
                        at += CAPTURE_ALIGN;
                }
                if (r->eof && at + 4 > r->len)
                        return SIZE_MAX;
                /* read more, keeping what lies from pos on */
                base = r->pos;
                fill(r, r->len - r->pos + READ_CHUNK, err);
                at = at - base + r->pos;
                if (*err)
                        return SIZE_MAX;
                if (r->eof && at + 4 > r->len)
                        return SIZE_MAX;
        }
}

enum capture_read_status capture_reader_next(struct capture_reader *r, struct capture_block *block,
                                             char *why, size_t why_len)
{
        struct capture_block_header h;
        enum block_check check;
        const char *what = "";
        uint64_t at_offset;
        size_t next;
        int err = 0;

        r->eof = false;
        fill(r, CAPTURE_BLOCK_HEADER_SIZE, &err);
        if (!err && r->len - r->pos >= CAPTURE_BLOCK_HEADER_SIZE) {
                memcpy(&h, r->buf + r->pos, sizeof(h));
                if (h.sync == CAPTURE_BLOCK_SYNC && h.length <= CAPTURE_MAX_PAYLOAD)
                        fill(r, CAPTURE_BLOCK_HEADER_SIZE + capture_padded(h.length), &err);
        }
        if (err) {
                snprintf(why, why_len, "read at byte %llu: %s",
                         (unsigned long long)capture_reader_offset(r), strerror(-err));
                return CAPTURE_READ_ERROR;
        }
        at_offset = capture_reader_offset(r);
        if (r->pos == r->len)
                return CAPTURE_END;
        check = check_block(r, r->pos, &h, &what);
        if (check == BLOCK_OK) {
                block->type = h.type;
                block->length = h.length;
                block->payload = r->buf + r->pos + CAPTURE_BLOCK_HEADER_SIZE;
                block->offset = at_offset;
                r->pos += CAPTURE_BLOCK_HEADER_SIZE + capture_padded(h.length);
                if (h.type == CAPTURE_BLOCK_TRAILER)
                        r->trailer_offset = at_offset;
                return CAPTURE_BLOCK;
        }
        if (check == BLOCK_SHORT) {
                /* a short block may be a damaged length: a valid block later says so */
                size_t have = r->len - r->pos;

                if (have >= CAPTURE_BLOCK_HEADER_SIZE) {
                        /* resync() reads on but leaves r->pos at this block */
                        next = resync(r, &err);
                        if (next == SIZE_MAX || err) {
                                snprintf(why, why_len,
                                         "truncated at byte %llu: expected %s of %zu bytes "
                                         "(block type %u), found %zu",
                                         (unsigned long long)capture_reader_offset(r), what,
                                         (size_t)CAPTURE_BLOCK_HEADER_SIZE +
                                             capture_padded(h.length),
                                         h.type, have);
                                return CAPTURE_PARTIAL;
                        }
                        what = "a block length that overruns the next block";
                        goto skip;
                }
                snprintf(why, why_len,
                         "truncated at byte %llu: expected a block header of %d bytes, found %zu",
                         (unsigned long long)at_offset, CAPTURE_BLOCK_HEADER_SIZE, have);
                return CAPTURE_PARTIAL;
        }
        next = resync(r, &err);
        if (err) {
                snprintf(why, why_len, "read: %s", strerror(-err));
                return CAPTURE_READ_ERROR;
        }
skip:
        at_offset = capture_reader_offset(r);
        r->damage_offset = at_offset;
        if (next == SIZE_MAX) {
                snprintf(why, why_len,
                         "damaged block at byte %llu (%s): no valid block follows; %llu bytes "
                         "to the end of the file skipped",
                         (unsigned long long)at_offset, what,
                         (unsigned long long)(r->len - r->pos));
                r->pos = r->len;
                return CAPTURE_DAMAGED;
        }
        snprintf(why, why_len,
                 "damaged block at byte %llu (%s): skipped %zu bytes to the next valid block "
                 "at byte %llu",
                 (unsigned long long)at_offset, what, next - r->pos,
                 (unsigned long long)(r->buf_offset + next));
        r->pos = next;
        return CAPTURE_DAMAGED;
}

void capture_reader_close(struct capture_reader *r)
{
        free(r->buf);
        r->buf = NULL;
}
