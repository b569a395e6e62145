//go:build linux

package mqlab

import (
	"errors"
	"io"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/internal/text"
	"ipclab/ipc"
)

var queueLab = &lab.Lab{Command: Command, Prompts: Prompts}

func init() {
	Command.Run = run
	Command.Child = func(role string, args []string, stdout, stderr io.Writer) error {
		return child(role, args, stdout)
	}
	// A killed parent cannot remove a System V queue: its children do.
	Command.Orphan = func(role string, args []string) {
		if len(args) >= 2 && args[0] == "sysv" {
			if id, ok := text.Atoi(args[1]); ok {
				proc.OnOrphan(func() { ipc.MsgRemove(id) })
			}
		}
	}
	for _, c := range Command.Subs {
		c.Run = named
	}
}

// MaxMsg is the queue's capacity (named queues' too: ipclab clean knows
// them by it): the default limit for unprivileged users
// (/proc/sys/fs/mqueue/msg_max).
const MaxMsg = 10

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	r := queueLab.Flags(stdout)
	sysv := r.Flags.Bool("sysv")
	prio := r.Flags.Bool("prio")
	notify := r.Flags.Bool("notify")
	rest, err := r.Flags.Parse(args[1:])
	if err != nil {
		return err
	}
	if *notify && (*sysv || *prio) {
		return cli.Usage("-notify is for a POSIX queue (mq_notify), without -sysv or -prio")
	}
	s, err := r.Items(rest, stdin, stdout)
	if err != nil {
		return err
	}
	// With -prio every item is read before p1 starts (and it refuses
	// more than it shows).
	n := 0
	feed := proc.NewFeed()
	put := func(v int64) error {
		if _, ok := input.Mul10(v); !ok {
			return s.Err(text.Int64(v) + " * 10 overflows a 64-bit integer")
		}
		if n++; *prio && n >= MaxMsg {
			return nil
		}
		return feed.Put(v)
	}
	more, err := r.Feed(s, feed, !*prio, put)
	if err != nil {
		return err
	}
	if *prio && n >= MaxMsg {
		return cli.Usage("-prio shows the queue's order with at most " + text.Itoa(MaxMsg-1) +
			" items, which it holds at once (with the end message); the data have " + text.Itoa(n))
	}
	g, err := r.Group(args[0], stdout, stderr)
	if err != nil {
		return err
	}
	defer g.Close()
	// Both children get the queue's descriptor (POSIX) on fd 5, or its
	// identifier (System V) as an argument; p1 gets the data on fd 4
	// (proc.FirstFD).
	fds := []int{-1}
	qargs := []string{"posix"}
	if *sysv {
		id, err := ipc.Msgget(proc.ObjectKey(), unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		if errors.Is(err, unix.EEXIST) {
			// A leftover of a killed lab with this pid: do not touch it.
			id, err = ipc.Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		}
		if err != nil {
			return advise(err, msgHints)
		}
		g.Cleanup(func() error {
			ipc.Expect(unix.EINVAL, "p2 removed the queue already, at the end message")
			if err := ipc.MsgRemove(id); !errors.Is(err, unix.EINVAL) {
				return err
			}
			return nil // p2 removed it at the end
		})
		if err := roomy(id); err != nil {
			return err
		}
		qargs = []string{"sysv", text.Itoa(id)}
	} else {
		name := proc.ObjectName("mq")
		attr := ipc.MqAttr{Maxmsg: MaxMsg, Msgsize: record.Size}
		mqd, err := ipc.MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, &attr)
		if err != nil {
			return advise(err, mqHints)
		}
		defer ipc.Close(mqd)
		// The queue stays alive while a descriptor is open: without its
		// name nothing is left behind, however the lab ends.
		if err := ipc.MqUnlink(name); err != nil {
			return err
		}
		fds = append(fds, mqd)
		g.Describe(mqd, "the message queue, opened O_RDWR (its name is gone already)")
	}
	switch {
	case *prio:
		qargs = append(qargs, "prio")
	case *notify:
		qargs = append(qargs, "notify")
	}
	cargs := qargs
	if *notify {
		// p2 first: p1 starts once p2 has registered with mq_notify (it
		// closes its end of the pipe ready), so p2 surely waits for the
		// signal at least once.
		var ready [2]int
		if err := syscall.Pipe2(ready[:], syscall.O_CLOEXEC); err != nil {
			return ipc.NewSyscallError("pipe2", err)
		}
		_, err := g.Start("p2", append(fds, ready[1]), cargs...)
		syscall.Close(ready[1])
		if err == nil {
			var b [1]byte
			syscall.Read(ready[0], b[:]) // EOF: p2 registered, or died (then Wait says so)
		}
		syscall.Close(ready[0])
		if err != nil {
			return err
		}
	}
	if fds[0], err = feed.Pipe(g); err != nil {
		return err
	}
	g.Describe(fds[0], "the items to send, from the parent as it reads them")
	_, err = g.Start("p1", fds, cargs...)
	syscall.Close(fds[0])
	fds[0] = -1
	if err != nil {
		return err
	}
	if !*notify && !*prio {
		if _, err := g.Start("p2", fds, cargs...); err != nil {
			return err
		}
	}
	// The rest of the items, as they are read.
	if more {
		_, err = r.Feed(s, feed, false, put)
	}
	if err == nil {
		err = feed.Close()
	}
	if err != nil {
		return err
	}
	if *prio {
		// As in the sheet, p1 ends before p2 starts: the queue then
		// holds every message at once, and p2 sees the order it
		// delivers them in.
		if err := g.Wait(); err != nil {
			return err
		}
		if _, err := g.Start("p2", fds, cargs...); err != nil {
			return err
		}
	}
	return g.Wait()
}

