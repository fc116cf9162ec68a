/* inproc_lat: a REP thread echoes over inproc:// to a REQ socket in main,
 * which times each round trip as remote_lat does. Same arguments and output
 * as libzmq's perf/inproc_lat, plus the p50/p99/p99.9 lines. */
#include <pthread.h>

#include "perf_clock.h"

#define USAGE "inproc_lat <message-size> <roundtrip-count>"
#define ENDPOINT "inproc://lat_test"

static long message_size;
static long roundtrip_count;

static void *echo (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_REP);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_connect (s, ENDPOINT) != 0)
        perf_die ("zmq_connect");
    zmq_msg_t msg;
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    for (long i = 0; i != roundtrip_count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    if (zmq_msg_close (&msg) != 0)
        perf_die ("zmq_msg_close");
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    return NULL;
}

int main (int argc, char *argv[])
{
    if (argc != 3) {
        printf ("usage: %s\n", USAGE);
        return 1;
    }
    message_size = perf_parse_size (argv[1], USAGE);
    roundtrip_count = perf_parse_positive (argv[2], USAGE);

    uint64_t *rtt = malloc ((size_t) roundtrip_count * sizeof *rtt);
    if (!rtt) {
        printf ("error in malloc: %s\n", strerror (errno));
        return 1;
    }

    void *ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_REQ);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_bind (s, ENDPOINT) != 0)
        perf_die ("zmq_bind");

    pthread_t thread;
    int rc = pthread_create (&thread, NULL, echo, ctx);
    if (rc != 0) {
        printf ("error in pthread_create: %s\n", strerror (rc));
        return 1;
    }

    zmq_msg_t msg;
    if (zmq_msg_init_size (&msg, (size_t) message_size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 0, (size_t) message_size);

    uint64_t start = perf_now_ns ();
    uint64_t t0 = start;
    for (long i = 0; i != roundtrip_count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        uint64_t t1 = perf_now_ns ();
        if ((long) zmq_msg_size (&msg) != message_size) {
            printf ("message of incorrect size received\n");
            return 1;
        }
        rtt[i] = t1 - t0;
        t0 = t1;
    }
    uint64_t elapsed = t0 - start;
    if (zmq_msg_close (&msg) != 0)
        perf_die ("zmq_msg_close");

    rc = pthread_join (thread, NULL);
    if (rc != 0) {
        printf ("error in pthread_join: %s\n", strerror (rc));
        return 1;
    }
    perf_print_latency (message_size, roundtrip_count, elapsed, rtt);
    free (rtt);

    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
