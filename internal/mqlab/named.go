//go:build linux

package mqlab

import (
	"errors"
	"io"
	"strconv"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/input"
	"ipclab/internal/lab"
	"ipclab/internal/proc"
	"ipclab/internal/record"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// named runs a subcommand on a named queue: args[0] is send, recv, stat
// or rm.
func named(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := args[0]
	fs := Command.Sub(cmd).Flags(stdout)
	where := lab.WhereFlags(fs)
	var prio, count, typ *int
	var timeout *int64
	var nonblock, trace *bool
	switch cmd {
	case "send":
		prio = fs.Int("prio", 0)
	case "recv":
		count = fs.Int("n", -1)
		timeout = fs.Duration("timeout", 0)
		typ = fs.Int("type", 0)
	}
	trace = fs.Bool("trace")
	if cmd == "send" || cmd == "recv" {
		nonblock = fs.Bool("nonblock")
	}
	rest, err := fs.Parse(args[1:])
	if err != nil {
		return err
	}
	arg := ""
	if (cmd == "stat" || cmd == "rm") && len(rest) > 0 {
		arg, rest = rest[0], rest[1:]
	}
	if err := where.Resolve(arg); err != nil {
		return err
	}
	if typ != nil && *typ != 0 && !where.SysV {
		return cli.Usage("-type selects System V messages: add -sysv -key K")
	}
	if prio != nil && (*prio < 0 || *prio > maxPrio) {
		return cli.Usage("-prio: " + text.Itoa(*prio) + " is not a priority from 0 to " + text.Itoa(maxPrio))
	}
	if cmd != "send" && len(rest) > 0 {
		return cli.Usage("unexpected argument " + rest[0] + " (see mqlab " + cmd + " -h)")
	}
	lab.Trace(*trace, stderr, cmd)
	switch cmd {
	case "stat":
		return stat(where, stdout)
	case "rm":
		return remove(where)
	}
	var d *input.Data
	if cmd == "send" {
		if d, err = input.Load(rest, stdin, stdout, false, queueLab.Prompts); err != nil {
			return err
		}
		if _, err := d.Times10(); err != nil {
			return err
		}
	}
	slot := int64(0) // recv's lock on a POSIX queue; send's is 1
	if cmd == "send" {
		slot = 1
	}
	q, created, err := openQueue(where, *nonblock, slot)
	if err != nil {
		return err
	}
	if cmd == "recv" && !*nonblock && empty(q) {
		io.WriteString(stderr, "mqlab: waiting on "+where.Describe("queue", "/dev/mqueue")+" for a sender: mqlab send "+where.Args()+" FILE\n")
	}
	out := cli.NewOutput(stdout)
	defer out.Flush()
	hints := fullHints
	if cmd == "send" {
		out.Line("Queue = list * 10")
		out.Flush()
		err = sendAll(q, d.Values, false, uint(*prio))
		if err == nil {
			// The end goes at the lowest priority, behind every item of
			// a higher one (of this sender's and of others').
			err = q.send(nil, 0)
		}
	} else {
		if *typ != 0 { // System V: checked above
			q.typ = *typ
		}
		var end bool
		end, err = receiveAll(q, out, "Queue elements:", false, *count, *timeout)
		if end {
			if q.unused(100) {
				return remove(where)
			}
			io.WriteString(stderr, "mqlab: "+where.Describe("queue", "/dev/mqueue")+" stays: another sender has it\n")
			return nil
		}
		if errors.Is(err, unix.ETIMEDOUT) {
			err = errors.New("no message within " + text.FormatDuration(*timeout) + " (is a sender running?)")
		}
		hints = emptyHints
		if q.sysv {
			hints = emptyHints[1:]
		}
	}
	if err != nil {
		// Whoever made the queue removes it if it stops on an error (recv
		// only if no sender has used it since); recv removes it at the end
		// of the data. A named queue is meant to outlive its users, so one
		// left by a killed sender stays until "mqlab rm".
		if created && (cmd == "send" || q.unused(0)) {
			remove(where)
		}
		return advise(err, hints)
	}
	return nil
}

// empty reports whether the queue holds no message now.
func empty(q *queue) bool {
	if q.sysv {
		ds, err := ipc.MsgStat(q.id)
		return err == nil && ds.Qnum == 0
	}
	a, err := ipc.MqGetAttr(q.mqd)
	return err == nil && a.Curmsgs == 0
}

// unused reports whether recv may remove the queue: no sender holds it,
// and it is empty. recv takes send's lock for that, so no new sender
// starts on a queue about to go (one that opened it already finds it
// unlinked, see lab.Claim, and makes a new one). At the end message its
// sender may not have exited yet: recv tries again every 10 ms, tries
// times. A System V queue has no lock: it is always unused.
func (q *queue) unused(tries int) bool {
	for i := 0; !q.sysv; i++ {
		if _, err := ipc.Lock(q.mqd, 1); err == nil {
			return empty(q)
		}
		if i == tries {
			return false
		}
		proc.Poll(-1, 10)
	}
	return true
}

// openQueue opens the named queue, creating it (exclusively, mode 0600) if
// it does not exist yet; created says which happened. On a POSIX queue it
// takes slot's lock (lab.Claim), so that a second receiver, or a second
// sender, is refused instead of splitting the messages with the first; a
// System V queue has no descriptor to lock, and two users of one key
// share it.
func openQueue(w *lab.Where, nonblock bool, slot int64) (q *queue, created bool, err error) {
	if w.SysV {
		id, err := ipc.Msgget(w.Key, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		created = err == nil
		if errors.Is(err, unix.EEXIST) {
			id, err = ipc.Msgget(w.Key, 0)
		}
		if err != nil {
			return nil, false, advise(err, msgHints)
		}
		if err := roomy(id); err != nil {
			if created {
				ipc.MsgRemove(id)
			}
			return nil, false, err
		}
		sq := newSysV(id)
		if nonblock {
			sq.flags = unix.IPC_NOWAIT
		}
		return sq, created, nil
	}
	flags := unix.O_RDWR
	if nonblock {
		flags |= unix.O_NONBLOCK
	}
	attr := ipc.MqAttr{Maxmsg: MaxMsg, Msgsize: record.Size}
	for {
		mqd, err := ipc.MqOpen(w.Name, flags|unix.O_CREAT|unix.O_EXCL, 0o600, &attr)
		created = err == nil
		if errors.Is(err, unix.EEXIST) {
			mqd, err = ipc.MqOpen(w.Name, flags, 0, nil)
		}
		if err != nil {
			return nil, false, advise(err, mqHints)
		}
		ok, err := lab.Claim(ipc.Lock, mqd, slot, w.Describe("queue", "/dev/mqueue"))
		if ok {
			return &queue{mqd: mqd}, created, nil
		}
		ipc.Close(mqd)
		if err != nil {
			return nil, false, err
		}
	}
}

// What the error of a non-blocking send or receive means. A System V
// receive says ENOMSG alone (emptyHints[1:]).
var (
	fullHints  = []hint{{unix.EAGAIN, "queue full"}}
	emptyHints = []hint{{unix.EAGAIN, "queue empty"}, {unix.ENOMSG, "queue empty"}}
)

// stat prints a queue's attributes: mq_getattr and fstat for a POSIX
// queue, msgctl(IPC_STAT) for a System V one.
func stat(w *lab.Where, stdout io.Writer) error {
	// Each line: a name in a column of 9, then its value (octal for mode).
	var queue, names string
	var values []int64
	mqd := -1
	if w.SysV {
		id, err := ipc.Msgget(w.Key, 0)
		if err != nil {
			return err
		}
		ds, err := ipc.MsgStat(id)
		if err != nil {
			return err
		}
		queue = "key " + text.Itoa(w.Key) + ", id " + text.Itoa(id)
		names = "qnum     cbytes   qbytes   mode     owner    lspid    lrpid    "
		values = []int64{int64(ds.Qnum), int64(ds.Cbytes), int64(ds.Qbytes), int64(ds.Perm.Mode & 0o777),
			int64(ds.Perm.Uid), int64(ds.Lspid), int64(ds.Lrpid)}
	} else {
		var err error
		if mqd, err = ipc.MqOpen(w.Name, unix.O_RDONLY, 0, nil); err != nil {
			return err
		}
		a, err := ipc.MqGetAttr(mqd)
		var st unix.Stat_t
		if err == nil {
			err = unix.Fstat(mqd, &st)
		}
		if err != nil {
			ipc.Close(mqd)
			return err
		}
		queue = w.Name
		names = "maxmsg   msgsize  curmsgs  mode     owner    "
		values = []int64{int64(a.Maxmsg), int64(a.Msgsize), int64(a.Curmsgs), int64(st.Mode & 0o777), int64(st.Uid)}
	}
	out := cli.NewOutput(stdout)
	out.Line("queue    " + queue)
	for i, v := range values {
		name := names[9*i : 9*i+9]
		s := text.Int64(v)
		if name[:4] == "mode" {
			s = "0" + strconv.FormatInt(v, 8)
		}
		out.Line(name + s)
	}
	// Closed between the lines and their flush: -trace shows close(2)
	// after them on a terminal, where each line goes out at once, and
	// before them elsewhere.
	if mqd >= 0 {
		ipc.Close(mqd)
	}
	out.Flush()
	return nil
}

// remove removes a named queue.
func remove(w *lab.Where) error {
	if !w.SysV {
		return ipc.MqUnlink(w.Name)
	}
	id, err := ipc.Msgget(w.Key, 0)
	if err != nil {
		return err
	}
	return ipc.MsgRemove(id)
}
