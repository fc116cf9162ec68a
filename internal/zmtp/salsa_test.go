package zmtp

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/salsa20/salsa"
)

// salsaPathsForTest is every key-stream implementation this machine can
// run, each forced: the Go block function, every assembly path the CPU
// has (salsaPaths), and salsaXOR as it dispatches.
func salsaPathsForTest() []salsaPath {
	paths := []salsaPath{{"generic", salsaXORGeneric}, {"dispatch", salsaXOR}}
	for _, p := range salsaPaths {
		if p.ok {
			paths = append(paths, p.salsaPath)
		}
	}
	return paths
}

// salsaRef is x/crypto's Salsa20 at key, nonce and block counter.
func salsaRef(dst, src []byte, key *[32]byte, nonce []byte, counter uint64) {
	var c [16]byte
	copy(c[:8], nonce)
	binary.LittleEndian.PutUint64(c[8:], counter)
	salsa.XORKeyStream(dst, src, &c, key)
}

func salsaTestState(key *[32]byte, nonce []byte, counter uint64) *salsaState {
	var s salsaState
	s.setKey(key)
	s.setNonce(nonce, counter)
	return &s
}

// salsaTestCounters are block counters to start from: zero, random, and
// ones whose low word wraps within the first blocks, or whose whole 64
// bits do.
var salsaTestCounters = []uint64{
	0, 1, 0x123456789abcdef0,
	0xffffffff, 0xfffffffe, 0xffffffff - 7, 0xffffffff - 14, 0xffffffff - 15, 0xffffffff - 16, 0xffffffff - 17,
	0xffffffff - 31, 0xffffffff - 40, 0x7_ffffffff - 3, 0xffffffff_ffffffff - 5,
}

