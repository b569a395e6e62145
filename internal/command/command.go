// Package command is the command table's machinery. Each lab (pipelab,
// mqlab, shmlab), each of its subcommands (mqlab send, pipelab bench…) and
// each of ipclab's own commands is one Command: its name, synopsis, help
// text and run function. The table (package commands) is the one source
// of the usage text: -h prints it, and the doc comments and the README's
// synopses are generated from it and tested against it.
//
// Dispatch runs a command line to its command: the children a lab starts
// (proc.AsChild), a subcommand named by the first argument, or the command
// itself. Multi is a multicall binary's dispatch, busybox style: the
// command named by the program's own name (a link to it), or by its first
// argument.
package command

import (
	"io"
	"strings"

	"ipclab/internal/cli"
	"ipclab/ipc"
)

// A Command is one entry of the command table.
type Command struct {
	_        [0]func() // not comparable: no equality function in the binary
	Name     string    // what is typed: "mqlab", "send"
	Summary  string    // what it does, in one line, for lists of commands
	Synopsis []string  // its forms, after the command's path
	Text     string    // what it does, in paragraphs, for -h
	Options  string    // its options, a line each ("  -sysv  …")
	Example  string    // example command lines, a line each
	// Needs says what a system without Linux (the WASI build) lacks to
	// run it, and what to try instead. A command without Run says so.
	Needs string
	// Run runs the command; args[0] is its name (a lab's: the program's
	// name as it was run), the options and arguments follow. Nil where
	// the command cannot run (see Needs).
	Run func(args []string, stdin io.Reader, stdout, stderr io.Writer) error
	// Child runs one of the child processes the command starts (package
	// proc): its role and the arguments after the role.
	Child func(role string, args []string, stdout, stderr io.Writer) error
	// Orphan, if set, registers with proc.OnOrphan what a child with
	// these arguments must remove should the parent be killed: it runs
	// before the child watches for that, so it is sure to count.
	Orphan func(role string, args []string)
	Subs   []*Command // its subcommands, in the order -h lists them
	// Program marks a program of its own (a lab): its path is its name
	// wherever it is run from, and a multicall binary's synopsis lists
	// it as a command without its forms.
	Program bool

	parent *Command
}

// Dispatch runs the command line args (args[0] the program's name) as c:
// one of c's children, a subcommand named by args[1], or c itself. Errors
// are marked with the program's name (cli.Named), as main reports them.
func (c *Command) Dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	top := c
	for len(args) > 1 {
		sub := c.Sub(args[1])
		if sub == nil {
			break
		}
		sub.parent = c
		c, args = sub, args[1:]
	}
	err := c.run(args, stdin, stdout, stderr)
	if err != nil {
		err = &cli.Named{Name: top.Name, Err: err}
	}
	return err
}

// run runs c itself, or the child args ask for.
func (c *Command) run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if ok, err := asChild(c, args, stdout, stderr); ok {
		return err
	}
	if len(args) > 1 && len(c.Subs) > 0 {
		if err := c.unknown(args[1], len(args) > 2); err != nil {
			return err
		}
	}
	if c.Run == nil {
		why := "this needs Linux"
		for p := c; p != nil; p = p.parent {
			if p.Needs != "" {
				why = p.Needs
				break
			}
		}
		return cli.Unsupported(why)
	}
	return c.Run(args, stdin, stdout, stderr)
}

