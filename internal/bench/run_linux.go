package bench

import (
	"errors"
	"io"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/command"
	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// Conn is one side's end of the two channels: Send goes to the other
// side, Receive takes the next message from it into buf, whole.
type Conn interface {
	Send(msg []byte) error
	Receive(buf []byte) error
}

// A Mech is an IPC mechanism as the benchmark drives it.
type Mech struct {
	Name string // as ref.c names it: pipe, mq, sysv, shm
	Flag string // the option that picks it, for a lab's second mechanism
	// Shares says that the parent goes on using the descriptors it gives
	// the child (a queue's, open both ways) rather than closing them.
	Shares bool
	Help   string // that option's line in the usage

	// Open makes the channels in the parent, parent to child and back,
	// for messages of size bytes, and has g remove them at the end. It
	// returns the parent's end, the descriptors the child gets (as
	// proc.FirstFD+1 on), which the parent closes once the child runs,
	// and the arguments that tell the child the rest.
	Open func(g *proc.Group, size int, lat bool) (c Conn, files []int, args []string, err error)
	// Attach is the child's side: its end, from the descriptors and
	// arguments Open handed over.
	Attach func(args []string, size int, lat bool) (Conn, error)
}

// Command is "LAB bench" for the lab named lab: its entry in the command
// table. mech is the lab's mechanism and alt, if not nil, the one its
// option alt.Flag picks instead.
func Command(lab string, mech, alt *Mech) *command.Command {
	c := &command.Command{
		Name:     "bench",
		Summary:  "measure the mechanism against the C reference, bench/ref.c",
		Synopsis: []string{"[-mode thr|lat] [-size BYTES] [-count N] [-json]"},
		Text: `Measures the lab's IPC mechanism between this process and a child, with
the workloads of the C reference bench/ref.c. thr: COUNT messages of SIZE
bytes to the child, timed from the first send to the child's report that
it has them all. lat: COUNT round trips, each timed; the median and the
99th percentile are shown. Every message carries a sequence number that
the receiver checks.
`,
		Options: `  -mode M     thr (the default) or lat
  -size BYTES message size, at least 8 (default 64)
  -count N    messages or round trips (default: about a second's worth)
  -json       one JSON line with the fields of ref.c's output
`,
		Child: func(role string, args []string, stdout, stderr io.Writer) error {
			return child(role, args, mech, alt)
		},
	}
	if alt != nil {
		c.Synopsis[0] = "[-" + alt.Flag + "] " + c.Synopsis[0]
		c.Options = alt.Help + c.Options
	}
	c.Run = func(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		return run(c, lab, args, stdout, stderr, mech, alt)
	}
	return c
}

// run is "LAB bench" with args (args[0] is "bench").
func run(c *command.Command, lab string, args []string, stdout, stderr io.Writer, mech, alt *Mech) error {
	fs := c.Flags(stdout)
	picked := new(bool)
	if alt != nil {
		picked = fs.Bool(alt.Flag)
	}
	mode := fs.String("mode", "thr")
	size := fs.Int("size", 64)
	n := fs.Int("count", 0)
	json := fs.Bool("json")
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	if len(rest) > 0 || *mode != "thr" && *mode != "lat" || *size < record.Size || *size > 1<<30 || *n < 0 {
		return cli.Usage("bench takes -mode thr or lat, -size from 8 to 1073741824, -count from 0 and no argument (see " + lab + " bench -h)")
	}
	if *picked {
		mech = alt
	}
	b := &bench{prog: lab, mech: mech, mode: *mode, size: *size, stdout: stdout, stderr: stderr}
	if *n == 0 {
		// Calibrate: grow the count until a run takes a fifth of a
		// second, then scale it to a second.
		for *n = 1000; ; {
			nanos, _, err := b.run(*n)
			if err != nil {
				return err
			}
			if nanos = max(nanos, 1); nanos >= 200e6 {
				*n = int(max(int64(*n)*1e9/nanos, 1))
				break
			}
			*n *= int(min(max(300e6/nanos, 2), 100))
		}
	}
	nanos, rtt, err := b.run(*n)
	if err != nil {
		return err
	}
	r := &Result{Impl: "ipclab", Mech: mech.Name, Mode: b.mode, Size: b.size, Count: *n, Nanos: nanos}
	if rtt != nil {
		r.P50 = Percentile(rtt, 50)
		r.P99 = Percentile(rtt, 99)
	}
	_, err = io.WriteString(stdout, r.Format(*json)+"\n")
	return err
}

// bench is a benchmark being run.
type bench struct {
	rtt            []int64 // lat mode's round trips, kept from run to run
	prog           string
	mech           *Mech
	mode           string
	size           int
	stdout, stderr io.Writer
}

// result is how the parent's side of a run ended.
type result struct {
	nanos int64
	rtt   []int64
	err   error
}

// run starts a child, sends it n messages (or makes n round trips) and
// returns the time it took and, in lat mode, each round trip's.
func (b *bench) run(n int) (int64, []int64, error) {
	g, err := proc.NewGroup(b.prog, b.stdout, b.stderr)
	if err != nil {
		return 0, nil, err
	}
	defer g.Close()
	// The child says "ready" and "done" through a pipe of its own.
	side, sideW, err := ipc.Pipe2(unix.O_CLOEXEC)
	if err != nil {
		return 0, nil, err
	}
	g.Cleanup(func() error { return ipc.Close(side) })
	c, files, args, err := b.mech.Open(g, b.size, b.mode == "lat")
	var kid *proc.Child
	if err == nil {
		args = append([]string{b.mode, text.Itoa(b.size), text.Itoa(n), b.mech.Name}, args...)
		kid, err = g.StartSub("bench", "bench", append([]int{sideW}, files...), args...)
	}
	// The child's ends are then its only ones: its death is the end of
	// file of the pipes.
	ipc.Close(sideW)
	for _, fd := range files {
		if !b.mech.Shares {
			ipc.Close(fd)
		}
	}
	if err != nil {
		return 0, nil, err
	}
	done := make(chan result, 1)
	go func() {
		r := b.drive(c, side, n)
		done <- r
		if r.err != nil && !peerGone(r.err) {
			syscall.Kill(kid.Pid, syscall.SIGKILL) // it would wait for ever
		}
	}()
	// The group reports a child that failed, or a signal, even while the
	// driver waits on a queue that nobody empties any more.
	var r result
	werr := g.Wait()
	if werr == nil {
		r = <-done
	} else {
		select {
		case r = <-done:
		default:
		}
	}
	// The driver's own failure first; then the child's, which explains
	// the end of file or broken pipe the driver saw.
	if r.err == nil || peerGone(r.err) && werr != nil {
		r.err = werr
	}
	if r.err != nil {
		return 0, nil, r.err
	}
	if cl, ok := c.(io.Closer); ok {
		cl.Close()
	}
	return r.nanos, r.rtt, nil
}

// peerGone reports whether err is how a channel ends when the other side
// is gone.
func peerGone(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, unix.EPIPE)
}

