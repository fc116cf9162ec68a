/*
 * perf_clock.h — everything the C perf tools in bench/libzmq share: argument
 * parsing, socket setup, the send / receive / echo / round-trip loops, timing,
 * percentiles and the output lines. Header-only so each tool is still one gcc
 * line:
 *
 *     gcc -O2 -o local_thr local_thr.c -lzmq -lpthread
 *
 * Output lines follow libzmq's perf tools word for word; the p50/p99/p99.9
 * lines are ours, and zring's Go tools print the same. Every error prints one
 * line, as libzmq's tools do ("usage: ...", "error in CALL: strerror",
 * "message of incorrect size received"), and exits with status 1, from
 * whichever thread it happens in.
 *
 * Conventions (the Go tools in tools/perf and bench/floor follow them too):
 *   - Times come from CLOCK_MONOTONIC.
 *   - Throughput: libzmq starts the clock after the first message arrives and
 *     stops it after the last, yet divides the whole message count by that
 *     time; it truncates msg/s to an integer before deriving Mb/s. We do the
 *     same so the numbers are comparable with published libzmq figures.
 *   - Latency: "average latency" is the whole loop's time divided by
 *     2 x round trips (one way, libzmq's convention). Percentiles are of the
 *     one-way time too: each round trip is timed on its own and halved.
 *     The percentile is the nearest-rank one: sort ascending, take element
 *     ceil(p/100 * n) - 1 (clamped to [0, n-1]), computed in integers.
 */
#ifndef ZRING_BENCH_PERF_CLOCK_H
#define ZRING_BENCH_PERF_CLOCK_H

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <zmq.h>

static inline uint64_t perf_now_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* perf_die prints "error in WHAT: strerror" as libzmq's tools do and exits. */
static inline void perf_die (const char *what)
{
    printf ("error in %s: %s\n", what, zmq_strerror (zmq_errno ()));
    exit (1);
}

/* perf_usage prints the usage line and exits. */
static inline void perf_usage (const char *usage)
{
    printf ("usage: %s\n", usage);
    exit (1);
}

/* perf_parse_long parses a whole decimal argument >= min, or prints the
 * usage line and exits. */
static inline long perf_parse_long (const char *s, long min, const char *usage)
{
    char *end = NULL;
    errno = 0;
    long v = strtol (s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min)
        perf_usage (usage);
    return v;
}

/* perf_args is a tool's command line: [<endpoint>] <message-size> <count>,
 * the count being of messages or of round trips. */
struct perf_args
{
    const char *endpoint; /* NULL for the inproc tools */
    long size;            /* >= 0 */
    long count;           /* > 0 */
};

enum
{
    PERF_NO_ENDPOINT = 0,
    PERF_WITH_ENDPOINT = 1
};

/* perf_parse_args checks the argument count and parses the arguments; on any
 * error it prints the usage line and exits. */
static inline struct perf_args
perf_parse_args (int argc, char *argv[], int endpoint, const char *usage)
{
    int first = endpoint == PERF_WITH_ENDPOINT ? 2 : 1;
    if (argc != first + 2)
        perf_usage (usage);
    struct perf_args a;
    a.endpoint = endpoint == PERF_WITH_ENDPOINT ? argv[1] : NULL;
    a.size = perf_parse_long (argv[first], 0, usage);
    a.count = perf_parse_long (argv[first + 1], 1, usage);
    return a;
}

/* perf_ctx_new, perf_socket, perf_close and perf_ctx_term are the zmq calls
 * of the same names, exiting with "error in zmq_..."; perf_bind and
 * perf_connect (below) also set the security mechanism. */
static inline void *perf_ctx_new (void)
{
    void *ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    return ctx;
}

static inline void *perf_socket (void *ctx, int type)
{
    void *s = zmq_socket (ctx, type);
    if (!s)
        perf_die ("zmq_socket");
    return s;
}

/* Security. ZRING_PERF_MECHANISM picks the mechanism of the tools' tcp
 * sockets: "null" (or unset or empty), "plain" or "curve"; zring's Go tools
 * (tools/perf/internal/perf/security.go) read the same variable and hold the
 * same credentials and keys, so any tool of either side pairs with any of
 * the other. The binding side is the server (local_thr, local_lat,
 * fanout_pub), the connecting side the client. inproc endpoints are left
 * alone: libzmq runs no handshake there. The keys were made once with
 * zring.CurveKeypair; they are public, so they secure nothing, but every
 * run does the work a real CURVE connection does. */
