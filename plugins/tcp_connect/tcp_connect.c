// SPDX-License-Identifier: MIT
/*
 * tcp_connect, user side: the descriptor, and the port / address filters
 * turned into the BPF globals the kernel side checks.
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <probekit/plugin.h>

#include "tcp_connect.h"
#include "tcp_connect.skel.h"

static const struct pk_option options[] = {
    {.key = "failed_only",
     .type = PK_OPT_BOOL,
     .default_value = "false",
     .help = "report only connects that failed (ret < 0)",
     .bpf_global = "failed_only"},
    {.key = "port",
     .type = PK_OPT_LIST,
     .max = 5,
     .help = "report only connects to these destination ports (at most 8)"},
    {.key = "addr",
     .type = PK_OPT_LIST,
     .max = INET6_ADDRSTRLEN + 4,
     .help = "report only connects to these destination addresses or networks, IPv4 or IPv6, "
             "e.g. 127.0.0.1,10.0.0.0/8,::1 (at most 8)"},
};

static const struct pk_name family_list[] = {{AF_INET, "AF_INET"}, {AF_INET6, "AF_INET6"}};
static const struct pk_names family_names = {
    .kind = PK_NAMES_ENUM,
    .n_names = PK_COUNT(family_list),
    .names = family_list,
};

#define EVENT_FIELD(member) offsetof(struct tcp_connect_event, member)

static const struct pk_field connect_fields[] = {
    {.name = "family",
     .type = PK_FIELD_U16,
     .offset = EVENT_FIELD(family),
     .size = 2,
     .names = &family_names,
     .help = "the socket's address family"},
    {.name = "saddr",
     .type = PK_FIELD_IPV6,
     .offset = EVENT_FIELD(saddr),
     .size = 16,
     .help = "source address (IPv4 printed as such); :: when not chosen"},
    {.name = "sport",
     .type = PK_FIELD_U16,
     .offset = EVENT_FIELD(sport),
     .size = 2,
     .flags = PK_FIELD_ZERO_ABSENT,
     .help = "source port; absent when the socket had none (a connect that failed early)"},
    {.name = "daddr",
     .type = PK_FIELD_IPV6,
     .offset = EVENT_FIELD(daddr),
     .size = 16,
     .help = "destination address"},
    {.name = "dport",
     .type = PK_FIELD_U16,
     .offset = EVENT_FIELD(dport),
     .size = 2,
     .help = "destination port"},
    {.name = "ret",
     .type = PK_FIELD_S32,
     .offset = EVENT_FIELD(ret),
     .size = 4,
     .flags = PK_FIELD_ERRNO,
     .help = "0: established (syscall mode: what connect() returned); -errno: refused "
             "(ECONNREFUSED), timed out, unreachable, ..."},
    {.name = "latency_ns",
     .type = PK_FIELD_U64,
     .offset = EVENT_FIELD(latency_ns),
     .size = 8,
     .flags = PK_FIELD_DURATION | PK_FIELD_ZERO_ABSENT,
     .help = "from the connect to ESTABLISHED; absent when not established or not seen"},
};

static const struct pk_event_type connect_events[] = {
    {
        .name = "connect",
        .help = "an outgoing TCP connect (IPv4 or IPv6), when its outcome is known",
        .fields = connect_fields,
        .n_fields = PK_COUNT(connect_fields),
        .min_size = sizeof(struct tcp_connect_event),
        .max_size = sizeof(struct tcp_connect_event),
    },
};

static const char *const fexit_programs[] = {"connect_v4_fexit", "connect_v6_fexit",
                                             "connect_state_btf", NULL};
static const char *const kprobe_programs[] = {"connect_v4_kprobe", "connect_v4_kretprobe",
                                              "connect_v6_kprobe", "connect_v6_kretprobe",
                                              "connect_state_btf", NULL};
static const char *const tracepoint_programs[] = {"connect_state_tp", NULL};
static const char *const syscall_programs[] = {"connect_sys_enter", "connect_sys_exit", NULL};

/*
 * The kernel functions see every connect, also one that fails before a SYN
 * is sent; the state tracepoint sees those that reach SYN_SENT; the syscall
 * tracepoints see only connect(2) (not io_uring's), and a non-blocking one
 * without its outcome.
 */
static const struct pk_attach_mode connect_attach_modes[] = {
    {.name = "fexit", .programs = fexit_programs},
    {.name = "kprobe", .programs = kprobe_programs},
    {.name = "tracepoint", .programs = tracepoint_programs},
    {.name = "syscall", .programs = syscall_programs},
};

struct filters {
        uint32_t n_ports;
        uint16_t ports[TCP_CONNECT_MAX_PORTS];
        uint32_t n_addrs;
        struct tcp_connect_addr_rule addrs[TCP_CONNECT_MAX_ADDRS];
};

static int parse_port(const char *text, uint16_t *port)
{
        char *end;
        long value;

        errno = 0;
        value = strtol(text, &end, 10);
        if (errno || end == text || *end || value < 1 || value > 65535)
                return -EINVAL;
        *port = (uint16_t)value;
        return 0;
}

