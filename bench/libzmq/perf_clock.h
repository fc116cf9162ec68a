/*
 * perf_clock.h — timing, percentile and output helpers shared by the C perf
 * tools in bench/libzmq. Header-only so each tool is still one gcc line:
 *
 *     gcc -O2 -o local_thr local_thr.c -lzmq -lpthread
 *
 * Output lines follow libzmq's perf tools word for word; the p50/p99/p99.9
 * lines are ours, and zring's Go tools print the same.
 *
 * Conventions (the Go tools in tools/perf and bench/floor follow them too):
 *   - Times come from CLOCK_MONOTONIC.
 *   - Throughput: libzmq starts the clock after the first message arrives and
 *     stops it after the last, yet divides the whole message count by that
 *     time; it truncates msg/s to an integer before deriving Mb/s. We do the
 *     same so the numbers are comparable with published libzmq figures.
 *   - Latency: "average latency" is the whole loop's time divided by
 *     2 x round trips (one way, libzmq's convention). Percentiles are of the
 *     one-way time too: each round trip is timed on its own and halved.
 *     The percentile is the nearest-rank one: sort ascending, take element
 *     ceil(p/100 * n) - 1 (clamped to [0, n-1]), computed in integers.
 */
#ifndef ZRING_BENCH_PERF_CLOCK_H
#define ZRING_BENCH_PERF_CLOCK_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static inline uint64_t perf_now_ns (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

/* perf_die prints "error in WHAT: strerror" as libzmq's tools do and exits. */
static inline void perf_die (const char *what)
{
    printf ("error in %s: %s\n", what, zmq_strerror (zmq_errno ()));
    exit (1);
}

/* perf_parse_positive parses a count > 0, perf_parse_size a size >= 0;
 * anything else prints the usage line and exits. */
static inline long perf_parse_positive (const char *s, const char *usage)
{
    char *end = NULL;
    errno = 0;
    long v = strtol (s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v <= 0) {
        printf ("usage: %s\n", usage);
        exit (1);
    }
    return v;
}

static inline long perf_parse_size (const char *s, const char *usage)
{
    char *end = NULL;
    errno = 0;
    long v = strtol (s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0) {
        printf ("usage: %s\n", usage);
        exit (1);
    }
    return v;
}

/* perf_print_throughput prints the four lines of local_thr / inproc_thr. */
static inline void perf_print_throughput (long size, long count,
                                          uint64_t elapsed_ns)
{
    double elapsed_us = (double) elapsed_ns / 1000.0;
    if (elapsed_us < 1.0)
        elapsed_us = 1.0;
    unsigned long throughput =
      (unsigned long) ((double) count / elapsed_us * 1000000.0);
    double megabits = (double) throughput * (double) size * 8.0 / 1000000.0;
    printf ("message size: %d [B]\n", (int) size);
    printf ("message count: %d\n", (int) count);
    printf ("mean throughput: %d [msg/s]\n", (int) throughput);
    printf ("mean throughput: %.3f [Mb/s]\n", megabits);
}

static int perf_cmp_u64 (const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

/* perf_percentile_ns returns the nearest-rank percentile of sorted[0..n);
 * permille is the percentile in tenths of a percent (500 = p50, 999 = p99.9),
 * so the rank is exact integer arithmetic: ceil(permille * n / 1000) - 1. */
static inline uint64_t perf_percentile_ns (const uint64_t *sorted, long n,
                                           long permille)
{
    long rank = (long) (((int64_t) permille * n + 999) / 1000) - 1;
    if (rank < 0)
        rank = 0;
    if (rank > n - 1)
        rank = n - 1;
    return sorted[rank];
}

/* perf_print_latency prints the lines of remote_lat / inproc_lat.
 * rtt_ns holds one round-trip time per element; it is sorted in place. */
static inline void perf_print_latency (long size, long count,
                                       uint64_t elapsed_ns, uint64_t *rtt_ns)
{
    qsort (rtt_ns, (size_t) count, sizeof *rtt_ns, perf_cmp_u64);
    double average_us = (double) elapsed_ns / 1000.0 / ((double) count * 2.0);
    printf ("message size: %d [B]\n", (int) size);
    printf ("roundtrip count: %d\n", (int) count);
    printf ("average latency: %.3f [us]\n", average_us);
    printf ("p50 latency: %.3f [us]\n",
            (double) perf_percentile_ns (rtt_ns, count, 500) / 2000.0);
    printf ("p99 latency: %.3f [us]\n",
            (double) perf_percentile_ns (rtt_ns, count, 990) / 2000.0);
    printf ("p99.9 latency: %.3f [us]\n",
            (double) perf_percentile_ns (rtt_ns, count, 999) / 2000.0);
}

#endif
