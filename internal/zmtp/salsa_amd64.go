//go:build !purego

package zmtp

import (
	"crypto/subtle"
	"encoding/binary"

	"golang.org/x/crypto/salsa20/salsa"
	"golang.org/x/sys/cpu"
)

// The paths, measured on a 2-vCPU AMD EPYC (Zen 5) by BenchmarkSalsa
// (medians of 3, 64 B / 1 KiB / 64 KiB):
//
//	generic  (salsaBlock)          110 ns / 1560 ns / 100 µs   ~0.65 GB/s
//	xcrypto  (SSE2 assembly)       215 ns / 1090 ns /  67 µs   ~1.0 GB/s
//	avx2     (8 blocks a chunk)        -   /  580 ns /  35 µs   ~1.8 GB/s
//	avx512   (16 blocks a chunk)       -   /  175 ns /  10.4 µs ~6.2 GB/s
//
// So with AVX-512F: salsaBlock for up to 2 blocks (a 16-block chunk, ~170
// ns, costs as much as two salsaBlocks), AVX-512 from 3 on, a partial
// chunk through a buffer. With AVX2 alone: salsaBlock for up to 3 blocks
// (a chunk ~290 ns), AVX2 from 4. With neither: salsaBlock, and x/crypto
// once its setup is paid for (from ~320 bytes).

//go:noescape
func salsaXORAVX512(dst, src *byte, chunks int, s *salsaState)

//go:noescape
func salsaXORAVX2(dst, src *byte, chunks int, s *salsaState)

var (
	salsaHaveAVX512 = cpu.X86.HasAVX512F
	salsaHaveAVX2   = cpu.X86.HasAVX2
)

// salsaPaths are the other paths, and whether this CPU has them, for the
// tests (which force each) and benchmarks: the assembly, x/crypto, and
// salsaXOR as it would choose on a CPU with AVX2 alone and with neither.
var salsaPaths = []struct {
	salsaPath
	ok bool
}{
	{salsaPath{"avx512", salsaXOR512}, salsaHaveAVX512},
	{salsaPath{"avx2", salsaXOR256}, salsaHaveAVX2},
	{salsaPath{"xcrypto", salsaXORXCrypto}, true},
	{salsaPath{"dispatch-avx2", func(dst, src []byte, s *salsaState) { salsaXORFor(dst, src, s, false, true) }}, salsaHaveAVX2},
	{salsaPath{"dispatch-sse2", func(dst, src []byte, s *salsaState) { salsaXORFor(dst, src, s, false, false) }}, true},
}

// salsaZeros is XORed with the key stream to get the key stream alone.
var salsaZeros [1024]byte

// salsaXOR sets dst to src XORed with the key stream of s from its
// counter on. dst must be at least as long as src, and either the same
// bytes or not overlap them. s is not changed.
func salsaXOR(dst, src []byte, s *salsaState) {
	salsaXORFor(dst, src, s, salsaHaveAVX512, salsaHaveAVX2)
}

// salsaXORFor is salsaXOR on a CPU with or without AVX-512F and AVX2.
func salsaXORFor(dst, src []byte, s *salsaState, avx512, avx2 bool) {
	switch {
	case avx512 && len(src) > salsaTailAVX512:
		salsaXOR512(dst, src, s)
	case avx2 && len(src) > salsaTailAVX2:
		salsaXOR256(dst, src, s)
	case !avx2 && len(src) >= salsaMinXCrypto:
		salsaXORXCrypto(dst, src, s)
	default:
		salsaXORGeneric(dst, src, s)
	}
}

// salsaMinXCrypto: without AVX2, x/crypto's SSE2 assembly (~200 ns to
// start, then ~1.0 GB/s) beats salsaXORGeneric (~1.6 ns a byte) from
// about 300 bytes on.
const salsaMinXCrypto = 320

// salsaXORXCrypto is salsaXOR with x/crypto's salsa.XORKeyStream.
func salsaXORXCrypto(dst, src []byte, s *salsaState) {
	var key [32]byte
	var counter [16]byte
	for i, w := range [8]uint32{s[1], s[2], s[3], s[4], s[11], s[12], s[13], s[14]} {
		binary.LittleEndian.PutUint32(key[4*i:], w)
	}
	for i, w := range [4]uint32{s[6], s[7], s[8], s[9]} {
		binary.LittleEndian.PutUint32(counter[4*i:], w)
	}
	salsa.XORKeyStream(dst[:len(src)], src, &counter, &key)
}

// salsaTailAVX512 is the longest stream left to salsaBlock when the CPU
// has AVX-512F: two blocks (~2x100 ns) cost about one 16-block chunk.
const salsaTailAVX512 = 128

// salsaXOR512 is salsaXOR with salsaXORAVX512 for every 1024 bytes, and
// for a tail of more than salsaTailAVX512 bytes (through a buffer).
func salsaXOR512(dst, src []byte, s *salsaState) {
	salsaXORChunks(dst, src, s, true)
}

// salsaXOR256 is salsaXOR with salsaXORAVX2 for every 512 bytes, and for
// a tail of more than salsaTailAVX2 bytes (through a buffer).
func salsaXOR256(dst, src []byte, s *salsaState) {
	salsaXORChunks(dst, src, s, false)
}

// salsaXORChunks is salsaXOR with one of the assembly routines (AVX-512's,
// 1024-byte chunks, or AVX2's, 512): every whole chunk, then a tail of
// more than the routine's salsaTail bytes through one more chunk of key
// stream in a buffer, and a shorter one with salsaXORGeneric. (The routine
// is chosen by a flag, not passed as a func: through a func value the
// buffers would escape to the heap.)
func salsaXORChunks(dst, src []byte, s *salsaState, avx512 bool) {
	chunk, tail := 512, salsaTailAVX2
	if avx512 {
		chunk, tail = 1024, salsaTailAVX512
	}
	asm := func(dst, src *byte, chunks int, st *salsaState) {
		if avx512 {
			salsaXORAVX512(dst, src, chunks, st)
		} else {
			salsaXORAVX2(dst, src, chunks, st)
		}
	}
	dst = dst[:len(src)]
	st := *s
	if n := len(src) / chunk; n > 0 {
		asm(&dst[0], &src[0], n, &st)
		st.setCounter(st.counter() + uint64(n*chunk/64))
		dst, src = dst[n*chunk:], src[n*chunk:]
	}
	if len(src) > tail {
		var buf [1024]byte
		asm(&buf[0], &salsaZeros[0], 1, &st)
		subtle.XORBytes(dst, src, buf[:len(src)])
		return
	}
	salsaXORGeneric(dst, src, &st)
}

// salsaTailAVX2 is the longest stream left to salsaBlock when the CPU has
// AVX2 but not AVX-512F: three blocks cost about one 8-block chunk.
const salsaTailAVX2 = 192
