// SPDX-License-Identifier: MIT
#include "sessions.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "session_proc.h"
#include "strbuf.h"

#define USER_MAX   33
#define USER_CACHE 64

struct session {
        uint32_t id;
        uint32_t auid;     /* PK_AUDIT_UNSET when the records had none */
        uint64_t start_ns; /* CLOCK_REALTIME of the first record seen */
        uint64_t commands, opens, connects, events;
        struct session_origin origin;
        char user[USER_MAX]; /* "" when the uid has no name */
        bool alive;          /* seen in /proc by the current tick */
};

struct user_entry {
        uint32_t uid;
        bool used;
        char name[USER_MAX];
};

struct sessions {
        const char *proc_root;
        sessions_deliver_fn deliver;
        void *ctx;
        struct session *items; /* sorted by id */
        size_t n, cap;
        bool emitting; /* our own records pass through observe() too */
        struct user_entry users[USER_CACHE];
        size_t next_user; /* the cache slot replaced next */
};

/* The fields of a `session` record, in output order (docs/session-audit.md). */
enum session_field {
        F_ACTION,
        F_USER,
        F_TTY,
        F_OPENED_BY,
        F_OPENED_BY_PID,
        F_REMOTE_ADDR,
        F_REMOTE_PORT,
        F_LOCAL_ADDR,
        F_LOCAL_PORT,
        F_COMMANDS,
        F_OPENS,
        F_CONNECTS,
        F_EVENTS,
        F_DURATION,
        N_FIELDS,
};

static const struct pk_field session_fields[N_FIELDS] = {
    [F_ACTION] = {.name = "action", .type = PK_FIELD_STR, .help = "start or end"},
    [F_USER] = {.name = "user", .type = PK_FIELD_STR, .help = "the login user's name (auid)"},
    [F_TTY] = {.name = "tty", .type = PK_FIELD_STR, .help = "its terminal, null for none"},
    [F_OPENED_BY] = {.name = "opened_by",
                     .type = PK_FIELD_STR,
                     .help = "the session's first process still alive, e.g. sshd"},
    [F_OPENED_BY_PID] = {.name = "opened_by_pid", .type = PK_FIELD_U32, .help = "its pid"},
    [F_REMOTE_ADDR] = {.name = "remote_addr", .type = PK_FIELD_IPV6, .help = "the client"},
    [F_REMOTE_PORT] = {.name = "remote_port", .type = PK_FIELD_U16, .help = "its port"},
    [F_LOCAL_ADDR] = {.name = "local_addr", .type = PK_FIELD_IPV6, .help = "the server side"},
    [F_LOCAL_PORT] = {.name = "local_port", .type = PK_FIELD_U16, .help = "its port"},
    [F_COMMANDS] = {.name = "commands", .type = PK_FIELD_U64, .help = "exec events seen"},
    [F_OPENS] = {.name = "opens", .type = PK_FIELD_U64, .help = "open events seen"},
    [F_CONNECTS] = {.name = "connects", .type = PK_FIELD_U64, .help = "connect events seen"},
    [F_EVENTS] = {.name = "events", .type = PK_FIELD_U64, .help = "every event seen"},
    [F_DURATION] = {.name = "duration_ns",
                    .type = PK_FIELD_U64,
                    .flags = PK_FIELD_DURATION,
                    .help = "from the first event seen to the end"},
};

struct sessions *sessions_new(const char *proc_root, sessions_deliver_fn deliver, void *ctx)
{
        struct sessions *s = calloc(1, sizeof(*s));

        if (!s)
                return NULL;
        s->proc_root = proc_root;
        s->deliver = deliver;
        s->ctx = ctx;
        return s;
}

void sessions_free(struct sessions *s)
{
        if (!s)
                return;
        free(s->items);
        free(s);
}

/* The index of session `id`, or where it would go (then *found is false). */
static size_t find(const struct sessions *s, uint32_t id, bool *found)
{
        size_t lo = 0, hi = s->n;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (s->items[mid].id < id)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        *found = lo < s->n && s->items[lo].id == id;
        return lo;
}

