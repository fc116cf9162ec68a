//go:build !purego

package zmtp

import (
	"math/bits"

	"golang.org/x/crypto/poly1305"
	"golang.org/x/sys/cpu"
)

// The paths, measured on a 2-vCPU AMD EPYC (Zen 5) with the machine
// shared and busy, so as the fastest of 300 alternating rounds of each
// (BenchmarkPoly1305's medians were up to 2x these and noisy), 64 B /
// 256 B / 1 KiB / 64 KiB:
//
//	xcrypto  (x/crypto, scalar assembly)   24 /  83 / 277 ns / 17.6 µs  ~3.7 GB/s
//	generic  (polyState.blocks, Go)        21 /  82 / 297 ns / 18.1 µs  ~3.6 GB/s
//	ifma     (AVX-512 IFMA, 8 or 16 lanes)  - /  53 /  79 ns /  2.4 µs  ~27 GB/s
//
// The IFMA routine costs ~30 ns before its first stride (the lanes'
// powers of r, three rounds of vector products), then ~4.6 ns a 128-byte
// stride in bulk (two accumulators; a third and fourth measured only ~10%
// more in bulk, the routine being then bound by throughput, not latency,
// so they were left out). Blocks after the last whole stride go through
// the Go code at ~5-9 ns each: 192 bytes (one stride and four blocks) take
// ~63 ns, more than x/crypto's ~56, 256 bytes ~53 ns against ~83, so
// polyMinIFMA is 256. Below it, and without AVX-512 IFMA, x/crypto.

//go:noescape
func poly1305BlocksIFMA(h *[3]uint64, msg *byte, strides int, r *[3]uint64)

// polyHaveIFMA: poly1305BlocksIFMA needs AVX-512F and IFMA (x/sys/cpu
// reports neither unless the OS saves the ZMM state).
var polyHaveIFMA = cpu.X86.HasAVX512F && cpu.X86.HasAVX512IFMA

// polyPaths are the other paths, and whether this CPU has them, for the
// tests (which force each) and the benchmarks.
var polyPaths = []struct {
	polyPath
	ok bool
}{
	{polyPath{"ifma", poly1305IFMA}, polyHaveIFMA},
	{polyPath{"dispatch-noifma", func(tag *[16]byte, msg []byte, key *[32]byte) { poly1305SumFor(tag, msg, key, false) }}, true},
}

// poly1305Sum writes msg's Poly1305 tag under the one-time key.
func poly1305Sum(tag *[16]byte, msg []byte, key *[32]byte) {
	poly1305SumFor(tag, msg, key, polyHaveIFMA)
}

// poly1305SumFor is poly1305Sum on a CPU with or without AVX-512 IFMA.
func poly1305SumFor(tag *[16]byte, msg []byte, key *[32]byte, ifma bool) {
	if ifma && len(msg) >= polyMinIFMA {
		poly1305IFMA(tag, msg, key)
		return
	}
	poly1305.Sum(tag, msg, key)
}

// polyMinIFMA is the shortest message for poly1305IFMA (see above).
const polyMinIFMA = 256

// poly1305IFMA is Poly1305 with poly1305BlocksIFMA for every 128 bytes,
// and the Go code for the rest (fewer than 8 blocks).
func poly1305IFMA(tag *[16]byte, msg []byte, key *[32]byte) {
	var st polyState
	st.init(key)
	if n := len(msg) / 128; n > 0 {
		const m44 = 1<<44 - 1
		r := [3]uint64{st.r0 & m44, (st.r0>>44 | st.r1<<20) & m44, st.r1 >> 24}
		var d [3]uint64
		poly1305BlocksIFMA(&d, &msg[0], n, &r)
		st.setLimbs44(&d)
		msg = msg[n*128:]
	}
	st.blocks(msg)
	st.finish(tag, key)
}

// setLimbs44 sets h to d0 + d1<<44 + d2<<88 (each below 2^48), reduced
// to h2 <= 4 so that blocks can go on from it.
func (st *polyState) setLimbs44(d *[3]uint64) {
	h0, c := bits.Add64(d[0], d[1]<<44, 0)
	h1, c := bits.Add64(d[1]>>20, d[2]<<24, c)
	h2 := d[2]>>40 + c
	// 2^130 = 5 mod p.
	q := h2 >> 2
	h0, c = bits.Add64(h0, 5*q, 0)
	h1, c = bits.Add64(h1, 0, c)
	st.h0, st.h1, st.h2 = h0, h1, h2&3+c
}
