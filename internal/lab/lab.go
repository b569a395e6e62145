//go:build linux

// Package lab is the skeleton the three labs share: the common options
// (-i, -trace, -timeout), loading the data, starting the process group with tracing
// set up, and the child's side of the same.
package lab

import (
	"io"

	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/input"
	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/ipc"
)

// Lab is one lab program's fixed parts.
type Lab struct {
	*command.Command               // its entry in the command table
	Prompts          input.Prompts // the sheet's dialogue
}

// Run is a lab invocation being set up: the options every lab has.
type Run struct {
	*Lab
	Flags    *cli.FlagSet
	dialogue *bool
	trace    *bool
	timeout  *int64
}

// DefaultTimeout is -timeout's default: how long a child may stay stopped.
const DefaultTimeout = 10e9

// Flags returns the option set with -i, -trace and -timeout defined; the lab adds its
// own options before parsing.
func (l *Lab) Flags(stdout io.Writer) *Run {
	fs := l.Command.Flags(stdout)
	return &Run{
		Lab:      l,
		Flags:    fs,
		dialogue: fs.Bool("i"),
		trace:    fs.Bool("trace"),
		timeout:  fs.Duration("timeout", DefaultTimeout),
	}
}

// Data loads the items named by the arguments left after the options.
func (r *Run) Data(rest []string, stdin io.Reader, stdout io.Writer) (*input.Data, error) {
	return input.Load(rest, stdin, stdout, *r.dialogue, r.Prompts)
}

// Items opens the items named by the arguments left after the options,
// for a lab that streams them to p1 (see Feed).
func (r *Run) Items(rest []string, stdin io.Reader, stdout io.Writer) (*input.Scanner, error) {
	return input.Open(rest, stdin, stdout, *r.dialogue, r.Prompts)
}

// Feed reads items from s and hands each to put, until they end or, with
// head, until f's buffer is full; it reports whether more items follow.
// A lab reads the head before it starts its children, so that a short
// input's errors come before any output, as when it read all first; then
// it starts them and feeds them the rest. With -trace the head is all the
// items: the dialogue's prompts then all come before the trace, which
// would otherwise print them out of turn. (Without it, the prompts of the
// items after the head mix with the children's output, as they would if
// the sheet's program started its children at once.)
func (r *Run) Feed(s *input.Scanner, f *proc.Feed, head bool, put func(int64) error) (more bool, err error) {
	for !head || *r.trace || !f.Full() {
		v, err := s.Next()
		if err == io.EOF {
			return false, nil
		}
		if err == nil {
			err = put(v)
		}
		if err != nil {
			return false, err
		}
	}
	s.Flush() // the head's prompts, before any child's output
	return true, nil
}

// Dialogue reports whether -i was given: a lab that makes its own items
// (shmlab -stream -count) refuses it.
func (r *Run) Dialogue() bool { return *r.dialogue }

// Group starts the parent's process group, which gives up on a child
// stopped for -timeout; with -trace the system calls of the parent and
// its children, and the children's births, stops and deaths, go to stderr
// in order (see proc.Group.TraceTo).
func (r *Run) Group(prog string, stdout, stderr io.Writer) (*proc.Group, error) {
	g, err := proc.NewGroup(prog, stdout, stderr)
	if err != nil {
		return nil, err
	}
	g.Timeout = *r.timeout
	if *r.trace {
		if err := g.TraceTo(); err != nil {
			g.Close()
			return nil, err
		}
		ipc.SetTraceValues(record.Show)
	}
	return g, nil
}

// Trace turns on tracing of this process's system calls under role, if
// on, showing the records it moves as values ([12]).
func Trace(on bool, stderr io.Writer, role string) {
	if on {
		ipc.SetTrace(stderr, role)
		ipc.SetTraceValues(record.Show)
	}
}
