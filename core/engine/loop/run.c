// SPDX-License-Identifier: MIT
#include "run.h"

#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "capture_sink.h"
#include "control.h"
#include "decode.h"
#include "log.h"
#include "metrics_server.h"
#include "privileges.h"
#include "probe.h"
#include "ring_reader.h"
#include "service_notify.h"
#include "sessions.h"
#include "sink_host.h"

/* epoll_event.data.u32 tags: what became ready */
enum loop_source {
        SOURCE_RINGS = 1,
        SOURCE_SIGNAL,
        SOURCE_TIMER,
        SOURCE_CONTROL,
        SOURCE_METRICS,
};

/* ring buffer callbacks get the instance as context; records go to this run */
static struct run *active_run;

/* A sink's reader went away (EPIPE): end the run, as a filter in a pipeline does. */
static void reader_gone(struct run *run)
{
        if (!run->reader_gone)
                log_error(NULL, "the output's reader is gone: stopping");
        run->reader_gone = true;
        run->stop = true;
}

static uint64_t monotonic_ns(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int run_deliver(const struct pk_record *rec, void *ctx)
{
        struct run *run = ctx;

        sessions_observe(run->sessions, rec); /* may deliver a session's start first */
        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];

                if (sink->state == INSTANCE_ATTACHED && sink_host_write(sink, rec) == -EPIPE)
                        reader_gone(run);
        }
        return 0;
}

