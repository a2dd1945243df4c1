// SIPFront's C side: libre for SIP, SDP, RTP and RFC 4733 events; spandsp for G.711 and in-band DTMF. See
// include/sipstack.h for the contract and docs/sip.md for why libre.
#include "sipstack.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <linux/sockios.h>

#include <re.h>
#include <spandsp.h>

#define ALLOW_HEADER "Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER\r\n"
#define NONCE_LIFETIME 300
#define LATENESS_KEPT 4096
#define RELAY_KEPT 65536  // about 2 s of packets with 300 calls bridged

enum { CMD_ANSWER = 1, CMD_REJECT, CMD_HANGUP, CMD_STOP, CMD_DIAL, CMD_BRIDGE };

struct command {
    uint64_t id;
    uint16_t code;
    uint64_t other;  ///< CMD_BRIDGE: the second call
    int alaw;        ///< CMD_DIAL: offer PCMA first
    char *uri;       ///< CMD_DIAL: whom to call, and as whom
    char *from;
};

struct sipcall {
    struct le le;
    sipstack_t *st;
    uint64_t id;
    struct sipsess *sess;
    struct sdp_session *sdp;
    struct sdp_media *media;
    struct rtp_sock *rtp;
    struct telev *telev;
    dtmf_rx_state_t *dtmf;
    struct sa raddr;
    int pt;
    bool alaw;
    int telev_pt;
    bool answered;
    bool outgoing;  ///< placed by sipstack_dial (we are the UAC)
    bool marker;
    int tel_ticks;      ///< 1 while a key is being sent (RFC 4733)
    uint32_t tel_ts;    ///< the RTP timestamp of the key's event, kept for all its packets
    bool rx_seen;       ///< an audio packet has come in: rx_ssrc is its source
    uint32_t rx_ssrc;
    struct sipcall *peer;  ///< the bridged call our audio is relayed to, and theirs to us
    uint32_t ts;
    uint64_t last_rx;
    char callid[128];  ///< the INVITE's Call-ID and From tag, to refuse a second INVITE of the same dialog
    char ftag[64];
};

/// Refused REGISTERs from one address in the window that began at `since` (seconds, monotonic).
struct lockout {
    struct sa addr;
    uint64_t since;
    uint32_t failures;
};
#define LOCKOUT_SLOTS 1024

struct sipstack {
    sipstack_handlers h;
    sipstack_config cfg;
    struct sa laddr;
    struct sip *sip;
    struct sipsess_sock *sock;
    struct sip_lsnr *lsnr;
    struct mqueue *mq;
    struct tmr tick;
    struct tmr quit;
    uint64_t next_tick_us;
    struct list calls;
    struct mbuf *tx;
    _Atomic uint64_t next_id;
    _Atomic uint16_t refuse;
    _Atomic uint64_t counters[SIPSTACK_COUNTERS];
    uint8_t secret[16];  ///< signs the digest nonces this stack hands out
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t ready;
    int started;  // 0 starting, 1 running, -1 failed
    int start_err;
    char start_why[200];
    int64_t lateness[LATENESS_KEPT];
    size_t lateness_count;
    size_t lateness_next;
    struct lockout lockouts[LOCKOUT_SLOTS];  ///< refused REGISTERs per source address (direct-mapped by hash)
    int64_t relay_delay[RELAY_KEPT];  ///< kernel receive to our send, per relayed packet (microseconds)
    size_t relay_count;
    size_t relay_next;
};

enum { C_INVITES, C_REJECTED, C_ANSWERED, C_RTP_SENT, C_RTP_IGNORED, C_REGISTERS, C_AUTH_FAILED, C_RELAYED, C_DIALLED, C_LOCKED_OUT };

static uint64_t now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

static const char *reason_of(uint16_t code) {
    switch (code) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 480: return "Temporarily Unavailable";
    case 486: return "Busy Here";
    case 488: return "Not Acceptable Here";
    case 500: return "Server Internal Error";
    case 503: return "Service Unavailable";
    default: return "Rejected";
    }
}

static struct sipcall *find_call(sipstack_t *st, uint64_t id) {
    for (struct le *le = st->calls.head; le; le = le->next) {
        struct sipcall *call = le->data;
        if (call->id == id) return call;
    }
    return NULL;
}

static void call_destructor(void *arg) {
    struct sipcall *call = arg;
    list_unlink(&call->le);
    if (call->peer) call->peer->peer = NULL;
    mem_deref(call->sess);
    mem_deref(call->rtp);
    mem_deref(call->media);
    mem_deref(call->sdp);
    mem_deref(call->telev);
    if (call->dtmf) dtmf_rx_free(call->dtmf);
}

/// Ends a call's session from our side and tells the handler; frees the call.
static void end_call(struct sipcall *call, int why, uint16_t ringing_code) {
    sipstack_t *st = call->st;
    // An outgoing call not yet answered is cancelled by dereferencing its session.
    if (call->sess && !call->answered && !call->outgoing && ringing_code) {
        (void)sipsess_reject(call->sess, ringing_code, reason_of(ringing_code), NULL);
    }
    // Dereferencing an answered session sends its BYE.
    uint64_t id = call->id;
    mem_deref(call);
    st->h.closed(st->h.arg, id, why, 0);
}

static void on_digits(void *arg, const char *digits, int len) {
    struct sipcall *call = arg;
    for (int i = 0; i < len; i++) call->st->h.digit(call->st->h.arg, call->id, digits[i], 1);
}

