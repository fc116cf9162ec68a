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
	begin    = "<!-- matrix:begin (go run ./cmd/matrix) -->"
	end      = "<!-- matrix:end -->"
	secBegin = "<!-- security:begin (go run ./cmd/matrix) -->"
	secEnd   = "<!-- security:end -->"
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
	sec := map[secCell]string{}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil || (e.Action != "pass" && e.Action != "fail") {
			continue
		}
		if c, ok := securityCell(e.Test); ok {
			if e.Action == "fail" || sec[c] == "" {
				sec[c] = e.Action
			}
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
				row = append(row, status(results[cell{p, tr, binder}], &failed))
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
	s, ok := replaceSection(string(text), begin, end, b.String())
	if ok {
		var secFailed int
		var table string
		table, secFailed = securityTable(sec)
		failed += secFailed
		s, ok = replaceSection(s, secBegin, secEnd, table)
	}
	if !ok {
		fmt.Fprintf(os.Stderr, "matrix: %s lacks a %q ... %q or %q ... %q section\n", *readme, begin, end, secBegin, secEnd)
		os.Exit(1)
	}
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

// replaceSection puts body (which begins with from and ends with to) in
// place of the text from from to to.
func replaceSection(s, from, to, body string) (string, bool) {
	i, j := strings.Index(s, from), strings.Index(s, to)
	if i < 0 || j < i {
		return s, false
	}
	return s[:i] + body + s[j+len(to):], true
}

// secCell is one security scenario with one implementation serving.
type secCell struct{ row, server string }

// securityRows are the security table's rows, in order: the scenario as
// the table says it, and the test (name prefix, then what the subtest's
// name must contain) whose results fill it.
var securityRows = []struct{ row, test, want string }{
	{"PLAIN, ZAP handler accepts, tcp", "TestPlain/tcp/", "/accepted"},
	{"PLAIN, ZAP handler accepts, ipc", "TestPlain/ipc/", "/accepted"},
	{"PLAIN, ZAP handler refuses, tcp", "TestPlain/tcp/", "/refused"},
	{"PLAIN, ZAP handler refuses, ipc", "TestPlain/ipc/", "/refused"},
	{"PLAIN, no ZAP handler (refused, EFAULT)", "TestPlainWithoutHandler/", ""},
	{"CURVE, REQ/REP up to 150 kB, tcp", "TestCurveSockets/tcp/", ""},
	{"CURVE, REQ/REP up to 150 kB, ipc", "TestCurveSockets/ipc/", ""},
	{"CURVE, wrong server key", "TestCurveWrongServerKey/", ""},
	{"CURVE, ZAP handler accepts the client key", "TestCurveWithZAP/", "accept_true"},
	{"CURVE, ZAP handler refuses the client key", "TestCurveWithZAP/", "accept_false"},
	{"NULL with ZAP_DOMAIN, handler accepts", "TestNullWithZAPDomain/", "accept_true"},
	{"NULL with ZAP_DOMAIN, handler refuses", "TestNullWithZAPDomain/", "accept_false"},
}

// securityCell places a security subtest's result: its row, and which
// implementation served (the client is the other). zring with zring is
// not in the table.
func securityCell(test string) (secCell, bool) {
	var server string
	switch {
	case strings.Contains(test, "zring_server,_libzmq_client"):
		server = "zring"
	case strings.Contains(test, "libzmq_server,_zring_client"):
		server = "libzmq"
	default:
		return secCell{}, false
	}
	for _, r := range securityRows {
		if strings.HasPrefix(test, r.test) && strings.Contains(test, r.want) {
			return secCell{r.row, server}, true
		}
	}
	return secCell{}, false
}

// securityTable is the security section, and how many cells failed.
func securityTable(sec map[secCell]string) (string, int) {
	var b strings.Builder
	b.WriteString(secBegin + "\n\n")
	b.WriteString("| scenario | zring server, libzmq client | libzmq server, zring client |\n|---|---|---|\n")
	failed := 0
	for _, r := range securityRows {
		row := []string{r.row}
		for _, server := range []string{"zring", "libzmq"} {
			row = append(row, status(sec[secCell{r.row, server}], &failed))
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	b.WriteString("\n" + secEnd)
	return b.String(), failed
}

// status is a cell's text for a result ("pass", "fail" or none yet),
// counting failures in failed.
func status(result string, failed *int) string {
	switch result {
	case "pass", "fail":
		if result == "fail" {
			*failed++
		}
		return result
	}
	return "not run"
}
