package zring_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestLayering enforces the import direction of DESIGN.md: lower packages
// never import higher ones.
func TestLayering(t *testing.T) {
	const mod = "github.com/zring/zring"
	allowed := map[string][]string{
		"internal/ring":     {},
		"internal/zmtp":     {},
		"internal/affinity": {},
		"internal/errno":    {},
		"internal/uring":    {},
		"internal/loop":     {"internal/ring", "internal/zmtp", "internal/affinity", "internal/errno", "internal/uring"},
		"internal/sockets":  {"internal/ring", "internal/zmtp", "internal/loop", "internal/affinity", "internal/errno", "internal/uring"},
	}
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-deps", mod+"/"+pkg).Output()
		if err != nil {
			t.Fatalf("go list %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if !strings.HasPrefix(dep, mod) || dep == mod+"/"+pkg {
				continue
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(dep, mod), "/")
			found := false
			for _, a := range ok {
				if rel == a {
					found = true
				}
			}
			if !found {
				t.Errorf("%s imports %s, which DESIGN.md does not allow", pkg, rel)
			}
		}
	}
}