/// A bridged call's audio packet, straight on to its peer in the peer's codec (G.711 mu-law and A-law convert byte
/// by byte); the peer's own sequence numbers and timestamps.
static void relay(struct sipcall *from, const struct rtp_header *hdr, struct mbuf *mb) {
    struct sipcall *to = from->peer;
    sipstack_t *st = from->st;
    if (!to->answered || !to->sess || (hdr->pt != 0 && hdr->pt != 8)) return;
    size_t n = mbuf_get_left(mb);
    if (n > 480) n = 480;
    struct mbuf *out = st->tx;
    out->pos = RTP_HEADER_SIZE;
    out->end = RTP_HEADER_SIZE;
    const uint8_t *p = mbuf_buf(mb);
    bool in_alaw = hdr->pt == 8;
    // When the kernel took the packet in (SIOCGSTAMPNS: the last datagram read on the socket), so the relay's delay
    // counts the wait for the event loop too, not only this function.
    struct timespec rx;
    int fd = udp_sock_fd(rtp_sock(from->rtp), AF_INET);
    bool stamped = fd >= 0 && ioctl(fd, SIOCGSTAMPNS, &rx) == 0;
    if (in_alaw == to->alaw) {
        (void)mbuf_write_mem(out, p, n);
    } else {
        for (size_t i = 0; i < n; i++) (void)mbuf_write_u8(out, in_alaw ? alaw_to_ulaw(p[i]) : ulaw_to_alaw(p[i]));
    }
    out->pos = RTP_HEADER_SIZE;
    if (rtp_send(to->rtp, &to->raddr, false, to->marker || hdr->m, (uint8_t)to->pt, to->ts, out) == 0) {
        atomic_fetch_add(&st->counters[C_RELAYED], 1);
        if (stamped) {
            struct timespec sent;
            clock_gettime(CLOCK_REALTIME, &sent);
            int64_t us = (int64_t)(sent.tv_sec - rx.tv_sec) * 1000000 + (sent.tv_nsec - rx.tv_nsec) / 1000;
            pthread_mutex_lock(&st->lock);
            st->relay_delay[st->relay_next] = us;
            st->relay_next = (st->relay_next + 1) % RELAY_KEPT;
            if (st->relay_count < RELAY_KEPT) st->relay_count++;
            pthread_mutex_unlock(&st->lock);
        }
    }
    to->marker = false;
    to->ts += (uint32_t)n;
}

static void on_rtp(const struct sa *src, const struct rtp_header *hdr, struct mbuf *mb, void *arg) {
    struct sipcall *call = arg;
    sipstack_t *st = call->st;
    // Only from where the caller's SDP says it takes media: phones send from that address and port (symmetric RTP,
    // RFC 4961); anything else is a stranger's.
    if (!sa_cmp(src, &call->raddr, SA_ALL)) {
        atomic_fetch_add(&st->counters[C_RTP_IGNORED], 1);
        return;
    }
    call->last_rx = now_us();
    if (call->peer) {
        relay(call, hdr, mb);
        return;
    }
    if (call->telev_pt >= 0 && hdr->pt == call->telev_pt) {
        int event = -1;
        bool end = false;
        if (telev_recv(call->telev, mb, &event, &end) == 0 && !end) {
            int digit = telev_code2digit(event);
            if (digit > 0) st->h.digit(st->h.arg, call->id, (char)digit, 0);
        }
        return;
    }
    if (hdr->pt != 0 && hdr->pt != 8) return;
    if (st->h.source && (hdr->m || !call->rx_seen || hdr->ssrc != call->rx_ssrc)) {
        bool changed = call->rx_seen && hdr->ssrc != call->rx_ssrc;
        call->rx_seen = true;
        call->rx_ssrc = hdr->ssrc;
        st->h.source(st->h.arg, call->id, hdr->ssrc, hdr->m ? 1 : 0, changed ? 1 : 0);
    }
    int16_t pcm[480];
    size_t n = mbuf_get_left(mb);
    if (n > 480) n = 480;
    const uint8_t *p = mbuf_buf(mb);
    for (size_t i = 0; i < n; i++) pcm[i] = hdr->pt == 8 ? alaw_to_linear(p[i]) : ulaw_to_linear(p[i]);
    dtmf_rx(call->dtmf, pcm, (int)n);
    if (st->h.audio) st->h.audio(st->h.arg, call->id, pcm, n);
}

static int on_offer(struct mbuf **descp, const struct sip_msg *msg, void *arg) {
    struct sipcall *call = arg;
    int err = sdp_decode(call->sdp, msg->mb, true);
    if (err) return err;
    const struct sa *raddr = sdp_media_raddr(call->media);
    if (sa_isset(raddr, SA_ALL)) call->raddr = *raddr;
    return sdp_encode(descp, call->sdp, false);
}

static int on_answer(const struct sip_msg *msg, void *arg) {
    (void)msg;
    (void)arg;
    return 0;
}

static void on_established(const struct sip_msg *msg, void *arg) {
    (void)msg;
    (void)arg;
}

static bool call_was_refused(const struct sip_msg *msg) { return msg && msg->scode >= 300; }

static void on_close(int err, const struct sip_msg *msg, void *arg) {
    struct sipcall *call = arg;
    sipstack_t *st = call->st;
    uint64_t id = call->id;
    // The session is over; it must not send anything more.
    call->sess = mem_deref(call->sess);
    mem_deref(call);
    // An outgoing call refused (486 busy, 480, 603, ...) before it was answered.
    if (call_was_refused(msg)) {
        st->h.closed(st->h.arg, id, SIPSTACK_END_REFUSED, msg->scode);
        return;
    }
    st->h.closed(st->h.arg, id, (err == 0 || err == ECONNRESET) ? SIPSTACK_END_REMOTE : SIPSTACK_END_ERROR, 0);
}

