/* local_thr: PULL binds and receives <message-count> messages; the clock runs
 * from the first message to the last. Same arguments and output as libzmq's
 * perf/local_thr. */
#include "perf_clock.h"

#define USAGE "local_thr <bind-to> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    struct perf_args a = perf_parse_args (argc, argv, PERF_WITH_ENDPOINT, USAGE);
    void *ctx = perf_ctx_new ();
    void *s = perf_bind (ctx, ZMQ_PULL, a.endpoint);

    uint64_t elapsed = perf_recv_count (s, a.size, a.count);
    perf_print_throughput (a.size, a.count, elapsed);

    perf_close (s);
    perf_ctx_term (ctx);
    return 0;
}
