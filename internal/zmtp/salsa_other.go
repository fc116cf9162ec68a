//go:build !amd64 || purego

package zmtp

// salsaXOR sets dst to src XORed with the key stream of s from its
// counter on. dst must be at least as long as src, and either the same
// bytes or not overlap them. s is not changed. Without the amd64 assembly
// it is salsaBlock a block at a time.
func salsaXOR(dst, src []byte, s *salsaState) {
	salsaXORGeneric(dst, src, s)
}

// salsaPaths: none here.
var salsaPaths []struct {
	salsaPath
	ok bool
}