/// Picks the call's audio codec from the offer: the first of PCMU and PCMA in the caller's order.
static const struct sdp_format *audio_format(struct sdp_media *media) {
    const struct sdp_format *first = sdp_media_rformat(media, NULL);
    if (first && (!strcasecmp(first->name, "PCMU") || !strcasecmp(first->name, "PCMA"))) return first;
    const struct sdp_format *u = sdp_media_rformat(media, "PCMU");
    return u ? u : sdp_media_rformat(media, "PCMA");
}

/// What libre lets through but RFC 3261 refuses: a request with no Via (dropped: there is nowhere to answer), no
/// Call-ID, From tag or CSeq, a Content-Length that is not a number or (over UDP) more than the bytes that came
/// (18.3), or Max-Forwards 0 (16.3). Replies where it can and returns true when the request is one of those.
static bool refused_as_malformed(sipstack_t *st, const struct sip_msg *msg) {
    const char *why = NULL;
    uint16_t code = 400;
    if (!pl_isset(&msg->via.sentby)) {
        atomic_fetch_add(&st->counters[C_REJECTED], 1);
        return true;
    }
    if (!pl_isset(&msg->callid)) why = "no Call-ID";
    else if (!pl_isset(&msg->from.tag)) why = "no tag in From";
    else if (!pl_isset(&msg->cseq.met)) why = "no CSeq";
    else if (pl_isset(&msg->clen)) {
        bool digits = msg->clen.l > 0 && msg->clen.l <= 9;
        for (size_t i = 0; digits && i < msg->clen.l; i++) digits = msg->clen.p[i] >= '0' && msg->clen.p[i] <= '9';
        if (!digits) why = "Content-Length is not a number";
        else if (msg->tp == SIP_TRANSP_UDP && pl_u32(&msg->clen) > (msg->mb ? mbuf_get_left(msg->mb) : 0))
            why = "Content-Length is more than the datagram holds";
    }
    if (!why && pl_isset(&msg->maxfwd) && pl_u32(&msg->maxfwd) == 0) {
        why = "Max-Forwards is 0";
        code = 483;
    }
    if (!why) return false;
    atomic_fetch_add(&st->counters[C_REJECTED], 1);
    (void)sip_treplyf(NULL, NULL, st->sip, msg, false, code, code == 483 ? "Too Many Hops" : "Bad Request",
                      "Warning: 399 acdd \"%s\"\r\nContent-Length: 0\r\n\r\n", why);
    return true;
}

static void on_connect(const struct sip_msg *msg, void *arg) {
    sipstack_t *st = arg;
    atomic_fetch_add(&st->counters[C_INVITES], 1);
    if (refused_as_malformed(st, msg)) return;
    uint16_t refuse = atomic_load(&st->refuse);
    if (refuse) {
        atomic_fetch_add(&st->counters[C_REJECTED], 1);
        (void)sip_treply(NULL, st->sip, msg, refuse, reason_of(refuse));
        return;
    }
    if (!msg->mb || mbuf_get_left(msg->mb) == 0 || msg_ctype_cmp(&msg->ctyp, "application", "sdp") == false) {
        atomic_fetch_add(&st->counters[C_REJECTED], 1);
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 488, "Not Acceptable Here",
                          "Warning: 399 acdd \"an INVITE without an SDP offer is not supported\"\r\n"
                          "Content-Length: 0\r\n\r\n");
        return;
    }
    // A new INVITE (no To tag) with the Call-ID and From tag of a call already here is a merged or looped request
    // (RFC 3261 8.2.2.2), or a flood: 482, and the call it names goes on as it was.
    for (struct le *le = st->calls.head; le; le = le->next) {
        const struct sipcall *other = le->data;
        if (!pl_strcmp(&msg->callid, other->callid) && !pl_strcmp(&msg->from.tag, other->ftag)) {
            atomic_fetch_add(&st->counters[C_REJECTED], 1);
            (void)sip_treply(NULL, st->sip, msg, 482, "Loop Detected");
            return;
        }
    }
    struct sipcall *call = mem_zalloc(sizeof(*call), call_destructor);
    if (!call) {
        (void)sip_treply(NULL, st->sip, msg, 500, "Server Internal Error");
        return;
    }
    call->st = st;
    call->telev_pt = -1;
    int err = rtp_listen(&call->rtp, IPPROTO_UDP, &st->laddr, st->cfg.rtp_min_port, st->cfg.rtp_max_port, false,
                         on_rtp, NULL, call);
    err = err ? err : sdp_session_alloc(&call->sdp, &st->laddr);
    err = err ? err : sdp_media_add(&call->media, call->sdp, "audio", sa_port(rtp_local(call->rtp)), "RTP/AVP");
    err = err ? err : sdp_format_add(NULL, call->media, false, "0", "PCMU", 8000, 1, NULL, NULL, NULL, false, NULL);
    err = err ? err : sdp_format_add(NULL, call->media, false, "8", "PCMA", 8000, 1, NULL, NULL, NULL, false, NULL);
    err = err ? err
              : sdp_format_add(NULL, call->media, false, "101", "telephone-event", 8000, 1, NULL, NULL, NULL, false,
                               "0-15");
    err = err ? err : telev_alloc(&call->telev, 20);
    if (err) {
        mem_deref(call);
        (void)sip_treply(NULL, st->sip, msg, err == EADDRINUSE ? 503 : 500, reason_of(err == EADDRINUSE ? 503 : 500));
        return;
    }
    const struct sdp_format *audio = NULL;
    if (sdp_decode(call->sdp, msg->mb, true) != 0 || !(audio = audio_format(call->media))) {
        mem_deref(call);
        atomic_fetch_add(&st->counters[C_REJECTED], 1);
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 488, "Not Acceptable Here",
                          "Warning: 305 acdd \"no common codec: acdd takes PCMU or PCMA\"\r\n"
                          "Content-Length: 0\r\n\r\n");
        return;
    }
    call->pt = audio->pt;
    call->alaw = !strcasecmp(audio->name, "PCMA");
    const struct sdp_format *events = sdp_media_rformat(call->media, "telephone-event");
    call->telev_pt = events ? events->pt : -1;
    call->raddr = *sdp_media_raddr(call->media);
    call->dtmf = dtmf_rx_init(NULL, on_digits, call);
    call->id = atomic_fetch_add(&st->next_id, 1) + 1;
    (void)pl_strcpy(&msg->callid, call->callid, sizeof(call->callid));
    (void)pl_strcpy(&msg->from.tag, call->ftag, sizeof(call->ftag));

    char user[128] = "", callid[256] = "", remote[64] = "";
    (void)pl_strcpy(&msg->uri.user, user, sizeof(user));
    (void)pl_strcpy(&msg->callid, callid, sizeof(callid));
    (void)re_snprintf(remote, sizeof(remote), "%J", &msg->src);
    int code = st->h.invite(st->h.arg, call->id, call, user, callid, remote, call->alaw ? "PCMA" : "PCMU");
    if (code) {
        mem_deref(call);
        atomic_fetch_add(&st->counters[C_REJECTED], 1);
        (void)sip_treply(NULL, st->sip, msg, (uint16_t)code, reason_of((uint16_t)code));
        return;
    }
    list_append(&st->calls, &call->le, call);
    err = sipsess_accept(&call->sess, st->sock, msg, 180, "Ringing", "acdd", "application/sdp", NULL, NULL, NULL,
                         false, on_offer, on_answer, on_established, NULL, NULL, on_close, call, ALLOW_HEADER);
    if (err) {
        (void)sip_treply(NULL, st->sip, msg, 500, "Server Internal Error");
        end_call(call, SIPSTACK_END_ERROR, 0);
    }
}

