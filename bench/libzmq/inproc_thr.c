/* inproc_thr: a PUSH thread sends <message-count> messages over inproc:// to
 * a PULL socket in main, which measures as local_thr does. Same arguments and
 * output as libzmq's perf/inproc_thr. */
#include <pthread.h>

#include "perf_clock.h"

#define USAGE "inproc_thr <message-size> <message-count>"
#define ENDPOINT "inproc://thr_test"

static long message_size;
static long message_count;

static void *sender (void *ctx)
{
    void *s = zmq_socket (ctx, ZMQ_PUSH);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_connect (s, ENDPOINT) != 0)
        perf_die ("zmq_connect");
    for (long i = 0; i != message_count; i++) {
        zmq_msg_t msg;
        if (zmq_msg_init_size (&msg, (size_t) message_size) != 0)
            perf_die ("zmq_msg_init_size");
        if (zmq_msg_send (&msg, s, 0) < 0)
            perf_die ("zmq_msg_send");
    }
    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    return NULL;
}

int main (int argc, char *argv[])
{
    if (argc != 3) {
        printf ("usage: %s\n", USAGE);
        return 1;
    }
    message_size = perf_parse_size (argv[1], USAGE);
    message_count = perf_parse_positive (argv[2], USAGE);

    void *ctx = zmq_ctx_new ();
    if (!ctx)
        perf_die ("zmq_ctx_new");
    void *s = zmq_socket (ctx, ZMQ_PULL);
    if (!s)
        perf_die ("zmq_socket");
    if (zmq_bind (s, ENDPOINT) != 0)
        perf_die ("zmq_bind");

    pthread_t thread;
    int rc = pthread_create (&thread, NULL, sender, ctx);
    if (rc != 0) {
        printf ("error in pthread_create: %s\n", strerror (rc));
        return 1;
    }

    zmq_msg_t msg;
    if (zmq_msg_init (&msg) != 0)
        perf_die ("zmq_msg_init");
    uint64_t start = 0;
    for (long i = 0; i != message_count; i++) {
        if (zmq_msg_recv (&msg, s, 0) < 0)
            perf_die ("zmq_msg_recv");
        if ((long) zmq_msg_size (&msg) != message_size) {
            printf ("message of incorrect size received\n");
            return 1;
        }
        if (i == 0)
            start = perf_now_ns ();
    }
    uint64_t elapsed = perf_now_ns () - start;
    if (zmq_msg_close (&msg) != 0)
        perf_die ("zmq_msg_close");

    rc = pthread_join (thread, NULL);
    if (rc != 0) {
        printf ("error in pthread_join: %s\n", strerror (rc));
        return 1;
    }
    perf_print_throughput (message_size, message_count, elapsed);

    if (zmq_close (s) != 0)
        perf_die ("zmq_close");
    if (zmq_ctx_term (ctx) != 0)
        perf_die ("zmq_ctx_term");
    return 0;
}
