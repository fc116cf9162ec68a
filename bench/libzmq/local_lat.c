/* local_lat: REP binds and echoes <roundtrip-count> messages back. Prints
 * nothing on success, as libzmq's perf/local_lat. */
#include "perf_clock.h"

#define USAGE "local_lat <bind-to> <message-size> <roundtrip-count>"

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
    void *s = zmq_socket (ctx, ZMQ_REP);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_bind (s, bind_to) != 0)
        perf_die ("zmq_bind");

    zmq_msg_t msg;
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    for (long i = 0; i != count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        if ((long) zmq_msg_size (&msg) != size) {
            printf ("message of incorrect size received\n");
            return 1;
        }
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    if (zmq_msg_close (&msg) != 0)
        perf_die ("zmq_msg_close");

    /* Infinite linger: zmq_ctx_term returns once the last reply is out. */
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
