package command

import (
	"io"
	"strings"
	"syscall"

	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/ipc"
)

// asChild runs c's child when args start one (see proc.AsChild). Its
// trace: -trace=… (a traced lab's child, proc.Traced) sends its lines and
// its standard output to the parent's merger; a bare -trace (pipelab's
// guard) prints them on standard error.
func asChild(c *Command, args []string, stdout, stderr io.Writer) (bool, error) {
	if c.Child == nil {
		return false, nil
	}
	var prepare func(role string, args []string)
	if c.Orphan != nil {
		prepare = func(role string, args []string) { c.Orphan(role, untraced(args)) }
	}
	return proc.AsChild(args, prepare, func(role string, rest []string) error {
		if rest, ok := proc.Traced(role, rest); ok {
			ipc.SetTraceValues(record.Show)
			return c.Child(role, rest, ipc.TraceStdout{}, stderr)
		}
		if len(rest) > 0 && rest[0] == "-trace" {
			ipc.SetTrace(stderr, role)
		}
		return c.Child(role, untraced(rest), stdout, stderr)
	})
}

// untraced is a child's arguments without its trace's: -trace, or
// -trace=… and -fd=….
func untraced(args []string) []string {
	for len(args) > 0 && (args[0] == "-trace" || strings.HasPrefix(args[0], "-trace=") || strings.HasPrefix(args[0], "-fd=")) {
		args = args[1:]
	}
	return args
}

// exists reports whether there is a file at path.
func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) == nil
}
