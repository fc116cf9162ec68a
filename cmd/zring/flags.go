package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// flagSet is a command's flags with the text of its help: what it takes,
// what it does, and examples.
type flagSet struct {
	*flag.FlagSet
	synopsis string // after "zring NAME": "[flags] ENDPOINT..."
	about    string
	examples string
}

func newFlagSet(name, synopsis, about, examples string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parseFlags reports errors itself, without the whole help
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, synopsis: synopsis, about: about, examples: examples}
}

// printHelp writes the command's help: synopsis, description, examples and
// flags, in that order, as go help and most tools do.
func (fs *flagSet) printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: zring %s %s\n\n", fs.Name(), fs.synopsis)
	fmt.Fprint(w, wrap(fs.about, 76))
	if fs.examples != "" {
		fmt.Fprintf(w, "\nExamples:\n%s", indent(strings.Trim(fs.examples, "\n"), "  "))
	}
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprint(w, "\nFlags:\n")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

// wrap fills each paragraph of s (paragraphs are separated by blank
// lines) to width columns, so that help texts can be written without
// counting; a paragraph with an indented line is kept as it is.
func wrap(s string, width int) string {
	var b strings.Builder
	for i, para := range strings.Split(strings.Trim(s, "\n"), "\n\n") {
		if i > 0 {
			b.WriteString("\n")
		}
		if strings.Contains("\n"+para, "\n ") {
			b.WriteString(para + "\n")
			continue
		}
		col := 0
		for _, word := range strings.Fields(para) {
			switch {
			case col == 0:
			case col+1+len(word) > width:
				b.WriteString("\n")
				col = 0
			default:
				b.WriteString(" ")
				col++
			}
			b.WriteString(word)
			col += len(word)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// parseFlags parses args with flags and arguments in any order (zring sub
// tcp://host:5556 -n 1 as well as zring sub -n 1 tcp://host:5556); after
// "--" everything is an argument. It returns the arguments. -h and -help
// print the help to standard output and return flag.ErrHelp.
func parseFlags(c *cli, fs *flagSet, args []string) ([]string, error) {
	var positional []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fs.printHelp(c.stdout)
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		consumed := len(args) - len(rest)
		if consumed > 0 && args[consumed-1] == "--" && !isFlagValue(fs, args, consumed-1) {
			return append(positional, rest...), nil
		}
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// isFlagValue reports whether args[i] is the value of the flag before it
// ("-sep --"), not the end of the flags.
func isFlagValue(fs *flagSet, args []string, i int) bool {
	if i == 0 {
		return false
	}
	name := strings.TrimLeft(args[i-1], "-")
	if !strings.HasPrefix(args[i-1], "-") || strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}

// millis is a time flag in libzmq's unit or Go's: "250" is 250 ms,
// "1.5s" and "500ms" are Go durations, and "-1" means no limit, as for
// ZMQ_LINGER and ZMQ_RCVTIMEO.
type millis struct {
	d   time.Duration // < 0: no limit
	set bool
}

func (m *millis) String() string {
	switch {
	case m == nil:
		return ""
	case m.d < 0:
		return "-1"
	default:
		return m.d.String()
	}
}

func (m *millis) Set(s string) error {
	if n, err := strconv.Atoi(s); err == nil {
		if n < -1 {
			return errors.New("negative time (use -1 for no limit)")
		}
		m.d, m.set = time.Duration(n)*time.Millisecond, true
		if n == -1 {
			m.d = -1
		}
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return errors.New(`want milliseconds, a Go duration such as "1.5s", or -1`)
	}
	if d < 0 {
		return errors.New("negative time (use -1 for no limit)")
	}
	m.d, m.set = d, true
	return nil
}

// ms is the value in milliseconds for a socket option, -1 for no limit.
func (m *millis) ms() int {
	if m.d < 0 {
		return -1
	}
	return int(m.d / time.Millisecond)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}