static int add_to_epoll(int epoll_fd, int fd, enum loop_source tag, uint32_t flags)
{
        struct epoll_event ev = {.events = EPOLLIN | flags, .data.u32 = tag};

        return epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* One ring buffer map of a probe instance. */
struct ring_source {
        struct ring_reader reader;
        struct pk_instance *inst;
        int map_fd; /* the instance's BPF object owns it */
};

/* ring_reader callback: one sample of one probe. */
static int on_sample(void *ctx, const void *data, uint32_t size)
{
        struct pk_instance *inst = ctx;
        struct pk_record rec;

        if (capture_sample(active_run, inst, data, size))
                return 0; /* captured raw, and no other sink wants it decoded */
        if (decode_sample(inst, data, size, &rec)) {
                inst->malformed++;
                return 0;
        }
        instance_count_event(inst, ((const struct pk_event_header *)data)->type);
        return run_deliver(&rec, active_run);
}

/* Map a ring and watch it; 0 or -errno. */
static int open_ring(struct run *run, struct ring_source *src)
{
        bool every = probe_wakes_every_sample(src->inst);
        int rc = ring_reader_open(&src->reader, src->map_fd);

        if (rc)
                return rc;
        /*
         * Batched wakeups: edge-triggered, the loop wakes when the producer
         * asks (once per threshold crossing), not whenever data waits, and
         * the drain leaves a tail it would have to read right behind the
         * producer; the periodic drain takes it. wakeup = every wants each
         * sample at once: level-triggered, read until caught up (the kernel
         * wakes only a consumer that has caught up, so a tail left behind
         * would wait for the timer).
         */
        if (every)
                src->reader.read_on_min = 1;
        rc = add_to_epoll(run->epoll_fd, src->map_fd, SOURCE_RINGS, every ? 0 : EPOLLET);
        if (rc)
                ring_reader_close(&src->reader);
        return rc;
}

static int add_ringbuf(struct pk_instance *inst, int map_fd, void *ctx)
{
        struct run *run = ctx;
        struct ring_source *grown;
        int rc;

        grown = realloc(run->rings, (run->n_rings + 1) * sizeof(*grown));
        if (!grown)
                return -ENOMEM;
        run->rings = grown;
        grown[run->n_rings] = (struct ring_source){.inst = inst, .map_fd = map_fd};
        if (!run->defer_rings) {
                rc = open_ring(run, &grown[run->n_rings]);
                if (rc)
                        return rc;
        }
        run->n_rings++;
        return 0;
}

static void flush_sinks(struct run *run)
{
        for (size_t i = 0; i < run->n_sinks; i++) {
                if (sink_host_flush(&run->sinks[i]) == -EPIPE)
                        reader_gone(run);
        }
}

int run_reopen_sinks(struct run *run)
{
        int first_err = 0;

        for (size_t i = 0; i < run->n_sinks; i++) {
                int rc = sink_host_reopen(&run->sinks[i]);

                if (rc == -EPIPE)
                        reader_gone(run);
                if (rc && !first_err)
                        first_err = rc;
        }
        return first_err;
}

/*
 * Every enabled sink must open before any probe attaches: a run that would
 * count events into a missing output is a start-up error.
 */
static int open_sinks(struct run *run)
{
        int first_err = 0;

        for (size_t i = 0; i < run->n_sinks; i++) {
                int rc;

                if (run->sinks[i].state != INSTANCE_PENDING)
                        continue;
                rc = sink_host_open(&run->sinks[i]);
                if (rc && !first_err)
                        first_err = rc;
        }
        if (first_err) {
                run->sink_open_failed = true;
                log_error(NULL, "an output could not be opened: not starting");
        }
        return first_err;
}

static int instance_from_spec(struct pk_instance *inst, struct instance_spec *spec)
{
        uint32_t n_events = spec->plugin->desc.n_events;

        memset(inst, 0, sizeof(*inst));
        if (spec->plugin->desc.kind == PK_KIND_PROBE && n_events) {
                inst->events_by_type = calloc(n_events, sizeof(*inst->events_by_type));
                if (!inst->events_by_type)
                        return -ENOMEM;
        }
        inst->name = spec->name;
        inst->plugin = spec->plugin;
        inst->opts = spec->opts;
        inst->drops_fd = -1;
        inst->state = spec_enabled(spec) ? INSTANCE_PENDING : INSTANCE_DISABLED;
        spec->name = NULL;
        memset(&spec->opts, 0, sizeof(spec->opts));
        return 0;
}

static void consume_rings(struct run *run);

static int split_plan(struct run *run, struct plan *plan)
{
        /* instances never move: rings and plugins hold their addresses; reloads add to the end */
        run->probes = calloc(RUN_MAX_INSTANCES, sizeof(*run->probes));
        run->sinks = calloc(RUN_MAX_INSTANCES, sizeof(*run->sinks));
        if (!run->probes || !run->sinks)
                return -ENOMEM;
        if (plan->n_specs > RUN_MAX_INSTANCES) {
                log_error(NULL, "%zu instances configured; at most %d run at once", plan->n_specs,
                          RUN_MAX_INSTANCES);
                return -E2BIG;
        }
        for (size_t i = 0; i < plan->n_specs; i++) {
                struct instance_spec *spec = &plan->specs[i];
                int rc;

                if (spec->plugin->desc.kind == PK_KIND_SINK)
                        rc = instance_from_spec(&run->sinks[run->n_sinks++], spec);
                else
                        rc = instance_from_spec(&run->probes[run->n_probes++], spec);
                if (rc)
                        return rc;
        }
        return 0;
}

struct pk_instance *run_find_instance(struct run *run, const char *name)
{
        for (size_t i = 0; i < run->n_probes; i++) {
                if (run->probes[i].name && !strcmp(run->probes[i].name, name))
                        return &run->probes[i];
        }
        for (size_t i = 0; i < run->n_sinks; i++) {
                if (run->sinks[i].name && !strcmp(run->sinks[i].name, name))
                        return &run->sinks[i];
        }
        return NULL;
}

int run_add_instance(struct run *run, struct instance_spec *spec, struct pk_instance **out)
{
        bool sink = spec->plugin->desc.kind == PK_KIND_SINK;
        struct pk_instance *slot = run_find_instance(run, spec->name);
        size_t *n = sink ? &run->n_sinks : &run->n_probes;

        /* a removed instance of this name gives its slot back */
        if (slot && slot->state != INSTANCE_REMOVED)
                return -EEXIST;
        if (!slot) {
                if (*n == RUN_MAX_INSTANCES)
                        return -E2BIG;
                slot = sink ? &run->sinks[(*n)++] : &run->probes[(*n)++];
        } else {
                run_release_instance(slot);
        }
        *out = slot;
        return instance_from_spec(slot, spec);
}

void run_release_instance(struct pk_instance *inst)
{
        option_set_free(&inst->opts);
        free(inst->name);
        free(inst->events_by_type);
        inst->name = NULL;
        inst->events_by_type = NULL;
}

int run_start_instance(struct run *run, struct pk_instance *inst)
{
        struct probe_env env = {.mount_tracefs = run->opts.mount_tracefs};

        inst->reason[0] = '\0';
        if (inst->plugin->desc.kind == PK_KIND_SINK)
                return sink_host_open(inst);
        return probe_start(inst, &env);
}

/* Close the rings of `inst` and forget them (the rest keep their order). */
static void remove_rings_of(struct run *run, const struct pk_instance *inst)
{
        size_t kept = 0;

        for (size_t i = 0; i < run->n_rings; i++) {
                struct ring_source *src = &run->rings[i];

                if (src->inst != inst) {
                        run->rings[kept++] = *src;
                        continue;
                }
                epoll_ctl(run->epoll_fd, EPOLL_CTL_DEL, src->map_fd, NULL);
                ring_reader_close(&src->reader);
        }
        run->n_rings = kept;
}

/*
 * The rings of the probes run_setup() started, mapped only now. The kernel
 * maps all of a ring's pages into us at mmap() (the data twice: 2 x ring_size
 * of RSS each), and every later probe's load holds two copies of the
 * kernel's BTF for a moment: mapped earlier, the rings would add to that
 * peak. Nothing is lost meanwhile: the kernel fills the ring either way,
 * and nothing reads it before the loop starts. A probe whose ring cannot
 * be mapped fails alone; the ring of a probe that failed after adding it
 * is dropped.
 */
static void open_deferred_rings(struct run *run, size_t *failed)
{
        size_t kept = 0;

        run->defer_rings = false;
        for (size_t i = 0; i < run->n_rings; i++) {
                struct ring_source src = run->rings[i];
                int rc;

                if (src.inst->state != INSTANCE_ATTACHED)
                        continue;
                rc = open_ring(run, &src);
                if (rc) {
                        snprintf(src.inst->reason, sizeof(src.inst->reason),
                                 "consuming its ring buffer: %s", strerror(-rc));
                        log_error(src.inst->name, "failed: %s", src.inst->reason);
                        src.inst->state = INSTANCE_FAILED;
                        (*failed)++;
                        continue;
                }
                run->rings[kept++] = src;
        }
        run->n_rings = kept;
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];

                if (inst->state == INSTANCE_FAILED && inst->obj) {
                        remove_rings_of(run, inst); /* any other ring it had */
                        probe_stop(inst);
                }
        }
}