// checkSalsa compares path with x/crypto over n bytes starting at the
// given offsets in their buffers, out of place and in place.
func checkSalsa(t *testing.T, rng *mrand.ChaCha8, p salsaPath, n int, counter uint64, srcOff, dstOff int) {
	t.Helper()
	var key [32]byte
	nonce := make([]byte, 8)
	rng.Read(key[:])
	rng.Read(nonce)
	src := make([]byte, n+srcOff+64)
	rng.Read(src)
	src = src[srcOff : srcOff+n]
	want := make([]byte, n)
	salsaRef(want, src, &key, nonce, counter)
	s := salsaTestState(&key, nonce, counter)
	before := *s

	// Out of place, with guard bytes after dst that must stay.
	dbuf := make([]byte, n+dstOff+64)
	for i := range dbuf {
		dbuf[i] = 0xa5
	}
	dst := dbuf[dstOff : dstOff+n]
	srcCopy := bytes.Clone(src)
	p.xor(dst, src, s)
	if !bytes.Equal(dst, want) {
		t.Fatalf("%s: %d bytes at counter %#x, out of place: first difference at %d", p.name, n, counter, firstDiff(dst, want))
	}
	for i, b := range dbuf {
		if (i < dstOff || i >= dstOff+n) && b != 0xa5 {
			t.Fatalf("%s: %d bytes at counter %#x: wrote byte %d outside dst", p.name, n, counter, i-dstOff)
		}
	}
	if !bytes.Equal(src, srcCopy) {
		t.Fatalf("%s: %d bytes: changed src", p.name, n)
	}
	if *s != before {
		t.Fatalf("%s: changed the state", p.name)
	}

	// In place.
	p.xor(src, src, s)
	if !bytes.Equal(src, want) {
		t.Fatalf("%s: %d bytes at counter %#x, in place: first difference at %d", p.name, n, counter, firstDiff(src, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestSalsaMatchesXCrypto checks every path against x/crypto's
// salsa.XORKeyStream at every length to 2100 and some longer ones, from
// counters about to carry into word 9, unaligned.
func TestSalsaMatchesXCrypto(t *testing.T) {
	rng := mrand.NewChaCha8([32]byte{1})
	for _, p := range salsaPathsForTest() {
		t.Run(p.name, func(t *testing.T) {
			for n := 0; n <= 2100; n++ {
				c := salsaTestCounters[n%len(salsaTestCounters)]
				checkSalsa(t, rng, p, n, c, n%7, (n/7)%5)
			}
			long := []int{4095, 4096, 4097, 5000, 16384 + 63, 65536, 65536 + 1024 + 33, 70000}
			if testing.Short() {
				long = long[:3]
			}
			for _, n := range long {
				for i, c := range salsaTestCounters {
					checkSalsa(t, rng, p, n, c, i%3, i%5)
				}
			}
		})
	}
}

// TestSalsaBlock checks salsaBlock alone, which keys Poly1305.
func TestSalsaBlock(t *testing.T) {
	rng := mrand.NewChaCha8([32]byte{2})
	for _, c := range salsaTestCounters {
		var key [32]byte
		nonce := make([]byte, 8)
		rng.Read(key[:])
		rng.Read(nonce)
		var want, got [64]byte
		salsaRef(want[:], want[:], &key, nonce, c)
		salsaBlock(&got, salsaTestState(&key, nonce, c))
		if got != want {
			t.Fatalf("counter %#x: block %x, want %x", c, got, want)
		}
	}
}

// TestSalsaVector checks the first key-stream bytes of a published test
// vector (Salsa20/20, 256-bit key, set 1 vector 0 of the eSTREAM
// verified test vectors: key 0x80 then zeros, nonce zero), so that the
// comparisons with x/crypto are not only a comparison with itself.
func TestSalsaVector(t *testing.T) {
	var key [32]byte
	key[0] = 0x80
	var block [64]byte
	salsaBlock(&block, salsaTestState(&key, make([]byte, 8), 0))
	want, _ := hex.DecodeString("e3be8fdd8beca2e3ea8ef9475b29a6e7003951e1097a5c38d23b7a5fad9f6844b22c97559e2723c7cbbd3fe4fc8d9a0744652a83e72a9c461876af4d7ef1a117")
	if !bytes.Equal(block[:], want) {
		t.Fatalf("block %x\nwant  %x", block, want)
	}
}

// TestCurveMessageMatchesSecretbox checks MESSAGE boxes both ways against
// x/crypto's nacl/secretbox under the shared key and the full 24-byte
// nonce: what we seal, secretbox.Open opens to the flags and body, and
// what secretbox.Seal seals, we open.
func TestCurveMessageMatchesSecretbox(t *testing.T) {
	rng := mrand.NewChaCha8([32]byte{3})
	sizes := make([]int, 0, 2200)
	for n := 0; n <= 2100; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 4096, 4097-33, 65536, 65536+1000, 70000)
	for i, n := range sizes {
		var key [32]byte
		rng.Read(key[:])
		nonce := rng.Uint64()
		if i%3 == 0 {
			nonce = uint64(i) + 3
		}
		client := newCurveTransform(&key, noncePrefixMessageC, noncePrefixMessageS, nonce, 0)
		server := newCurveTransform(&key, noncePrefixMessageS, noncePrefixMessageC, nonce, 0)
		body := make([]byte, n)
		rng.Read(body)
		flags := []byte{0, FlagMore, FlagCommand, FlagMore | FlagCommand}[i%4]
		inner := []byte{0, curveFlagMore, curveFlagCommand, curveFlagMore | curveFlagCommand}[i%4]
		plain := append([]byte{inner}, body...)

		for _, tr := range []*curveTransform{client, server} {
			prefix := noncePrefixMessageC
			if tr == server {
				prefix = noncePrefixMessageS
			}
			var full [24]byte
			copy(full[:], prefix)
			binary.BigEndian.PutUint64(full[16:], nonce)

			// Ours, opened by x/crypto.
			tr.sendNonce = nonce
			wire := tr.Seal(nil, flags, body)
			_, _, hn, _ := ParseFrameHeader(wire, -1)
			msg := wire[hn:]
			if got := binary.BigEndian.Uint64(msg[8:16]); got != nonce {
				t.Fatalf("nonce %d on the wire, want %d", got, nonce)
			}
			opened, ok := secretbox.Open(nil, msg[curveMessageHeader:], &full, &key)
			if !ok || !bytes.Equal(opened, plain) {
				t.Fatalf("%d bytes, %s: secretbox.Open of our box: %v", n, prefix, ok)
			}
			if want := secretbox.Seal(nil, plain, &full, &key); !bytes.Equal(msg[curveMessageHeader:], want) {
				t.Fatalf("%d bytes, %s: box differs from secretbox.Seal's", n, prefix)
			}

			// x/crypto's, opened by the other side.
			other := server
			if tr == server {
				other = client
			}
			theirs := append([]byte("\x07MESSAGE"), full[16:]...)
			theirs = secretbox.Seal(theirs, plain, &full, &key)
			other.peerNonce = nonce - 1
			gotFlags, got, err := other.Open(0, theirs)
			if err != nil || gotFlags != flags || !bytes.Equal(got, body) {
				t.Fatalf("%d bytes, %s: opening secretbox.Seal's box: flags %#x, %v", n, prefix, gotFlags, err)
			}
		}
	}
}

// FuzzSalsaXOR compares every path with x/crypto for any key, nonce,
// counter and input.
func FuzzSalsaXOR(f *testing.F) {
	f.Add(make([]byte, 32), make([]byte, 8), uint64(0), []byte("hello"))
	f.Add(bytes.Repeat([]byte{0xff}, 32), []byte("CurveZMQ"), uint64(0xfffffffe), make([]byte, 1500))
	f.Fuzz(func(t *testing.T, k, nonce []byte, counter uint64, src []byte) {
		var key [32]byte
		copy(key[:], k)
		nonce = append(nonce, make([]byte, 8)...)[:8]
		want := make([]byte, len(src))
		salsaRef(want, src, &key, nonce, counter)
		s := salsaTestState(&key, nonce, counter)
		for _, p := range salsaPathsForTest() {
			got := make([]byte, len(src))
			p.xor(got, src, s)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: %d bytes at counter %#x: first difference at %d", p.name, len(src), counter, firstDiff(got, want))
			}
			got = bytes.Clone(src)
			p.xor(got, got, s)
			if !bytes.Equal(got, want) {
				t.Fatalf("%s: in place: %d bytes at counter %#x: first difference at %d", p.name, len(src), counter, firstDiff(got, want))
			}
		}
	})
}

func BenchmarkSalsa(b *testing.B) {
	var key [32]byte
	s := salsaTestState(&key, make([]byte, 8), 0)
	for _, size := range []int{64, 1024, 65536} {
		buf := make([]byte, size)
		for _, p := range salsaPathsForTest() {
			b.Run(fmt.Sprintf("%s/%d", p.name, size), func(b *testing.B) {
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					p.xor(buf, buf, s)
				}
			})
		}
	}
}

func BenchmarkSalsaBlock(b *testing.B) {
	var key [32]byte
	s := salsaTestState(&key, make([]byte, 8), 0)
	var out [64]byte
	b.SetBytes(64)
	b.ReportAllocs()
	for b.Loop() {
		salsaBlock(&out, s)
	}
}
