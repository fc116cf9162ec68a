package interop

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPebbeProgramsOnZmq4: pebbe/zmq4 v1.4.0's own test suite and its
// security examples (grasslands, strawhouse, woodhouse, stonehouse,
// ironhouse), taken from the module cache as they are published, with
// only their import of github.com/pebbe/zmq4 changed to zring's zmq4,
// build and pass: moving a pebbe/zmq4 program is that one line. Nothing of
// pebbe's is kept in this repository; the files are copied into a
// temporary module for the run.
func TestPebbeProgramsOnZmq4(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a module of its own")
	}
	if os.Getenv("ZRING_CONNWAIT") != "" {
		// make test's second interop pass: this is about the API, which
		// the first pass has checked, and it costs 20 s.
		t.Skip("checked in the first pass")
	}
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/pebbe/zmq4").Output()
	if err != nil {
		t.Fatalf("go list -m github.com/pebbe/zmq4: %v", err)
	}
	pebbe := strings.TrimSpace(string(out))
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"go.mod": []byte("module pebbeonzring\n\ngo 1.26.0\n\nrequire github.com/zring/zring v0.0.0\n\nreplace github.com/zring/zring => " + root + "\n"),
		"go.sum": sum,
	}
	// One import changed, and the test package renamed to the directory's.
	port := func(b []byte, pkg string) []byte {
		s := strings.ReplaceAll(string(b), `"github.com/pebbe/zmq4"`, `"github.com/zring/zring/zmq4"`)
		if pkg != "" {
			s = strings.Replace(s, "package zmq4_test", "package "+pkg, 1)
		}
		return []byte(s)
	}
	tests, _ := filepath.Glob(filepath.Join(pebbe, "*_test.go"))
	for _, f := range tests {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(f)] = port(b, "pebbeonzring")
	}
	examples, _ := filepath.Glob(filepath.Join(pebbe, "examples_security", "*.go"))
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Join(strings.TrimSuffix(filepath.Base(f), ".go"), "main.go")] = port(b, "")
	}
	if len(tests) < 4 || len(examples) < 5 {
		t.Fatalf("found %d test files and %d examples in %s, want pebbe v1.4.0's 4 and 5", len(tests), len(examples), pebbe)
	}
	for name, b := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(timeout time.Duration, args ...string) (string, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
		done := make(chan struct{})
		timer := time.AfterFunc(timeout, func() {
			if cmd.Process != nil {
				cmd.Process.Kill()
			}
			close(done)
		})
		out, err := cmd.CombinedOutput()
		if !timer.Stop() {
			<-done
		}
		return string(out), err
	}
	if out, err := run(3*time.Minute, "test", "-count=1", "."); err != nil {
		t.Errorf("pebbe/zmq4's tests on zring: %v\n%s", err, out)
	}
	for _, f := range examples {
		name := strings.TrimSuffix(filepath.Base(f), ".go")
		out, err := run(time.Minute, "run", "./"+name)
		if err != nil || !strings.Contains(out, "test OK") {
			t.Errorf("pebbe/zmq4's example %s on zring: %v\n%s", name, err, out)
		}
	}
}
