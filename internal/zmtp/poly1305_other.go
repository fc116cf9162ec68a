//go:build !amd64 || purego

package zmtp

import "golang.org/x/crypto/poly1305"

// poly1305Sum writes msg's Poly1305 tag under the one-time key. Without
// the amd64 assembly it is x/crypto's (scalar assembly on some
// architectures, Go elsewhere).
func poly1305Sum(tag *[16]byte, msg []byte, key *[32]byte) {
	poly1305.Sum(tag, msg, key)
}

// polyPaths: none here.
var polyPaths []struct {
	polyPath
	ok bool
}
