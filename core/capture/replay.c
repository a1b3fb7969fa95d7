// SPDX-License-Identifier: MIT
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "payload.h"
#include "replay_plugin.h"
#include "sample_check.h"
#include "schema_write.h"

static bool in_list(char *const *list, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++) {
                if (name && !strcmp(list[i], name))
                        return true;
        }
        return false;
}

static void free_probe(struct replay_probe *p)
{
        replay_plugin_release(p);
        schema_free(&p->schema);
        free(p->values);
        free(p->array_scratch);
        free(p->event_selected);
        free(p->use_decode);
        free(p->event_counts);
        free(p->event_first);
        free(p->event_last);
        memset(p, 0, sizeof(*p));
}

static int grow_probes(struct replay *rp, uint32_t id)
{
        struct replay_probe *grown;
        size_t n;

        if (id < rp->n_probes)
                return 0;
        if (id >= 65536)
                return -EINVAL; /* ids are indexes of a run's probes */
        n = (size_t)id + 1;
        grown = realloc(rp->probes, n * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        memset(grown + rp->n_probes, 0, (n - rp->n_probes) * sizeof(*grown));
        rp->probes = grown;
        rp->n_probes = n;
        return 0;
}

static int take_schema(struct replay *rp, const struct capture_block *b, char *why, size_t why_len)
{
        const struct replay_filter *f = rp->filter;
        struct capture_schema s;
        struct replay_probe *p;
        uint32_t n;
        int rc;

        rc = schema_read(&s, b->payload, b->length, why, why_len);
        if (rc)
                return rc;
        rc = grow_probes(rp, s.id);
        if (rc) {
                snprintf(why, why_len, "schema of instance id %u: out of range", s.id);
                schema_free(&s);
                return rc;
        }
        p = &rp->probes[s.id];
        if (p->known) /* a repeated schema (a resynchronised file): keep the first */
                return schema_free(&s), 0;
        p->schema = s;
        n = s.n_events;
        p->values = calloc(s.max_fields + 1, sizeof(*p->values));
        p->event_selected = calloc(n + 1, sizeof(*p->event_selected));
        p->use_decode = calloc(n + 1, sizeof(*p->use_decode));
        p->event_counts = calloc(n + 1, sizeof(*p->event_counts));
        p->event_first = calloc(n + 1, sizeof(*p->event_first));
        p->event_last = calloc(n + 1, sizeof(*p->event_last));
        if (!p->values || !p->event_selected || !p->use_decode || !p->event_counts ||
            !p->event_first || !p->event_last) {
                free_probe(p);
                return -ENOMEM;
        }
        p->known = true;
        p->selected = !f || !f->n_probes || in_list(f->probes, f->n_probes, s.name) ||
                      in_list(f->probes, f->n_probes, s.plugin);
        for (uint32_t i = 0; i < n; i++)
                p->event_selected[i] =
                    !f || !f->n_events || in_list(f->events, f->n_events, s.events[i].name);
        if (rp->plugins)
                replay_plugin_bind(p, rp->plugins);
        return 0;
}

static bool header_wanted(const struct replay_filter *f, const struct pk_event_header *h)
{
        if (!f)
                return true;
        if (f->has_pid && (!(h->present & PK_HDR_TASK) || h->pid != f->pid))
                return false;
        if (f->comm && (!(h->present & PK_HDR_TASK) || strncmp(h->comm, f->comm, PK_COMM_LEN)))
                return false;
        if (f->has_auid && (!(h->present & PK_HDR_AUID) || h->auid != f->auid))
                return false;
        if (f->has_session && (!(h->present & PK_HDR_SESSION) || h->session != f->session))
                return false;
        return true;
}

static bool time_wanted(const struct replay_filter *f, uint64_t ts)
{
        return !f || ((!f->since_ns || ts >= f->since_ns) && (!f->until_ns || ts < f->until_ns));
}

static int deliver(struct replay *rp, struct replay_probe *p, uint32_t event, struct pk_record *rec)
{
        p->event_counts[event]++;
        if (!p->event_first[event] || rec->ts_ns < p->event_first[event])
                p->event_first[event] = rec->ts_ns;
        if (rec->ts_ns > p->event_last[event])
                p->event_last[event] = rec->ts_ns;
        if (!p->first_ts || rec->ts_ns < p->first_ts)
                p->first_ts = rec->ts_ns;
        if (rec->ts_ns > p->last_ts)
                p->last_ts = rec->ts_ns;
        rp->records++;
        return rp->deliver ? rp->deliver(rec, rp->ctx) : 0;
}

/*
 * Fields a plugin's decode() computes are declared without a place of their
 * own in the sample (offset 0, inside the header): without the plugin they
 * have no value.
 */
static uint64_t computed_fields(const struct pk_event_type *type)
{
        uint64_t absent = 0;

        for (uint32_t i = 0; i < type->n_fields && i < 64; i++) {
                if (type->fields[i].offset < sizeof(struct pk_event_header))
                        absent |= 1ull << i;
        }
        return absent;
}

static int replay_sample(struct replay *rp, struct replay_probe *p, const unsigned char *data,
                         uint32_t size)
{
        const struct capture_schema *s = &p->schema;
        const struct pk_event_type *type = sample_event_type(s->events, s->n_events, data, size);
        const struct pk_event_header *hdr = (const void *)data; /* 8-aligned in the block */
        struct pk_record rec = {0};
        uint32_t index;
        int rc;

        if (!type) {
                p->malformed++;
                return 0;
        }
        index = (uint32_t)(type - s->events);
        if (!p->event_selected[index] || !header_wanted(rp->filter, hdr))
                return 0;
        rec.ts_ns = hdr->ts_ns + (uint64_t)rp->clock_offset; /* wraps, as the writer's did */
        if (!time_wanted(rp->filter, rec.ts_ns))
                return 0;
        if (s->custom_decode[index] && p->use_decode[index]) {
                rc = replay_plugin_decode(p, index, data, size, &rec.absent);
                if (!rc) /* as decode_sample() does after a plugin's decode() */
                        decode_mark_zero_absent(type, p->values, &rec.absent);
        } else {
                rc = decode_declared_fields(type, data, size, p->values, &rec.absent);
                if (s->custom_decode[index]) {
                        rec.flags |= PK_RECORD_PARTIAL;
                        rec.absent |= computed_fields(type);
                }
        }
        if (rc) {
                p->malformed++;
                return 0;
        }
        if (s->lossy[index])
                rec.flags |= PK_RECORD_PARTIAL;
        rec.probe = s->name;
        rec.event = type->name;
        rec.mode = s->mode;
        rec.hdr = hdr;
        rec.fields = type->fields;
        rec.values = p->values;
        rec.n_fields = type->n_fields;
        return deliver(rp, p, index, &rec);
}

static struct replay_probe *probe_of(struct replay *rp, uint32_t id)
{
        if (id >= rp->n_probes || !rp->probes[id].known) {
                rp->unknown_instance++;
                return NULL;
        }
        return &rp->probes[id];
}

static int grow_scratch(struct replay *rp, uint32_t size)
{
        uint64_t *grown = realloc(rp->scratch, capture_padded(size));

        if (!grown)
                return -ENOMEM;
        rp->scratch = (unsigned char *)grown;
        rp->scratch_size = size;
        return 0;
}

static int take_samples(struct replay *rp, const struct capture_block *b, char *why, size_t why_len)
{
        struct cursor c = {.p = b->payload, .left = b->length};
        unsigned char prev[CAPTURE_SAMPLE_HEADER];
        bool have_prev = false;
        struct replay_probe *p;
        uint32_t id, count;

        if (!cursor_u32(&c, &id) || !cursor_u32(&c, &count)) {
                snprintf(why, why_len, "samples block shorter than its 8-byte head");
                return -EINVAL;
        }
        p = probe_of(rp, id);
        if (!p) {
                rp->unknown_instance += count ? count - 1 : 0;
                return 0;
        }
        for (uint32_t i = 0; i < count; i++) {
                const unsigned char *data;
                uint32_t size, flags, stored;
                int rc;

                if (!cursor_u32(&c, &size) || !cursor_u32(&c, &flags)) {
                        snprintf(why, why_len, "sample %u of %u runs past the block's end", i + 1,
                                 count);
                        return -EINVAL;
                }
                if (flags & ~CAPTURE_SAMPLE_SAME_HEADER ||
                    (flags && (size < CAPTURE_SAMPLE_HEADER || !have_prev))) {
                        snprintf(why, why_len, "sample %u of %u has bad flags 0x%x", i + 1, count,
                                 flags);
                        return -EINVAL;
                }
                stored = flags ? size - (CAPTURE_SAMPLE_HEADER - 8) : size;
                if (stored > c.left) {
                        snprintf(why, why_len, "sample %u of %u runs past the block's end", i + 1,
                                 count);
                        return -EINVAL;
                }
                data = c.p;
                cursor_skip(&c, capture_padded(stored) <= c.left ? capture_padded(stored) : stored);
                if (flags) {
                        /* rebuilt in an aligned buffer: ts_ns, the repeated header, the rest */
                        if (rp->scratch_size < size && grow_scratch(rp, size))
                                return -ENOMEM;
                        memcpy(rp->scratch, data, 8);
                        memcpy(rp->scratch + 8, prev + 8, CAPTURE_SAMPLE_HEADER - 8);
                        memcpy(rp->scratch + CAPTURE_SAMPLE_HEADER, data + 8,
                               size - CAPTURE_SAMPLE_HEADER);
                        data = rp->scratch;
                } else if (size >= CAPTURE_SAMPLE_HEADER) {
                        memcpy(prev, data, CAPTURE_SAMPLE_HEADER);
                        have_prev = true;
                }
                if (!p->selected)
                        continue;
                rc = replay_sample(rp, p, data, size);
                if (rc)
                        return rc;
        }
        return 0;
}

/* One value of a RECORD block into *v (pointers into the payload or p's scratch). */
static bool read_value(struct replay_probe *p, struct cursor *c, const struct pk_field *f,
                       union pk_value *v, size_t *array_used)
{
        const char *data;
        uint32_t len;

        if (!cursor_bytes(c, &data, &len))
                return false;
        if (!f)
                return true; /* a type this reader does not know */
        switch (value_encoding_of(f->type)) {
        case VALUE_BYTES:
                v->str.ptr = data;
                v->str.len = len;
                return true;
        case VALUE_U64_ARRAY: {
                size_t n = len / 8;

                /* take_record() sized the scratch for every array of the block */
                memcpy(p->array_scratch + *array_used, data, n * 8);
                v->arr.ptr = p->array_scratch + *array_used;
                v->arr.len = (uint32_t)n;
                *array_used += n;
                return true;
        }
        default:
                if (len != 8)
                        return false;
                memcpy(&v->u64, data, 8);
                return true;
        }
}

static int take_record(struct replay *rp, const struct capture_block *b, char *why, size_t why_len)
{
        struct cursor c = {.p = b->payload, .left = b->length};
        struct pk_event_header hdr;
        struct pk_record rec = {0};
        uint32_t id, event, has_header, n;
        const struct pk_event_type *type;
        const struct capture_schema *s;
        struct replay_probe *p;
        size_t array_used = 0;
        uint64_t absent;

        if (!cursor_u32(&c, &id) || !cursor_u32(&c, &event) || !cursor_u64(&c, &rec.ts_ns) ||
            !cursor_u64(&c, &absent) || !cursor_u32(&c, &rec.flags) ||
            !cursor_u32(&c, &has_header) || !cursor_u64(&c, NULL) ||
            !cursor_skip(&c, sizeof(hdr) - 8) || !cursor_u32(&c, &n))
                goto bad;
        memcpy(&hdr, b->payload + 32, sizeof(hdr));
        p = probe_of(rp, id);
        if (!p)
                return 0;
        s = &p->schema;
        if (event >= s->n_events || n != s->n_written[event])
                goto bad;
        type = &s->events[event];
        if (!p->selected || !p->event_selected[event] || !time_wanted(rp->filter, rec.ts_ns) ||
            (has_header && !header_wanted(rp->filter, &hdr)))
                return 0;
        if (!has_header && rp->filter &&
            (rp->filter->has_pid || rp->filter->comm || rp->filter->has_auid ||
             rp->filter->has_session))
                return 0;
        if (p->array_cap < b->length / 8 + 1) {
                size_t cap = b->length / 8 + 1;
                uint64_t *grown = realloc(p->array_scratch, cap * sizeof(*grown));

                if (!grown)
                        return -ENOMEM;
                p->array_scratch = grown;
                p->array_cap = cap;
        }
        for (uint32_t i = 0; i < n; i++) {
                uint32_t k = s->lossy[event] ? s->kept[event][i] : i;
                const struct pk_field *f = k == UINT32_MAX ? NULL : &type->fields[k];

                if (!read_value(p, &c, f, f ? &p->values[k] : NULL, &array_used))
                        goto bad;
                if (f && i < 64 && (absent >> i) & 1 && k < 64)
                        rec.absent |= 1ull << k;
        }
        if (s->lossy[event])
                rec.flags |= PK_RECORD_PARTIAL;
        rec.probe = s->name;
        rec.event = type->name;
        rec.mode = s->mode;
        rec.hdr = has_header ? &hdr : NULL;
        rec.fields = type->fields;
        rec.values = p->values;
        rec.n_fields = type->n_fields;
        return deliver(rp, p, event, &rec);
bad:
        snprintf(why, why_len, "record block malformed");
        return -EINVAL;
}

static int take_counters(struct replay *rp, const struct capture_block *b, char *why,
                         size_t why_len)
{
        struct cursor c = {.p = b->payload, .left = b->length};
        uint32_t n, reserved;
        uint64_t when;

        if (!cursor_u64(&c, &when) || !cursor_u32(&c, &n) || !cursor_u32(&c, &reserved))
                goto bad;
        for (uint32_t i = 0; i < n; i++) {
                uint64_t events, drops, malformed, not_captured;
                struct replay_probe *p;
                uint32_t id;

                if (!cursor_u32(&c, &id) || !cursor_u32(&c, &reserved) ||
                    !cursor_u64(&c, &events) || !cursor_u64(&c, &drops) ||
                    !cursor_u64(&c, &malformed) || !cursor_u64(&c, &not_captured))
                        goto bad;
                if (id >= rp->n_probes || !rp->probes[id].known)
                        continue;
                p = &rp->probes[id];
                p->has_counters = true;
                p->c_events = events;
                p->c_drops = drops;
                p->c_malformed = malformed;
                p->c_not_captured = not_captured;
        }
        return 0;
bad:
        snprintf(why, why_len, "counters block malformed");
        return -EINVAL;
}

int replay_block(struct replay *rp, const struct capture_block *b, char *why, size_t why_len)
{
        struct cursor c = {.p = b->payload, .left = b->length};
        uint64_t v;

        switch (b->type) {
        case CAPTURE_BLOCK_SCHEMA:
                return take_schema(rp, b, why, why_len);
        case CAPTURE_BLOCK_SAMPLES:
                return take_samples(rp, b, why, why_len);
        case CAPTURE_BLOCK_CLOCK:
                if (!cursor_u64(&c, &v)) {
                        snprintf(why, why_len, "clock block shorter than 8 bytes");
                        return -EINVAL;
                }
                rp->clock_offset = (int64_t)v;
                return 0;
        case CAPTURE_BLOCK_RECORD:
                return take_record(rp, b, why, why_len);
        case CAPTURE_BLOCK_COUNTERS:
                return take_counters(rp, b, why, why_len);
        case CAPTURE_BLOCK_TRAILER:
                rp->trailer = true;
                if (cursor_u64(&c, &v) && cursor_u64(&c, &v) && cursor_u64(&c, &v)) {
                        rp->trailer_samples = v;
                        if (cursor_u64(&c, &v))
                                rp->trailer_records = v;
                }
                return 0;
        default:
                return 0; /* a newer minor version's block: skipped, as the spec says */
        }
}

void replay_free(struct replay *rp)
{
        for (size_t i = 0; i < rp->n_probes; i++)
                free_probe(&rp->probes[i]);
        free(rp->probes);
        free(rp->scratch);
        rp->scratch = NULL;
        rp->scratch_size = 0;
        rp->probes = NULL;
        rp->n_probes = 0;
}