// hint is the advice for an error with errno.
type hint struct {
	errno unix.Errno
	text  string
}

// Which limit an mq_open or msgget error points at.
var (
	mqHints = []hint{
		{unix.ENOSYS, "this kernel has no POSIX message queues (CONFIG_POSIX_MQUEUE); try -sysv"},
		{unix.EINVAL, "the queue exceeds /proc/sys/fs/mqueue/msg_max or msgsize_max"},
		{unix.EMFILE, "the per-user limit on queue memory is reached: raise it with ulimit -q (RLIMIT_MSGQUEUE)"},
		{unix.ENOSPC, "too many queues: raise /proc/sys/fs/mqueue/queues_max"},
	}
	msgHints = []hint{
		{unix.ENOSYS, "this kernel has no System V IPC (CONFIG_SYSVIPC); try without -sysv"},
		{unix.ENOSPC, "too many System V queues: raise /proc/sys/kernel/msgmni"},
	}
)

// advise adds to err the text of the first hint for its errno.
func advise(err error, hints []hint) error {
	for _, h := range hints {
		if errors.Is(err, h.errno) {
			return cli.Advise(err, h.text)
		}
	}
	return err
}

// roomy checks that System V queue id holds a message: one with fewer
// bytes than that (msgmnb lowered) makes every msgsnd wait for ever.
func roomy(id int) error {
	ds, err := ipc.MsgStat(id)
	if err == nil && ds.Qbytes < record.Size {
		return errors.New("the System V queue holds " + strconv.FormatUint(uint64(ds.Qbytes), 10) +
			" bytes, less than one message of " + text.Itoa(record.Size) + ": raise /proc/sys/kernel/msgmnb")
	}
	return err
}

// queue is a message queue as the processes see it: a POSIX queue's
// descriptor mqd, or, if sysv is set, System V queue id.
//
// On a System V queue, message types stand in for priorities: type
// maxPrio+1-prio, taken lowest type first (msgtyp -(maxPrio+1)), is
// highest priority first, as a POSIX queue delivers. typ, if set, selects
// by type instead (msgrcv's msgtyp); flags are msgsnd's and msgrcv's.
type queue struct {
	sysv      bool
	mqd       int
	id, flags int
	typ       int
	buf       ipc.MsgBuf
	// fast: the lab's p1 or p2 (priority 0, no deadline) on a thread of
	// its own, which uses the raw calls (see ipc.Fast).
	fast bool
}

