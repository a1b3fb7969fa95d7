# SPDX-License-Identifier: MIT
"""The printed tables (Markdown, so a run can be pasted into
docs/benchmarks.md) and the targets, side by side with the peer."""
from stats import ratio


def fmt(value, spec="{:.2f}"):
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    return spec.format(value)


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(fmt(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def firehose_table(res):
    base_ns = res.get("untraced", {}).get("ns_per_call")
    rows = []
    for label, r in res.items():
        if label.startswith("_"):
            continue
        added = r["ns_per_call"] - base_ns if base_ns is not None else None
        rows.append([label, fmt(r["calls"], "{:.0f}"), fmt(r["rate"] / 1e6, "{:.3f}"),
                     fmt(r.get("x_untraced")), fmt(r.get("x_floor")), fmt(r.get("x_ring_floor")),
                     fmt(r["ns_per_call"], "{:.0f}"), fmt(added, "{:+.0f}"),
                     fmt(r.get("delivered_fraction"), "{:.4f}"),
                     fmt(r.get("delivered_rate") and r["delivered_rate"] / 1e6, "{:.3f}"),
                     fmt(r.get("max_lost") if "lost" in r else None, "{:.0f}"),
                     fmt(r.get("cpu_ns_per_event"), "{:.0f}")])
    text = table(["tool", "calls", "load M calls/s", "× untraced", "× floor", "× ring floor",
                  "ns/call",
                  "added ns/call", "delivered/calls", "delivered M ev/s", "lost (max)",
                  "tracer CPU ns/event"], rows)
    capture = res.get("probekit capture>file")
    json_file = res.get("probekit json>file")
    if capture and capture.get("bytes_per_event"):
        json_bytes = json_file and json_file.get("bytes_per_event")
        text += (f"\n\nCapture file: {fmt(capture['bytes_per_event'], '{:.1f}')} bytes per event "
                 f"(JSON lines: {fmt(json_bytes, '{:.1f}')}, ratio "
                 f"{fmt(ratio(capture['bytes_per_event'], json_bytes), '{:.3f}')}); "
                 f"`probekit replay` to JSON into /dev/null: "
                 f"{fmt(capture.get('replay_rate') and capture['replay_rate'] / 1e6, '{:.2f}')} "
                 f"M events/s.")
    scraped = res.get("probekit json>/dev/null, /metrics scraped 10/s")
    if scraped:
        text += (f"\n\n/metrics scraped every 100 ms during the firehose: "
                 f"{fmt(scraped.get('scrapes'), '{:.0f}')} scrapes per run "
                 f"({fmt(scraped.get('failed_scrapes'), '{:.0f}')} failed), the slowest "
                 f"{fmt(scraped.get('slowest_scrape_ms'), '{:.1f}')} ms; load rate "
                 f"{fmt(scraped.get('x_unscraped'), '{:.3f}')} × the same run unscraped.")
    cost = res.get("_file_write_cost")
    if cost:
        per_line = cost["new_pages_ns_per_kib"] * 289 / 1024
        text += (f"\n\nwrite() into the work directory, {cost.get('mib', '?')} MiB in 256 KiB "
                 f"writes: {fmt(cost['new_pages_ns_per_kib'], '{:.0f}')} ns/KiB into new pages "
                 f"({fmt(per_line, '{:.0f}')} ns per 289-byte JSON line), "
                 f"{fmt(cost['same_pages_ns_per_kib'], '{:.0f}')} ns/KiB into the same pages "
                 "again.")
    return text


def exec_table(res):
    rows = []
    for label, r in res.items():
        rel = r.get("x_untraced")
        delivered = None if label == "untraced" else f"{r['min_delivered']:.0f}–{r['delivered']:.0f}"
        rows.append([label, fmt(r["execs"], "{:.0f}"), fmt(r["wall_s"], "{:.3f}"), fmt(rel, "{:.3f}"),
                     fmt(rel and (rel - 1) * 100, "{:+.1f}%"), fmt(1e6 * r["wall_s"] / r["execs"], "{:.0f}"),
                     delivered if delivered else "n/a",
                     fmt(None if label == "untraced" else r["max_lost"], "{:.0f}")])
    return table(["tool", "execs", "wall s", "× untraced", "overhead", "µs/exec",
                  "events seen (min–median)", "lost (max)"], rows)


def storm_table(res):
    """The open and connect storms: events seen of those done, and the slowdown."""
    rows = []
    for label, r in res.items():
        if "unavailable" in r:
            rows.append([label] + ["n/a"] * 6 + ["could not attach: " + r["unavailable"], "n/a"])
            continue
        rel = r.get("x_untraced")
        seen = None if label == "untraced" else f"{r['min_seen']:.0f}–{r['seen']:.0f}"
        cpu = r.get("x_untraced_cpu")
        rows.append([label, fmt(r["done"], "{:.0f}"), fmt(r["wall_s"], "{:.3f}"),
                     fmt(rel, "{:.3f}"), fmt(rel and (rel - 1) * 100, "{:+.1f}%"),
                     fmt(r.get("cpu_s"), "{:.3f}"), fmt(cpu and (cpu - 1) * 100, "{:+.1f}%"),
                     seen or "n/a", fmt(None if label == "untraced" else r["max_lost"], "{:.0f}")])
    return table(["tool", "done", "wall s", "× untraced", "slowdown", "storm CPU s",
                  "CPU added", "events seen (min–median)", "lost (max)"], rows)


def _storm_targets(rows, res, name, plugin, peer_name):
    pk, peer, base = res.get(f"probekit {plugin}"), res.get(peer_name), res.get("untraced")
    if not pk or not base or "unavailable" in pk:
        return
    peer_ok = peer and "unavailable" not in peer
    peer_txt = (f"{peer_name} {peer['min_seen']:.0f}/{peer['done']}" if peer_ok
                else f"{peer_name} could not attach here")
    rows.append((f"{name}: every event seen, as many as {peer_name}",
                 f"{pk['min_seen']:.0f}/{pk['done']} (worst run)", peer_txt,
                 pk["min_seen"] >= pk["done"] and (not peer_ok or pk["min_seen"] >= peer["min_seen"])))
    over = pk["x_untraced"] - 1
    peer_over = peer["x_untraced"] - 1 if peer_ok else None
    rows.append((f"{name}: slowdown ≤ {peer_name}'s", f"{over * 100:+.1f}%",
                 f"{peer_name} {fmt(peer_over and peer_over * 100, '{:+.1f}%')}",
                 None if peer_over is None else over <= peer_over))
    filtered = _find(res, f"probekit {plugin}, ")
    if filtered and "unavailable" not in filtered:
        cost = filtered["x_untraced"] - 1
        cpu = (filtered.get("x_untraced_cpu") or 1) - 1
        rows.append((f"{name}, every event filtered in the kernel: within 5 % of no probe "
                     "(wall time and storm CPU)",
                     f"{cost * 100:+.1f}%, CPU {cpu * 100:+.1f}% "
                     f"({_find_label(res, f'probekit {plugin}, ')})", "n/a",
                     cost <= 0.05 and cpu <= 0.05 and not filtered["seen"]))


def _find_label(res, prefix):
    return next((label for label in res if label.startswith(prefix)), "")


def netsinks_table(res):
    rows = []
    for label, r in res.items():
        rows.append([label, fmt(r["load_rate"] / 1e3, "{:.1f}"), fmt(r["accepted"], "{:.0f}"),
                     fmt(r["delivered"], "{:.0f}"),
                     fmt(r["delivered_rate"] / 1e3, "{:.1f}"), fmt(r.get("x_json_file")),
                     fmt(r["max_dropped"], "{:.0f}"), fmt(r.get("kernel_lost"), "{:.0f}"),
                     fmt(r.get("bytes_per_event"), "{:.0f}"), fmt(r["seconds"], "{:.2f}")])
    return table(["workload: sink", "load k/s", "records", "delivered", "delivered k ev/s", "× json>file",
                  "dropped by the sink (max)", "lost in the kernel", "bytes/event",
                  "load start → all delivered s"], rows)


def startup_table(res):
    rows = [[label, fmt(r["ready_ms"], "{:.1f}"), fmt(r["rss_mb"], "{:.1f}"),
             fmt(r["max_rss_mb"], "{:.1f}"), fmt(r["steady_rss_mb"], "{:.1f}"), r["ready_line"]]
            for label, r in res.items()]
    return table(["tool", "launch → ready ms", "peak RSS MB", "max peak RSS MB",
                  "RSS 1 s after ready MB", "ready line"], rows)


def latency_table(res):
    rows = [[label, fmt(r["sent"], "{:.0f}"), fmt(r["delivered"], "{:.0f}"), fmt(r["p50_ms"], "{:.1f}"),
             fmt(r["p99_ms"], "{:.1f}"), fmt(r["max_ms"], "{:.1f}")] for label, r in res.items()]
    return table(["tool", "events", "delivered", "p50 ms", "p99 ms", "max ms"], rows)


def soak_table(res):
    rows = [[f"{res['seconds']} s at {res['rate']} calls/s", fmt(res["produced"], "{:.0f}"),
             fmt(res["delivered"], "{:.0f}"), fmt(res["dropped"], "{:.0f}"),
             "yes" if res["balanced"] else "NO",
             fmt(res["rss_first_kb"] and res["rss_first_kb"] / 1024, "{:.1f}"),
             fmt(res["rss_last_kb"] and res["rss_last_kb"] / 1024, "{:.1f}"),
             fmt(res["rss_max_kb"] and res["rss_max_kb"] / 1024, "{:.1f}"),
             fmt(res["rss_slope_kb_per_min"], "{:+.1f}"),
             fmt(res.get("anon_slope_kb_per_min"), "{:+.1f}"), fmt(res["samples"], "{:.0f}")]]
    return table(["run", "produced", "delivered", "dropped (kernel)", "delivered + dropped = produced",
                  "RSS first MB", "RSS last MB", "RSS max MB", "RSS slope KB/min",
                  "heap (RssAnon) slope KB/min", "samples"], rows)


def _find(res, prefix):
    for label, r in (res or {}).items():
        if label.startswith(prefix):
            return r
    return None


def verdict(ok):
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def targets(results):
    """Rows of (target, probekit, peer, verdict); verdict None when not measured."""
    rows = []
    fh = results.get("firehose") or {}
    pk_file, pk_null = _find(fh, "probekit json>file"), _find(fh, "probekit json>/dev/null")
    bt = _find(fh, "bpftrace")
    if pk_file:
        lost = max((r or {}).get("max_lost") or 0 for r in (pk_file, pk_null))
        complete = pk_file.get("delivered_fraction")
        ok = lost == 0 and complete is not None and complete >= 1.0
        rows.append(("firehose: 0 drops (tool-reported; every call delivered to the file)",
                     f"lost {lost}, delivered {fmt(complete, '{:.4f}')}",
                     f"bpftrace lost {fmt(bt and bt.get('max_lost'), '{:.0f}')}, "
                     f"delivered {fmt(bt and bt.get('delivered_fraction'), '{:.4f}')}", ok))
        share = pk_file.get("x_floor")
        peer = bt and bt.get("x_floor")
        rows.append(("firehose: load rate ≥ 0.60 × bare-BPF floor", fmt(share),
                     f"bpftrace {fmt(peer)}", None if share is None else share >= 0.60))
        times = pk_file.get("x_bpftrace_delivered")
        rows.append(("firehose: delivered rate ≥ 10 × bpftrace",
                     f"{fmt(times, '{:.1f}')}×", "1×", None if times is None else times >= 10))
        reused = _find(fh, "probekit json>file, reused pages")
        if reused:
            share = reused.get("x_floor")
            rows.append(("firehose, JSON to a file of reused pages: load rate ≥ 0.60 × floor",
                         fmt(share), f"bpftrace {fmt(peer)}",
                         None if share is None else share >= 0.60))
        capture = _find(fh, "probekit capture>file")
        if capture:
            share = capture.get("x_ring_floor")
            complete = capture.get("delivered_fraction")
            ok = (share is not None and share >= 0.90 and complete is not None
                  and complete >= 1.0 and not capture.get("max_lost"))
            rows.append(("firehose to a capture file: load rate ≥ 0.90 × bare ring-buffer floor, "
                         "every call delivered", f"{fmt(share)}, delivered {fmt(complete, '{:.4f}')}",
                         f"json>file {fmt(pk_file.get('x_ring_floor'))}",
                         None if share is None else ok))
        batch = _find(fh, "ring floor, batch")
        if batch:
            share = batch.get("x_floor")
            rows.append(("moonshot, in-kernel batching: load rate ≥ 0.60 × count-only floor",
                         f"{fmt(share)}, delivered {fmt(batch.get('delivered_fraction'), '{:.4f}')}",
                         f"bare ring {fmt((_find(fh, 'ring floor, ring') or {}).get('x_floor'))}",
                         None if share is None else share >= 0.60))
            cap_bytes, json_bytes = capture.get("bytes_per_event"), pk_file.get("bytes_per_event")
            part = ratio(cap_bytes, json_bytes)
            rows.append(("capture: bytes per event ≤ 1/3 of the JSON line's",
                         f"{fmt(cap_bytes, '{:.1f}')} B ({fmt(part, '{:.3f}')})",
                         f"JSON {fmt(json_bytes, '{:.1f}')} B",
                         None if part is None else part <= 1 / 3))
            rate = capture.get("replay_rate")
            rows.append(("probekit replay to JSON ≥ 2 M events/s",
                         fmt(rate and rate / 1e6, "{:.2f} M/s"), "n/a",
                         None if rate is None else rate >= 2e6))
        if pk_null:
            share = pk_null.get("x_floor")
            rows.append(("firehose, JSON to /dev/null: load rate ≥ 0.60 × floor", fmt(share),
                         f"bpftrace {fmt(peer)}", None if share is None else share >= 0.60))
        scraped = _find(fh, "probekit json>/dev/null, /metrics scraped 10/s")
        if scraped:
            share = scraped.get("x_unscraped")
            ok = (share is not None and share >= 0.90 and not scraped.get("max_lost")
                  and not scraped.get("failed_scrapes"))
            rows.append(("firehose, /metrics scraped 10/s: load rate ≥ 0.90 × unscraped, 0 lost, "
                         "every scrape answered",
                         f"{fmt(share, '{:.3f}')}, lost {fmt(scraped.get('max_lost'), '{:.0f}')}, "
                         f"{fmt(scraped.get('failed_scrapes'), '{:.0f}')} failed",
                         "n/a", None if share is None else ok))
    lat = results.get("latency") or {}
    pk_lat, bt_lat = _find(lat, "probekit"), _find(lat, "bpftrace")
    if pk_lat:
        p99 = pk_lat["p99_ms"]
        rows.append(("low rate: p99 latency < 100 ms", f"{fmt(p99, '{:.1f}')} ms",
                     f"bpftrace {fmt(bt_lat and bt_lat['p99_ms'], '{:.1f}')} ms",
                     None if p99 is None else p99 < 100 and pk_lat["delivered"] >= pk_lat["sent"]))
    ex = results.get("exec") or {}
    pk_ex, es, base = _find(ex, "probekit"), ex.get("execsnoop"), ex.get("untraced")
    if pk_ex and base:
        over = pk_ex["x_untraced"] - 1
        peer = es and es["x_untraced"]
        rows.append(("exec storm: overhead ≤ execsnoop's", f"{over * 100:+.1f}%",
                     f"execsnoop {fmt(peer and (peer - 1) * 100, '{:+.1f}%')}",
                     None if peer is None else over <= peer - 1))
        seen = es["delivered"] if es else None
        rows.append(("exec storm: no exec missed that execsnoop saw",
                     f"{pk_ex['min_delivered']:.0f}/{pk_ex['execs']} (worst run)",
                     f"execsnoop {fmt(seen, '{:.0f}')}/{pk_ex['execs']}",
                     pk_ex["min_delivered"] >= min(pk_ex["execs"], es["max_delivered"] if es else 0)))
    st = results.get("startup") or {}
    es_st, bt_st = st.get("execsnoop"), _find(st, "bpftrace")
    # the default config (every probe), then the four the targets were set for
    for label, r in st.items():
        if label.startswith("probekit"):
            _startup_targets(rows, label[len("probekit "):], r, es_st, bt_st)
    _storm_targets(rows, results.get("opens") or {}, "open storm", "file_open", "opensnoop")
    _storm_targets(rows, results.get("connects") or {}, "connect storm", "tcp_connect",
                   "tcpconnect")
    sk = results.get("soak")
    if sk:
        rows.append(("soak: firehose delivered + dropped = produced, exactly",
                     f"{sk['delivered']} + {sk['dropped']} of {sk['produced']}", "n/a",
                     sk["balanced"]))
        slope = sk["rss_slope_kb_per_min"]
        rows.append(("soak: RSS flat (slope < 64 KB/min)", f"{fmt(slope, '{:+.1f}')} KB/min", "n/a",
                     None if slope is None else abs(slope) < 64))
        anon = sk.get("anon_slope_kb_per_min")
        rows.append(("soak: heap flat (RssAnon slope < 16 KB/min)", f"{fmt(anon, '{:+.1f}')} KB/min",
                     "n/a", None if anon is None else abs(anon) < 16))
    return rows


def _startup_targets(rows, which, pk_st, es_st, bt_st):
    peers = (f"execsnoop {fmt(es_st and es_st['ready_ms'], '{:.0f}')} ms, "
             f"bpftrace {fmt(bt_st and bt_st['ready_ms'], '{:.0f}')} ms")
    rows.append((f"start-up < 200 ms, {which}", f"{pk_st['ready_ms']:.0f} ms "
                 f"({pk_st['ready_line'].split('ready: ')[-1]})", peers,
                 pk_st["ready_ms"] < 200 and " 0 failed" in pk_st["ready_line"]))
    peers = (f"execsnoop {fmt(es_st and es_st['max_rss_mb'], '{:.1f}')} MB, "
             f"bpftrace {fmt(bt_st and bt_st['max_rss_mb'], '{:.1f}')} MB")
    rows.append((f"peak RSS < 16 MB, {which}", f"{pk_st['max_rss_mb']:.1f} MB", peers,
                 pk_st["max_rss_mb"] < 16))


def targets_table(results):
    rows = targets(results)
    return table(["target", "probekit", "peer", "verdict"],
                 [[name, pk, peer, verdict(ok)] for name, pk, peer, ok in rows]), rows
