package zmtp

// This file owns the Poly1305 under CURVE's MESSAGE boxes: poly1305Sum,
// which secretboxSeal and secretboxOpen (curve.go) call, and a scalar
// Poly1305 in Go that the vector code (poly1305_amd64.go,
// poly1305_amd64.s) starts from and finishes with. Where there is no
// vector code (poly1305_other.go), and for short messages, poly1305Sum is
// x/crypto's poly1305.Sum.
//
// Poly1305 (RFC 8439, section 2.5): with r the first half of the key,
// clamped, and s the second, the message is split into 16-byte blocks,
// each read as a little-endian number with a 1 bit above its last byte
// (2^128 for a full block); the accumulator h starts at 0 and for every
// block becomes (h + block) * r mod p, p = 2^130 - 5; the tag is
// (h + s) mod 2^128, little-endian.
//
// Why it exists: x/crypto's Poly1305 is scalar (~3.5 GB/s on the 2-vCPU
// AMD EPYC, Zen 5, these figures come from) and held a 64 KiB MESSAGE to
// ~19 of its ~29 µs once Salsa20 was vectorised (salsa.go). With AVX-512
// IFMA a 64 KiB tag now takes ~2.4 µs (~27 GB/s); poly1305_amd64.go has
// the figures and the threshold. The Go code here runs about as fast as
// x/crypto's scalar assembly, but is used alone only by the tests: it is
// the vector code's start (r) and finish (the last blocks, the tag).

import (
	"encoding/binary"
	"math/bits"
)

// polyPath is one Poly1305 implementation, for the tests and benchmarks.
type polyPath struct {
	name string
	sum  func(tag *[16]byte, msg []byte, key *[32]byte)
}

// polyState is a Poly1305 accumulator h = h0 + h1<<64 + h2<<128, kept
// below 2^131 (h2 < 8) between blocks, and the clamped r = r0 + r1<<64.
type polyState struct {
	h0, h1, h2 uint64
	r0, r1     uint64
}

// polyClamp masks: r's top four bits of every 32-bit word and the bottom
// two bits of its words 1 to 3 are cleared, so r < 2^124.
const (
	polyClamp0 = 0x0ffffffc0fffffff
	polyClamp1 = 0x0ffffffc0ffffffc
)

func (st *polyState) init(key *[32]byte) {
	*st = polyState{
		r0: binary.LittleEndian.Uint64(key[0:]) & polyClamp0,
		r1: binary.LittleEndian.Uint64(key[8:]) & polyClamp1,
	}
}

// polyMul returns h*r reduced to below 1.5*2^130 (its top word at most
// 5), for h below 2^131 (h2 < 8) and a clamped r (below 2^124, r0 and r1
// below 2^60).
func polyMul(h0, h1, h2, r0, r1 uint64) (uint64, uint64, uint64) {
	// The product m = m0 + m1<<64 + m2<<128 + m3<<192 < 2^255.
	hi00, lo00 := bits.Mul64(h0, r0)
	hi01, lo01 := bits.Mul64(h0, r1)
	hi10, lo10 := bits.Mul64(h1, r0)
	hi11, lo11 := bits.Mul64(h1, r1)
	t20 := h2 * r0 // < 2^63
	t21 := h2 * r1 // < 2^63

	m0 := lo00
	m1, c0 := bits.Add64(hi00, lo01, 0)
	m1, c1 := bits.Add64(m1, lo10, 0)
	m2, ca := bits.Add64(hi01, hi10, c0)
	m2, cb := bits.Add64(m2, lo11, c1)
	m2, cc := bits.Add64(m2, t20, 0)
	m3 := hi11 + t21 + ca + cb + cc

	// m = low + 2^130*q with low = m mod 2^130 and q = m>>130 < 2^125,
	// and 2^130 = 5 mod p: h = low + 4q + q, where 4q is m2&^3 + m3<<64.
	var c uint64
	h0, c = bits.Add64(m0, m2&^3, 0)
	h1, c = bits.Add64(m1, m3, c)
	h2 = m2&3 + c
	h0, c = bits.Add64(h0, m2>>2|m3<<62, 0)
	h1, c = bits.Add64(h1, m3>>2, c)
	h2 += c
	return h0, h1, h2
}

// polyReduce returns h mod p for h below 2p (every polyMul result): h
// itself, or h+5-2^130 when h+5 reaches 2^130. Constant time.
func polyReduce(h0, h1, h2 uint64) (uint64, uint64, uint64) {
	g0, c := bits.Add64(h0, 5, 0)
	g1, c := bits.Add64(h1, 0, c)
	g2 := h2 + c
	mask := -(g2 >> 2) // all ones when g >= 2^130 (g < 2^131)
	return h0&^mask | g0&mask, h1&^mask | g1&mask, h2&^mask | (g2&3)&mask
}

// blocks adds every 16-byte block of msg to h and multiplies by r, the
// last block, if short, padded as Poly1305 pads it.
func (st *polyState) blocks(msg []byte) {
	h0, h1, h2, r0, r1 := st.h0, st.h1, st.h2, st.r0, st.r1
	var c uint64
	for len(msg) >= 16 {
		h0, c = bits.Add64(h0, binary.LittleEndian.Uint64(msg[0:]), 0)
		h1, c = bits.Add64(h1, binary.LittleEndian.Uint64(msg[8:]), c)
		h2 += c + 1
		h0, h1, h2 = polyMul(h0, h1, h2, r0, r1)
		msg = msg[16:]
	}
	if len(msg) > 0 {
		var b [16]byte
		copy(b[:], msg)
		b[len(msg)] = 1
		h0, c = bits.Add64(h0, binary.LittleEndian.Uint64(b[0:]), 0)
		h1, c = bits.Add64(h1, binary.LittleEndian.Uint64(b[8:]), c)
		h2 += c
		h0, h1, h2 = polyMul(h0, h1, h2, r0, r1)
	}
	st.h0, st.h1, st.h2 = h0, h1, h2
}

// finish writes the tag, (h mod p + s) mod 2^128, s the key's second half.
func (st *polyState) finish(tag *[16]byte, key *[32]byte) {
	h0, h1, _ := polyReduce(st.h0, st.h1, st.h2)
	t0, c := bits.Add64(h0, binary.LittleEndian.Uint64(key[16:]), 0)
	t1, _ := bits.Add64(h1, binary.LittleEndian.Uint64(key[24:]), c)
	binary.LittleEndian.PutUint64(tag[0:], t0)
	binary.LittleEndian.PutUint64(tag[8:], t1)
}

// poly1305Generic is Poly1305 in Go alone (the tests' second reference,
// and what the vector paths finish with).
func poly1305Generic(tag *[16]byte, msg []byte, key *[32]byte) {
	var st polyState
	st.init(key)
	st.blocks(msg)
	st.finish(tag, key)
}