void run_stop_instance(struct run *run, struct pk_instance *inst, enum instance_state after)
{
        if (inst->plugin->desc.kind == PK_KIND_SINK) {
                if (sink_host_flush(inst) == -EPIPE)
                        reader_gone(run);
                sink_host_close(inst);
        } else {
                /* what its ring holds was traced: deliver it before detaching */
                consume_rings(run);
                remove_rings_of(run, inst);
                probe_stop(inst);
                capture_probe_stopped(run, inst);
                inst->mode = NULL;
        }
        inst->state = after;
        inst->since_ns = 0;
        inst->events_per_s = 0;
}

/* The loop's timer fires every flush_interval_ms (stats_interval is counted in it). */
static int arm_timer(struct run *run)
{
        struct itimerspec every = {0};

        every.it_interval.tv_sec = run->opts.flush_interval_ms / 1000;
        every.it_interval.tv_nsec = (run->opts.flush_interval_ms % 1000) * 1000000L;
        every.it_value = every.it_interval;
        return timerfd_settime(run->timer_fd, 0, &every, NULL) ? -errno : 0;
}

int run_set_flush_interval(struct run *run, int64_t ms)
{
        int64_t was = run->opts.flush_interval_ms;
        int rc;

        run->opts.flush_interval_ms = ms;
        rc = arm_timer(run);
        if (rc) {
                run->opts.flush_interval_ms = was;
                arm_timer(run);
        }
        return rc;
}

static int setup_fds(struct run *run)
{
        sigset_t mask;
        int rc;

        run->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
        if (run->epoll_fd < 0)
                return -errno;
        sigemptyset(&mask);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGUSR1);
        if (sigprocmask(SIG_BLOCK, &mask, NULL))
                return -errno;
        run->signal_fd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (run->signal_fd < 0)
                return -errno;
        run->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (run->timer_fd < 0)
                return -errno;
        rc = arm_timer(run);
        if (!rc)
                rc = add_to_epoll(run->epoll_fd, run->signal_fd, SOURCE_SIGNAL, 0);
        if (!rc)
                rc = add_to_epoll(run->epoll_fd, run->timer_fd, SOURCE_TIMER, 0);
        return rc;
}

