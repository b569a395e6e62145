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

// channel is one direction of a mechanism.
type channel struct {
	send, recv func([]byte) error
}

func BenchmarkPipe(b *testing.B) { benchmark(b, []int{64, 4096, 65536}, pipeChannel) }
func BenchmarkMq(b *testing.B)   { benchmark(b, []int{64, 4096}, mqChannel) }
func BenchmarkMsg(b *testing.B)  { benchmark(b, []int{64, 4096}, msgChannel) }
func BenchmarkRing(b *testing.B) { benchmark(b, []int{64, 4096, 65536}, ringChannel) }

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
				done := make(chan error, 1)
				go func() { done <- peer(b.N, size, to, back, lat) }()
				msg := make([]byte, size)
				b.SetBytes(int64(size))
				if lat {
					b.SetBytes(int64(2 * size))
				}
				b.ResetTimer()
				var y yielder
				for i := 0; i < b.N; i++ {
					y.step()
					if err := to.send(msg); err != nil {
						b.Fatal(err)
					}
					if lat {
						if err := back.recv(msg); err != nil {
							b.Fatal(err)
						}
					}
				}
				if err := <-done; err != nil {
					b.Fatal(err)
				}
			})
		}
	}
}

// peer is the other side: it takes n messages and, in lat mode, sends
// each back.
func peer(n, size int, from, back channel, lat bool) error {
	runtime.LockOSThread() // a thread to itself, as a process would have
	defer runtime.UnlockOSThread()
	buf := make([]byte, size)
	var y yielder
	for i := 0; i < n; i++ {
		y.step()
		if err := from.recv(buf); err != nil {
			return err
		}
		if lat {
			if err := back.send(buf); err != nil {
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
		send: func(m []byte) error { return ipc.WriteAll(w, m) },
		recv: func(m []byte) error { return ipc.ReadFull(r, m) },
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