#define PERF_MECHANISM_ENV "ZRING_PERF_MECHANISM"
#define PERF_PLAIN_USERNAME "zbench"
#define PERF_PLAIN_PASSWORD "zbench-password"
#define PERF_CURVE_SERVER_PUBLIC "osFdMZH%MDwz^=t/cqzo(9h4CF%mdx[]!]0jsc.E"
#define PERF_CURVE_SERVER_SECRET "dIIj7fj(RxlJ6jdgMM0[jt%0(Ip@5#1FdPq?WDsU"
#define PERF_CURVE_CLIENT_PUBLIC "IBdgFq@dlud?wNOCBL(e<<pJkJqkQm+YPmtUCHhX"
#define PERF_CURVE_CLIENT_SECRET "x0I#82rBU1vIXhHzsA:>sKp*vbr8<a!<a69@Cm0h"

enum perf_mechanism
{
    PERF_NULL,
    PERF_PLAIN,
    PERF_CURVE
};

/* perf_mechanism reads ZRING_PERF_MECHANISM; an unknown value prints an
 * error line and exits. */
static inline enum perf_mechanism perf_mechanism (void)
{
    const char *m = getenv (PERF_MECHANISM_ENV);
    if (!m || !*m || strcasecmp (m, "null") == 0)
        return PERF_NULL;
    if (strcasecmp (m, "plain") == 0)
        return PERF_PLAIN;
    if (strcasecmp (m, "curve") == 0)
        return PERF_CURVE;
    printf ("error in zmq_setsockopt: %s=\"%s\": unknown mechanism (have "
            "null, plain, curve)\n",
            PERF_MECHANISM_ENV, m);
    exit (1);
}

static inline void perf_setsockopt (void *s, int option, const void *value,
                                    size_t size)
{
    if (zmq_setsockopt (s, option, value, size) != 0)
        perf_die ("zmq_setsockopt");
}

/* perf_zap_send sends one frame of a ZAP reply; -1 on error. */
static inline int perf_zap_send (void *s, const void *data, size_t size,
                                 int more)
{
    return zmq_send (s, data, size, more ? ZMQ_SNDMORE : 0) < 0 ? -1 : 0;
}

/* perf_zap_handler answers every ZAP request (RFC 27: version, request id,
 * domain, address, identity, mechanism, credentials...) with version 1.0,
 * the request's id, status 200, no user id and no metadata. It owns the REP
 * socket it is given; when the context is terminated its recv fails with
 * ETERM and it closes the socket, which zmq_ctx_term waits for. */
static void *perf_zap_handler (void *rep)
{
    for (;;) {
        char id[256];
        size_t id_size = 0;
        int more = 1;
        for (int frame = 0; more; frame++) {
            zmq_msg_t msg;
            zmq_msg_init (&msg);
            if (zmq_msg_recv (&msg, rep, 0) < 0) {
                if (zmq_errno () != ETERM)
                    perf_die ("zmq_msg_recv (ZAP handler)");
                zmq_msg_close (&msg);
                zmq_close (rep);
                return NULL;
            }
            if (frame == 1) {
                id_size = zmq_msg_size (&msg);
                if (id_size > sizeof id)
                    id_size = sizeof id;
                memcpy (id, zmq_msg_data (&msg), id_size);
            }
            more = zmq_msg_more (&msg);
            zmq_msg_close (&msg);
        }
        if (perf_zap_send (rep, "1.0", 3, 1) || perf_zap_send (rep, id, id_size, 1)
            || perf_zap_send (rep, "200", 3, 1) || perf_zap_send (rep, "OK", 2, 1)
            || perf_zap_send (rep, "", 0, 1) || perf_zap_send (rep, "", 0, 0)) {
            if (zmq_errno () == ETERM) {
                zmq_close (rep);
                return NULL;
            }
            perf_die ("zmq_send (ZAP handler)");
        }
    }
}