static struct session *insert(struct sessions *s, size_t at, uint32_t id)
{
        if (s->n == s->cap) {
                size_t cap = s->cap ? s->cap * 2 : 16;
                struct session *grown = realloc(s->items, cap * sizeof(*grown));

                if (!grown)
                        return NULL;
                s->items = grown;
                s->cap = cap;
        }
        memmove(&s->items[at + 1], &s->items[at], (s->n - at) * sizeof(*s->items));
        s->n++;
        memset(&s->items[at], 0, sizeof(s->items[at]));
        s->items[at].id = id;
        return &s->items[at];
}

/*
 * The user name of a uid, through NSS once per uid (cached: a directory
 * service is not asked again for every session of the same user).
 */
static void user_name(struct sessions *s, uint32_t uid, char *name)
{
        struct passwd pw, *found = NULL;
        char buf[1024];
        struct user_entry *slot;

        name[0] = '\0';
        if (uid == PK_AUDIT_UNSET)
                return;
        for (size_t i = 0; i < USER_CACHE; i++) {
                if (s->users[i].used && s->users[i].uid == uid) {
                        memcpy(name, s->users[i].name, USER_MAX);
                        return;
                }
        }
        if (!getpwuid_r(uid, &pw, buf, sizeof(buf), &found) && found)
                snprintf(name, USER_MAX, "%s", found->pw_name);
        slot = &s->users[s->next_user];
        s->next_user = (s->next_user + 1) % USER_CACHE;
        slot->used = true;
        slot->uid = uid;
        memcpy(slot->name, name, USER_MAX);
}

static void set_str(union pk_value *v, uint64_t *absent, int field, const char *text)
{
        v[field].str.ptr = text;
        v[field].str.len = (uint32_t)strlen(text);
        if (!*text)
                *absent |= 1ull << field;
}

static void set_u64(union pk_value *v, uint64_t *absent, int field, uint64_t value, bool known)
{
        v[field].u64 = value;
        if (!known)
                *absent |= 1ull << field;
}

/* Deliver a `session` record of `e`; `hdr` gives the task fields of a start. */
static void emit(struct sessions *s, const struct session *e, const char *action,
                 const struct pk_event_header *task, uint64_t ts_ns)
{
        struct pk_event_header hdr = {0};
        union pk_value v[N_FIELDS];
        struct pk_record rec = {0};
        bool end = !strcmp(action, "end");
        bool remote = e->origin.remote;

        if (task) {
                hdr = *task;
                hdr.present &= PK_HDR_TASK | PK_HDR_CGROUP;
        }
        hdr.ts_ns = 0;
        hdr.auid = e->auid;
        hdr.session = e->id;
        hdr.present |= PK_HDR_SESSION | (e->auid != PK_AUDIT_UNSET ? PK_HDR_AUID : 0);
        memset(v, 0, sizeof(v));
        set_str(v, &rec.absent, F_ACTION, action);
        set_str(v, &rec.absent, F_USER, e->user);
        set_str(v, &rec.absent, F_TTY, e->origin.tty);
        set_str(v, &rec.absent, F_OPENED_BY, e->origin.opener_comm);
        set_u64(v, &rec.absent, F_OPENED_BY_PID, e->origin.opener_pid, e->origin.opener_pid);
        v[F_REMOTE_ADDR].str.ptr = (const char *)e->origin.remote_addr;
        v[F_REMOTE_ADDR].str.len = 16;
        v[F_LOCAL_ADDR].str.ptr = (const char *)e->origin.local_addr;
        v[F_LOCAL_ADDR].str.len = 16;
        if (!remote)
                rec.absent |= 1ull << F_REMOTE_ADDR | 1ull << F_LOCAL_ADDR;
        set_u64(v, &rec.absent, F_REMOTE_PORT, e->origin.remote_port, remote);
        set_u64(v, &rec.absent, F_LOCAL_PORT, e->origin.local_port, remote);
        /* the counts and the duration say something only at the end */
        set_u64(v, &rec.absent, F_COMMANDS, e->commands, end);
        set_u64(v, &rec.absent, F_OPENS, e->opens, end);
        set_u64(v, &rec.absent, F_CONNECTS, e->connects, end);
        set_u64(v, &rec.absent, F_EVENTS, e->events, end);
        set_u64(v, &rec.absent, F_DURATION, ts_ns > e->start_ns ? ts_ns - e->start_ns : 0, end);
        rec.probe = SESSIONS_PROBE_NAME;
        rec.event = "session";
        rec.ts_ns = ts_ns;
        rec.hdr = &hdr;
        rec.fields = session_fields;
        rec.values = v;
        rec.n_fields = N_FIELDS;
        s->emitting = true;
        s->deliver(&rec, s->ctx);
        s->emitting = false;
}

