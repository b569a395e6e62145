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
	return proc.AsChild(args, func(role string, rest []string) error {
		if len(rest) > 0 && rest[0] == "-trace" {
			ipc.SetTrace(stderr, role)
			rest = rest[1:]
		}
		return c.Child(role, rest, stdout, stderr)
	})
}

// exists reports whether there is a file at path.
func exists(path string) bool {
	var st syscall.Stat_t
	return syscall.Stat(path, &st) == nil
}