// MARK: Registrar (agents' phones)

/// A nonce: when it was made and a signature of that time with the stack's secret, so any nonce this stack made can
/// be checked without keeping it, and one older than NONCE_LIFETIME is stale.
static void make_nonce(const sipstack_t *st, uint64_t made, char out[33]) {
    uint8_t sig[MD5_SIZE];
    (void)md5_printf(sig, "%llx:%w", (unsigned long long)made, st->secret, sizeof(st->secret));
    (void)re_snprintf(out, 33, "%016llx%w", (unsigned long long)made, sig, (size_t)8);
}

/// 0: the nonce is ours and fresh; 1: ours but stale; -1: not ours.
static int check_nonce(const sipstack_t *st, const struct pl *nonce) {
    if (nonce->l != 32) return -1;
    char made_hex[17];
    memcpy(made_hex, nonce->p, 16);
    made_hex[16] = 0;
    char *end = NULL;
    unsigned long long made = strtoull(made_hex, &end, 16);
    if (!end || *end) return -1;
    char expected[33];
    make_nonce(st, made, expected);
    if (pl_strcmp(nonce, expected)) return -1;
    uint64_t now = (uint64_t)time(NULL);
    return now >= made && now - made <= NONCE_LIFETIME ? 0 : 1;
}

static void challenge(sipstack_t *st, const struct sip_msg *msg, bool stale) {
    char nonce[33];
    make_nonce(st, (uint64_t)time(NULL), nonce);
    (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 401, "Unauthorized",
                      "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", algorithm=MD5, qop=\"auth\"%s\r\n"
                      "Content-Length: 0\r\n\r\n",
                      st->cfg.realm, nonce, stale ? ", stale=true" : "");
}

/// The slot that counts refused REGISTERs from `src`'s address, its window restarted when over or taken by another.
static struct lockout *lockout_of(sipstack_t *st, const struct sa *src, uint64_t now_s) {
    struct lockout *slot = &st->lockouts[sa_hash(src, SA_ADDR) % LOCKOUT_SLOTS];
    if (!sa_cmp(&slot->addr, src, SA_ADDR) || now_s - slot->since >= st->cfg.lockout_seconds) {
        // Another address locked out in this slot keeps it until its window ends; `src` goes uncounted meanwhile
        // (a collision must not lock out an innocent address).
        if (!sa_cmp(&slot->addr, src, SA_ADDR) && slot->failures >= st->cfg.lockout_failures &&
            now_s - slot->since < st->cfg.lockout_seconds)
            return NULL;
        slot->addr = *src;
        slot->since = now_s;
        slot->failures = 0;
    }
    return slot;
}