static void count(struct session *e, const char *event)
{
        e->events++;
        if (!event)
                return;
        if (!strcmp(event, "exec"))
                e->commands++;
        else if (!strcmp(event, "open"))
                e->opens++;
        else if (!strcmp(event, "connect"))
                e->connects++;
}

void sessions_observe(struct sessions *s, const struct pk_record *rec)
{
        const struct pk_event_header *hdr = rec->hdr;
        struct session *e;
        bool found;
        size_t at;

        if (!s || s->emitting || !hdr || !(hdr->present & PK_HDR_SESSION))
                return;
        at = find(s, hdr->session, &found);
        if (found) {
                count(&s->items[at], rec->event);
                return;
        }
        e = insert(s, at, hdr->session);
        if (!e)
                return; /* out of memory: the session goes untracked, the record still goes out */
        e->auid = hdr->present & PK_HDR_AUID ? hdr->auid : PK_AUDIT_UNSET;
        e->start_ns = rec->ts_ns;
        e->alive = true;
        if (hdr->present & PK_HDR_TASK)
                session_proc_origin(s->proc_root, hdr->pid, hdr->session, &e->origin);
        user_name(s, e->auid, e->user);
        count(e, rec->event);
        emit(s, e, "start", hdr->present & PK_HDR_TASK ? hdr : NULL, rec->ts_ns);
}

/*
 * A process of `session` exists. A session's first activity often comes
 * before its terminal does (sshd's PAM phase): its tty is learned here from
 * the first of its processes that has one.
 */
static void mark_alive(uint32_t pid, uint32_t session, void *ctx)
{
        struct sessions *s = ctx;
        bool found;
        size_t at = find(s, session, &found);
        struct session *e = &s->items[at];

        if (!found)
                return;
        e->alive = true;
        if (!e->origin.tty[0])
                session_proc_tty(s->proc_root, pid, e->origin.tty, sizeof(e->origin.tty));
}

void sessions_tick(struct sessions *s, uint64_t now_ns)
{
        size_t kept = 0;

        if (!s || !s->n)
                return;
        for (size_t i = 0; i < s->n; i++)
                s->items[i].alive = false;
        if (session_proc_each_session(s->proc_root, mark_alive, s))
                return; /* /proc unreadable: end nothing rather than everything */
        for (size_t i = 0; i < s->n; i++) {
                if (s->items[i].alive) {
                        s->items[kept++] = s->items[i];
                        continue;
                }
                emit(s, &s->items[i], "end", NULL, now_ns);
        }
        s->n = kept;
}

/* An address as text: a v4-mapped one as IPv4. */
static void format_addr(const uint8_t addr[16], char *buf, size_t len)
{
        static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

        if (!memcmp(addr, mapped, sizeof(mapped)))
                inet_ntop(AF_INET, addr + 12, buf, (socklen_t)len);
        else
                inet_ntop(AF_INET6, addr, buf, (socklen_t)len);
}

