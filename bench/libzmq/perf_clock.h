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

/* perf_ctx_new, perf_bind, perf_connect, perf_close and perf_ctx_term are
 * the zmq calls of the same names, exiting with "error in zmq_...". */
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

static inline void *perf_bind (void *ctx, int type, const char *endpoint)
{
    void *s = perf_socket (ctx, type);
    if (zmq_bind (s, endpoint) != 0)
        perf_die ("zmq_bind");
    return s;
}

static inline void *perf_connect (void *ctx, int type, const char *endpoint)
{
    void *s = perf_socket (ctx, type);
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