// drive is the parent's side of a run: it waits for the child to be
// ready, sends n messages numbered 0, 1, … (each timed with its answer in
// lat mode) and waits for the child's "done".
func (b *bench) drive(c Conn, side, n int) (r result) {
	msg := make([]byte, b.size)
	for i := range msg {
		msg[i] = 'x' // as ref.c
	}
	buf := make([]byte, b.size)
	lat := b.mode == "lat"
	if lat {
		if cap(b.rtt) < n {
			b.rtt = make([]int64, n)
		}
		r.rtt = b.rtt[:n]
	}
	var seq Seq
	var one [1]byte
	lockThread()
	if r.err = ipc.ReadFull(side, one[:]); r.err != nil {
		return r
	}
	var y yielder
	start := nanotime()
	for i := 0; i < n && r.err == nil; i++ {
		y.step()
		record.Put(msg, int64(i))
		if !lat {
			r.err = c.Send(msg)
			continue
		}
		t := nanotime()
		if r.err = c.Send(msg); r.err == nil {
			r.err = c.Receive(buf)
		}
		r.rtt[i] = nanotime() - t
		if r.err == nil {
			if err := seq.Check(record.Get(buf)); err != nil {
				r.err = errors.New("the answer to " + err.Error())
			}
		}
	}
	if r.err == nil {
		r.err = ipc.ReadFull(side, one[:])
	}
	r.nanos = nanotime() - start
	return r
}

// child is the benchmark's child: it receives n messages and checks their
// sequence numbers, sending each back in lat mode. args are the mode, the
// size, n, the mechanism and the mechanism's own arguments.
func child(role string, args []string, mech, alt *Mech) (err error) {
	if len(args) < 4 || role != "bench" {
		return errors.New("bench: bad arguments")
	}
	if alt != nil && args[3] == alt.Name {
		mech = alt
	}
	lat := args[0] == "lat"
	size, _ := text.Atoi(args[1])
	n, _ := text.Atoi(args[2])
	c, err := mech.Attach(args[4:], size, lat)
	lockThread()
	buf := make([]byte, max(size, record.Size))
	var seq Seq
	one := []byte{1}
	if err == nil {
		err = ipc.WriteAll(proc.FirstFD, one)
	}
	var y yielder
	for i := 0; i < n && err == nil; i++ {
		y.step()
		if err = c.Receive(buf); err == nil {
			err = seq.Check(record.Get(buf))
		}
		if lat && err == nil {
			err = c.Send(buf)
		}
	}
	if err == nil {
		return ipc.WriteAll(proc.FirstFD, one)
	}
	return errors.New("bench child: " + err.Error())
}

// raw says whether the channels use ipc's raw calls: when the goroutine
// that runs the loop is locked to its thread and another P is left for the
// rest of the process (see ipc.RawRead).
var raw bool

// lockThread locks the calling goroutine to its thread for good (the
// thread ends with it) and gives the thread a descriptor table of its own,
// as a single-threaded C program has: the kernel then looks descriptors
// up without taking a reference on the file (fdget's fast path, for a
// table that only one thread uses). The bench's channels use raw calls
// when GOMAXPROCS leaves another P for the goroutines that wait for the
// child and for the parent's death.
func lockThread() {
	runtime.LockOSThread()
	ipc.UnshareFiles() // only an optimisation: a seccomp filter may refuse it
	raw = runtime.GOMAXPROCS(0) > 1
}

// yielder makes a loop of system calls that go through the scheduler
// (not raw: with GOMAXPROCS 1) give the scheduler its turn every 2 ms.
// The runtime's monitor (sysmon) takes a goroutine that has run for 10 ms
// without a reschedule for a hog: it signals its thread to preempt it and,
// when it is in a system call, takes its P away, which the goroutine must
// then get back on its way out; and the monitor, having taken a P, looks
// again 20 µs later. On one CPU (taskset -c 0) that cost mqlab bench a
// third of its messages a second; a Gosched every 2 ms costs 0.1–1% (a
// locked thread hands its P over and back). Raw calls keep their P, and
// the yielder stays out of their way.
type yielder struct {
	n    int
	last int64
}

// step counts a message; it is inlined in the loops, yield is not.
func (y *yielder) step() {
	if y.n++; !raw && y.n%16 == 0 {
		y.yield()
	}
}

func (y *yielder) yield() {
	if t := nanotime(); t-y.last > 2e6 {
		y.last = t
		runtime.Gosched()
	}
}
