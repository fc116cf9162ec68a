/* local_lat: REP binds and echoes <roundtrip-count> messages back. Prints
 * nothing on success, as libzmq's perf/local_lat. */
#include "perf_clock.h"

#define USAGE "local_lat <bind-to> <message-size> <roundtrip-count>"

int main (int argc, char *argv[])
{
    struct perf_args a = perf_parse_args (argc, argv, PERF_WITH_ENDPOINT, USAGE);
    void *ctx = perf_ctx_new ();
    void *s = perf_bind (ctx, ZMQ_REP, a.endpoint);

    perf_echo (s, a.size, a.count);

    /* Infinite linger: zmq_ctx_term returns once the last reply is out. */
    perf_close (s);
    perf_ctx_term (ctx);
    return 0;
}
