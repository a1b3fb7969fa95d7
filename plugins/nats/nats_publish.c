/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE

#include "nats_publish.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MSG_ID_HEADER "Nats-Msg-Id"

static int status_error(natsStatus s, const char *what, char *why, size_t why_size)
{
        const char *last = nats_GetLastError(NULL);

        snprintf(why, why_size, "%s: %s%s%s", what, natsStatus_GetText(s),
                 last && *last ? ": " : "", last && *last ? last : "");
        return -EIO;
}

static void on_disconnected(natsConnection *nc, void *closure)
{
        struct nats_publish *np = closure;

        (void)nc;
        if (atomic_load(&np->closing))
                return;
        np->stream_checked = false;
        netsink_set_condition(np->ns, "reconnecting: disconnected from the NATS server");
        np->ns->host->log(np->ns->inst, PK_LOG_WARN,
                          "disconnected from the NATS server; reconnecting, unacknowledged "
                          "records are sent again");
}

static void on_reconnected(natsConnection *nc, void *closure)
{
        struct nats_publish *np = closure;

        (void)nc;
        if (atomic_load(&np->closing))
                return;
        netsink_set_condition(np->ns, NULL);
        np->ns->host->log(np->ns->inst, PK_LOG_INFO, "connected to the NATS server");
}

/* The record's sequence number, from the message id "<run id>-<seq>". */
static uint64_t message_seq(natsMsg *msg)
{
        const char *id = NULL, *dash;

        if (natsMsgHeader_Get(msg, MSG_ID_HEADER, &id) != NATS_OK || !id)
                return 0;
        dash = strrchr(id, '-');
        return dash ? strtoull(dash + 1, NULL, 10) : 0;
}

static void on_closed(natsConnection *nc, void *closure)
{
        struct nats_publish *np = closure;

        (void)nc;
        pthread_mutex_lock(&np->closed_lock);
        np->closed = true;
        pthread_cond_broadcast(&np->closed_cond);
        pthread_mutex_unlock(&np->closed_lock);
}

static void on_ack(jsCtx *js, natsMsg *msg, jsPubAck *pa, jsPubAckErr *pae, void *closure)
{
        struct nats_publish *np = closure;

        (void)js;
        if (atomic_load(&np->closing)) {
                /* after the sink's last count: netsink_stop() counted it */
                natsMsg_Destroy(msg);
                return;
        }
        if (pa) {
                netsink_acked(np->ns, (size_t)natsMsg_GetDataLength(msg));
        } else if (pae && pae->ErrCode == 0 &&
                   (pae->Err == NATS_TIMEOUT || pae->Err == NATS_NO_RESPONDERS ||
                    pae->Err == NATS_CONNECTION_CLOSED ||
                    pae->Err == NATS_CONNECTION_DISCONNECTED)) {
                /* not stored as far as we know: send it again */
                netsink_requeue(np->ns, natsMsg_GetSubject(msg), natsMsg_GetData(msg),
                                (size_t)natsMsg_GetDataLength(msg), message_seq(msg), 0);
        } else {
                netsink_count_error(np->ns);
                netsink_lost(np->ns, 1);
                if (np->refusals_logged++ < 5)
                        np->ns->host->log(
                            np->ns->inst, PK_LOG_WARN,
                            "record %" PRIu64 " refused by JetStream: %s (%d)", message_seq(msg),
                            pae && pae->ErrText ? pae->ErrText : natsStatus_GetText(pae->Err),
                            pae ? (int)pae->ErrCode : 0);
        }
        natsMsg_Destroy(msg);
}

static natsStatus set_security(natsOptions *o, const struct nats_publish_config *cfg)
{
        natsStatus s = NATS_OK;

        if (cfg->credentials)
                s = natsOptions_SetUserCredentialsFromFiles(o, cfg->credentials, NULL);
        if (s == NATS_OK && cfg->token)
                s = natsOptions_SetToken(o, cfg->token);
        if (s == NATS_OK && cfg->user)
                s = natsOptions_SetUserInfo(o, cfg->user, cfg->password);
        if (s == NATS_OK && cfg->tls)
                s = natsOptions_SetSecure(o, true);
        if (s == NATS_OK && cfg->tls_files.ca)
                s = natsOptions_LoadCATrustedCertificates(o, cfg->tls_files.ca);
        if (s == NATS_OK && cfg->tls_files.cert)
                s = natsOptions_LoadCertificatesChain(o, cfg->tls_files.cert, cfg->tls_files.key);
        return s;
}