/* The /metrics endpoint, when asked for: its descriptor joins the loop. */
static int start_metrics(struct run *run)
{
        const char *address = run->opts.metrics_address;

        if (!address || !*address)
                return 0;
        run->metrics = metrics_server_start(address, run);
        if (!run->metrics)
                return -EADDRNOTAVAIL;
        return add_to_epoll(run->epoll_fd, metrics_server_fd(run->metrics), SOURCE_METRICS, 0);
}

int run_set_metrics(struct run *run, const char *address)
{
        struct metrics_server *was = run->metrics;
        const char *was_address = run->opts.metrics_address;
        int rc;

        /* the new endpoint first: when it cannot listen, the old one serves on */
        run->metrics = NULL;
        run->opts.metrics_address = address;
        rc = start_metrics(run);
        if (rc) {
                metrics_server_stop(run->metrics);
                run->metrics = was;
                run->opts.metrics_address = was_address;
                return rc;
        }
        metrics_server_stop(was); /* closing its descriptor takes it out of the epoll set */
        return 0;
}

/*
 * The control socket, before any BPF is loaded: a path that is not ours is a
 * start-up error; another instance answering there only costs `list`.
 */
static int start_control(struct run *run)
{
        const char *path = run->opts.control_socket;
        int rc;

        if (!path || !*path)
                return 0;
        rc = control_server_open(path, run, &run->control);
        if (rc == -EADDRINUSE)
                return 0;
        if (rc)
                return rc;
        return add_to_epoll(run->epoll_fd, control_server_fd(run->control), SOURCE_CONTROL, 0);
}

size_t run_count_attached(const struct run *run)
{
        size_t n = 0;

        for (size_t i = 0; i < run->n_probes; i++)
                n += run->probes[i].state == INSTANCE_ATTACHED;
        return n;
}

/* Name a missing privilege once, before anything is opened, rather than per probe. */
static int check_privileges(const struct run *run)
{
        char why[512];

        for (size_t i = 0; i < run->n_probes; i++) {
                if (run->probes[i].state == INSTANCE_DISABLED)
                        continue;
                if (privileges_check(why, sizeof(why))) {
                        log_error(NULL, "%s", why);
                        return -EPERM;
                }
                return 0;
        }
        return 0;
}

int run_setup(struct run *run, struct plan *plan, const struct run_options *opts)
{
        struct probe_env env = {.mount_tracefs = opts->mount_tracefs};
        size_t enabled = 0, failed = 0;
        int rc;

        memset(run, 0, sizeof(*run));
        run->epoll_fd = run->signal_fd = run->timer_fd = -1;
        run->opts = *opts;
        run->started_ns = monotonic_ns();
        clock_refresh_offset();
        host_set_record_sink(run_deliver, run);
        host_set_ringbuf_adder(add_ringbuf, run);
        active_run = run;
        capture_bind_run(run);
        if (opts->sessions) {
                run->sessions = sessions_new("/proc", run_deliver, run);
                if (!run->sessions)
                        return -ENOMEM;
        }
        rc = split_plan(run, plan);
        if (!rc)
                rc = check_privileges(run);
        if (rc)
                return rc;
        rc = setup_fds(run);
        if (rc) {
                log_error(NULL, "setting up the event loop: %s", strerror(-rc));
                return rc;
        }
        /* before any BPF is loaded: a port in use fails the run at once */
        rc = start_metrics(run);
        if (!rc)
                rc = start_control(run);
        if (rc)
                return rc;
        rc = open_sinks(run);
        if (rc)
                return rc;
        run->defer_rings = true;
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];

                if (inst->state == INSTANCE_DISABLED)
                        continue;
                enabled++;
                if (probe_start(inst, &env))
                        failed++;
        }
        open_deferred_rings(run, &failed);
        malloc_trim(0); /* what loading left free in the heap (about 0.3 MB) */
        log_info(NULL, "ready: %zu attached, %zu failed", enabled - failed, failed);
        if (enabled && failed == enabled) {
                log_error(NULL, "no probe could attach");
                return -ENOENT;
        }
        if (!enabled) {
                log_error(NULL, "no probe is enabled");
                return -ENOENT;
        }
        service_notify_ready(enabled - failed, failed);
        return 0;
}

/*
 * Deliver what the rings hold, at most about one ring's worth each, so a
 * producer faster than the sinks cannot keep the loop from its timer,
 * signals and control socket (the ring stays ready, epoll returns at once).
 */
