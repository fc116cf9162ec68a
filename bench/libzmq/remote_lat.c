/* remote_lat: REQ connects and times <roundtrip-count> round trips of one
 * <message-size> message. Prints libzmq's perf/remote_lat lines plus one-way
 * p50/p99/p99.9 (half of each round trip; see perf_clock.h). */
#include "perf_clock.h"

#define USAGE "remote_lat <connect-to> <message-size> <roundtrip-count>"

int main (int argc, char *argv[])
{
    if (argc != 4) {
        printf ("usage: %s\n", USAGE);
        return 1;
    }
    const char *connect_to = argv[1];
    long size = perf_parse_size (argv[2], USAGE);
    long count = perf_parse_positive (argv[3], USAGE);

    uint64_t *rtt = malloc ((size_t) count * sizeof *rtt);
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
    if (zmq_connect (s, connect_to) != 0)
        perf_die ("zmq_connect");

    zmq_msg_t msg;
    if (zmq_msg_init_size (&msg, (size_t) size) != 0)
        perf_die ("zmq_msg_init_size");
    memset (zmq_msg_data (&msg), 0, (size_t) size);

    uint64_t start = perf_now_ns ();
    uint64_t t0 = start;
    for (long i = 0; i != count; i++) {
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        uint64_t t1 = perf_now_ns ();
        if ((long) zmq_msg_size (&msg) != size) {
            printf ("message of incorrect size received\n");
            return 1;
        }
        rtt[i] = t1 - t0;
        t0 = t1;
    }
    uint64_t elapsed = t0 - start;

    if (zmq_msg_close (&msg) != 0)
        perf_die ("zmq_msg_close");
    perf_print_latency (size, count, elapsed, rtt);
    free (rtt);

    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
