/* remote_thr: PUSH connects and sends <message-count> messages of
 * <message-size> bytes, each a fresh zmq_msg_t as in libzmq's perf/remote_thr.
 * zmq_ctx_term waits (infinite linger) until every message has left. */
#include "perf_clock.h"

#define USAGE "remote_thr <connect-to> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    struct perf_args a = perf_parse_args (argc, argv, PERF_WITH_ENDPOINT, USAGE);
    void *ctx = perf_ctx_new ();
    void *s = perf_connect (ctx, ZMQ_PUSH, a.endpoint);

    perf_send_count (s, a.size, a.count);

    perf_close (s);
    perf_ctx_term (ctx);
    return 0;
}