/// REGISTER (RFC 3261 10.3) with digest authentication (RFC 2617, MD5, qop auth): a request without credentials, or
/// with a stale nonce, is challenged (401); wrong credentials get 403 and are counted; a verified one is handed to
/// the registered handler with its Contact and the expiry granted.
static void on_register(sipstack_t *st, const struct sip_msg *msg) {
    if (refused_as_malformed(st, msg)) return;
    atomic_fetch_add(&st->counters[C_REGISTERS], 1);
    // An address that keeps guessing is not answered at all for the rest of its window (as fail2ban or Kamailio's
    // pike would): no 401, no digest work, no 403 to learn from. Its good REGISTERs wait for the window's end too.
    uint64_t now_s = now_us() / 1000000u;
    struct lockout *lock = st->cfg.lockout_failures ? lockout_of(st, &msg->src, now_s) : NULL;
    if (lock && lock->failures >= st->cfg.lockout_failures) {
        atomic_fetch_add(&st->counters[C_LOCKED_OUT], 1);
        return;
    }
    const struct sip_hdr *auth = sip_msg_hdr(msg, SIP_HDR_AUTHORIZATION);
    struct httpauth_digest_resp resp;
    if (!auth || httpauth_digest_response_decode(&resp, &auth->val) != 0) {
        challenge(st, msg, false);
        return;
    }
    int nonce = check_nonce(st, &resp.nonce);
    if (nonce != 0) {
        challenge(st, msg, nonce == 1);
        return;
    }
    char user[65] = "";
    uint8_t ha1[MD5_SIZE];
    bool known = resp.username.l < sizeof(user) && pl_strcpy(&resp.username, user, sizeof(user)) == 0 &&
                 !pl_strcmp(&resp.realm, st->cfg.realm) && st->h.credential(st->h.arg, user, ha1) == 0;
    if (!known || httpauth_digest_response_auth(&resp, &msg->met, ha1) != 0) {
        atomic_fetch_add(&st->counters[C_AUTH_FAILED], 1);
        if (lock) lock->failures++;
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 403, "Forbidden",
                          "Warning: 399 acdd \"unknown agent or wrong password\"\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    uint32_t expires = st->cfg.max_expires;
    const struct sip_hdr *eh = sip_msg_hdr(msg, SIP_HDR_EXPIRES);
    if (eh) expires = pl_u32(&eh->val);
    char contact[256] = "";
    const struct sip_hdr *ch = sip_msg_hdr(msg, SIP_HDR_CONTACT);
    if (ch && !pl_strcmp(&ch->val, "*")) {
        expires = 0;
        strcpy(contact, "*");
    } else if (ch) {
        struct sip_addr addr;
        struct pl value;
        if (sip_addr_decode(&addr, &ch->val) != 0 || addr.auri.l >= sizeof(contact)) {
            (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 400, "Bad Request",
                              "Warning: 399 acdd \"the Contact is not a SIP address\"\r\nContent-Length: 0\r\n\r\n");
            return;
        }
        (void)pl_strcpy(&addr.auri, contact, sizeof(contact));
        if (msg_param_decode(&addr.params, "expires", &value) == 0) expires = pl_u32(&value);
    }
    if (contact[0] && contact[0] != '*' && expires > 0 && expires < st->cfg.min_expires) {
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 423, "Interval Too Brief",
                          "Min-Expires: %u\r\nContent-Length: 0\r\n\r\n", st->cfg.min_expires);
        return;
    }
    if (expires > st->cfg.max_expires) expires = st->cfg.max_expires;
    char remote[64] = "";
    (void)re_snprintf(remote, sizeof(remote), "%J", &msg->src);
    int code = st->h.registered(st->h.arg, user, contact, expires, remote);
    if (code) {
        (void)sip_treply(NULL, st->sip, msg, (uint16_t)code, reason_of((uint16_t)code));
    } else if (contact[0] && contact[0] != '*' && expires > 0) {
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 200, "OK",
                          "Contact: <%s>;expires=%u\r\nContent-Length: 0\r\n\r\n", contact, expires);
    } else {
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 200, "OK", "Content-Length: 0\r\n\r\n");
    }
}

/// Requests outside a session that no session listener takes: OPTIONS is answered (PBXes probe with it).
static bool on_request(const struct sip_msg *msg, void *arg) {
    sipstack_t *st = arg;
    if (!pl_strcmp(&msg->met, "OPTIONS")) {
        if (refused_as_malformed(st, msg)) return true;
        (void)sip_treplyf(NULL, NULL, st->sip, msg, false, 200, "OK",
                          ALLOW_HEADER "Accept: application/sdp\r\nContent-Length: 0\r\n\r\n");
        return true;
    }
    if (!pl_strcmp(&msg->met, "REGISTER")) {
        on_register(st, msg);
        return true;
    }
    return false;
}

// MARK: Calls to agents (we are the UAC)

static int on_dial_answer(const struct sip_msg *msg, void *arg) {
    struct sipcall *call = arg;
    int err = sdp_decode(call->sdp, msg->mb, false);
    if (err) return err;
    const struct sdp_format *audio = audio_format(call->media);
    if (!audio) return EPROTO;
    call->pt = audio->pt;
    call->alaw = !strcasecmp(audio->name, "PCMA");
    const struct sdp_format *events = sdp_media_rformat(call->media, "telephone-event");
    call->telev_pt = events ? events->pt : -1;
    call->raddr = *sdp_media_raddr(call->media);
    return 0;
}

static void on_dial_progress(const struct sip_msg *msg, void *arg) {
    (void)msg;
    (void)arg;
}

static void on_dial_established(const struct sip_msg *msg, void *arg) {
    struct sipcall *call = arg;
    (void)msg;
    call->answered = true;
    call->marker = true;
    call->last_rx = now_us();
    call->st->h.answered(call->st->h.arg, call->id);
}

