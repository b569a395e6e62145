package bench

import (
	"errors"

	"golang.org/x/sys/unix"

	"ipclab/internal/cli"
	"ipclab/internal/proc"
	"ipclab/internal/ring"
	"ipclab/internal/text"
	"ipclab/ipc"
)

// The four mechanisms, set up as ref.c sets them up. A lab links only the
// ones it names.
var (
	// Pipe is two anonymous pipes, one each way (pipelab).
	Pipe = &Mech{Name: "pipe", Open: openPipe, Attach: attachPipe}
	// Mq is two POSIX message queues of 10 messages (mqlab).
	Mq = &Mech{Name: "mq", Open: openMq, Attach: attachMq, Shares: true}
	// Sysv is two System V message queues (mqlab -sysv).
	Sysv = &Mech{Name: "sysv", Flag: "sysv", Open: openSysv, Attach: attachSysv,
		Help: "  -sysv       a System V message queue instead of a POSIX one\n"}
	// Shm is two rings in one shared memfd mapping (shmlab).
	Shm = &Mech{Name: "shm", Open: openShm, Attach: attachShm}
)

// firstFD is the child's first descriptor of a mechanism; proc.FirstFD
// is the pipe it reports on.
const firstFD = proc.FirstFD + 1

// pipeConn is a pipe each way, read and written with raw calls even on one
// CPU (GOMAXPROCS 1), where the other channels make ordinary calls: a raw
// call that blocks keeps the only P, but whatever the process's other
// goroutines wait for (the child's end, the parent's) also ends the
// call: a dead peer's ends close, and the read sees end of file, the
// write EPIPE. (A queue outlives its users: a blocked mq_receive would
// wait for ever.) On one CPU the ordinary calls' trips through the
// scheduler cost the stream of 64-byte messages half its pace.
type pipeConn struct{ r, w int }

func (c *pipeConn) Send(msg []byte) error    { return ipc.RawWriteAll(c.w, msg) }
func (c *pipeConn) Receive(buf []byte) error { return ipc.RawReadFull(c.r, buf) }

func openPipe(g *proc.Group, size int, lat bool) (Conn, []int, []string, error) {
	var c pipeConn
	var kid [2]int // the child's ends: its read end, its write end
	for i := range kid {
		r, w, err := ipc.Pipe2(unix.O_CLOEXEC)
		if err != nil {
			if i > 0 {
				ipc.Close(kid[0])
			}
			return nil, nil, nil, err
		}
		mine := w
		if i == 0 {
			kid[0], c.w = r, w
		} else {
			c.r, kid[1], mine = r, w, r
		}
		// Both keep the default buffer, 64 KiB, as ref.c does: a larger
		// one (F_SETPIPE_SZ) would be another workload.
		g.Cleanup(func() error { return ipc.Close(mine) })
	}
	return &c, kid[:], nil, nil
}

func attachPipe([]string, int, bool) (Conn, error) {
	return &pipeConn{r: firstFD, w: firstFD + 1}, nil
}

type mqConn struct{ tx, rx int }

func (c *mqConn) Send(msg []byte) error {
	if raw {
		return ipc.RawMqSend(c.tx, msg)
	}
	return ipc.MqTimedSend(c.tx, msg, 0, nil)
}

func (c *mqConn) Receive(buf []byte) error {
	var n int
	var err error
	if raw {
		n, err = ipc.RawMqReceive(c.rx, buf)
	} else {
		n, _, err = ipc.MqTimedReceive(c.rx, buf, nil)
	}
	if err == nil && n != len(buf) {
		err = errors.New("a message of " + text.Itoa(n) + " bytes came")
	}
	return err
}

// maxMsg is ref.c's mq_maxmsg, the default limit for unprivileged users.
const maxMsg = 10

func openMq(g *proc.Group, size int, lat bool) (Conn, []int, []string, error) {
	var q [2]int
	for i := range q {
		name := proc.ObjectName("mq")
		attr := ipc.MqAttr{Maxmsg: maxMsg}
		setInt(&attr.Msgsize, size)
		mqd, err := ipc.MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o600, &attr)
		if errors.Is(err, unix.EINVAL) {
			err = cli.Advise(err, "messages are at most /proc/sys/fs/mqueue/msgsize_max bytes, 8192 by default")
		}
		if err != nil {
			return nil, nil, nil, err
		}
		g.Cleanup(func() error { return ipc.Close(mqd) })
		q[i] = mqd
		// Nameless, the queue goes away with its last descriptor.
		if err := ipc.MqUnlink(name); err != nil {
			return nil, nil, nil, err
		}
	}
	// The child gets the same descriptors (Mq.Shares).
	return &mqConn{tx: q[0], rx: q[1]}, q[:], nil, nil
}