/* perf_serve_zap binds the ZAP handler's REP socket in ctx (once: a tool has
 * one context) before any server socket of it binds, so no client can reach
 * the server before the handler is there, then hands the socket to a
 * detached thread (pthread_create is the full barrier a socket needs to
 * change threads). */
static inline void perf_serve_zap (void *ctx)
{
    static void *served;
    if (served == ctx)
        return;
    served = ctx;
    void *rep = perf_socket (ctx, ZMQ_REP);
    int linger = 0;
    perf_setsockopt (rep, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind (rep, "inproc://zeromq.zap.01") != 0)
        perf_die ("zmq_bind");
    pthread_t thread;
    int rc = pthread_create (&thread, NULL, perf_zap_handler, rep);
    if (rc != 0) {
        printf ("error in pthread_create: %s\n", strerror (rc));
        exit (1);
    }
    pthread_detach (thread);
}

/* perf_secure gives s, not yet bound or connected, ZRING_PERF_MECHANISM's
 * mechanism: server if it binds, client if it connects. A PLAIN server needs
 * a ZAP handler, or libzmq refuses every client; a CURVE server without one
 * accepts any client, so it gets none. */
static inline void perf_secure (void *ctx, void *s, const char *endpoint,
                                int server)
{
    if (strncmp (endpoint, "tcp://", 6) != 0
        && strncmp (endpoint, "ipc://", 6) != 0)
        return;
    int one = 1;
    switch (perf_mechanism ()) {
        case PERF_NULL:
            break;
        case PERF_PLAIN:
            if (server) {
                perf_serve_zap (ctx);
                perf_setsockopt (s, ZMQ_PLAIN_SERVER, &one, sizeof one);
            } else {
                perf_setsockopt (s, ZMQ_PLAIN_USERNAME, PERF_PLAIN_USERNAME,
                                 strlen (PERF_PLAIN_USERNAME));
                perf_setsockopt (s, ZMQ_PLAIN_PASSWORD, PERF_PLAIN_PASSWORD,
                                 strlen (PERF_PLAIN_PASSWORD));
            }
            break;
        case PERF_CURVE:
            /* Z85 keys go in as 40 characters and their NUL (zmq_setsockopt
             * takes 41 bytes as text, 32 as binary). */
            if (server) {
                perf_setsockopt (s, ZMQ_CURVE_SERVER, &one, sizeof one);
                perf_setsockopt (s, ZMQ_CURVE_SECRETKEY,
                                 PERF_CURVE_SERVER_SECRET, 41);
            } else {
                perf_setsockopt (s, ZMQ_CURVE_SERVERKEY,
                                 PERF_CURVE_SERVER_PUBLIC, 41);
                perf_setsockopt (s, ZMQ_CURVE_PUBLICKEY,
                                 PERF_CURVE_CLIENT_PUBLIC, 41);
                perf_setsockopt (s, ZMQ_CURVE_SECRETKEY,
                                 PERF_CURVE_CLIENT_SECRET, 41);
            }
            break;
    }
}

/* perf_bind and perf_connect make a socket, secure it (perf_secure) and bind
 * or connect it. */
static inline void *perf_bind (void *ctx, int type, const char *endpoint)
{
    void *s = perf_socket (ctx, type);
    perf_secure (ctx, s, endpoint, 1);
    if (zmq_bind (s, endpoint) != 0)
        perf_die ("zmq_bind");
    return s;
}

static inline void *perf_connect (void *ctx, int type, const char *endpoint)
{
    void *s = perf_socket (ctx, type);
    perf_secure (ctx, s, endpoint, 0);
    if (zmq_connect (s, endpoint) != 0)
        perf_die ("zmq_connect");
    return s;
}

static inline void perf_close (void *s)
{
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
}

/* With the default infinite linger, zmq_ctx_term returns only once every
 * message sent has left. */
static inline void perf_ctx_term (void *ctx)
{
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
}

/* perf_thread_start and perf_thread_join run the inproc tools' peer thread. */
static inline pthread_t perf_thread_start (void *(*fn) (void *), void *arg)
{
    pthread_t thread;
    int rc = pthread_create (&thread, NULL, fn, arg);
    if (rc != 0) {
        printf ("error in pthread_create: %s\n", strerror (rc));
        exit (1);
    }
    return thread;
}

