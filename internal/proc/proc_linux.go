// Package proc runs a lab's processes. Go cannot fork without exec, so the
// parent starts each child (p1, p2, …) by executing its own binary again —
// syscall.ForkExec of /proc/self/exe with a hidden role argument — and hands
// it the IPC descriptors in ProcAttr.Files. A Group supervises the children:
// it notices one dying, stops the others, removes the IPC objects and turns
// SIGINT/SIGTERM into the same orderly end.
package proc

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"ipclab/internal/cli"
)

// roleArg is the hidden first argument that makes a lab binary a child.
const roleArg = "-ipclab.role="

// Role reports whether args (os.Args) start a child, and which one; rest is
// what follows the role argument.
func Role(args []string) (role string, rest []string, ok bool) {
	if len(args) < 2 || !strings.HasPrefix(args[1], roleArg) {
		return "", nil, false
	}
	// A child leaves SIGINT to its parent: Ctrl-C reaches the whole process
	// group, and the parent alone decides how the lab ends.
	signal.Ignore(syscall.SIGINT)
	return args[1][len(roleArg):], args[2:], true
}

// FirstFD is the descriptor number of a child's first extra file.
const FirstFD = 3

type exit struct {
	c  *Child
	ws syscall.WaitStatus
}

// Child is a started child process.
type Child struct {
	Name   string
	Pid    int
	exited bool
}

// Group supervises a parent's children and owns the cleanup of its IPC
// objects.
type Group struct {
	prog     string
	stdio    [3]uintptr
	Trace    io.Writer // if set, how each child started and ended
	children []*Child
	exits    chan exit
	sigs     chan os.Signal
	cleanups []func() error
	closed   bool
	lost     string // a child that ended with PeerGone, if any
}

// NewGroup returns a Group whose children share the parent's standard
// input and stdout and stderr, which must be files (so the children write
// to them directly). From now on SIGINT, SIGTERM and SIGHUP end the lab
// through Close instead of killing it.
func NewGroup(prog string, stdout, stderr io.Writer) (*Group, error) {
	g := &Group{
		prog:  prog,
		exits: make(chan exit, 16),
		sigs:  make(chan os.Signal, 1),
	}
	for i, w := range []io.Writer{stdout, stderr} {
		f, ok := w.(*os.File)
		if !ok {
			return nil, errors.New("the children need standard output and error to be files")
		}
		g.stdio[i+1] = f.Fd()
	}
	signal.Notify(g.sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	return g, nil
}

// Cleanup registers f to run when the group closes, last registered first.
func (g *Group) Cleanup(f func() error) { g.cleanups = append(g.cleanups, f) }

// Start runs the binary again as child name. files become the child's
// descriptors 3, 4, … (FirstFD onwards); args follow the role argument.
// The child gets SIGKILL if the parent dies.
func (g *Group) Start(name string, files []int, args ...string) (*Child, error) {
	return g.StartSub("", name, files, args...)
}

// StartSub is Start for a subcommand's child: the binary runs as
// "prog sub ROLE args…", so that the subcommand ("pipelab bench", say)
// finds the role itself, with Role on its own arguments, instead of the
// lab's children. An empty sub is Start.
func (g *Group) StartSub(sub, name string, files []int, args ...string) (*Child, error) {
	fds := append([]uintptr{}, g.stdio[:]...)
	for _, fd := range files {
		fds = append(fds, uintptr(fd))
	}
	argv := []string{g.prog, roleArg + name}
	if sub != "" {
		argv = []string{g.prog, sub, roleArg + name}
	}
	pid, err := spawn("/proc/self/exe", append(argv, args...), fds)
	if err != nil {
		return nil, os.NewSyscallError("fork/exec "+name, err)
	}
	c := &Child{Name: name, Pid: pid}
	g.children = append(g.children, c)
	g.tracef("[parent] fork+exec(/proc/self/exe, " + name + ") = " + strconv.Itoa(pid))
	go func() { g.exits <- exit{c, wait(pid)} }()
	return c, nil
}

// spawn starts the program at path with argv and the descriptors files
// (0, 1, 2, …; ^uintptr(0) closes one). The child gets SIGKILL if its
// parent dies.
//
// A foreign-architecture build re-executes itself fine under qemu-user
// when binfmt_misc knows the emulator (the tests register it inside a
// private user namespace, leaving the host alone).
func spawn(path string, argv []string, files []uintptr) (int, error) {
	return syscall.ForkExec(path, argv, &syscall.ProcAttr{
		Env:   os.Environ(),
		Files: files,
		Sys:   &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL},
	})
}

// wait waits for process pid to end.
func wait(pid int) syscall.WaitStatus {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err != syscall.EINTR {
			return ws
		}
	}
}

func lookPath(name string) (string, error) {
	for _, dir := range Fields(os.Getenv("PATH"), ':') {
		p := dir + "/" + name
		if isExecutable(p) {
			return p, nil
		}
	}
	return "", errors.New(name + " not found in PATH")
}

