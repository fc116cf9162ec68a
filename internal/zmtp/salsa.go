package zmtp

// This file owns the Salsa20 key stream under CURVE's MESSAGE boxes: a
// Salsa20 block function in Go, and salsaXOR, which XORs a key stream into
// a buffer, through an assembly routine where the CPU has one
// (salsa_amd64.go, salsa_amd64.s) and in Go elsewhere (salsa_other.go).
// curve.go's secretboxSeal and secretboxOpen build NaCl's secretbox
// (XSalsa20 and Poly1305) on it; the handshake's boxes still use x/crypto.
//
// Why it exists, measured on a 2-vCPU AMD EPYC (Zen 5, AVX-512F; go test
// -bench, medians of 3): x/crypto's salsa.XORKeyStream costs ~200 ns for a
// single 64-byte call (a large fixed setup) and runs ~1.0 GB/s in bulk,
// and HSalsa20 ~90 ns, so every MESSAGE paid ~280 ns before its first byte
// and Salsa20 held bulk frames to ~0.8 GB/s once Poly1305 (~3.5 GB/s) was
// added. Now the XSalsa20 subkey is computed once per connection and
// direction (curveTransform), the first block and short streams come from
// salsaBlock (~90-110 ns a block, no setup), and long ones from the
// assembly: AVX-512F ~6.2 GB/s, AVX2 ~1.8 GB/s (salsa_amd64.go has the
// figures and the thresholds). A 64 KiB MESSAGE is now bound by Poly1305.
//
// Tried and dropped: an AVX-512 routine for short streams, 8 blocks in
// 128-bit lanes ("diagonal" rows, latency-bound) took ~160 ns for 8 blocks,
// no better than the 16-block routine (~170 ns for 16) or than salsaBlock
// for one or two blocks, so short streams use those.

import (
	"crypto/subtle"
	"encoding/binary"
	"math/bits"
)

// Salsa20's constants, "expand 32-byte k" as four little-endian words.
const (
	salsaC0 = 0x61707865
	salsaC1 = 0x3320646e
	salsaC2 = 0x79622d32
	salsaC3 = 0x6b206574
)

// salsaState is Salsa20's input block as 16 words: the constants in words
// 0, 5, 10 and 15, the key in 1-4 and 11-14, the 8-byte nonce in 6 and 7,
// and the 64-bit block counter, little-endian, in 8 (low) and 9 (high).
type salsaState [16]uint32

// setKey sets the constants and the key, and clears the nonce and counter.
func (s *salsaState) setKey(key *[32]byte) {
	*s = salsaState{
		salsaC0,
		binary.LittleEndian.Uint32(key[0:]),
		binary.LittleEndian.Uint32(key[4:]),
		binary.LittleEndian.Uint32(key[8:]),
		binary.LittleEndian.Uint32(key[12:]),
		salsaC1,
		0, 0, 0, 0,
		salsaC2,
		binary.LittleEndian.Uint32(key[16:]),
		binary.LittleEndian.Uint32(key[20:]),
		binary.LittleEndian.Uint32(key[24:]),
		binary.LittleEndian.Uint32(key[28:]),
		salsaC3,
	}
}

// setNonce sets the 8-byte nonce and the block counter.
func (s *salsaState) setNonce(nonce []byte, counter uint64) {
	_ = nonce[7]
	s[6] = binary.LittleEndian.Uint32(nonce[0:])
	s[7] = binary.LittleEndian.Uint32(nonce[4:])
	s.setCounter(counter)
}

func (s *salsaState) setCounter(counter uint64) {
	s[8] = uint32(counter)
	s[9] = uint32(counter >> 32)
}

func (s *salsaState) counter() uint64 {
	return uint64(s[9])<<32 | uint64(s[8])
}

