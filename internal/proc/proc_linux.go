// Package proc runs a lab's processes. Go cannot fork without exec, so the
// parent starts each child (p1, p2, …) by executing its own binary again —
// syscall.ForkExec of /proc/self/exe with a hidden role argument — and hands
// it the IPC descriptors in ProcAttr.Files. A Group supervises the children:
// it notices one dying, or staying stopped (SIGSTOP) longer than its
// Timeout, which would hold up its peer for ever; it then kills the others
// and removes the IPC objects.
//
// Signals need no handler, which keeps os/signal out of the labs. The
// children run in a process group of their own, so Ctrl-C at a terminal
// reaches the parent alone, and SIGINT, SIGTERM or SIGHUP kill the parent
// as they kill any program. Each child holds the read end of a lifeline, a
// pipe whose write end only the parent has: when the parent dies, however
// it dies (SIGKILL included), the lifeline reads end-of-file, and the child
// removes what the kernel would not (a System V queue), says so and exits.
// A child stopped then cannot read its lifeline, but the kernel ends it:
// its process group is orphaned, and gets SIGHUP and SIGCONT.
package proc

import (
	"errors"
	"io"
	"strings"
	"sync"
	"syscall"

	"ipclab/internal/cli"
	"ipclab/internal/fd"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// roleArg is the hidden first argument that makes a lab binary a child.
const roleArg = "-ipclab.role="

// lifeline is a child's descriptor of the lifeline's read end.
const lifeline = 3

// FirstFD is the descriptor number of a child's first extra file.
const FirstFD = 4

// AsChild runs child when args (the command line) make this process a child, with
// its role and the arguments after the role argument; ok is false for any
// other command line. The child watches its lifeline meanwhile: when the
// parent is gone, it runs what OnOrphan registered, prints "prog: role:
// the parent went away" and exits with status 1; an error child returns
// then is only a consequence and is not reported (see orphaned).
//
// prepare, if not nil, runs first, with the same arguments, before the
// watching starts: what it registers with OnOrphan runs even if the
// parent is gone already. (What child registers runs only if the parent
// dies after that.)
func AsChild(args []string, prepare func(role string, args []string), child func(role string, args []string) error) (ok bool, err error) {
	role, rest, ok := roleOf(args)
	if !ok {
		return false, nil
	}
	if prepare != nil {
		prepare(role, rest)
	}
	prog := args[0][strings.LastIndexByte(args[0], '/')+1:]
	go watch(prog + ": " + role + ": the parent went away\n")
	err = orphaned(child(role, rest))
	// From here the child ends as it is, with its own status and message,
	// even if the parent dies now: the watcher waits for this lock and
	// the process exits first. (Without it, a child that had done its
	// work could say that the parent went away and still exit 0.)
	orphan.Lock()
	return true, err
}

// roleOf reports whether args start a child, and which one.
func roleOf(args []string) (role string, rest []string, ok bool) {
	if len(args) < 2 || !strings.HasPrefix(args[1], roleArg) {
		return "", nil, false
	}
	return args[1][len(roleArg):], args[2:], true
}

var orphan struct {
	sync.Mutex
	cleanups []func()
}

// OnOrphan registers f to run if the child's parent dies first: f removes
// an object the kernel would keep (a System V message queue, say).
func OnOrphan(f func()) {
	orphan.Lock()
	orphan.cleanups = append(orphan.cleanups, f)
	orphan.Unlock()
}

// watch waits for end-of-file on the lifeline (nothing is ever written to
// it), then ends the orphaned child. A read error (EBADF: no lifeline, the
// role argument was typed by hand) counts as end-of-file.
func watch(msg string) {
	var b [1]byte
	for {
		n, err := syscall.Read(lifeline, b[:])
		if err != syscall.EINTR && n <= 0 {
			break
		}
	}
	orphan.Lock() // and keep it: no cleanup registers after this
	for _, f := range orphan.cleanups {
		f()
	}
	syscall.Write(2, []byte(msg))
	syscall.Exit(1)
}

// orphaned returns err, unless the child's parent is gone: then err is
// only a consequence (a sibling removed the queue the child was using, say),
// and orphaned waits for the lifeline's watcher to end the process.
func orphaned(err error) error {
	if err == nil {
		return nil
	}
	// A dying parent releases its memory (a System V segment it alone had
	// attached goes then) before its descriptors (the lifeline): give the
	// lifeline a moment to follow.
	if Poll(lifeline, 100) {
		select {} // the watcher exits
	}
	return err
}

// Child is a started child process.
type Child struct {
	_       [0]func() // not comparable: no equality function in the binary
	Name    string
	Pid     int
	slot    int // its place in the trace's page of tickets
	exited  bool
	stopped int64          // when it was seen stopped (CLOCK_MONOTONIC ns), 0 while it runs
	stopSig syscall.Signal // what stopped it
}

// Group supervises a parent's children and owns the cleanup of its IPC
// objects.
type Group struct {
	prog     string
	stdio    [4]uintptr // stdin, stdout, stderr, the lifeline
	life     int        // the lifeline's write end
	tracer   *tracer    // a traced group's: see TraceTo
	children []*Child
	cleanups []func() error
	closed   bool
	lost     string // a child that ended with PeerGone, if any
	// Timeout is how long a child may stay stopped (SIGSTOP, SIGTSTP…)
	// before Wait and Check give up on it; 0 waits for ever.
	Timeout int64
}

// NewGroup returns a Group whose children share the parent's standard
// input and stdout and stderr, which must be files (so the children write
// to them directly).
func NewGroup(prog string, stdout, stderr io.Writer) (*Group, error) {
	out, ok1 := stdout.(fd.Filer)
	errOut, ok2 := stderr.(fd.Filer)
	if !ok1 || !ok2 {
		return nil, errors.New("the children need standard output and error to be files")
	}
	g := &Group{prog: prog}
	g.stdio[1], g.stdio[2] = out.Fd(), errOut.Fd()
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		return nil, syscallError("pipe2", err)
	}
	g.stdio[lifeline], g.life = uintptr(p[0]), p[1]
	return g, nil
}

