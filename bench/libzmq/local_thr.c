/* local_thr: PULL binds and receives <message-count> messages; the clock runs
 * from the first message to the last. Same arguments and output as libzmq's
 * perf/local_thr. */
#include "perf_clock.h"

#define USAGE "local_thr <bind-to> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    if (argc != 4) {
        printf ("usage: %s\n", USAGE);
        return 1;
    }
    const char *bind_to = argv[1];
    long size = perf_parse_size (argv[2], USAGE);
    long count = perf_parse_positive (argv[3], USAGE);

    void *ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_bind (s, bind_to) != 0)
        perf_die ("zmq_bind");

    zmq_msg_t msg;
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");

    uint64_t start = 0;
    for (long i = 0; i != count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        if ((long) zmq_msg_size (&msg) != size) {
            printf ("message of incorrect size received\n");
            return 1;
        }
        if (i == 0)
            start = perf_now_ns ();
    }
    uint64_t elapsed = perf_now_ns () - start;

    if (zmq_msg_close (&msg) != 0)
        perf_die ("zmq_msg_close");
    perf_print_throughput (size, count, elapsed);

    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
