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
    /// The call's session is over (one of sipstack_end); `call` is not valid after this returns.
    void (*closed)(void *arg, uint64_t id, int why);
    /// Every 20 ms: the handler may call sipstack_send for each answered call.
    void (*tick)(void *arg, uint64_t now_ms);
} sipstack_handlers;

typedef struct sipstack_config {
    const char *host;          ///< address to listen on (UDP and TCP)
    uint16_t port;
    uint16_t rtp_min_port;     ///< RTP ports are taken from [min, max)
    uint16_t rtp_max_port;
    uint32_t rtp_timeout_ms;   ///< an answered call with no RTP in for this long is hung up; 0: never
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

/// From the tick handler only: sends 20 ms (160 samples at 8 kHz) of audio to an answered call, in its codec.
int sipstack_send(sipcall_t *call, const int16_t samples[160]);
/// The RTP port the stack bound for this call (for logs and the call view).
uint16_t sipstack_rtp_port(const sipcall_t *call);
/// Counters: INVITEs seen, rejected at once, calls answered, RTP packets sent, RTP packets ignored (wrong source).
void sipstack_counters(sipstack_t *st, uint64_t out[5]);
/// The tick's lateness, in microseconds, over the last ticks: writes up to `max` values, returns how many.
size_t sipstack_tick_lateness(sipstack_t *st, int64_t *out, size_t max);

#endif
