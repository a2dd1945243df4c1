// A small C face over libre (SIP, SDP, RTP, RFC 4733 telephone-events) and spandsp (G.711, in-band DTMF) for
// SIPFront. Everything libre does runs on the stack's own thread; the handlers below are called there. The
// commands (answer, reject, hang up, refuse, stop) may be called from any thread: they are queued to it.
#ifndef SIPSTACK_H
#define SIPSTACK_H

#include <stddef.h>
#include <stdint.h>

typedef struct sipstack sipstack_t;
typedef struct sipcall sipcall_t;

/// Why a call's SIP session ended.
enum sipstack_end {
    SIPSTACK_END_REMOTE = 0,       ///< the caller sent BYE, or CANCEL before the answer
    SIPSTACK_END_RTP_TIMEOUT = 1,  ///< no RTP from the caller for the configured time (a BYE was sent)
    SIPSTACK_END_LOCAL = 2,        ///< we hung up or rejected (sipstack_hangup, sipstack_reject, stop)
    SIPSTACK_END_ERROR = 3,        ///< the session failed (transport error, no ACK)
    SIPSTACK_END_REFUSED = 4,      ///< an outgoing call (sipstack_dial) got a final refusal: `status` says which
};

typedef struct sipstack_handlers {
    void *arg;
    /// A new INVITE to `user` (the request URI's user part) with a usable offer. Return 0 to keep it ringing
    /// (answer or reject it later by `id`), or a final status (404, 503, ...) to reject it at once.
    int (*invite)(void *arg, uint64_t id, sipcall_t *call, const char *user, const char *callid, const char *remote,
                  const char *codec);
    /// A key from the caller: `inband` 0 for an RFC 4733 event, 1 for a tone heard in the audio.
    void (*digit)(void *arg, uint64_t id, char digit, int inband);
    /// The caller's audio, decoded to 16-bit samples at 8 kHz, one RTP packet at a time (may be NULL: not wanted).
    void (*audio)(void *arg, uint64_t id, const int16_t *samples, size_t count);
    /// The call's session is over (one of sipstack_end; `status`: the SIP status of a refusal, else 0); `call` is
    /// not valid after this returns.
    void (*closed)(void *arg, uint64_t id, int why, uint16_t status);
    /// The stored digest HA1 (MD5 of "user:realm:password", 16 bytes) of agent `user`: return 0 when known.
    int (*credential)(void *arg, const char *user, uint8_t ha1[16]);
    /// A REGISTER whose digest the stack verified: `contact` is the phone's Contact URI ("" for a query, "*" for
    /// all of the agent's), `expires` the seconds granted (0: unregister). Return 0 to accept it (200 OK), or a status (403, 500, ...).
    int (*registered)(void *arg, const char *user, const char *contact, uint32_t expires, const char *remote);
    /// An outgoing call (sipstack_dial) was answered: media runs.
    void (*answered)(void *arg, uint64_t id);
    /// Every 20 ms: the handler may call sipstack_send for each answered call.
    void (*tick)(void *arg, uint64_t now_ms);
    /// (May be NULL.) An audio packet from the far end began a talkspurt (its RTP marker bit: `marker` 1) or came
    /// from a new source (`changed` 1: its SSRC differs from the packets before); also called for the first packet.
    /// acdd marks the caller's first packet once an agent answers, so a caller (callgen) hears the answer.
    void (*source)(void *arg, uint64_t id, uint32_t ssrc, int marker, int changed);
} sipstack_handlers;

typedef struct sipstack_config {
    const char *host;          ///< address to listen on (UDP and TCP)
    uint16_t port;
    uint16_t rtp_min_port;     ///< RTP ports are taken from [min, max)
    uint16_t rtp_max_port;
    uint32_t rtp_timeout_ms;   ///< an answered call with no RTP in for this long is hung up; 0: never
    const char *realm;         ///< the digest realm REGISTERs are challenged with
    uint32_t max_expires;      ///< the longest registration granted, in seconds (shorter asks are kept)
    uint32_t min_expires;      ///< a shorter ask gets 423 with Min-Expires; 0: 60
    uint32_t lockout_failures; ///< after this many refused REGISTERs from one address in lockout_seconds, its
                               ///< REGISTERs go unanswered until the window ends (counted); 0: never
    uint32_t lockout_seconds;
} sipstack_config;

