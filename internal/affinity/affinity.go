// Package affinity owns where zring's I/O runs: how ZMQ_AFFINITY maps a
// socket's connections to I/O loops (bit i of the bitmap is loop i; 0 means
// any loop), and pinning and naming the loops' OS threads (the idea of
// libzmq's ZMQ_THREAD_AFFINITY_CPU_ADD and ZMQ_THREAD_NAME_PREFIX).
package affinity

// Choose returns the loop for a new connection: the least loaded loop among
// the bits set in bitmap, or among all loops when bitmap selects none that
// exist. Ties go to the lowest index. load(i) is loop i's current count of
// endpoints and connections.
func Choose(bitmap uint64, n int, load func(i int) int32) int {
	best := -1
	var bestLoad int32
	for pass := 0; pass < 2 && best < 0; pass++ {
		for i := 0; i < n; i++ {
			if pass == 0 && (bitmap == 0 || i >= 64 || bitmap&(1<<uint(i)) == 0) {
				continue
			}
			if l := load(i); best < 0 || l < bestLoad {
				best, bestLoad = i, l
			}
		}
	}
	return best
}
