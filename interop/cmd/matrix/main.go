// Command matrix turns the results of the interop tests into the table of
// README.md: every compatible socket pair, each direction and binder, on
// each transport, pass or fail as the tests ran.
//
//	cd interop && go test -json -count=1 ./... | go run ./cmd/matrix -readme README.md
//
// It reads `go test -json` on stdin, takes the subtests of TestPairs and
// TestXPubXSub (named transport/pair/binder_binds), and rewrites the part
// of the README between the matrix markers. A pair passes in a column when
// its subtest and everything under it passed.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
)

const (
	begin = "<!-- matrix:begin (go run ./cmd/matrix) -->"
	end   = "<!-- matrix:end -->"
)

type event struct {
	Action string
	Test   string
}

// cell is one pair, transport and binder.
type cell struct{ pair, transport, binder string }

func main() {
	readme := flag.String("readme", "README.md", "the file whose matrix section is rewritten")
	flag.Parse()
	results := map[cell]string{}
	var order []string
	seen := map[string]bool{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || (e.Action != "pass" && e.Action != "fail") {
			continue
		}
		parts := strings.Split(e.Test, "/")
		if len(parts) < 4 || (parts[0] != "TestPairs" && parts[0] != "TestXPubXSub") || !strings.HasSuffix(parts[3], "_binds") {
			continue
		}
		c := cell{pair: parts[2], transport: parts[1], binder: strings.TrimSuffix(parts[3], "_binds")}
		if !seen[c.pair] {
			seen[c.pair] = true
			order = append(order, c.pair)
		}
		if e.Action == "fail" || results[c] == "" {
			results[c] = e.Action
		}
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "matrix: no TestPairs or TestXPubXSub results on stdin")
		os.Exit(1)
	}
	sort.SliceStable(order, func(i, j int) bool { return false })
	var b strings.Builder
	b.WriteString(begin + "\n\n")
	b.WriteString("| pair | zring binds, tcp | libzmq binds, tcp | zring binds, ipc | libzmq binds, ipc |\n|---|---|---|---|---|\n")
	failed := 0
	for _, p := range order {
		row := []string{pairName(p)}
		for _, tr := range []string{"tcp", "ipc"} {
			for _, binder := range []string{"zring", "libzmq"} {
				r := results[cell{p, tr, binder}]
				switch r {
				case "pass":
				case "fail":
					failed++
				default:
					r = "not run"
				}
				row = append(row, r)
			}
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n" + end)
	text, err := os.ReadFile(*readme)
	if err != nil {
		fmt.Fprintln(os.Stderr, "matrix:", err)
		os.Exit(1)
	}
	s := string(text)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		fmt.Fprintf(os.Stderr, "matrix: %s has no %q ... %q section\n", *readme, begin, end)
		os.Exit(1)
	}
	s = s[:i] + b.String() + s[j+len(end):]
	if err := os.WriteFile(*readme, []byte(s), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "matrix:", err)
		os.Exit(1)
	}
	fmt.Printf("matrix: %d pairs, %d failing cells\n", len(order), failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// pairName makes "zring_REQ(ROUTING_ID)->libzmq_ROUTER" readable:
// "zring REQ (ROUTING_ID) → libzmq ROUTER".
func pairName(p string) string {
	r := strings.NewReplacer("<->", " ↔ ", "->", " → ", "<-", " ← ", "_", " ", "(", " (")
	return r.Replace(p)
}
