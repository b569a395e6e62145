package ipc_test

import (
	"errors"
	"runtime"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"ipclab/internal/ring"
	"ipclab/ipc"
)

// The benchmarks run the workloads of "LAB bench" (and bench/ref.c) on
// the same calls, between two goroutines on threads of their own instead
// of two processes, so that "go test -bench . -cpuprofile" can profile
// them:
//
//	go test ./ipc -run XXX -bench . -benchtime 2s
//	go test ./ipc -run XXX -bench 'Pipe/thr/64$' -cpuprofile cpu.out && go tool pprof -top cpu.out
//
// thr streams b.N messages one way (MB/s is the payload); lat bounces
// them back (ns/op is a round trip, MB/s counts both ways, as ref.c).
//
// The Raw ones make the raw calls "LAB bench" makes (ipc.RawRead and the
// rest), each side on a thread locked for good with a descriptor table of
// its own; the others make the wrappers' calls, through the scheduler.

// channel is one direction of a mechanism.
type channel struct {
	send, recv func([]byte) error
	rawSend    func([]byte) error // the same with raw calls
	rawRecv    func([]byte) error
	locked     bool // use rawSend and rawRecv, on locked threads
}

// lockRaw locks the calling goroutine to its thread for good, gives the
// thread its own descriptor table and returns c's raw calls, when c is
// to use them; else c's calls.
func (c channel) lockRaw() (send, recv func([]byte) error) {
	if !c.locked {
		return c.send, c.recv
	}
	runtime.LockOSThread() // never unlocked: the thread ends with its goroutine
	ipc.UnshareFiles()
	return c.rawSend, c.rawRecv
}

func BenchmarkPipe(b *testing.B) { benchmark(b, []int{64, 4096, 65536}, pipeChannel) }
func BenchmarkMq(b *testing.B)   { benchmark(b, []int{64, 4096}, mqChannel) }
func BenchmarkMsg(b *testing.B)  { benchmark(b, []int{64, 4096}, msgChannel) }
func BenchmarkRing(b *testing.B) { benchmark(b, []int{64, 4096, 65536}, ringChannel) }

func BenchmarkPipeRaw(b *testing.B) { benchmark(b, []int{64, 4096, 65536}, raw(pipeChannel)) }
func BenchmarkMqRaw(b *testing.B)   { benchmark(b, []int{64, 4096}, raw(mqChannel)) }
func BenchmarkMsgRaw(b *testing.B)  { benchmark(b, []int{64, 4096}, raw(msgChannel)) }

// raw makes open's channel with the raw calls. Raw calls keep their P
// while they wait, so both sides need one: raw skips with GOMAXPROCS 1.
func raw(open func(b *testing.B, size int, lat bool) channel) func(b *testing.B, size int, lat bool) channel {
	return func(b *testing.B, size int, lat bool) channel {
		if runtime.GOMAXPROCS(0) < 2 {
			b.Skip("raw calls need GOMAXPROCS > 1: a blocked raw call keeps its P")
		}
		c := open(b, size, lat)
		c.locked = true
		return c
	}
}