static inline void perf_thread_join (pthread_t thread)
{
    int rc = pthread_join (thread, NULL);
    if (rc != 0) {
        printf ("error in pthread_join: %s\n", strerror (rc));
        exit (1);
    }
}

static inline void perf_msg_init (zmq_msg_t *msg)
{
    if (zmq_msg_init (msg) != 0)
        perf_die ("zmq_msg_init");
}

static inline void perf_msg_init_size (zmq_msg_t *msg, long size)
{
    if (zmq_msg_init_size (msg, (size_t) size) != 0)
        perf_die ("zmq_msg_init_size");
}

static inline void perf_msg_close (zmq_msg_t *msg)
{
    if (zmq_msg_close (msg) != 0)
        perf_die ("zmq_msg_close");
}

static inline void perf_send (zmq_msg_t *msg, void *s)
{
    if (zmq_msg_send (msg, s, 0) < 0)
        perf_die ("zmq_msg_send");
}

/* perf_recv receives into msg and exits if it is not size bytes long. */
static inline void perf_recv (zmq_msg_t *msg, void *s, long size)
{
    if (zmq_msg_recv (msg, s, 0) < 0)
        perf_die ("zmq_msg_recv");
    if ((long) zmq_msg_size (msg) != size) {
        printf ("message of incorrect size received\n");
        exit (1);
    }
}

/* perf_send_count sends count messages of size bytes, each a fresh zmq_msg_t
 * as in libzmq's perf/remote_thr. A sent message is left empty, so there is
 * nothing to close. */
static inline void perf_send_count (void *s, long size, long count)
{
    for (long i = 0; i != count; i++) {
        zmq_msg_t msg;
        perf_msg_init_size (&msg, size);
        perf_send (&msg, s);
    }
}

/* perf_recv_count receives count messages of size bytes and returns the time
 * from the first message's arrival to the last's. */
static inline uint64_t perf_recv_count (void *s, long size, long count)
{
    zmq_msg_t msg;
    perf_msg_init (&msg);
    uint64_t start = 0;
    for (long i = 0; i != count; i++) {
        perf_recv (&msg, s, size);
        if (i == 0)
            start = perf_now_ns ();
    }
    uint64_t elapsed = perf_now_ns () - start;
    perf_msg_close (&msg);
    return elapsed;
}

/* perf_echo receives count messages of size bytes and sends each back. */
static inline void perf_echo (void *s, long size, long count)
{
    zmq_msg_t msg;
    perf_msg_init (&msg);
    for (long i = 0; i != count; i++) {
        perf_recv (&msg, s, size);
        perf_send (&msg, s);
    }
    perf_msg_close (&msg);
}

/* perf_alloc_rtt allocates room for count round-trip times. */
static inline uint64_t *perf_alloc_rtt (long count)
{
    uint64_t *rtt = malloc ((size_t) count * sizeof *rtt);
    if (!rtt) {
        printf ("error in malloc: %s\n", strerror (errno));
        exit (1);
    }
    return rtt;
}

/* perf_roundtrips sends one zeroed message of size bytes and receives it
 * back, count times, storing each round trip's time in rtt[i]; it returns the
 * time of the whole loop. */
static inline uint64_t perf_roundtrips (void *s, long size, long count,
                                        uint64_t *rtt)
{
    zmq_msg_t msg;
    perf_msg_init_size (&msg, size);
    memset (zmq_msg_data (&msg), 0, (size_t) size);

    uint64_t start = perf_now_ns ();
    uint64_t t0 = start;
    for (long i = 0; i != count; i++) {
        perf_send (&msg, s);
        perf_recv (&msg, s, size);
        uint64_t t1 = perf_now_ns ();
        rtt[i] = t1 - t0;
        t0 = t1;
    }
    perf_msg_close (&msg);
    return t0 - start;
}

