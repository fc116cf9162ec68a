/* inproc_lat: a REP thread echoes over inproc:// to a REQ socket in main,
 * which times each round trip as remote_lat does. Same arguments and output
 * as libzmq's perf/inproc_lat, plus the p50/p99/p99.9 lines. */
#include "perf_clock.h"

#define USAGE "inproc_lat <message-size> <roundtrip-count>"
#define ENDPOINT "inproc://lat_test"

static struct perf_args args;

/* echo does what local_lat does, in a thread of the same context. */
static void *echo (void *ctx)
{
    void *s = perf_connect (ctx, ZMQ_REP, ENDPOINT);
    perf_echo (s, args.size, args.count);
    perf_close (s);
    return NULL;
}

int main (int argc, char *argv[])
{
    args = perf_parse_args (argc, argv, PERF_NO_ENDPOINT, USAGE);
    uint64_t *rtt = perf_alloc_rtt (args.count);
    void *ctx = perf_ctx_new ();
    void *s = perf_bind (ctx, ZMQ_REQ, ENDPOINT);
    pthread_t thread = perf_thread_start (echo, ctx);

    uint64_t elapsed = perf_roundtrips (s, args.size, args.count, rtt);
    perf_thread_join (thread);
    perf_print_latency (args.size, args.count, elapsed, rtt);
    free (rtt);

    perf_close (s);
    perf_ctx_term (ctx);
    return 0;
}
