/* SPDX-License-Identifier: MIT */
/*
 * Event fields read from BTF: for each event type that names a `btf_struct`,
 * the host builds its own field table (names, types, offsets and sizes from
 * the struct in the BTF of the plugin's embedded BPF object) merged with the
 * plugin's annotations, and everything downstream (decode, sinks, info)
 * reads that table.
 */
#ifndef PK_CORE_BTF_FIELDS_H
#define PK_CORE_BTF_FIELDS_H

#include <stddef.h>

#include <probekit/plugin.h>

struct btf;

/* The tables the host made for one plugin; freed with btf_fields_free(). */
struct btf_fields {
        struct pk_event_type *events; /* a copy of the plugin's, btf_struct ones resolved */
        struct pk_field **fields;     /* per event: the resolved table, or NULL */
        char **names;                 /* field names copied out of the BTF */
        size_t n_names;
        uint32_t n_events;
};

/*
 * Resolve every btf_struct event of probe descriptor `d` from its BPF
 * object. Returns 0 with out->events NULL when none names a struct; -EINVAL
 * with a reason naming the field and the struct for a disagreement.
 */
int btf_fields_resolve(const struct pk_plugin *d, struct btf_fields *out, char *why,
                       size_t why_len);

/* The same for one event type against a BTF already parsed (for tests too). */
int btf_fields_resolve_event(const struct btf *btf, const struct pk_event_type *e,
                             struct pk_event_type *resolved, struct pk_field **fields,
                             struct btf_fields *names, char *why, size_t why_len);

void btf_fields_free(struct btf_fields *f);

#endif