static void consume_rings(struct run *run)
{
        for (size_t i = 0; i < run->n_rings; i++) {
                struct ring_source *src = &run->rings[i];

                ring_reader_drain(&src->reader, src->reader.mask + 1, on_sample, src->inst);
        }
}

void run_read_drops(struct run *run)
{
        for (size_t i = 0; i < run->n_probes; i++) {
                if (run->probes[i].state == INSTANCE_ATTACHED)
                        probe_read_drops(&run->probes[i]);
        }
}

static void check_drops(struct run *run)
{
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];
                int64_t ring_size;

                if (inst->state != INSTANCE_ATTACHED)
                        continue;
                probe_read_drops(inst);
                if (inst->drops <= inst->drops_logged)
                        continue;
                ring_size = option_set_get(&inst->opts, "ring_size")->i;
                log_warn(inst->name,
                         "%llu events dropped since the last report (%llu in all): the ring "
                         "buffer (ring_size = %lld) was full; raise ring_size or narrow the "
                         "filters",
                         (unsigned long long)(inst->drops - inst->drops_logged),
                         (unsigned long long)inst->drops, (long long)ring_size);
                inst->drops_logged = inst->drops;
        }
}

/* Each probe's fullest ring fill of the interval that just ended. */
static void take_ring_fill(struct run *run)
{
        for (size_t i = 0; i < run->n_probes; i++)
                run->probes[i].ring_fill_ratio = 0;
        for (size_t i = 0; i < run->n_rings; i++) {
                struct ring_source *src = &run->rings[i];
                double fill = ring_reader_take_peak_fill(&src->reader);

                if (fill > src->inst->ring_fill_ratio)
                        src->inst->ring_fill_ratio = fill;
        }
}

static void tick_plugins(struct run *run)
{
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];
                const struct pk_probe_ops *ops = inst->plugin->desc.probe;
                int rc;

                if (inst->state != INSTANCE_ATTACHED || !ops->tick)
                        continue;
                rc = ops->tick(inst->plugin_state);
                if (rc)
                        log_warn(inst->name, "tick(): %s", strerror(-rc));
        }
}

/* Each probe's events per second over the stats interval that just ended. */
static void measure_rates(struct run *run, uint64_t elapsed_ns)
{
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];

                if (elapsed_ns && run->last_stats_ns)
                        inst->events_per_s = (double)(inst->events - inst->events_at_tick) * 1e9 /
                                             (double)elapsed_ns;
                inst->events_at_tick = inst->events;
        }
}

static void on_timer(struct run *run)
{
        uint64_t expirations, now = monotonic_ns();

        if (read(run->timer_fd, &expirations, sizeof(expirations)) < 0)
                return;
        consume_rings(run);
        if (now - run->last_stats_ns >= (uint64_t)run->opts.stats_interval_s * 1000000000ULL) {
                measure_rates(run, now - run->last_stats_ns);
                run->last_stats_ns = now;
                clock_refresh_offset();
                check_drops(run);
                take_ring_fill(run);
                tick_plugins(run);
                sessions_tick(run->sessions, clock_mono_to_realtime(now));
        }
        flush_sinks(run);
        control_server_expire(run->control, now);
        if (run->opts.duration_s &&
            now - run->started_ns >= (uint64_t)run->opts.duration_s * 1000000000ULL) {
                log_info(NULL, "duration of %llds reached", (long long)run->opts.duration_s);
                run->stop = true;
        }
}

static void on_signal(struct run *run)
{
        struct signalfd_siginfo info;

        if (read(run->signal_fd, &info, sizeof(info)) != sizeof(info))
                return;
        if (info.ssi_signo == SIGHUP) {
                /* the daemon convention: re-read the configuration and reopen the outputs */
                log_info(NULL, "Hangup received: reloading the configuration");
                run_reload(run, NULL, false);
                run_reopen_sinks(run);
                return;
        }
        if (info.ssi_signo == SIGUSR1) {
                /* logrotate's postrotate: the outputs were renamed or copied */
                log_info(NULL, "SIGUSR1 received: reopening the outputs");
                run_reopen_sinks(run);
                return;
        }
        log_info(NULL, "%s received: stopping", strsignal((int)info.ssi_signo));
        run->stop = true;
}

