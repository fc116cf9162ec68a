/* fanout_sub: the receiving side of the fan-out case. <subscribers> SUB
 * sockets on one context connect to <connect-to>, subscribe to everything
 * and each receive <message-count> messages. One thread serves them all with
 * zmq_poll, draining each readable socket before polling again. The clock
 * runs from the first message on any socket to the last on every socket;
 * the rate printed is deliveries (subscribers x count) per second. */
#include "perf_clock.h"

#define USAGE "fanout_sub <connect-to> <subscribers> <message-size> <message-count>"

int main (int argc, char *argv[])
{
    struct perf_fanout_args a = perf_fanout_parse_args (argc, argv, USAGE);
    perf_raise_fd_limit ();
    void *ctx = perf_ctx_new ();
    if (zmq_ctx_set (ctx, ZMQ_MAX_SOCKETS, (int) a.subscribers + 16) != 0)
        perf_die ("zmq_ctx_set");

    long n = a.subscribers;
    zmq_pollitem_t *items = calloc ((size_t) n, sizeof *items);
    long *got = calloc ((size_t) n, sizeof *got);
    void **socks = calloc ((size_t) n, sizeof *socks);
    if (!items || !got || !socks) {
        printf ("error in calloc: out of memory\n");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        socks[i] = perf_connect (ctx, ZMQ_SUB, a.endpoint);
        if (zmq_setsockopt (socks[i], ZMQ_SUBSCRIBE, "", 0) != 0)
            perf_die ("zmq_setsockopt");
    }

    /* items[0..live) are the sockets still short of count; a finished one
     * is swapped out of the polled range. */
    long live = n;
    long *index = calloc ((size_t) n, sizeof *index);
    if (!index) {
        printf ("error in calloc: out of memory\n");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        items[i].socket = socks[i];
        items[i].events = ZMQ_POLLIN;
        index[i] = i;
    }
    zmq_msg_t msg;
    perf_msg_init (&msg);
    uint64_t start = 0;
    while (live > 0) {
        if (zmq_poll (items, (int) live, -1) < 0)
            perf_die ("zmq_poll");
        for (long k = 0; k < live; k++) {
            if (!(items[k].revents & ZMQ_POLLIN))
                continue;
            long i = index[k];
            while (got[i] < a.count) {
                if (zmq_msg_recv (&msg, socks[i], ZMQ_DONTWAIT) < 0) {
                    if (zmq_errno () == EAGAIN)
                        break;
                    perf_die ("zmq_recvmsg");
                }
                if ((long) zmq_msg_size (&msg) != a.size) {
                    printf ("message of incorrect size received\n");
                    return 1;
                }
                if (start == 0)
                    start = perf_now_ns ();
                got[i]++;
            }
            if (got[i] == a.count) {
                live--;
                items[k] = items[live];
                index[k] = index[live];
                k--; /* look at the item swapped in */
            }
        }
    }
    uint64_t elapsed = perf_now_ns () - start;
    perf_msg_close (&msg);
    perf_print_fanout (a.size, a.count, a.subscribers, elapsed);

    for (long i = 0; i < n; i++)
        perf_close (socks[i]);
    perf_ctx_term (ctx);
    free (items);
    free (got);
    free (socks);
    free (index);
    return 0;
}
