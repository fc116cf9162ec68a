/* remote_thr: PUSH connects and sends <message-count> messages of
 * <message-size> bytes, each a fresh zmq_msg_t as in libzmq's perf/remote_thr.
 * zmq_ctx_term waits (infinite linger) until every message has left. */
#include "perf_clock.h"

#define USAGE "remote_thr <connect-to> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    if (argc != 4) {
        printf ("usage: %s\n", USAGE);
        return 1;
    }
    const char *connect_to = argv[1];
    long size = perf_parse_size (argv[2], USAGE);
    long count = perf_parse_positive (argv[3], USAGE);

    void *ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_connect (s, connect_to) != 0)
        perf_die ("zmq_connect");

    for (long i = 0; i != count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, (size_t) size) != 0)
            perf_die ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
        /* A sent message is left empty; closing it is then a no-op. */
    }

    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
