/* inproc_thr: a PUSH thread sends <message-count> messages over inproc:// to
 * a PULL socket in main, which measures as local_thr does. Same arguments and
 * output as libzmq's perf/inproc_thr. */
#include "perf_clock.h"

#define USAGE "inproc_thr <message-size> <message-count>"
#define ENDPOINT "inproc://thr_test"

static struct perf_args args;

/* sender does what remote_thr does, in a thread of the same context. */
static void *sender (void *ctx)
{
    void *s = perf_connect (ctx, ZMQ_PUSH, ENDPOINT);
    perf_send_count (s, args.size, args.count);
    perf_close (s);
    return NULL;
}

int main (int argc, char *argv[])
{
    args = perf_parse_args (argc, argv, PERF_NO_ENDPOINT, USAGE);
    void *ctx = perf_ctx_new ();
    void *s = perf_bind (ctx, ZMQ_PULL, ENDPOINT);
    pthread_t thread = perf_thread_start (sender, ctx);

    uint64_t elapsed = perf_recv_count (s, args.size, args.count);
    perf_thread_join (thread);
    perf_print_throughput (args.size, args.count, elapsed);

    perf_close (s);
    perf_ctx_term (ctx);
    return 0;
}