static void dial(sipstack_t *st, const struct command *cmd) {
    struct sipcall *call = mem_zalloc(sizeof(*call), call_destructor);
    if (!call) {
        st->h.closed(st->h.arg, cmd->id, SIPSTACK_END_ERROR, 0);
        return;
    }
    call->st = st;
    call->id = cmd->id;
    call->outgoing = true;
    call->telev_pt = -1;
    const char *first = cmd->alaw ? "8" : "0", *second = cmd->alaw ? "0" : "8";
    int err = rtp_listen(&call->rtp, IPPROTO_UDP, &st->laddr, st->cfg.rtp_min_port, st->cfg.rtp_max_port, false,
                         on_rtp, NULL, call);
    err = err ? err : sdp_session_alloc(&call->sdp, &st->laddr);
    err = err ? err : sdp_media_add(&call->media, call->sdp, "audio", sa_port(rtp_local(call->rtp)), "RTP/AVP");
    err = err ? err
              : sdp_format_add(NULL, call->media, false, first, cmd->alaw ? "PCMA" : "PCMU", 8000, 1, NULL, NULL, NULL,
                               false, NULL);
    err = err ? err
              : sdp_format_add(NULL, call->media, false, second, cmd->alaw ? "PCMU" : "PCMA", 8000, 1, NULL, NULL,
                               NULL, false, NULL);
    err = err ? err
              : sdp_format_add(NULL, call->media, false, "101", "telephone-event", 8000, 1, NULL, NULL, NULL, false,
                               "0-15");
    err = err ? err : telev_alloc(&call->telev, 20);
    call->dtmf = dtmf_rx_init(NULL, on_digits, call);
    list_append(&st->calls, &call->le, call);
    struct mbuf *offer = NULL;
    char from[160];
    (void)re_snprintf(from, sizeof(from), "sip:%s@%J", cmd->from, &st->laddr);
    err = err ? err : sdp_encode(&offer, call->sdp, true);
    err = err ? err
              : sipsess_connect(&call->sess, st->sock, cmd->uri, NULL, from, "acdd", NULL, 0, "application/sdp", offer,
                                NULL, NULL, false, on_offer, on_dial_answer, on_dial_progress, on_dial_established,
                                NULL, NULL, on_close, call, ALLOW_HEADER);
    mem_deref(offer);
    atomic_fetch_add(&st->counters[C_DIALLED], 1);
    if (err) end_call(call, SIPSTACK_END_ERROR, 0);
}

static void bridge(sipstack_t *st, uint64_t a, uint64_t b) {
    struct sipcall *x = find_call(st, a), *y = find_call(st, b);
    if (!x || !y || x == y) return;
    if (x->peer) x->peer->peer = NULL;
    if (y->peer) y->peer->peer = NULL;
    x->peer = y;
    y->peer = x;
    // Each side hears a new talkspurt: the first relayed packet carries the marker bit.
    x->marker = true;
    y->marker = true;
}

static void answer(sipstack_t *st, struct sipcall *call) {
    if (call->answered || !call->sess) return;
    struct mbuf *desc = NULL;
    int err = sdp_encode(&desc, call->sdp, false);
    err = err ? err : sipsess_answer(call->sess, 200, "OK", desc, ALLOW_HEADER);
    mem_deref(desc);
    if (err) {
        end_call(call, SIPSTACK_END_ERROR, 500);
        return;
    }
    call->answered = true;
    call->marker = true;
    call->last_rx = now_us();
    atomic_fetch_add(&st->counters[C_ANSWERED], 1);
}

static void quit(void *arg) {
    (void)arg;
    re_cancel();
}

static void on_command(int kind, void *data, void *arg) {
    sipstack_t *st = arg;
    struct command *cmd = data;
    struct sipcall *call = cmd ? find_call(st, cmd->id) : NULL;
    switch (kind) {
    case CMD_ANSWER:
        if (call) answer(st, call);
        break;
    case CMD_REJECT:
        if (call) end_call(call, SIPSTACK_END_LOCAL, cmd->code);
        break;
    case CMD_HANGUP:
        if (call) end_call(call, SIPSTACK_END_LOCAL, 480);
        break;
    case CMD_DIAL:
        dial(st, cmd);
        break;
    case CMD_BRIDGE:
        bridge(st, cmd->id, cmd->other);
        break;
    case CMD_STOP:
        atomic_store(&st->refuse, 503);
        while (st->calls.head) end_call(st->calls.head->data, SIPSTACK_END_LOCAL, 503);
        tmr_cancel(&st->tick);
        // Let the BYEs and final responses go out before the loop ends.
        tmr_start(&st->quit, 300, quit, st);
        break;
    }
    if (cmd) {
        free(cmd->uri);
        free(cmd->from);
    }
    free(cmd);
}

static void on_tick(void *arg) {
    sipstack_t *st = arg;
    uint64_t now = now_us();
    int64_t late = (int64_t)(now - st->next_tick_us);
    pthread_mutex_lock(&st->lock);
    st->lateness[st->lateness_next] = late;
    st->lateness_next = (st->lateness_next + 1) % LATENESS_KEPT;
    if (st->lateness_count < LATENESS_KEPT) st->lateness_count++;
    pthread_mutex_unlock(&st->lock);

    st->h.tick(st->h.arg, now / 1000);
    if (st->cfg.rtp_timeout_ms) {
        uint64_t limit = (uint64_t)st->cfg.rtp_timeout_ms * 1000u;
        struct le *le = st->calls.head;
        while (le) {
            struct sipcall *call = le->data;
            le = le->next;
            if (call->answered && now - call->last_rx > limit) end_call(call, SIPSTACK_END_RTP_TIMEOUT, 0);
        }
    }
    st->next_tick_us += 20000;
    now = now_us();
    if (now > st->next_tick_us + 200000) st->next_tick_us = now + 20000;  // far behind: start the beat again
    uint64_t wait = st->next_tick_us > now ? (st->next_tick_us - now + 999) / 1000 : 0;
    tmr_start(&st->tick, wait, on_tick, st);
}