static void json_str_or_null(struct strbuf *out, const char *key, const char *value)
{
        strbuf_printf(out, ",\"%s\":", key);
        if (*value)
                strbuf_json_string(out, value);
        else
                strbuf_printf(out, "null");
}

static void describe_json(const struct session *e, struct strbuf *out)
{
        char addr[INET6_ADDRSTRLEN];

        strbuf_printf(out, "{\"session\":%u,\"auid\":", e->id);
        if (e->auid == PK_AUDIT_UNSET)
                strbuf_printf(out, "null");
        else
                strbuf_printf(out, "%u", e->auid);
        json_str_or_null(out, "user", e->user);
        json_str_or_null(out, "tty", e->origin.tty);
        strbuf_printf(out, ",\"start\":%llu", (unsigned long long)e->start_ns);
        json_str_or_null(out, "opened_by", e->origin.opener_comm);
        if (e->origin.opener_pid)
                strbuf_printf(out, ",\"opened_by_pid\":%u", e->origin.opener_pid);
        else
                strbuf_printf(out, ",\"opened_by_pid\":null");
        if (e->origin.remote) {
                format_addr(e->origin.remote_addr, addr, sizeof(addr));
                strbuf_printf(out, ",\"remote_addr\":\"%s\",\"remote_port\":%u", addr,
                              e->origin.remote_port);
                format_addr(e->origin.local_addr, addr, sizeof(addr));
                strbuf_printf(out, ",\"local_addr\":\"%s\",\"local_port\":%u", addr,
                              e->origin.local_port);
        } else {
                strbuf_printf(out, ",\"remote_addr\":null,\"remote_port\":null,"
                                   "\"local_addr\":null,\"local_port\":null");
        }
        strbuf_printf(out, ",\"commands\":%llu,\"opens\":%llu,\"connects\":%llu,\"events\":%llu}",
                      (unsigned long long)e->commands, (unsigned long long)e->opens,
                      (unsigned long long)e->connects, (unsigned long long)e->events);
}

static void describe_text(const struct session *e, struct strbuf *out)
{
        char addr[INET6_ADDRSTRLEN], from[INET6_ADDRSTRLEN + 16] = "-", started[32], auid[16];
        time_t secs = (time_t)(e->start_ns / 1000000000ULL);
        struct tm tm;

        if (e->origin.remote) {
                format_addr(e->origin.remote_addr, addr, sizeof(addr));
                snprintf(from, sizeof(from), strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr,
                         e->origin.remote_port);
        }
        snprintf(auid, sizeof(auid), "%u", e->auid);
        if (localtime_r(&secs, &tm))
                strftime(started, sizeof(started), "%Y-%m-%d %H:%M:%S", &tm);
        else
                snprintf(started, sizeof(started), "-");
        strbuf_printf(out, "%10u %-12s %10s %-8s %-19s %-24s %-10s %8llu %8llu %8llu\n", e->id,
                      e->user[0] ? e->user : "-", e->auid == PK_AUDIT_UNSET ? "-" : auid,
                      e->origin.tty[0] ? e->origin.tty : "-", started, from,
                      e->origin.opener_comm[0] ? e->origin.opener_comm : "-",
                      (unsigned long long)e->commands, (unsigned long long)e->opens,
                      (unsigned long long)e->connects);
}

void sessions_describe(const struct sessions *s, bool json, struct strbuf *out)
{
        if (json)
                strbuf_printf(out, "{\"sessions\":[");
        else
                strbuf_printf(out, "%10s %-12s %10s %-8s %-19s %-24s %-10s %8s %8s %8s\n",
                              "SESSION", "USER", "AUID", "TTY", "STARTED", "FROM", "OPENED_BY",
                              "COMMANDS", "OPENS", "CONNECTS");
        for (size_t i = 0; s && i < s->n; i++) {
                if (json) {
                        strbuf_printf(out, "%s", i ? "," : "");
                        describe_json(&s->items[i], out);
                } else {
                        describe_text(&s->items[i], out);
                }
        }
        if (json)
                strbuf_printf(out, "]}\n");
}