/* "ADDR" or "ADDR/BITS", IPv4 or IPv6, into a v4-mapped address and mask. */
static int parse_addr(const char *text, struct tcp_connect_addr_rule *rule)
{
        char addr[INET6_ADDRSTRLEN + 1];
        const char *slash = strchr(text, '/');
        size_t len = slash ? (size_t)(slash - text) : strlen(text);
        unsigned char bytes[16] = {0};
        long bits, base = 0;
        char *end;

        if (len == 0 || len >= sizeof(addr))
                return -EINVAL;
        memcpy(addr, text, len);
        addr[len] = '\0';
        if (inet_pton(AF_INET, addr, bytes + 12) == 1) {
                bytes[10] = bytes[11] = 0xff;
                base = 96;
        } else if (inet_pton(AF_INET6, addr, bytes) != 1) {
                return -EINVAL;
        }
        bits = 128 - base;
        if (slash) {
                errno = 0;
                bits = strtol(slash + 1, &end, 10);
                if (errno || end == slash + 1 || *end || bits < 0 || bits > 128 - base)
                        return -EINVAL;
        }
        bits += base;
        for (int w = 0; w < 4; w++) {
                long word_bits = bits - 32 * w;
                uint32_t mask = word_bits >= 32  ? 0xffffffffu
                                : word_bits <= 0 ? 0
                                                 : ~(0xffffffffu >> word_bits);
                uint32_t word;

                memcpy(&word, bytes + 4 * w, 4);
                rule->mask[w] = htonl(mask);
                rule->addr[w] = word & rule->mask[w];
        }
        return 0;
}

/* Parse both lists; with `report`, every bad item is reported through option_error(). */
static int read_filters(const struct pk_host *host, struct pk_instance *inst, struct filters *f,
                        bool report)
{
        const char *const *items;
        size_t n;
        int rc = 0;

        memset(f, 0, sizeof(*f));
        n = host->opt_list(inst, "port", &items);
        if (n > TCP_CONNECT_MAX_PORTS) {
                if (report)
                        host->option_error(inst, "port", "%zu ports: at most %d", n,
                                           TCP_CONNECT_MAX_PORTS);
                rc = -EINVAL;
        }
        for (size_t i = 0; i < n && i < TCP_CONNECT_MAX_PORTS; i++) {
                if (!parse_port(items[i], &f->ports[f->n_ports])) {
                        f->n_ports++;
                        continue;
                }
                if (report)
                        host->option_error(inst, "port", "'%s' is not a port (1-65535)", items[i]);
                rc = -EINVAL;
        }
        n = host->opt_list(inst, "addr", &items);
        if (n > TCP_CONNECT_MAX_ADDRS) {
                if (report)
                        host->option_error(inst, "addr", "%zu addresses: at most %d", n,
                                           TCP_CONNECT_MAX_ADDRS);
                rc = -EINVAL;
        }
        for (size_t i = 0; i < n && i < TCP_CONNECT_MAX_ADDRS; i++) {
                if (!parse_addr(items[i], &f->addrs[f->n_addrs])) {
                        f->n_addrs++;
                        continue;
                }
                if (report)
                        host->option_error(inst, "addr",
                                           "'%s' is not an IPv4 or IPv6 address or network "
                                           "(ADDR or ADDR/BITS)",
                                           items[i]);
                rc = -EINVAL;
        }
        return rc;
}

static int tcp_connect_validate(const struct pk_host *host, struct pk_instance *inst)
{
        struct filters f;

        return read_filters(host, inst, &f, true);
}

struct tcp_connect_state {
        const struct pk_host *host;
        struct pk_instance *inst;
        struct filters filters;
};

static int tcp_connect_create(const struct pk_host *host, struct pk_instance *inst, void **out)
{
        struct tcp_connect_state *state = calloc(1, sizeof(*state));
        int rc;

        if (!state)
                return -ENOMEM;
        state->host = host;
        state->inst = inst;
        rc = read_filters(host, inst, &state->filters, false);
        if (rc) {
                free(state);
                return rc;
        }
        *out = state;
        return 0;
}

static int set_global(struct tcp_connect_state *state, struct bpf_object *obj, const char *name,
                      const void *value, size_t size)
{
        return state->host->set_bpf_global(state->inst, obj, name, value, size);
}

static int tcp_connect_configure(void *opaque, struct bpf_object *obj, const char *mode)
{
        struct tcp_connect_state *state = opaque;
        const struct filters *f = &state->filters;
        int rc = 0;

        (void)mode;
        if (f->n_ports) {
                rc = set_global(state, obj, "n_ports", &f->n_ports, sizeof(f->n_ports));
                if (!rc)
                        rc = set_global(state, obj, "ports", f->ports, sizeof(f->ports));
        }
        if (!rc && f->n_addrs) {
                rc = set_global(state, obj, "n_addrs", &f->n_addrs, sizeof(f->n_addrs));
                if (!rc)
                        rc = set_global(state, obj, "addrs", f->addrs, sizeof(f->addrs));
        }
        return rc;
}

static void tcp_connect_destroy(void *state)
{
        free(state);
}

static const struct pk_probe_ops tcp_connect_probe = {
    .bpf_object = tcp_connect_bpf__elf_bytes,
    .create = tcp_connect_create,
    .configure = tcp_connect_configure,
    .destroy = tcp_connect_destroy,
};

static const struct pk_plugin tcp_connect_plugin = {
    PK_PLUGIN_HEADER(PK_KIND_PROBE),
    .name = "tcp_connect",
    .version = "0.1.0",
    .description = "outgoing TCP connects with both ends, result and latency (tcpconnect)",
    .options = options,
    .n_options = PK_COUNT(options),
    .events = connect_events,
    .n_events = PK_COUNT(connect_events),
    .attach_modes = connect_attach_modes,
    .n_attach_modes = PK_COUNT(connect_attach_modes),
    .probe = &tcp_connect_probe,
    .validate = tcp_connect_validate,
};

PK_PLUGIN_EXPORT const struct pk_plugin *probekit_plugin(void)
{
        return &tcp_connect_plugin;
}