int nats_publish_init(struct nats_publish *np, struct netsink *ns,
                      const struct nats_publish_config *cfg, const char *host, char *why,
                      size_t why_size)
{
        struct timespec now;
        natsStatus s;

        np->ns = ns;
        np->cfg = *cfg;
        pthread_mutex_init(&np->closed_lock, NULL);
        pthread_cond_init(&np->closed_cond, NULL);
        clock_gettime(CLOCK_REALTIME, &now);
        snprintf(np->run_id, sizeof(np->run_id), "%.24s-%d-%" PRIu64, host, (int)getpid(),
                 (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec);
        s = natsOptions_Create(&np->opts);
        if (s == NATS_OK)
                s = natsOptions_SetServers(np->opts, (const char **)cfg->servers,
                                           (int)cfg->n_servers);
        if (s == NATS_OK)
                s = natsOptions_SetName(np->opts, "probekit");
        if (s == NATS_OK) /* libnats reconnects by itself, forever */
                s = natsOptions_SetMaxReconnect(np->opts, -1);
        if (s == NATS_OK)
                s = natsOptions_SetReconnectWait(np->opts, cfg->reconnect_wait_ms);
        if (s == NATS_OK)
                s = natsOptions_SetTimeout(np->opts, 2000);
        if (s == NATS_OK)
                s = natsOptions_SetRetryOnFailedConnect(np->opts, true, on_reconnected, np);
        if (s == NATS_OK)
                s = natsOptions_SetDisconnectedCB(np->opts, on_disconnected, np);
        if (s == NATS_OK)
                s = natsOptions_SetReconnectedCB(np->opts, on_reconnected, np);
        if (s == NATS_OK)
                s = natsOptions_SetClosedCB(np->opts, on_closed, np);
        if (s == NATS_OK)
                s = set_security(np->opts, cfg);
        if (s != NATS_OK)
                return status_error(s, "NATS options", why, why_size);
        return 0;
}

void nats_publish_free(struct nats_publish *np)
{
        struct timespec deadline;

        atomic_store(&np->closing, true);
        if (np->nc) {
                natsConnection_Close(np->nc);
                clock_gettime(CLOCK_REALTIME, &deadline);
                deadline.tv_sec += 2;
                pthread_mutex_lock(&np->closed_lock);
                while (!np->closed)
                        if (pthread_cond_timedwait(&np->closed_cond, &np->closed_lock, &deadline) ==
                            ETIMEDOUT)
                                break;
                pthread_mutex_unlock(&np->closed_lock);
        }
        jsCtx_Destroy(np->js);
        natsConnection_Destroy(np->nc);
        natsOptions_Destroy(np->opts);
        pthread_cond_destroy(&np->closed_cond);
        pthread_mutex_destroy(&np->closed_lock);
        np->js = NULL;
        np->nc = NULL;
        np->opts = NULL;
}

static int first_connect(struct nats_publish *np, char *why, size_t why_size)
{
        jsOptions jo;
        natsStatus s = natsConnection_Connect(&np->nc, np->opts);

        if (s != NATS_OK && s != NATS_NOT_YET_CONNECTED)
                return status_error(s, "connect", why, why_size);
        jsOptions_Init(&jo);
        jo.PublishAsync.MaxPending = np->cfg.max_pending;
        jo.PublishAsync.AckHandler = on_ack;
        jo.PublishAsync.AckHandlerClosure = np;
        jo.PublishAsync.StallWait = 20; /* ms: the window is full, come back shortly */
        s = natsConnection_JetStream(&np->js, np->nc, &jo);
        if (s != NATS_OK)
                return status_error(s, "JetStream context", why, why_size);
        return 0;
}

static int check_stream(struct nats_publish *np, char *why, size_t why_size)
{
        jsStreamInfo *si = NULL;
        jsErrCode jerr = 0;
        natsStatus s = js_GetStreamInfo(&si, np->js, np->cfg.stream, NULL, &jerr);

        if (s == NATS_NOT_FOUND && np->cfg.create_stream) {
                jsStreamConfig sc;
                const char *subjects[] = {np->cfg.stream_subject};

                jsStreamConfig_Init(&sc);
                sc.Name = np->cfg.stream;
                sc.Subjects = subjects;
                sc.SubjectsLen = 1;
                sc.Storage = js_FileStorage;
                sc.Replicas = np->cfg.stream_replicas;
                s = js_AddStream(&si, np->js, &sc, NULL, &jerr);
                if (s == NATS_OK)
                        np->ns->host->log(
                            np->ns->inst, PK_LOG_INFO,
                            "created stream %s for subjects %s, %" PRId64 " replica(s)",
                            np->cfg.stream, np->cfg.stream_subject, np->cfg.stream_replicas);
        }
        jsStreamInfo_Destroy(si);
        if (s == NATS_NOT_FOUND) {
                snprintf(why, why_size,
                         "stream %s does not exist (create it, or set "
                         "create_stream = true)",
                         np->cfg.stream);
                return -ENOENT;
        }
        if (s != NATS_OK)
                return status_error(s, "stream", why, why_size);
        np->stream_checked = true;
        return 0;
}

static int nats_connect(void *ctx, char *why, size_t why_size)
{
        struct nats_publish *np = ctx;
        int rc;

        if (!np->nc && (rc = first_connect(np, why, why_size)))
                return rc;
        if (natsConnection_Status(np->nc) != NATS_CONN_STATUS_CONNECTED) {
                const char *last = NULL;

                natsConnection_GetLastError(np->nc, &last);
                snprintf(why, why_size, "no NATS server reachable%s%s", last && *last ? ": " : "",
                         last && *last ? last : "");
                return -ENOTCONN;
        }
        if (np->cfg.stream && !np->stream_checked)
                return check_stream(np, why, why_size);
        return 0;
}

static int nats_send(void *ctx, const struct nmsg *m, char *why, size_t why_size)
{
        struct nats_publish *np = ctx;
        natsMsg *msg = NULL;
        jsPubOptions po;
        char id[96];
        natsStatus s;

        snprintf(id, sizeof(id), "%s-%" PRIu64, np->run_id, m->seq);
        jsPubOptions_Init(&po);
        po.MaxWait = np->cfg.ack_timeout_ms;
        po.MsgId = id;
        po.ExpectStream = np->cfg.stream;
        s = natsMsg_Create(&msg, nmsg_key(m), NULL, nmsg_body(m), (int)m->len);
        if (s == NATS_OK)
                s = js_PublishMsgAsync(np->js, &msg, &po);
        natsMsg_Destroy(msg); /* NULL when the library took it */
        if (s == NATS_OK)
                return 0;
        if (s == NATS_TIMEOUT)
                return -EAGAIN; /* max_pending messages await their ack */
        if (s == NATS_MAX_PAYLOAD) {
                status_error(s, "publish", why, why_size);
                return -EMSGSIZE;
        }
        return status_error(s, "publish", why, why_size);
}

static void nats_disconnect(void *ctx)
{
        (void)ctx; /* libnats reconnects by itself; the sink waits for it */
}

static void nats_drain(void *ctx, uint64_t deadline_ns)
{
        struct nats_publish *np = ctx;
        uint64_t now = netsink_now_ns();
        natsMsgList pending = {0};
        jsPubOptions po;

        if (!np->js)
                return;
        jsPubOptions_Init(&po);
        po.MaxWait = now < deadline_ns ? (int64_t)((deadline_ns - now) / 1000000u) + 1 : 1;
        js_PublishAsyncComplete(np->js, &po);
        /* What is still unacknowledged is counted as dropped, never forgotten. */
        if (js_PublishAsyncGetPendingList(&pending, np->js) == NATS_OK) {
                netsink_lost(np->ns, (uint64_t)pending.Count);
                natsMsgList_Destroy(&pending);
        }
}

const struct netsink_transport nats_transport = {
    .connect = nats_connect,
    .send = nats_send,
    .disconnect = nats_disconnect,
    .drain = nats_drain,
    .acked = true,
};