int sipstack_send(sipcall_t *call, const int16_t samples[160]) {
    if (!call->answered || !call->sess || call->peer) return EINVAL;
    sipstack_t *st = call->st;
    struct mbuf *mb = st->tx;
    if (call->tel_ticks > 0 && call->telev_pt >= 0) {
        // A key is being sent: this beat's packet is its RFC 4733 event instead of audio (libre's telev sends at
        // least 9 packets of the event, then 3 of its end).
        bool start = false;
        mb->pos = RTP_HEADER_SIZE;
        mb->end = RTP_HEADER_SIZE;
        if (telev_poll(call->telev, &start, mb) == 0) {
            if (start) call->tel_ts = call->ts;
            mb->pos = RTP_HEADER_SIZE;
            int err = rtp_send(call->rtp, &call->raddr, false, start, (uint8_t)call->telev_pt, call->tel_ts, mb);
            call->ts += 160;
            if (!err) atomic_fetch_add(&st->counters[C_RTP_SENT], 1);
            return err;
        }
        call->tel_ticks = 0;  // the event and its end are sent
    }
    mb->pos = RTP_HEADER_SIZE;
    mb->end = RTP_HEADER_SIZE;
    for (int i = 0; i < 160; i++) {
        uint8_t b = call->alaw ? linear_to_alaw(samples[i]) : linear_to_ulaw(samples[i]);
        (void)mbuf_write_u8(mb, b);
    }
    mb->pos = RTP_HEADER_SIZE;
    int err = rtp_send(call->rtp, &call->raddr, false, call->marker, (uint8_t)call->pt, call->ts, mb);
    call->marker = false;
    call->ts += 160;
    if (!err) atomic_fetch_add(&st->counters[C_RTP_SENT], 1);
    return err;
}

int sipstack_send_digit(sipcall_t *call, char digit) {
    if (!call->answered || call->telev_pt < 0 || call->tel_ticks > 0) return EINVAL;
    int code = telev_digit2code((int)digit);
    if (code < 0) return EINVAL;
    int err = telev_send(call->telev, code, false);
    err = err ? err : telev_send(call->telev, 0, true);
    if (!err) call->tel_ticks = 1;
    return err;
}

void sipstack_mark(sipcall_t *call) { call->marker = true; }

sipcall_t *sipstack_call(sipstack_t *st, uint64_t id) { return find_call(st, id); }

uint16_t sipstack_rtp_port(const sipcall_t *call) { return sa_port(rtp_local(call->rtp)); }

static int setup(sipstack_t *st) {
    // Every call holds sockets, and libre's event loop serves only as many descriptors as it is told (1,024 unless
    // told): raise this process's soft limit to its hard one and let the loop use it all.
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
        if (files.rlim_cur < files.rlim_max) {
            files.rlim_cur = files.rlim_max;
            (void)setrlimit(RLIMIT_NOFILE, &files);
            (void)getrlimit(RLIMIT_NOFILE, &files);
        }
        int most = files.rlim_cur > 65536 ? 65536 : (int)files.rlim_cur;
        (void)fd_setsize(most);
    }
    int err = sa_set_str(&st->laddr, st->cfg.host, st->cfg.port);
    if (err) {
        snprintf(st->start_why, sizeof(st->start_why), "'%s' is not an IP address", st->cfg.host);
        return err;
    }
    err = sip_alloc(&st->sip, NULL, 64, 64, 64, "acdd", NULL, NULL);
    if (err) {
        snprintf(st->start_why, sizeof(st->start_why), "the SIP stack could not start");
        return err;
    }
    err = sip_transp_add(st->sip, SIP_TRANSP_UDP, &st->laddr);
    err = err ? err : sip_transp_add(st->sip, SIP_TRANSP_TCP, &st->laddr);
    if (err) {
        snprintf(st->start_why, sizeof(st->start_why), "cannot listen on %s:%u (UDP and TCP): %s", st->cfg.host,
                 st->cfg.port, strerror(err));
        return err;
    }
    err = sipsess_listen(&st->sock, st->sip, 64, on_connect, st);
    err = err ? err : sip_listen(&st->lsnr, st->sip, true, on_request, st);
    err = err ? err : mqueue_alloc(&st->mq, on_command, st);
    st->tx = mbuf_alloc(RTP_HEADER_SIZE + 480);
    rand_bytes(st->secret, sizeof(st->secret));
    if (err || !st->tx) {
        snprintf(st->start_why, sizeof(st->start_why), "the SIP stack could not start: %s", strerror(err ? err : ENOMEM));
        return err ? err : ENOMEM;
    }
    st->next_tick_us = now_us() + 20000;
    tmr_start(&st->tick, 20, on_tick, st);
    return 0;
}

static void teardown(sipstack_t *st) {
    tmr_cancel(&st->tick);
    tmr_cancel(&st->quit);
    while (st->calls.head) {
        struct sipcall *call = st->calls.head->data;
        mem_deref(call);
    }
    st->tx = mem_deref(st->tx);
    st->mq = mem_deref(st->mq);
    st->lsnr = mem_deref(st->lsnr);
    st->sock = mem_deref(st->sock);
    if (st->sip) sip_close(st->sip, true);
    st->sip = mem_deref(st->sip);
}

static void *run(void *arg) {
    sipstack_t *st = arg;
    int err = libre_init();
    if (!err) err = setup(st);
    pthread_mutex_lock(&st->lock);
    st->started = err ? -1 : 1;
    st->start_err = err;
    pthread_cond_signal(&st->ready);
    pthread_mutex_unlock(&st->lock);
    if (!err) (void)re_main(NULL);
    teardown(st);
    libre_close();
    return NULL;
}

