package zmtp

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"testing"

	"golang.org/x/crypto/poly1305"
)

// polyPathsForTest is every Poly1305 implementation this machine can run,
// each forced: the Go code alone, every vector path the CPU has
// (polyPaths), and poly1305Sum as it dispatches. x/crypto is the
// reference.
func polyPathsForTest() []polyPath {
	paths := []polyPath{{"generic", poly1305Generic}, {"dispatch", poly1305Sum}}
	for _, p := range polyPaths {
		if p.ok {
			paths = append(paths, p.polyPath)
		}
	}
	return paths
}

// polyTestKeys are keys at the edges: r all ones after clamping, s all
// ones (2^128-1), both, zero, r = 1, and r at its clamped maximum with s
// zero.
func polyTestKeys() [][32]byte {
	var keys [][32]byte
	ff := bytes.Repeat([]byte{0xff}, 16)
	z := make([]byte, 16)
	one := append([]byte{1}, make([]byte, 15)...)
	for _, rs := range [][2][]byte{{ff, ff}, {ff, z}, {z, ff}, {z, z}, {one, ff}, {one, z}} {
		var k [32]byte
		copy(k[:16], rs[0])
		copy(k[16:], rs[1])
		keys = append(keys, k)
	}
	return keys
}

// checkPoly compares p with x/crypto on msg under key, msg also copied to
// an unaligned offset.
func checkPoly(t *testing.T, p polyPath, msg []byte, key *[32]byte, off int) {
	t.Helper()
	var want, got [16]byte
	poly1305.Sum(&want, msg, key)
	buf := make([]byte, off+len(msg))
	m := buf[off:]
	copy(m, msg)
	p.sum(&got, m, key)
	if got != want {
		t.Fatalf("%s: %d bytes at offset %d, key %x: got %x, want %x", p.name, len(msg), off, key[:], got[:], want[:])
	}
	if !bytes.Equal(m, msg) {
		t.Fatalf("%s: %d bytes: changed its input", p.name, len(msg))
	}
}

// TestPoly1305MatchesXCrypto checks every path against x/crypto for every
// length up to 2100 and some up to 70000, random and edge keys, random,
// all-0xFF and zero messages, at every alignment.
func TestPoly1305MatchesXCrypto(t *testing.T) {
	rng := mrand.NewChaCha8([32]byte{'p', 'o', 'l', 'y'})
	edge := polyTestKeys()
	long := []int{2559, 2560, 4095, 4096, 4097, 8191, 8193, 16384 + 127, 65535, 65536, 65537, 65536 + 129, 70000}
	if testing.Short() {
		long = long[:5]
	}
	for _, p := range polyPathsForTest() {
		t.Run(p.name, func(t *testing.T) {
			for n := 0; n <= 2100; n++ {
				msg := make([]byte, n)
				var key [32]byte
				rng.Read(key[:])
				switch n % 3 {
				case 0:
					rng.Read(msg)
				case 1:
					for i := range msg {
						msg[i] = 0xff
					}
				}
				checkPoly(t, p, msg, &key, n%8)
				// Edge keys for every length with a random message, and
				// all-0xFF messages under every edge key.
				k := edge[n%len(edge)]
				checkPoly(t, p, msg, &k, (n+3)%8)
				if n%16 == 0 || n%128 > 120 {
					ff := bytes.Repeat([]byte{0xff}, n)
					for _, k := range edge {
						checkPoly(t, p, ff, &k, 1)
					}
				}
			}
			for _, n := range long {
				msg := make([]byte, n)
				rng.Read(msg)
				var key [32]byte
				rng.Read(key[:])
				checkPoly(t, p, msg, &key, n%8)
				ff := bytes.Repeat([]byte{0xff}, n)
				for i, k := range edge {
					checkPoly(t, p, ff, &k, i)
				}
				checkPoly(t, p, make([]byte, n), &edge[0], 3)
			}
		})
	}
}