int run_loop(struct run *run)
{
        struct epoll_event events[8];

        while (!run->stop) {
                int n =
                    epoll_wait(run->epoll_fd, events, 8, metrics_server_timeout_ms(run->metrics));
                bool metrics_ready = false;

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                for (int i = 0; i < n; i++) {
                        switch (events[i].data.u32) {
                        case SOURCE_RINGS:
                                consume_rings(run);
                                break;
                        case SOURCE_SIGNAL:
                                on_signal(run);
                                break;
                        case SOURCE_TIMER:
                                on_timer(run);
                                break;
                        case SOURCE_CONTROL:
                                control_server_dispatch(run->control);
                                break;
                        case SOURCE_METRICS:
                                metrics_ready = true;
                                break;
                        }
                }
                metrics_server_after_wait(run->metrics, metrics_ready);
        }
        return 0;
}

static void log_summary(const struct pk_instance *inst)
{
        if (inst->state != INSTANCE_DETACHED)
                return;
        log_info(inst->name, "%llu events, %llu dropped in the kernel, %llu malformed",
                 (unsigned long long)inst->events, (unsigned long long)inst->drops,
                 (unsigned long long)inst->malformed);
}

static void close_fd(int *fd)
{
        if (*fd >= 0)
                close(*fd);
        *fd = -1;
}

/* Deliver what the probes hold, then detach them. */
static void stop_probes(struct run *run)
{
        service_notify_stopping();
        /* no scrape may read the instances while they go away */
        metrics_server_stop(run->metrics);
        run->metrics = NULL;
        /* what is in the rings now was traced: deliver it before detaching */
        consume_rings(run);
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];

                if (inst->state == INSTANCE_ATTACHED) {
                        /* tick() once more so aggregating plugins report the last interval */
                        if (inst->plugin->desc.probe->tick)
                                inst->plugin->desc.probe->tick(inst->plugin_state);
                }
        }
        consume_rings(run);
        /* sessions that ended meanwhile, while the sinks are open */
        sessions_tick(run->sessions, clock_mono_to_realtime(monotonic_ns()));
        for (size_t i = 0; i < run->n_rings; i++)
                ring_reader_close(&run->rings[i].reader);
        free(run->rings);
        run->rings = NULL;
        run->n_rings = 0;
        for (size_t i = 0; i < run->n_probes; i++) {
                struct pk_instance *inst = &run->probes[i];

                probe_stop(inst);
                run->lost_in_kernel += inst->drops;
        }
}

/*
 * The summary comes last, once every sink is flushed: what it counts is in
 * the outputs, or counted as dropped in it.
 */
static void log_final_summary(struct run *run)
{
        for (size_t i = 0; i < run->n_probes; i++)
                log_summary(&run->probes[i]);
        for (size_t i = 0; i < run->n_sinks; i++) {
                sink_host_log_summary(&run->sinks[i]);
                run->lost_in_sinks += sink_lost(&run->sinks[i]);
        }
        if (run->lost_in_kernel || run->lost_in_sinks)
                log_warn(NULL, "events lost: %llu in the kernel, %llu in the outputs",
                         (unsigned long long)run->lost_in_kernel,
                         (unsigned long long)run->lost_in_sinks);
}

void run_teardown(struct run *run)
{
        stop_probes(run);
        flush_sinks(run);
        for (size_t i = 0; i < run->n_sinks; i++)
                sink_host_drain(&run->sinks[i]);
        if (!run->sink_open_failed)
                log_final_summary(run);
        for (size_t i = 0; i < run->n_probes; i++) {
                run_release_instance(&run->probes[i]);
        }
        for (size_t i = 0; i < run->n_sinks; i++) {
                struct pk_instance *sink = &run->sinks[i];

                sink_host_close(sink);
                run_release_instance(sink);
        }
        control_server_close(run->control);
        run->control = NULL;
        sessions_free(run->sessions);
        run->sessions = NULL;
        close_fd(&run->timer_fd);
        close_fd(&run->signal_fd);
        close_fd(&run->epoll_fd);
        for (size_t i = 0; i < run->n_retired_plugins; i++)
                plugin_set_free(&run->retired_plugins[i]);
        free(run->retired_plugins);
        run->retired_plugins = NULL;
        run->n_retired_plugins = 0;
        free(run->probes);
        free(run->sinks);
        run->probes = run->sinks = NULL;
}

bool run_lost_events(const struct run *run)
{
        return run->lost_in_kernel || run->lost_in_sinks || run->reader_gone;
}