func attachMq([]string, int, bool) (Conn, error) {
	return &mqConn{rx: firstFD, tx: firstFD + 1}, nil
}

// setInt stores v in a field that is a C long: 32 bits on arm.
func setInt[T int32 | int64](p *T, v int) { *p = T(v) }

// sysvConn copies each message through a msgbuf, the type before the text,
// as ref.c does.
type sysvConn struct {
	tx, rx int
	buf    ipc.MsgBuf
}

func (c *sysvConn) Send(msg []byte) error {
	c.buf.SetType(1)
	copy(c.buf.Text(), msg)
	if raw {
		return ipc.RawMsgsnd(c.tx, c.buf, len(msg))
	}
	return ipc.Msgsnd(c.tx, c.buf, len(msg), 0)
}

func (c *sysvConn) Receive(buf []byte) error {
	var n int
	var err error
	if raw {
		n, err = ipc.RawMsgrcv(c.rx, c.buf)
	} else {
		n, err = ipc.Msgrcv(c.rx, c.buf, 0, 0)
	}
	if err == nil && n != len(buf) {
		err = errors.New("a message of " + text.Itoa(n) + " bytes came")
	}
	copy(buf, c.buf.Text())
	return err
}

func openSysv(g *proc.Group, size int, lat bool) (Conn, []int, []string, error) {
	var q [2]int
	for i := range q {
		id, err := ipc.Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
		if err != nil {
			return nil, nil, nil, err
		}
		g.Cleanup(func() error { return ipc.MsgRemove(id) })
		q[i] = id
	}
	c := &sysvConn{tx: q[0], rx: q[1], buf: ipc.NewMsgBuf(size)}
	return c, nil, []string{text.Itoa(q[0]), text.Itoa(q[1])}, nil
}

func attachSysv(args []string, size int, _ bool) (Conn, error) {
	if len(args) == 2 {
		rx, ok1 := text.Atoi(args[0])
		tx, ok2 := text.Atoi(args[1])
		if ok1 && ok2 {
			return &sysvConn{tx: tx, rx: rx, buf: ipc.NewMsgBuf(size)}, nil
		}
	}
	return nil, errors.New("bad queue identifiers")
}

// shmConn is a ring each way in one mapping.
type shmConn struct {
	tx, rx *ring.Ring
	mem    []byte
}

func (c *shmConn) Send(msg []byte) error    { c.tx.Send(msg); return nil }
func (c *shmConn) Receive(buf []byte) error { return c.rx.Receive(buf) }

// Close unmaps the rings once the run is over; never earlier, as a side
// may still be looking at them.
func (c *shmConn) Close() error { return ipc.Munmap(c.mem) }

// slots is the ring size, ref.c's: 2 slots for ping-pong; for streaming,
// 1 MiB of messages (16 slots at 64 KiB), at least 2.
func slots(size int, lat bool) int {
	if lat {
		return 2
	}
	return max(2, 1<<20/size)
}

func openShm(g *proc.Group, size int, lat bool) (Conn, []int, []string, error) {
	fd, err := ipc.MemfdCreate("ipclab-bench", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := mapRings(fd, size, lat, true)
	if err != nil {
		ipc.Close(fd)
		return nil, nil, nil, err
	}
	return c, []int{fd}, nil, nil
}

func attachShm(_ []string, size int, lat bool) (Conn, error) {
	return mapRings(firstFD, size, lat, false)
}

// mapRings maps the memfd fd holding the two rings: the parent sends on
// the first, the child on the second. The parent sizes the file.
func mapRings(fd, size int, lat, parent bool) (*shmConn, error) {
	n := slots(size, lat)
	one := ring.Size(n, size)
	if parent {
		if err := ipc.Fallocate(fd, int64(2*one)); err != nil {
			return nil, err
		}
	}
	mem, err := ipc.Mmap(fd, 2*one)
	if err != nil {
		return nil, err
	}
	a, err := ring.New(mem, n, size)
	if err != nil {
		return nil, err
	}
	b, _ := ring.New(mem[one:], n, size) // the same geometry fits again
	if parent {
		return &shmConn{tx: a, rx: b, mem: mem}, nil
	}
	return &shmConn{tx: b, rx: a, mem: mem}, nil
}