// Cleanup registers f to run when the group closes, last registered first.
func (g *Group) Cleanup(f func() error) { g.cleanups = append(g.cleanups, f) }

// Start runs the binary again as child name. files become the child's
// descriptors 4, 5, … (FirstFD onwards); args follow the role argument.
func (g *Group) Start(name string, files []int, args ...string) (*Child, error) {
	return g.StartSub("", name, files, args...)
}

// StartSub is Start for a subcommand's child: the binary runs as
// "prog sub ROLE args…", so that the subcommand ("pipelab bench", say)
// finds the role itself, with AsChild on its own arguments, instead of the
// lab's children. An empty sub is Start.
func (g *Group) StartSub(sub, name string, files []int, args ...string) (*Child, error) {
	fds := g.stdio[:] // full: the first append copies it
	for _, fd := range files {
		fds = append(fds, uintptr(fd))
	}
	argv := []string{g.prog, roleArg + name}
	if sub != "" {
		argv = []string{g.prog, sub, roleArg + name}
	}
	slot := 0
	if g.tracer != nil {
		var extra []string
		files, extra = g.tracer.childTrace(files)
		for _, fd := range files[len(files)-2:] {
			fds = append(fds, uintptr(fd))
		}
		slot = g.tracer.children
		args = append(extra, args...)
	}
	tc := ipc.TraceStart(false) // the child's lines come after
	pid, err := syscall.ForkExec("/proc/self/exe", append(argv, args...), &syscall.ProcAttr{
		Env:   syscall.Environ(),
		Files: fds,
		Sys:   &syscall.SysProcAttr{Setpgid: true},
	})
	if err != nil {
		return nil, syscallError("fork/exec "+name, err)
	}
	c := &Child{Name: name, Pid: pid, slot: slot}
	g.children = append(g.children, c)
	ipc.TraceLine(tc, "fork+exec(/proc/self/exe, "+name+") = "+text.Itoa(pid))
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
		Env:   syscall.Environ(),
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

// Wait waits for every child to end. It returns an error as soon as a
// child ends badly; the caller then closes the group, which stops the
// other children. (Not inlined: the labs call it often, and a call is
// smaller.)
//
//go:noinline
func (g *Group) Wait() error {
	for {
		err := g.reap(0)
		if err == ErrGone {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// ErrGone is returned by Check when every child has ended successfully.
var ErrGone = errors.New("the children ended before the work was done")

// Check is Wait without waiting, for a parent that waits on something else
// (a futex) in small steps: it returns the error Wait would for what has
// happened so far, ErrGone if no child is left, or nil.
func (g *Group) Check() error { return g.reap(syscall.WNOHANG) }

// reap collects the children that ended (waiting for one unless options
// has WNOHANG) and returns the first failure, ErrGone when none is left,
// or nil. With a Timeout it also notes the children that stop and
// continue, and fails when one has stayed stopped for Timeout: its peer
// would wait for it for ever. While a child is stopped it looks every
// 10 ms instead of blocking.
func (g *Group) reap(options int) error {
	if g.Timeout > 0 {
		options |= syscall.WUNTRACED | syscall.WCONTINUED
	}
	for {
		if g.running() == 0 {
			if g.lost != "" {
				return errors.New(g.lost + " lost its peer: the other side went away before the end")
			}
			return ErrGone
		}
		stopped := g.longestStopped()
		opts := options
		if stopped != nil {
			opts |= syscall.WNOHANG
		}
		var ws syscall.WaitStatus
		tc := ipc.TraceStart(true) // a child's end comes after its last line
		pid, err := syscall.Wait4(-1, &ws, opts, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil || pid == 0 {
			// ECHILD cannot happen while children run; 0: none changed yet.
			if stopped != nil && monotonic()-stopped.stopped >= g.Timeout {
				return errors.New(stopped.Name + " stopped by " + stopName(stopped.stopSig) +
					" and not continued within -timeout " + text.FormatDuration(g.Timeout))
			}
			if err != nil || options&syscall.WNOHANG != 0 {
				return nil
			}
			Poll(-1, 10) // a sleep of 10 ms, without time's cost
			continue
		}
		for _, c := range g.children {
			if c.Pid != pid || c.exited {
				continue
			}
			if err := g.changed(c, ws, tc); err != nil {
				return err
			}
		}
	}
}

// longestStopped returns the running child stopped for the longest time,
// or nil.
func (g *Group) longestStopped() *Child {
	var s *Child
	for _, c := range g.children {
		if !c.exited && c.stopped != 0 && (s == nil || c.stopped < s.stopped) {
			s = c
		}
	}
	return s
}

// PeerGone is the exit status of a child that stopped because its peer
// went away (EOF on its pipe, say): the peer's own end is the news, so the
// parent reports that instead.
const PeerGone = 3

// LostPeer is what a child returns when its peer went away: it exits with
// PeerGone without a message.
func LostPeer(err error) error { return &cli.Quiet{Err: err, Code: PeerGone} }

func (g *Group) running() int {
	n := 0
	for _, c := range g.children {
		if !c.exited {
			n++
		}
	}
	return n
}

// changed records a child's end, stop or continuation, and says whether
// it failed.
func (g *Group) changed(c *Child, ws syscall.WaitStatus, tc ipc.TraceCall) error {
	what := c.Name + " " + Describe(ws)
	if g.tracer != nil && !ws.Stopped() && !ws.Continued() {
		g.tracer.ended(c.slot)
	}
	ipc.TraceLine(tc, "wait4("+text.Itoa(c.Pid)+") = "+what)
	switch {
	case ws.Stopped():
		c.stopped, c.stopSig = monotonic(), ws.StopSignal()
		return nil
	case ws.Continued():
		c.stopped = 0
		return nil
	}
	c.exited = true
	if ws.Exited() && ws.ExitStatus() == 0 {
		return nil
	}
	if ws.Exited() && ws.ExitStatus() == PeerGone {
		g.lost = c.Name
		return nil
	}
	err := errors.New(what)
	if ws.Exited() && ws.ExitStatus() == 1 {
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
		return "exited with status " + text.Itoa(ws.ExitStatus())
	case ws.Signaled():
		s := "killed by signal " + text.Itoa(int(ws.Signal()))
		if ws.CoreDump() {
			s += " (core dumped)"
		}
		return s
	case ws.Stopped():
		return "stopped by signal " + text.Itoa(int(ws.StopSignal()))
	case ws.Continued():
		return "continued"
	}
	return "ended (wait status " + text.Itoa(int(ws)) + ")"
}

// stopName names the signal that stopped a child: "SIGSTOP", or the
// terminal's stops by number ("signal 20"), which keeps names out of the
// labs' binaries.
func stopName(s syscall.Signal) string {
	if s == syscall.SIGSTOP {
		return "SIGSTOP"
	}
	return "signal " + text.Itoa(int(s))
}

// Close stops the children still running (SIGKILL), reaps them, runs the
// cleanups and cuts the lifeline. It returns the first cleanup error.
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
	for _, c := range g.children {
		if !c.exited {
			tc := ipc.TraceStart(true)
			ws := wait(c.Pid)
			c.exited = true
			if g.tracer != nil {
				g.tracer.ended(c.slot)
			}
			ipc.TraceLine(tc, "wait4("+text.Itoa(c.Pid)+") = "+c.Name+" "+Describe(ws))
		}
	}
	var first error
	for i := len(g.cleanups) - 1; i >= 0; i-- {
		if err := g.cleanups[i](); err != nil && first == nil {
			first = err
		}
	}
	syscall.Close(g.life)
	syscall.Close(int(g.stdio[lifeline]))
	if g.tracer != nil {
		g.tracer.finish()
	}
	return first
}

// Gate is a child's standard output that stops when the parent is gone:
// each write first looks at the lifeline (poll, no waiting), and once the
// parent has ended it waits for ever while the lifeline's watcher ends the
// process. So after a Ctrl-C (which reaches the parent alone) a child
// prints at most the line it was writing, then "the parent went away";
// what it still had buffered is dropped. (A lock around the write would
// make even that line come first, but a write to a full pipe nobody reads
// would then keep the child from ever ending.) The shell may print its
// prompt before the children's lines: it sees the parent end first.
type Gate struct{ fd.File }

func (g Gate) Write(p []byte) (int, error) {
	if Poll(lifeline, 0) {
		select {} // the watcher exits
	}
	return g.File.Write(p)
}