// maxPrio is the highest priority the labs use.
const maxPrio = 3

func newSysV(id int) *queue {
	return &queue{sysv: true, id: id, typ: -(maxPrio + 1), buf: ipc.NewMsgBuf(record.Size)}
}

// send queues msg with priority prio (0 is the lowest).
func (q *queue) send(msg []byte, prio uint) error {
	if q.fast && !q.sysv {
		return ipc.RawMqSend(q.mqd, msg)
	}
	if !q.sysv {
		return ipc.MqTimedSend(q.mqd, msg, prio, nil)
	}
	if prio > maxPrio {
		prio = maxPrio
	}
	q.buf.SetType(maxPrio + 1 - int(prio))
	copy(q.buf.Text(), msg)
	if q.fast {
		return ipc.RawMsgsnd(q.id, q.buf, len(msg))
	}
	return ipc.Msgsnd(q.id, q.buf, len(msg), q.flags)
}

// receive takes the next message into buf, waiting until deadline
// (forever if nil); it returns its length and priority.
func (q *queue) receive(buf []byte, deadline *ipc.Timespec) (int, uint, error) {
	if q.fast && !q.sysv {
		n, err := ipc.RawMqReceive(q.mqd, buf)
		return n, 0, err
	}
	if !q.sysv {
		return ipc.MqTimedReceive(q.mqd, buf, deadline)
	}
	for {
		flags := q.flags
		if deadline != nil {
			flags |= unix.IPC_NOWAIT
		}
		var n int
		var err error
		if q.fast {
			n, err = ipc.RawMsgrcv(q.id, q.buf)
		} else {
			n, err = ipc.Msgrcv(q.id, q.buf, q.typ, flags)
		}
		if err == nil {
			copy(buf, q.buf.Text()[:n])
			prio := 0
			if t := q.buf.Type(); t <= maxPrio+1 {
				prio = maxPrio + 1 - t
			}
			return n, uint(prio), nil
		}
		// msgrcv has no timeout: with one, look every 10 ms until then.
		if deadline == nil || q.flags&unix.IPC_NOWAIT != 0 || !errors.Is(err, unix.ENOMSG) {
			return 0, 0, err
		}
		if passed(deadline) {
			return 0, 0, ipc.NewSyscallError("msgrcv", unix.ETIMEDOUT)
		}
		proc.Poll(-1, 10) // a sleep of 10 ms
	}
}

// passed reports whether the CLOCK_REALTIME deadline is over.
func passed(deadline *ipc.Timespec) bool {
	now := ipc.Deadline(0)
	return now.Sec > deadline.Sec || now.Sec == deadline.Sec && now.Nsec >= deadline.Nsec
}

func child(role string, args []string, stdout io.Writer) error {
	out := cli.NewOutput(stdout)
	defer out.Flush()
	q, mode, err := childQueue(args)
	if err == nil && mode == "" {
		q.fast = ipc.Fast()
	}
	switch {
	case err != nil:
	case role == "p1":
		err = producer(q, mode == "prio", out)
	case role == "p2" && mode == "notify":
		err = notified(q.mqd, proc.FirstFD+2, out)
	case role == "p2":
		err = consumer(q, mode == "prio", out)
		if q.sysv && err == nil {
			// Done with it: removed now, the queue cannot outlive a
			// parent killed before its own cleanup.
			err = ipc.MsgRemove(q.id)
		}
	default:
		err = errors.New("unknown role")
	}
	if err != nil {
		return errors.New(role + ": " + err.Error())
	}
	return nil
}

