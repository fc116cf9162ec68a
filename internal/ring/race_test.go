//go:build race

package ring

// raceEnabled: the race detector makes sync.Pool drop a quarter of its Puts
// on purpose, so allocation counts are meaningless under it.
const raceEnabled = true