// TestPoly1305Reduce drives the accumulator to p-6 .. p+5 mod p at the
// end (r = 1, so it is the sum of the blocks), where the last reduction
// decides the tag, on every path, alone and after zero blocks that take
// the vector paths.
func TestPoly1305Reduce(t *testing.T) {
	pr := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 130), big.NewInt(5))
	two128 := new(big.Int).Lsh(big.NewInt(1), 128)
	le := func(x *big.Int) []byte {
		b := make([]byte, 16)
		x.FillBytes(b)
		for i, j := 0, 15; i < j; i, j = i+1, j-1 {
			b[i], b[j] = b[j], b[i]
		}
		return b
	}
	var key [32]byte
	key[0] = 1
	for i := 16; i < 32; i++ {
		key[i] = 0xff
	}
	tried := 0
	for _, d := range []int64{-6, -5, -4, -1, 0, 1, 2, 3, 4, 5} {
		// pre zero bytes (pre/16 blocks of 2^128 each), a block c1 =
		// 2^129-1 (all 0xFF) and a block c2 with the sum = p + d mod p.
		for _, pre := range []int{0, 128, 256, 1024, 2048 + 112} {
			target := new(big.Int).Add(pr, big.NewInt(d))
			c1 := new(big.Int).Sub(new(big.Int).Lsh(two128, 1), big.NewInt(1))
			c2 := new(big.Int).Sub(target, c1)
			c2.Sub(c2, new(big.Int).Mul(big.NewInt(int64(pre/16)), two128))
			c2.Mod(c2, pr)
			m2 := new(big.Int).Sub(c2, two128)
			if m2.Sign() < 0 || m2.Cmp(two128) >= 0 {
				continue // no such block
			}
			tried++
			msg := append(make([]byte, pre), bytes.Repeat([]byte{0xff}, 16)...)
			msg = append(msg, le(m2)...)
			for _, p := range polyPathsForTest() {
				checkPoly(t, p, msg, &key, 0)
			}
		}
	}
	if tried < 35 {
		t.Fatalf("only %d cases", tried)
	}
}

// TestPoly1305Vector checks RFC 8439's test vector (section 2.5.2).
func TestPoly1305Vector(t *testing.T) {
	k, _ := hex.DecodeString("85d6be7857556d337f4452fe42d506a80103808afb0db2fd4abff6af4149f51b")
	var key [32]byte
	copy(key[:], k)
	msg := []byte("Cryptographic Forum Research Group")
	want := "a8061dc1305136c6c22b8baf0c0127a9"
	for _, p := range polyPathsForTest() {
		var tag [16]byte
		p.sum(&tag, msg, &key)
		if got := hex.EncodeToString(tag[:]); got != want {
			t.Errorf("%s: got %s, want %s", p.name, got, want)
		}
	}
}

// TestPoly1305Allocs checks that poly1305Sum allocates nothing.
func TestPoly1305Allocs(t *testing.T) {
	msg := make([]byte, 65537)
	var key [32]byte
	var tag [16]byte
	for _, n := range []int{0, 100, 1000, 65537} {
		if a := testing.AllocsPerRun(10, func() { poly1305Sum(&tag, msg[:n], &key) }); a != 0 {
			t.Errorf("%d bytes: %v allocations", n, a)
		}
	}
}

// FuzzPoly1305 compares every path with x/crypto for any key and message
// at any alignment.
func FuzzPoly1305(f *testing.F) {
	f.Add(make([]byte, 32), []byte("hello"), uint8(0))
	f.Add(bytes.Repeat([]byte{0xff}, 32), bytes.Repeat([]byte{0xff}, 1000), uint8(3))
	f.Fuzz(func(t *testing.T, k, msg []byte, off uint8) {
		var key [32]byte
		copy(key[:], k)
		for _, p := range polyPathsForTest() {
			checkPoly(t, p, msg, &key, int(off%64))
		}
	})
}

func BenchmarkPoly1305(b *testing.B) {
	var key [32]byte
	for i := range key {
		key[i] = byte(i * 7)
	}
	paths := append([]polyPath{{"xcrypto", poly1305.Sum}}, polyPathsForTest()...)
	for _, size := range []int{64, 256, 512, 1024, 65536} {
		msg := make([]byte, size)
		for _, p := range paths {
			b.Run(fmt.Sprintf("%s/%d", p.name, size), func(b *testing.B) {
				var tag [16]byte
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					p.sum(&tag, msg, &key)
				}
			})
		}
	}
}