func benchmark(b *testing.B, sizes []int, open func(b *testing.B, size int, lat bool) channel) {
	for _, mode := range []string{"thr", "lat"} {
		for _, size := range sizes {
			b.Run(mode+"/"+strconv.Itoa(size), func(b *testing.B) {
				lat := mode == "lat"
				to := open(b, size, lat)
				var back channel
				if lat {
					back = open(b, size, lat)
				}
				b.SetBytes(int64(size))
				if lat {
					b.SetBytes(int64(2 * size))
				}
				b.ResetTimer()
				done := make(chan error, 2)
				go func() { done <- peer(b.N, size, to, back, lat) }()
				// A goroutine of its own: it may end with its thread locked.
				go func() { done <- drive(b.N, size, to, back, lat) }()
				if err := <-done; err != nil {
					b.Fatal(err)
				}
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// drive sends n messages and, in lat mode, takes each back.
func drive(n, size int, to, back channel, lat bool) error {
	send, _ := to.lockRaw()
	var recv func([]byte) error
	if lat {
		_, recv = back.lockRaw()
	}
	return loop(n, size, send, recv, to.locked)
}

// peer is the other side: it takes n messages and, in lat mode, sends
// each back.
func peer(n, size int, from, back channel, lat bool) error {
	if !from.locked {
		runtime.LockOSThread() // a thread to itself, as a process would have
		defer runtime.UnlockOSThread()
	}
	_, recv := from.lockRaw()
	var send func([]byte) error
	if lat {
		send, _ = back.lockRaw()
	}
	return loop(n, size, recv, send, from.locked)
}

// loop calls first, then then (if not nil), n times on a buffer of size
// bytes; the yielder's turns unless the calls are raw.
func loop(n, size int, first, then func([]byte) error, raw bool) error {
	buf := make([]byte, size)
	var y yielder
	for i := 0; i < n; i++ {
		if !raw {
			y.step()
		}
		if err := first(buf); err != nil {
			return err
		}
		if then != nil {
			if err := then(buf); err != nil {
				return err
			}
		}
	}
	return nil
}

// yielder reschedules every 2 ms, as internal/bench does, so that the
// runtime does not take a loop of system calls for a hog (its P would be
// taken away in its system calls).
type yielder struct {
	n    int
	last time.Time
}

func (y *yielder) step() {
	if y.n++; y.n%16 == 0 && time.Since(y.last) > 2*time.Millisecond {
		y.last = time.Now()
		runtime.Gosched()
	}
}

func pipeChannel(b *testing.B, size int, lat bool) channel {
	r, w, err := ipc.Pipe2(unix.O_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ipc.Close(r); ipc.Close(w) })
	if size > 4096 {
		ipc.SetPipeSize(w, min(16*size, 1<<20))
	}
	return channel{
		send:    func(m []byte) error { return ipc.WriteAll(w, m) },
		recv:    func(m []byte) error { return ipc.ReadFull(r, m) },
		rawSend: func(m []byte) error { return ipc.RawWriteAll(w, m) },
		rawRecv: func(m []byte) error { return ipc.RawReadFull(r, m) },
	}
}

func mqChannel(b *testing.B, size int, lat bool) channel {
	name := "/ipclab-bench-" + strconv.Itoa(unix.Getpid()) + "-" + strconv.Itoa(size)
	attr := ipc.MqAttr{Maxmsg: 10}
	setInt(&attr.Msgsize, size)
	mqd, err := ipc.MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, &attr)
	if errors.Is(err, unix.ENOSYS) {
		b.Skip("kernel without POSIX message queues")
	}
	if err != nil {
		b.Fatal(err)
	}
	ipc.MqUnlink(name)
	b.Cleanup(func() { ipc.Close(mqd) })
	return channel{
		send: func(m []byte) error { return ipc.MqTimedSend(mqd, m, 0, nil) },
		recv: func(m []byte) error {
			_, _, err := ipc.MqTimedReceive(mqd, m, nil)
			return err
		},
		rawSend: func(m []byte) error { return ipc.RawMqSend(mqd, m) },
		rawRecv: func(m []byte) error {
			_, err := ipc.RawMqReceive(mqd, m)
			return err
		},
	}
}

func msgChannel(b *testing.B, size int, lat bool) channel {
	id, err := ipc.Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	if errors.Is(err, unix.ENOSYS) {
		b.Skip("kernel without System V IPC")
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ipc.MsgRemove(id) })
	// A buffer for each side, copied through as ref.c does.
	out, in := ipc.NewMsgBuf(size), ipc.NewMsgBuf(size)
	return channel{
		send: func(m []byte) error {
			out.SetType(1)
			copy(out.Text(), m)
			return ipc.Msgsnd(id, out, len(m), 0)
		},
		recv: func(m []byte) error {
			_, err := ipc.Msgrcv(id, in, 0, 0)
			copy(m, in.Text())
			return err
		},
		rawSend: func(m []byte) error {
			out.SetType(1)
			copy(out.Text(), m)
			return ipc.RawMsgsnd(id, out, len(m))
		},
		rawRecv: func(m []byte) error {
			_, err := ipc.RawMsgrcv(id, in)
			copy(m, in.Text())
			return err
		},
	}
}

func ringChannel(b *testing.B, size int, lat bool) channel {
	n := max(64, 1<<20/size)
	if lat {
		n = 2
	}
	fd, err := ipc.MemfdCreate("ipclab-bench", unix.MFD_CLOEXEC)
	if err != nil {
		b.Fatal(err)
	}
	defer ipc.Close(fd)
	var mem []byte
	err = ipc.Fallocate(fd, int64(ring.Size(n, size)))
	if err == nil {
		mem, err = ipc.Mmap(fd, ring.Size(n, size))
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ipc.Munmap(mem) })
	tx, _ := ring.New(mem, n, size)
	rx, _ := ring.New(mem, n, size)
	return channel{
		send: func(m []byte) error { tx.Send(m); return nil },
		recv: rx.Receive,
	}
}

// setInt sets an mq_attr field, 64-bit or (arm) 32-bit.
func setInt[T ~int32 | ~int64](p *T, v int) { *p = T(v) }
