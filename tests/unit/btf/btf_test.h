/* SPDX-License-Identifier: MIT */
/* The sample of the BPF object test_btf_fields reads its BTF from. */
#ifndef PROBEKIT_TEST_BTF_TEST_H
#define PROBEKIT_TEST_BTF_TEST_H

#include <probekit/event.h>

struct btf_test_event {
        struct pk_event_header hdr;
        __u32 count;
        __s16 small;
        __u8 flag;
        __u8 _pad; /* a leading '_': not a field */
        __u8 addr[16];
        __u32 v4;
        __u64 stack[2];
        char name[8];
        char tail[32];
};

#endif