// isExecutable reports whether p is a regular file with an execute bit.
// It uses syscall.Stat, not os.Stat: os.FileInfo drags time formatting
// into the binary.
func isExecutable(p string) bool {
	var st syscall.Stat_t
	return syscall.Stat(p, &st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG && st.Mode&0o111 != 0
}

// Self returns the path of the running binary (as qemu-user, too, tells
// it). os.Executable does the same at a higher binary cost.
func Self() (string, error) {
	buf := make([]byte, 4096)
	n, err := syscall.Readlink("/proc/self/exe", buf)
	if err != nil {
		return "", os.NewSyscallError("readlink /proc/self/exe", err)
	}
	return string(buf[:n]), nil
}

// Fields splits s at sep, dropping empty fields.
func Fields(s string, sep byte) []string {
	var f []string
	for s != "" {
		i := strings.IndexByte(s, sep)
		if i < 0 {
			i = len(s)
		}
		if i > 0 {
			f = append(f, s[:i])
		}
		s = s[min(i+1, len(s)):]
	}
	return f
}

func (g *Group) tracef(s string) {
	if g.Trace != nil {
		io.WriteString(g.Trace, s+"\n")
	}
}

// Wait waits for every child to end. It returns an error as soon as a
// child ends badly or a signal arrives; the caller then closes the group,
// which stops the other children. A signal that came before the children
// ended wins over their success.
func (g *Group) Wait() error {
	for {
		if err := g.Check(); err != ErrGone {
			if err != nil {
				return err
			}
		} else {
			return nil
		}
		select {
		case e := <-g.exits:
			if err := g.ended(e); err != nil {
				return err
			}
		case s := <-g.sigs:
			return interrupted(s)
		}
	}
}

// ErrGone is returned by Check when every child has ended successfully.
var ErrGone = errors.New("the children ended before the work was done")

// Check is Wait without waiting, for a parent that waits on something else
// (a futex) in small steps: it returns the error Wait would for what has
// happened so far, ErrGone if no child is left, or nil.
func (g *Group) Check() error {
	for {
		select {
		case s := <-g.sigs:
			return interrupted(s)
		default:
		}
		select {
		case e := <-g.exits:
			if err := g.ended(e); err != nil {
				return err
			}
			continue
		default:
		}
		if g.running() == 0 {
			if g.lost != "" {
				return errors.New(g.lost + " lost its peer: the other side went away before the end")
			}
			return ErrGone
		}
		return nil
	}
}

// PeerGone is the exit status of a child that stopped because its peer
// went away (EOF on its pipe, say): the peer's own end is the news, so the
// parent reports that instead.
const PeerGone = 3

// LostPeer is what a child returns when its peer went away: it exits with
// PeerGone without a message.
func LostPeer(err error) error { return &cli.Quiet{Err: err, Code: PeerGone} }

func interrupted(s os.Signal) error {
	return errors.New("interrupted by " + SignalName(s.(syscall.Signal)))
}

func (g *Group) running() int {
	n := 0
	for _, c := range g.children {
		if !c.exited {
			n++
		}
	}
	return n
}

// ended records a child's end and says whether it failed.
func (g *Group) ended(e exit) error {
	e.c.exited = true
	how := Describe(e.ws)
	g.tracef("[parent] wait4(" + strconv.Itoa(e.c.Pid) + ") = " + e.c.Name + " " + how)
	if e.ws.Exited() && e.ws.ExitStatus() == 0 {
		return nil
	}
	if e.ws.Exited() && e.ws.ExitStatus() == PeerGone {
		g.lost = e.c.Name
		return nil
	}
	err := errors.New(e.c.Name + " " + how)
	if e.ws.Exited() && e.ws.ExitStatus() == 1 {
		// The child said why on the shared standard error.
		return &cli.Quiet{Err: err}
	}
	return err
}

// Describe says how a process ended: "exited with status 0",
// "killed by signal 9".
func Describe(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return "exited with status " + strconv.Itoa(ws.ExitStatus())
	case ws.Signaled():
		s := "killed by signal " + strconv.Itoa(int(ws.Signal()))
		if ws.CoreDump() {
			s += " (core dumped)"
		}
		return s
	}
	return "ended (wait status " + strconv.Itoa(int(ws)) + ")"
}

// SignalName is the short name of the signals a lab handles.
func SignalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return "signal " + strconv.Itoa(int(s))
}

// Close stops the children still running (SIGKILL), reaps them, runs the
// cleanups and restores signal handling. It returns the first cleanup error.
func (g *Group) Close() error {
	if g.closed {
		return nil
	}
	g.closed = true
	for _, c := range g.children {
		if !c.exited {
			syscall.Kill(c.Pid, syscall.SIGKILL)
		}
	}
	for g.running() > 0 {
		e := <-g.exits
		e.c.exited = true
	}
	var first error
	for i := len(g.cleanups) - 1; i >= 0; i-- {
		if err := g.cleanups[i](); err != nil && first == nil {
			first = err
		}
	}
	signal.Stop(g.sigs)
	return first
}

// ExitOnSignal is, for a process without children, what a Group does on
// SIGINT, SIGTERM or SIGHUP: run cleanup, say "name: interrupted by SIG…"
// and exit 1. It acts from its own goroutine, since the process may be
// blocked in a system call (opening a FIFO, say) when the signal comes.
// stop turns it off.
func ExitOnSignal(name string, stderr io.Writer, cleanup func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	quit := make(chan struct{})
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	go func() {
		select {
		case s := <-sigs:
			cleanup()
			io.WriteString(stderr, name+": "+interrupted(s).Error()+"\n")
			os.Exit(1)
		case <-quit:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(quit)
	}
}
