/* proxy: libzmq's zmq_proxy in the path of the other perf tools. The
 * frontend binds, the backend connects, and zmq_proxy forwards both ways
 * until SIGTERM or SIGINT, when the tool exits with status 0. Ours, not
 * libzmq's; tools/perf/proxy is the same tool on zring.Proxy.
 *
 *     proxy queue|streamer <frontend-bind-to> <backend-connect-to>
 *
 * queue is zmq_proxy's shared queue, ROUTER frontend and DEALER backend
 * (remote_lat → proxy → local_lat); streamer is PULL and PUSH (remote_thr →
 * proxy → local_thr). It prints nothing but errors. ZRING_PERF_MECHANISM
 * secures both connections: the frontend is a server, the backend a client
 * (perf_bind, perf_connect). */
#include "perf_clock.h"

#include <signal.h>

#define USAGE "proxy queue|streamer <frontend-bind-to> <backend-connect-to>"

/* perf_proxy_stopper waits for SIGTERM or SIGINT, which every thread of the
 * process blocks, and shuts the context down: zmq_proxy then returns -1 with
 * ETERM. zmq_ctx_shutdown is safe from another thread, unlike from a signal
 * handler. */
static void *perf_proxy_stopper (void *ctx)
{
    sigset_t set;
    sigemptyset (&set);
    sigaddset (&set, SIGTERM);
    sigaddset (&set, SIGINT);
    int sig;
    if (sigwait (&set, &sig) == 0)
        zmq_ctx_shutdown (ctx);
    return NULL;
}

int main (int argc, char *argv[])
{
    if (argc != 4)
        perf_usage (USAGE);
    int front_type, back_type;
    if (strcmp (argv[1], "queue") == 0) {
        front_type = ZMQ_ROUTER;
        back_type = ZMQ_DEALER;
    } else if (strcmp (argv[1], "streamer") == 0) {
        front_type = ZMQ_PULL;
        back_type = ZMQ_PUSH;
    } else
        perf_usage (USAGE);

    /* Blocked before the context starts its I/O threads, so that they
     * inherit the mask and only the stopper takes the signals. */
    sigset_t set;
    sigemptyset (&set);
    sigaddset (&set, SIGTERM);
    sigaddset (&set, SIGINT);
    int rc = pthread_sigmask (SIG_BLOCK, &set, NULL);
    if (rc != 0) {
        printf ("error in pthread_sigmask: %s\n", strerror (rc));
        return 1;
    }

    void *ctx = perf_ctx_new ();
    pthread_t stopper = perf_thread_start (perf_proxy_stopper, ctx);
    pthread_detach (stopper);

    void *front = perf_bind (ctx, front_type, argv[2]);
    void *back = perf_connect (ctx, back_type, argv[3]);
    /* What is still queued when the run is stopped belongs to no one. */
    int linger = 0;
    perf_setsockopt (front, ZMQ_LINGER, &linger, sizeof linger);
    perf_setsockopt (back, ZMQ_LINGER, &linger, sizeof linger);

    if (zmq_proxy (front, back, NULL) != -1 || zmq_errno () != ETERM)
        perf_die ("zmq_proxy");

    perf_close (front);
    perf_close (back);
    perf_ctx_term (ctx);
    return 0;
}
