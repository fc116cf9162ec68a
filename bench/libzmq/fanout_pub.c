/* fanout_pub: the publishing side of the fan-out case. An XPUB binds, waits
 * until <subscribers> subscriptions have arrived (ZMQ_XPUB_VERBOSE passes each
 * one up, not only the first per topic), then sends <message-count> messages
 * of <message-size> bytes. ZMQ_XPUB_NODROP makes a send wait while any
 * subscriber's queue is at its high-water mark, so every subscriber gets
 * every message and the rate measured at the other end is one of delivery,
 * not of dropping. Not one of libzmq's perf tools; zring's and the floor's
 * fan-out tools take the same arguments and behave the same. */
#include "perf_clock.h"

#define USAGE "fanout_pub <bind-to> <subscribers> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    struct perf_fanout_args a = perf_fanout_parse_args (argc, argv, USAGE);
    perf_raise_fd_limit ();
    void *ctx = perf_ctx_new ();
    void *s = perf_socket (ctx, ZMQ_XPUB);
    int one = 1;
    if (zmq_setsockopt (s, ZMQ_XPUB_VERBOSE, &one, sizeof one) != 0
        || zmq_setsockopt (s, ZMQ_XPUB_NODROP, &one, sizeof one) != 0)
        perf_die ("zmq_setsockopt");
    perf_secure (ctx, s, a.endpoint, 1);
    if (zmq_bind (s, a.endpoint) != 0)
        perf_die ("zmq_bind");

    zmq_msg_t msg;
    perf_msg_init (&msg);
    for (long joined = 0; joined < a.subscribers;) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_recvmsg");
        if (zmq_msg_size (&msg) >= 1 && ((unsigned char *) zmq_msg_data (&msg))[0] == 1)
            joined++;
    }
    perf_msg_close (&msg);

    perf_send_count (s, a.size, a.count);

    perf_close (s); /* ZMQ_LINGER is -1: term returns once all is sent */
    perf_ctx_term (ctx);
    return 0;
}
