package cli

import (
	"errors"
	"io"
)

// Quiet marks an error that was already reported (by a child process, on the
// shared standard error) or that another process will explain: main exits
// with Code (1 if 0) without printing it.
type Quiet struct {
	_    [0]func() // not comparable: no equality function in the binary
	Err  error
	Code int
}

func (q *Quiet) Error() string { return q.Err.Error() }
func (q *Quiet) Unwrap() error { return q.Err }

// Named marks an error with the name of the program whose error it is: in
// a multicall binary, ipclab mqlab FILE reports "mqlab: FILE: …".
type Named struct {
	_    [0]func() // not comparable: no equality function in the binary
	Name string
	Err  error
}

func (n *Named) Error() string { return n.Err.Error() }
func (n *Named) Unwrap() error { return n.Err }

// Exit reports err as one line "name: err" on w and returns the exit status:
// 0 for -h, 2 for a usage error (and for what this build cannot do, see
// Unsupported), 1 otherwise. A Named error gives its own name.
func Exit(w io.Writer, name string, err error) int {
	if errors.Is(err, ErrHelp) {
		return 0
	}
	if n, ok := As[*Named](err); ok {
		name = n.Name
	}
	q, quiet := As[*Quiet](err)
	if !quiet {
		io.WriteString(w, name+": "+err.Error()+"\n")
	} else if q.Code != 0 {
		return q.Code
	}
	if _, usage := As[*UsageError](err); usage {
		return 2
	}
	return 1
}

// As is errors.As without reflection, which the labs cannot afford: it
// finds the first error of type T in err's chain.
func As[T error](err error) (T, bool) {
	for err != nil {
		if t, ok := err.(T); ok {
			return t, true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			break
		}
		err = u.Unwrap()
	}
	var zero T
	return zero, false
}

// Unsupported is the error of a mode this build cannot run at all (the WASI
// build has no message queues, no shared memory, no child processes): msg
// says what is missing and, in parentheses, what to do instead. It exits
// with status 2, as a usage error does, since running it again here cannot
// succeed.
func Unsupported(msg string) error {
	return &UsageError{Msg: msg}
}

// TryNative is the usual advice of Unsupported, in parentheses.
const TryNative = " (try the native or container build)"

// Advice is an error with a hint on what to do about it.
type Advice struct {
	_    [0]func() // not comparable: no equality function in the binary
	Err  error
	Hint string
}

func (a *Advice) Error() string { return a.Err.Error() + " (" + a.Hint + ")" }
func (a *Advice) Unwrap() error { return a.Err }

// Advise attaches hint to err; it returns err unchanged when hint is empty.
// Like Usage, it is not inlined: a call is smaller.
//
//go:noinline
func Advise(err error, hint string) error {
	if hint == "" {
		return err
	}
	return &Advice{Err: err, Hint: hint}
}
