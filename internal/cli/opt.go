// Package cli holds what the ipclab commands share at their edges: a small
// option parser (the flag package costs too much binary), the exit path of
// main, and buffered standard output.
package cli

import (
	"errors"
	"io"
	"ipclab/ipc"
	"strings"

	"ipclab/internal/text"
)

// ErrHelp is returned by Parse after it printed the usage for -h.
var ErrHelp = errors.New("help requested")

// UsageError is a mistake on the command line: exit status 2.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

// Usage returns a UsageError saying msg. It is not inlined: a call is
// smaller than the allocation, at each of the labs' many usage errors.
//
//go:noinline
func Usage(msg string) error { return &UsageError{Msg: msg} }

// option is a defined option: p is a *bool, *string, *int or *int64
// (a duration).
type option struct {
	_    [0]func() // not comparable: no equality function in the binary
	name string
	p    any
}

// FlagSet is a set of options in the style of the flag package: -name,
// -name=value or -name value (one or two dashes); parsing stops at the
// first argument that is not an option, at "-" and after "--".
type FlagSet struct {
	Name  string    // the command's name, for messages
	Usage string    // what -h prints: synopsis, options, example
	Out   io.Writer // where -h prints
	opts  []option
}

// NewFlagSet returns an empty set; -h and -help are always known.
func NewFlagSet(name, usage string, out io.Writer) *FlagSet {
	return &FlagSet{Name: name, Usage: usage, Out: out}
}

// Bool defines a boolean option.
//
//go:noinline
func (f *FlagSet) Bool(name string) *bool {
	p := new(bool)
	f.add(name, p)
	return p
}

// String defines an option with a string value.
//
//go:noinline
func (f *FlagSet) String(name, def string) *string {
	p := &def
	f.add(name, p)
	return p
}

// Int defines an option with an integer value.
//
//go:noinline
func (f *FlagSet) Int(name string, def int) *int {
	p := &def
	f.add(name, p)
	return p
}

// Duration defines an option with a duration value such as 500ms or 2s,
// kept in nanoseconds.
//
//go:noinline
func (f *FlagSet) Duration(name string, def int64) *int64 {
	p := &def
	f.add(name, p)
	return p
}

// add defines the option name, stored at p. It is not inlined: a call is
// smaller than the append it makes, at every option of every lab.
//
//go:noinline
func (f *FlagSet) add(name string, p any) {
	f.opts = append(f.opts, option{name: name, p: p})
}

// Parse parses args (without the program name) and returns the arguments
// left after the options. For -h it prints the usage and returns ErrHelp.
func (f *FlagSet) Parse(args []string) ([]string, error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return args[i+1:], nil
		}
		if len(a) < 2 || a[0] != '-' {
			return args[i:], nil
		}
		name := strings.TrimPrefix(a[1:], "-")
		value, hasValue := "", false
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			name, value, hasValue = name[:eq], name[eq+1:], true
		}
		if name == "h" || name == "help" {
			io.WriteString(f.Out, f.Usage)
			return nil, ErrHelp
		}
		o := f.lookup(name)
		if o == nil {
			return nil, Usage("unknown option -" + name + " (see " + f.Name + " -h)")
		}
		if !hasValue {
			if _, ok := o.p.(*bool); ok {
				value = "true"
			} else if i++; i < len(args) {
				value = args[i]
			} else {
				return nil, Usage("-" + name + " needs a value (see " + f.Name + " -h)")
			}
		}
		if want := o.set(value); want != "" {
			return nil, Usage("-" + name + ": " + ipc.Quote(value) + " is not " + want)
		}
	}
	return nil, nil
}

// set stores value in the option, or says what it should have been.
func (o *option) set(value string) (want string) {
	switch p := o.p.(type) {
	case *bool:
		if value != "true" && value != "false" {
			return "true or false"
		}
		*p = value == "true"
	case *string:
		*p = value
	case *int64:
		d, ok := text.ParseDuration(value)
		if !ok {
			return "a duration such as 500ms, 2s or 1m"
		}
		*p = d
	case *int:
		v, ok := text.Atoi(value)
		if !ok {
			return "an integer"
		}
		*p = v
	}
	return ""
}

func (f *FlagSet) lookup(name string) *option {
	for i := range f.opts {
		if f.opts[i].name == name {
			return &f.opts[i]
		}
	}
	return nil
}
