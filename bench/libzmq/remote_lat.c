/* remote_lat: REQ connects and times <roundtrip-count> round trips of one
 * <message-size> message. Prints libzmq's perf/remote_lat lines plus one-way
 * p50/p99/p99.9 (half of each round trip; see perf_clock.h). */
#include "perf_clock.h"

#define USAGE "remote_lat <connect-to> <message-size> <roundtrip-count>"

int main (int argc, char *argv[])
{
    struct perf_args a = perf_parse_args (argc, argv, PERF_WITH_ENDPOINT, USAGE);
    uint64_t *rtt = perf_alloc_rtt (a.count);
    void *ctx = perf_ctx_new ();
    void *s = perf_connect (ctx, ZMQ_REQ, a.endpoint);

    uint64_t elapsed = perf_roundtrips (s, a.size, a.count, rtt);
    perf_print_latency (a.size, a.count, elapsed, rtt);
    free (rtt);

    perf_close (s);
    perf_ctx_term (ctx);
    return 0;
}