// childQueue is the queue the parent passes a child, and the mode after
// it: "posix [MODE]" for the POSIX queue at descriptor 5, "sysv ID [MODE]"
// for System V queue ID.
func childQueue(args []string) (q *queue, mode string, err error) {
	switch {
	case len(args) >= 1 && args[0] == "posix":
		return &queue{mqd: proc.FirstFD + 1}, at(args, 1), nil
	case len(args) >= 2 && args[0] == "sysv":
		id, ok := text.Atoi(args[1])
		if !ok {
			return nil, "", errors.New("bad queue id " + args[1])
		}
		return newSysV(id), at(args, 2), nil
	}
	return nil, "", errors.New("bad arguments")
}

func at(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// priority is the priority -prio gives an item: |x| mod (maxPrio+1).
func priority(x int64) uint {
	if x < 0 {
		x = -x
	}
	return uint(x % (maxPrio + 1))
}

// producer sends ten times each item, then an empty message: the end.
// With prio, item x goes with priority |x| mod 4, and the end with 0, so
// it still comes last.
func producer(q *queue, prio bool, out *cli.Output) error {
	out.Line("Queue = list * 10")
	// The header is out before the first message, so p2's "Queue elements:"
	// (printed after it receives one) always comes second.
	if err := out.Flush(); err != nil {
		return err
	}
	items := proc.NewItems(proc.FirstFD)
	for {
		values, err := items.Batch()
		if err == io.EOF {
			// The end goes at the lowest priority, behind every item of
			// a higher one (of this sender's and of others' on a named
			// queue).
			return q.send(nil, 0)
		}
		if err == nil {
			err = sendAll(q, values, prio, 0)
		}
		if err != nil {
			return err
		}
	}
}

// sendAll sends ten times each value, all with priority fixed, or by
// priority() if prio; the caller sends the end message.
func sendAll(q *queue, values []int64, prio bool, fixed uint) error {
	var msg [record.Size]byte
	for _, v := range values {
		x, ok := input.Mul10(v)
		if !ok {
			return errors.New(text.Int64(v) + " * 10 overflows a 64-bit integer")
		}
		record.Put(msg[:], x)
		p := fixed
		if prio {
			p = priority(v)
		}
		if err := q.send(msg[:], p); err != nil {
			return err
		}
	}
	return nil
}

// consumer prints the values received until the empty message; with prio,
// each with the priority it came with.
func consumer(q *queue, prio bool, out *cli.Output) error {
	header := "Queue elements:"
	if prio {
		header = "Queue elements (highest priority first):"
	}
	_, err := receiveAll(q, out, header, prio, -1, 0)
	return err
}

// receiveAll prints what it receives, header first, until the end message
// or count values (count < 0: no limit), waiting at most timeout ns for
// each (0: no limit). Priorities are shown if all is set, else those
// above 0. It reports whether the end came.
func receiveAll(q *queue, out *cli.Output, header string, all bool, count int, timeout int64) (bool, error) {
	var msg [record.Size]byte
	for got := 0; count < 0 || got < count; got++ {
		var d *ipc.Timespec
		if timeout > 0 {
			d = ipc.Deadline(timeout)
		}
		n, p, err := q.receive(msg[:], d)
		if err != nil {
			return false, err
		}
		if got == 0 {
			out.Line(header)
		}
		if n == 0 {
			return true, nil
		}
		if err := show(out, msg[:n], all || p > 0, p); err != nil {
			return false, err
		}
	}
	return false, nil
}

// show prints one received value, with its priority if asked.
func show(out *cli.Output, msg []byte, prio bool, p uint) error {
	if len(msg) != record.Size {
		return errors.New("received a message of " + text.Itoa(len(msg)) + " bytes, want " + text.Itoa(record.Size))
	}
	if !prio {
		return out.Int("", record.Get(msg))
	}
	out.Line(text.Int64(record.Get(msg)) + " (priority " + text.Itoa(int(p)) + ")")
	return nil
}