/// Starts the stack's thread listening on `host:port`. On failure returns an errno and writes why to `err`.
int sipstack_start(sipstack_t **out, const sipstack_config *config, const sipstack_handlers *handlers, char *err,
                   size_t errlen);
/// Answers a ringing call with 200 OK and its SDP answer; media starts.
void sipstack_answer(sipstack_t *st, uint64_t id);
/// Rejects a ringing call with `code` (a 4xx-6xx status).
void sipstack_reject(sipstack_t *st, uint64_t id, uint16_t code);
/// Ends a call: BYE when answered, 480 when still ringing.
void sipstack_hangup(sipstack_t *st, uint64_t id);
/// While `code` is not 0 every new INVITE gets it before the invite handler is asked (503 while stopping).
void sipstack_refuse(sipstack_t *st, uint16_t code);
/// Hangs up every call, stops the thread and frees the stack.
void sipstack_stop(sipstack_t *st);

/// Calls `uri` (an agent's registered Contact) from `from_user`, offering the caller's codec first (`alaw`). Returns
/// the new call's id at once; the handlers follow on the stack's thread (answered, or closed with the refusal).
uint64_t sipstack_dial(sipstack_t *st, const char *uri, const char *from_user, int alaw);
/// Bridges two answered calls: each one's RTP audio is relayed to the other (PCMU and PCMA transcoded between), and
/// neither takes sipstack_send audio any more. Either call's end undoes it.
void sipstack_bridge(sipstack_t *st, uint64_t a, uint64_t b);

/// From the tick handler only: sends 20 ms (160 samples at 8 kHz) of audio to an answered call, in its codec.
int sipstack_send(sipcall_t *call, const int16_t samples[160]);
/// From the tick handler only: sends key `digit` (0-9, *, #, A-D) as an RFC 4733 event (9 packets, 180 ms, then 3
/// packets of its end), in place of the call's audio for those beats. EINVAL if the far end offered no telephone-event or a key is still being sent.
int sipstack_send_digit(sipcall_t *call, char digit);
/// From the tick handler only: the next packet sent to the call carries the RTP marker bit (a new talkspurt).
void sipstack_mark(sipcall_t *call);
/// From the stack's thread only (a handler): the call `id`, or NULL once it has ended.
sipcall_t *sipstack_call(sipstack_t *st, uint64_t id);
/// The RTP port the stack bound for this call (for logs and the call view).
uint16_t sipstack_rtp_port(const sipcall_t *call);
/// Counters (SIPSTACK_COUNTERS of them): INVITEs seen, rejected at once, calls answered, RTP packets sent, RTP
/// packets ignored (wrong source), REGISTERs taken, REGISTERs refused for their credentials, RTP packets relayed
/// between bridged calls, calls dialled, REGISTERs dropped unanswered from a locked-out address.
#define SIPSTACK_COUNTERS 10
void sipstack_counters(sipstack_t *st, uint64_t out[SIPSTACK_COUNTERS]);
/// The tick's lateness, in microseconds, over the last ticks: writes up to `max` values, returns how many.
size_t sipstack_tick_lateness(sipstack_t *st, int64_t *out, size_t max);

/// The relay's delay, in microseconds, over the last packets relayed between bridged calls: from the kernel taking
/// the packet in to acdd sending it on. Writes up to `max` values, returns how many.
size_t sipstack_relay_delay(sipstack_t *st, int64_t *out, size_t max);
/// The stack's clock (CLOCK_MONOTONIC) in milliseconds, as the tick handler gets it.
uint64_t sipstack_now_ms(void);
/// HA1 of HTTP digest (RFC 2617): MD5 of "user:realm:password".
void sipstack_ha1(const char *user, const char *realm, const char *password, uint8_t out[16]);

#endif