// salsaBlock writes the key stream block of s (at its counter) to out.
// It does not advance the counter.
func salsaBlock(out *[64]byte, s *salsaState) {
	x0, x1, x2, x3 := s[0], s[1], s[2], s[3]
	x4, x5, x6, x7 := s[4], s[5], s[6], s[7]
	x8, x9, x10, x11 := s[8], s[9], s[10], s[11]
	x12, x13, x14, x15 := s[12], s[13], s[14], s[15]
	for range 10 {
		// Column round.
		x4 ^= bits.RotateLeft32(x0+x12, 7)
		x9 ^= bits.RotateLeft32(x5+x1, 7)
		x14 ^= bits.RotateLeft32(x10+x6, 7)
		x3 ^= bits.RotateLeft32(x15+x11, 7)
		x8 ^= bits.RotateLeft32(x4+x0, 9)
		x13 ^= bits.RotateLeft32(x9+x5, 9)
		x2 ^= bits.RotateLeft32(x14+x10, 9)
		x7 ^= bits.RotateLeft32(x3+x15, 9)
		x12 ^= bits.RotateLeft32(x8+x4, 13)
		x1 ^= bits.RotateLeft32(x13+x9, 13)
		x6 ^= bits.RotateLeft32(x2+x14, 13)
		x11 ^= bits.RotateLeft32(x7+x3, 13)
		x0 ^= bits.RotateLeft32(x12+x8, 18)
		x5 ^= bits.RotateLeft32(x1+x13, 18)
		x10 ^= bits.RotateLeft32(x6+x2, 18)
		x15 ^= bits.RotateLeft32(x11+x7, 18)
		// Row round.
		x1 ^= bits.RotateLeft32(x0+x3, 7)
		x6 ^= bits.RotateLeft32(x5+x4, 7)
		x11 ^= bits.RotateLeft32(x10+x9, 7)
		x12 ^= bits.RotateLeft32(x15+x14, 7)
		x2 ^= bits.RotateLeft32(x1+x0, 9)
		x7 ^= bits.RotateLeft32(x6+x5, 9)
		x8 ^= bits.RotateLeft32(x11+x10, 9)
		x13 ^= bits.RotateLeft32(x12+x15, 9)
		x3 ^= bits.RotateLeft32(x2+x1, 13)
		x4 ^= bits.RotateLeft32(x7+x6, 13)
		x9 ^= bits.RotateLeft32(x8+x11, 13)
		x14 ^= bits.RotateLeft32(x13+x12, 13)
		x0 ^= bits.RotateLeft32(x3+x2, 18)
		x5 ^= bits.RotateLeft32(x4+x7, 18)
		x10 ^= bits.RotateLeft32(x9+x8, 18)
		x15 ^= bits.RotateLeft32(x14+x13, 18)
	}
	binary.LittleEndian.PutUint32(out[0:], x0+s[0])
	binary.LittleEndian.PutUint32(out[4:], x1+s[1])
	binary.LittleEndian.PutUint32(out[8:], x2+s[2])
	binary.LittleEndian.PutUint32(out[12:], x3+s[3])
	binary.LittleEndian.PutUint32(out[16:], x4+s[4])
	binary.LittleEndian.PutUint32(out[20:], x5+s[5])
	binary.LittleEndian.PutUint32(out[24:], x6+s[6])
	binary.LittleEndian.PutUint32(out[28:], x7+s[7])
	binary.LittleEndian.PutUint32(out[32:], x8+s[8])
	binary.LittleEndian.PutUint32(out[36:], x9+s[9])
	binary.LittleEndian.PutUint32(out[40:], x10+s[10])
	binary.LittleEndian.PutUint32(out[44:], x11+s[11])
	binary.LittleEndian.PutUint32(out[48:], x12+s[12])
	binary.LittleEndian.PutUint32(out[52:], x13+s[13])
	binary.LittleEndian.PutUint32(out[56:], x14+s[14])
	binary.LittleEndian.PutUint32(out[60:], x15+s[15])
}

// salsaXORGeneric sets dst to src XORed with the key stream of s from its
// counter on, one salsaBlock at a time. dst must be at least as long as
// src, and either the same bytes or not overlap them. s is not changed.
func salsaXORGeneric(dst, src []byte, s *salsaState) {
	st := *s
	var block [64]byte
	for len(src) > 0 {
		salsaBlock(&block, &st)
		n := subtle.XORBytes(dst, src, block[:])
		dst, src = dst[n:], src[n:]
		st[8]++
		if st[8] == 0 {
			st[9]++
		}
	}
}

// salsaPath is one way of computing salsaXOR, by name, for the tests and
// benchmarks.
type salsaPath struct {
	name string
	xor  func(dst, src []byte, s *salsaState)
}
