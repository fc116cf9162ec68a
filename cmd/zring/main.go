package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
)

// The exit codes: 0 success, 1 a runtime failure (said on stderr), 2 a
// command line the tool cannot use.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// usageError is a command line the tool cannot use; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// cli is what a command reads and writes: the process's standard streams
// and environment, passed in so that a command never reaches for os.Stdout
// on its own.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

// command is one subcommand. run returns nil, a *usageError, flag.ErrHelp
// (after printing the help it was asked for) or a runtime error.
type command struct {
	name    string
	summary string
	run     func(c *cli, name string, args []string) error
}

// commands is the table behind dispatch and help, in the order help lists
// them. It is filled by init, since help and proxy look commands up.
var commands []command

func init() {
	commands = []command{
		{"pub", "send each input line to subscribers (PUB)", runSocket},
		{"sub", "print what publishers send (SUB; -subscribe)", runSocket},
		{"push", "send each input line to one of the pullers in turn (PUSH)", runSocket},
		{"pull", "print what pushers send (PULL)", runSocket},
		{"req", "send each input line as a request and print its reply (REQ)", runSocket},
		{"rep", "print each request and reply with the next input line (REP; -echo)", runSocket},
		{"dealer", "send input lines and print messages, asynchronously (DEALER)", runSocket},
		{"router", "print messages with their routing id; send to an id (ROUTER)", runSocket},
		{"pair", "exchange lines with one peer (PAIR)", runSocket},
		{"xpub", "as pub, and print the subscriptions that arrive (XPUB)", runSocket},
		{"xsub", "as sub, subscriptions being messages too (XSUB)", runSocket},
		{"stream", "talk raw TCP: messages are routing id and bytes (STREAM)", runSocket},
		{"proxy", "forward between a frontend and a backend (zmq_proxy)", runProxy},
		{"monitor", "connect and print the connection's monitor events", runMonitor},
		{"keygen", "print a new CURVE key pair, or a secret key's public key", runKeygen},
		{"perf", "measure throughput (thr) or latency (lat)", runPerf},
		{"version", "print zring's version", runVersion},
		{"help", "print help on zring or on one command", runHelp},
	}
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func main() {
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	os.Exit(c.main(os.Args[1:]))
}

// main runs the command args name and says how it ended: a usage error is
// printed with a pointer to the command's help, a runtime error with the
// command's name, and an explicit request for help is a success.
func (c *cli) main(args []string) int {
	if len(args) == 0 {
		printOverview(c.stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		printOverview(c.stdout)
		return exitOK
	case "-version", "--version":
		name = "version"
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(c.stderr, "zring: unknown command %q\nRun 'zring help' for the list of commands.\n", name)
		return exitUsage
	}
	err := cmd.run(c, cmd.name, args[1:])
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(c.stderr, "zring %s: %s\nRun 'zring %s -help' for usage.\n", cmd.name, ue.msg, cmd.name)
		return exitUsage
	default:
		fmt.Fprintf(c.stderr, "zring %s: %v\n", cmd.name, err)
		return exitFailure
	}
}

func printOverview(w io.Writer) {
	fmt.Fprint(w, `zring moves ZeroMQ messages between standard input and output and a
socket, and proxies, monitors, makes CURVE keys and measures.

usage: zring COMMAND [flags] [ARGUMENTS]

Commands:
`)
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, `
Endpoints are tcp://host:port, ipc://path or inproc://name; "@" before one
binds it, ">" connects it (quote ">" from the shell); without either the
socket commands connect unless -b is given.

Examples:
  zring pull -b tcp://*:5555            # print each message pushed to port 5555
  seq 3 | zring push tcp://localhost:5555
  zring rep -b -echo tcp://*:5556 &
  echo hello | zring req tcp://localhost:5556

Run 'zring help COMMAND' or 'zring COMMAND -help' for a command's flags and
examples. Exit status: 0 success, 1 a failure (said on stderr), 2 a usage error.
`)
}

func runHelp(c *cli, _ string, args []string) error {
	if len(args) == 0 {
		printOverview(c.stdout)
		return nil
	}
	if len(args) > 1 {
		return usagef("help takes one command name")
	}
	cmd := lookup(args[0])
	if cmd == nil || cmd.name == "help" {
		if cmd == nil {
			return usagef("unknown command %q", args[0])
		}
		printOverview(c.stdout)
		return nil
	}
	return cmd.run(c, cmd.name, []string{"-help"})
}

func runVersion(c *cli, name string, args []string) error {
	fs := newFlagSet(name, "", "Print the version of zring, of Go, and the platform.", "zring version")
	if _, err := parseFlags(c, fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintf(c.stdout, "zring %s %s %s/%s\n", version(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// version is the module's version as go install recorded it ("v1.2.3"), or
// for a build from a checkout "devel" with the commit when Go recorded one.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	v := "devel"
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += "+" + rev + dirty
	}
	return v
}

// indent puts prefix before every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}
