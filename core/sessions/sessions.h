/* SPDX-License-Identifier: MIT */
/*
 * Login sessions as events. The table watches the header of every record on
 * its way to the sinks: the first record of an audit session it has not
 * seen makes a `session` record with action "start" (who, from where, on
 * which terminal), delivered just before that record; on each stats tick a
 * session no process belongs to any more makes one with action "end" and
 * the counts of what was seen of it. `probekit sessions` lists the live ones.
 * See docs/session-audit.md.
 */
#ifndef PK_CORE_SESSIONS_H
#define PK_CORE_SESSIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <probekit/plugin.h>

struct strbuf;
struct sessions;

/* Where the table's own records go (the run's delivery to every sink). */
typedef int (*sessions_deliver_fn)(const struct pk_record *rec, void *ctx);

/* `proc_root`: "/proc" (another tree in tests); the string is not copied. */
struct sessions *sessions_new(const char *proc_root, sessions_deliver_fn deliver, void *ctx);
void sessions_free(struct sessions *s);

/* Every record before it reaches the sinks; may deliver a "start" record first. */
void sessions_observe(struct sessions *s, const struct pk_record *rec);

/* End the sessions no process is in any more; `now_ns` is CLOCK_REALTIME. */
void sessions_tick(struct sessions *s, uint64_t now_ns);

/* The live sessions, as text columns or as JSON ({"sessions":[...]}). */
void sessions_describe(const struct sessions *s, bool json, struct strbuf *out);

/* The instance name of the table's records ("sessions"). */
#define SESSIONS_PROBE_NAME "sessions"

#endif