/* perf_print_throughput prints the four lines of local_thr / inproc_thr. */
static inline void perf_print_throughput (long size, long count,
                                          uint64_t elapsed_ns)
{
    double elapsed_us = (double) elapsed_ns / 1000.0;
    if (elapsed_us < 1.0)
        elapsed_us = 1.0;
    unsigned long throughput =
      (unsigned long) ((double) count / elapsed_us * 1000000.0);
    double megabits = (double) throughput * (double) size * 8.0 / 1000000.0;
    printf ("message size: %d [B]\n", (int) size);
    printf ("message count: %d\n", (int) count);
    printf ("mean throughput: %d [msg/s]\n", (int) throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
}

/* perf_fanout_args is a fan-out tool's command line:
 * <endpoint> <subscribers> <message-size> <message-count>, the count being
 * of messages per subscriber. */
struct perf_fanout_args
{
    const char *endpoint;
    long subscribers; /* > 0 */
    long size;        /* >= 0 */
    long count;       /* > 0 */
};

static inline struct perf_fanout_args
perf_fanout_parse_args (int argc, char *argv[], const char *usage)
{
    if (argc != 5)
        perf_usage (usage);
    struct perf_fanout_args a;
    a.endpoint = argv[1];
    a.subscribers = perf_parse_long (argv[2], 1, usage);
    a.size = perf_parse_long (argv[3], 0, usage);
    a.count = perf_parse_long (argv[4], 1, usage);
    return a;
}

/* perf_raise_fd_limit lifts the soft limit on open files to the hard one:
 * a thousand connections need more than the usual 1024 descriptors once
 * libzmq's mailboxes are counted. Go's runtime does the same at start. */
static inline void perf_raise_fd_limit (void)
{
    struct rlimit rl;
    if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit (RLIMIT_NOFILE, &rl);
    }
}

/* perf_print_fanout prints a fan-out run: the per-subscriber count, the
 * subscribers, and the aggregate delivery rate (subscribers x count over the
 * time from the first message anywhere to the last one everywhere), with
 * the same truncation rules as perf_print_throughput. */
static inline void perf_print_fanout (long size, long count, long subscribers,
                                      uint64_t elapsed_ns)
{
    double elapsed_us = (double) elapsed_ns / 1000.0;
    if (elapsed_us < 1.0)
        elapsed_us = 1.0;
    double deliveries = (double) count * (double) subscribers;
    unsigned long throughput =
      (unsigned long) (deliveries / elapsed_us * 1000000.0);
    double megabits = (double) throughput * (double) size * 8.0 / 1000000.0;
    printf ("message size: %d [B]\n", (int) size);
    printf ("message count: %d\n", (int) count);
    printf ("subscribers: %d\n", (int) subscribers);
    printf ("mean throughput: %lu [msg/s]\n", throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
}

static inline int perf_cmp_u64 (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

/* perf_percentile_ns returns the nearest-rank percentile of sorted[0..n);
 * permille is the percentile in tenths of a percent (500 = p50, 999 = p99.9),
 * so the rank is exact integer arithmetic: ceil(permille * n / 1000) - 1. */
static inline uint64_t perf_percentile_ns (const uint64_t *sorted, long n,
                                           long permille)
{
    long rank = (long) (((int64_t) permille * n + 999) / 1000) - 1;
    if (rank < 0)
        rank = 0;
    if (rank > n - 1)
        rank = n - 1;
    return sorted[rank];
}

/* perf_print_latency prints the lines of remote_lat / inproc_lat.
 * rtt_ns holds one round-trip time per element; it is sorted in place. */
static inline void perf_print_latency (long size, long count,
                                       uint64_t elapsed_ns, uint64_t *rtt_ns)
{
    qsort (rtt_ns, (size_t) count, sizeof *rtt_ns, perf_cmp_u64);
    double average_us = (double) elapsed_ns / 1000.0 / ((double) count * 2.0);
    printf ("message size: %d [B]\n", (int) size);
    printf ("roundtrip count: %d\n", (int) count);
    printf ("average latency: %.3f [us]\n", average_us);
    printf ("p50 latency: %.3f [us]\n",
            (double) perf_percentile_ns (rtt_ns, count, 500) / 2000.0);
    printf ("p99 latency: %.3f [us]\n",
            (double) perf_percentile_ns (rtt_ns, count, 990) / 2000.0);
    printf ("p99.9 latency: %.3f [us]\n",
            (double) perf_percentile_ns (rtt_ns, count, 999) / 2000.0);
}

#endif