// Sub returns c's subcommand name, or nil.
//
//go:noinline
func (c *Command) Sub(name string) *Command {
	for _, s := range c.Subs {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Multi runs the command line args in a multicall binary whose commands
// are root's subcommands: the one the program is named after (a link
// named mqlab runs mqlab), else root, which runs its subcommand named by
// the first argument (ipclab mqlab FILE), or itself. A lab started either
// way sees its own name as args[0], so its children, which execute
// /proc/self/exe again, are started under that name too.
func Multi(root *Command, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		if c := root.Sub(Base(args[0])); c != nil && c.Program {
			return c.Dispatch(args, stdin, stdout, stderr)
		}
	}
	if len(args) > 1 {
		if c := root.Sub(args[1]); c != nil && c.Program {
			return c.Dispatch(append([]string{c.Name}, args[2:]...), stdin, stdout, stderr)
		}
	}
	return root.Dispatch(args, stdin, stdout, stderr)
}

// Base is the last element of a path: the name a program was run as.
func Base(path string) string {
	return path[strings.LastIndexByte(path, '/')+1:]
}

// Path is the command as typed: "mqlab send".
func (c *Command) Path() string {
	if c.parent == nil || c.Program {
		return c.Name
	}
	return c.parent.Path() + " " + c.Name
}

// Flags returns an empty option set for c, whose -h prints c's Usage.
func (c *Command) Flags(stdout io.Writer) *cli.FlagSet {
	return cli.NewFlagSet(c.Path(), c.Usage(), stdout)
}

// Usage is what -h prints: the synopsis of c and its subcommands, what c
// does, its options, its subcommands and examples.
func (c *Command) Usage() string {
	s := "Usage:"
	for i, f := range c.Forms() {
		if i > 0 {
			s += "\n      "
		}
		s += " " + f
	}
	s += "\n"
	if c.Text != "" {
		s += "\n" + c.Text
	}
	if c.Options != "" {
		s += "\nOptions:\n" + c.Options
	}
	if len(c.Subs) > 0 {
		s += "\nCommands (" + c.Path() + " COMMAND -h tells more):\n"
		for _, sub := range c.Subs {
			s += "  " + (sub.Name + "         ")[:max(9, len(sub.Name)+1)] + sub.Summary + "\n"
		}
	}
	if c.Example != "" {
		s += "\nExample:\n" + c.Example
	}
	return s
}

// Forms lists c's synopsis and then its subcommands', each form with the
// command's path.
func (c *Command) Forms() []string {
	var forms []string
	for _, f := range c.Synopsis {
		forms = append(forms, strings.TrimSuffix(c.Path()+" "+f, " "))
	}
	for _, sub := range c.Subs {
		if !sub.Program {
			sub.parent = c
			forms = append(forms, sub.Forms()...)
		}
	}
	return forms
}

// unknown returns a usage error if arg, the first argument, looks like a
// mistyped subcommand of c rather than a file: no such file, and close to
// a subcommand's name, or followed by more arguments (a file would be the
// last).
func (c *Command) unknown(arg string, more bool) error {
	if arg == "" || arg[0] == '-' || strings.IndexByte(arg, '.') >= 0 || strings.IndexByte(arg, '/') >= 0 || exists(arg) {
		return nil // an option, or a file's name
	}
	if !more && c.suggest(arg) == "" {
		return nil // a missing FILE: the command says so
	}
	return c.Unknown(arg)
}

// Unknown is the usage error for arg, which is none of c's subcommands:
// it suggests the closest, or lists them.
func (c *Command) Unknown(arg string) error {
	msg := "unknown command " + ipc.Quote(arg)
	if s := c.suggest(arg); s != "" {
		return cli.Usage(msg + " (did you mean " + s + "?)")
	}
	msg += " (" + c.Path() + " has "
	for i, s := range c.Subs {
		if i > 0 {
			msg += ", "
		}
		msg += s.Name
	}
	return cli.Usage(msg + ")")
}

// suggest returns the subcommand of c that typed is closest to, if it is
// close enough, or "".
func (c *Command) suggest(typed string) string {
	best, dist := "", 3
	for _, s := range c.Subs {
		// Short names need a closer match: ls is not rm.
		if d := distance(typed, s.Name); d < dist && d <= max(1, len(s.Name)/2) {
			best, dist = s.Name, d
		}
	}
	return best
}

// distance is how far typed is from a command's name: the edit distance
// (insertions, deletions, substitutions and swaps of two neighbours)
// between them, or 1 when name is an abbreviation of typed (rm of remove,
// recv of recieve): name's letters in order in typed, from the same first.
// It is at most 3: more means nothing alike.
func distance(typed, name string) int {
	if typed[0] == name[0] && len(typed) > len(name) {
		i := 0
		for j := 0; j < len(typed) && i < len(name); j++ {
			if typed[j] == name[i] {
				i++
			}
		}
		if i == len(name) {
			return 1
		}
	}
	// Optimal string alignment, three rows.
	a, b := typed, name
	if len(a) > 32 || len(b) > 32 {
		return 3
	}
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(b)], 3)
}