int sipstack_start(sipstack_t **out, const sipstack_config *config, const sipstack_handlers *handlers, char *err,
                   size_t errlen) {
    sipstack_t *st = calloc(1, sizeof(*st));
    if (!st) return ENOMEM;
    st->h = *handlers;
    st->cfg = *config;
    st->cfg.host = strdup(config->host);
    st->cfg.realm = strdup(config->realm && config->realm[0] ? config->realm : "acdd");
    if (!st->cfg.max_expires) st->cfg.max_expires = 3600;
    if (!st->cfg.min_expires) st->cfg.min_expires = 60;
    if (st->cfg.min_expires > st->cfg.max_expires) st->cfg.min_expires = st->cfg.max_expires;
    if (!st->cfg.lockout_seconds) st->cfg.lockout_failures = 0;
    list_init(&st->calls);
    tmr_init(&st->tick);
    tmr_init(&st->quit);
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->ready, NULL);
    int rc = pthread_create(&st->thread, NULL, run, st);
    if (rc) {
        snprintf(err, errlen, "cannot start the SIP thread: %s", strerror(rc));
        free((void *)st->cfg.host);
        free((void *)st->cfg.realm);
        free(st);
        return rc;
    }
    pthread_mutex_lock(&st->lock);
    while (st->started == 0) pthread_cond_wait(&st->ready, &st->lock);
    pthread_mutex_unlock(&st->lock);
    if (st->started < 0) {
        rc = st->start_err ? st->start_err : EINVAL;
        snprintf(err, errlen, "%s", st->start_why[0] ? st->start_why : strerror(rc));
        pthread_join(st->thread, NULL);
        free((void *)st->cfg.host);
        free((void *)st->cfg.realm);
        free(st);
        return rc;
    }
    *out = st;
    return 0;
}

static void push_command(sipstack_t *st, int kind, struct command *cmd) {
    if (mqueue_push(st->mq, kind, cmd) != 0) {
        free(cmd->uri);
        free(cmd->from);
        free(cmd);
    }
}

static void push(sipstack_t *st, int kind, uint64_t id, uint16_t code) {
    struct command *cmd = calloc(1, sizeof(*cmd));
    if (!cmd) return;
    cmd->id = id;
    cmd->code = code;
    push_command(st, kind, cmd);
}

uint64_t sipstack_dial(sipstack_t *st, const char *uri, const char *from_user, int alaw) {
    uint64_t id = atomic_fetch_add(&st->next_id, 1) + 1;
    struct command *cmd = calloc(1, sizeof(*cmd));
    if (!cmd) return 0;
    cmd->id = id;
    cmd->alaw = alaw;
    cmd->uri = strdup(uri);
    cmd->from = strdup(from_user && from_user[0] ? from_user : "acdd");
    if (!cmd->uri || !cmd->from) {
        free(cmd->uri);
        free(cmd->from);
        free(cmd);
        return 0;
    }
    push_command(st, CMD_DIAL, cmd);
    return id;
}

void sipstack_bridge(sipstack_t *st, uint64_t a, uint64_t b) {
    struct command *cmd = calloc(1, sizeof(*cmd));
    if (!cmd) return;
    cmd->id = a;
    cmd->other = b;
    push_command(st, CMD_BRIDGE, cmd);
}

void sipstack_answer(sipstack_t *st, uint64_t id) { push(st, CMD_ANSWER, id, 0); }
void sipstack_reject(sipstack_t *st, uint64_t id, uint16_t code) { push(st, CMD_REJECT, id, code); }
void sipstack_hangup(sipstack_t *st, uint64_t id) { push(st, CMD_HANGUP, id, 0); }
void sipstack_refuse(sipstack_t *st, uint16_t code) { atomic_store(&st->refuse, code); }

void sipstack_stop(sipstack_t *st) {
    push(st, CMD_STOP, 0, 0);
    pthread_join(st->thread, NULL);
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->ready);
    free((void *)st->cfg.host);
    free((void *)st->cfg.realm);
    free(st);
}

void sipstack_counters(sipstack_t *st, uint64_t out[SIPSTACK_COUNTERS]) {
    for (int i = 0; i < SIPSTACK_COUNTERS; i++) out[i] = atomic_load(&st->counters[i]);
}

size_t sipstack_tick_lateness(sipstack_t *st, int64_t *out, size_t max) {
    pthread_mutex_lock(&st->lock);
    size_t n = st->lateness_count < max ? st->lateness_count : max;
    for (size_t i = 0; i < n; i++) {
        size_t j = (st->lateness_next + LATENESS_KEPT - n + i) % LATENESS_KEPT;
        out[i] = st->lateness[j];
    }
    pthread_mutex_unlock(&st->lock);
    return n;
}

void sipstack_ha1(const char *user, const char *realm, const char *password, uint8_t out[16]) {
    (void)md5_printf(out, "%s:%s:%s", user, realm, password);
}

uint64_t sipstack_now_ms(void) { return now_us() / 1000u; }

size_t sipstack_relay_delay(sipstack_t *st, int64_t *out, size_t max) {
    pthread_mutex_lock(&st->lock);
    size_t n = st->relay_count < max ? st->relay_count : max;
    for (size_t i = 0; i < n; i++) out[i] = st->relay_delay[(st->relay_next + RELAY_KEPT - n + i) % RELAY_KEPT];
    pthread_mutex_unlock(&st->lock);
    return n;
}
