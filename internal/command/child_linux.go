package command

import (
	"io"
	"syscall"

	"ipclab/internal/proc"
	"ipclab/ipc"
)

// asChild runs c's child when args start one (see proc.AsChild); -trace
// after the role turns on tracing under the role's name.
func asChild(c *Command, args []string, stdout, stderr io.Writer) (bool, error) {
	if c.Child == nil {
		return false, nil
	}
	var prepare func(role string, args []string)
	if c.Orphan != nil {
		prepare = func(role string, args []string) { c.Orphan(role, untraced(args)) }
	}
	return proc.AsChild(args, prepare, func(role string, rest []string) error {
		if len(rest) > 0 && rest[0] == "-trace" {
			ipc.SetTrace(stderr, role)
		}
		return c.Child(role, untraced(rest), stdout, stderr)
	})
}

// untraced is a child's arguments without -trace.
func untraced(args []string) []string {
	if len(args) > 0 && args[0] == "-trace" {
		return args[1:]
	}
	return args
}

// exists reports whether there is a file at path.
func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) == nil
}
