package ipc

import (
	"bytes"
	"errors"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// The raw calls move the same bytes as the others, and fail the same way.
func TestRawCalls(t *testing.T) {
	msg := []byte("0123456789abcdef")
	for _, tt := range []struct {
		name string
		// open makes a channel and returns its send and receive.
		open func(t *testing.T) (send func([]byte) error, recv func([]byte) (int, error))
	}{
		{"pipe", func(t *testing.T) (func([]byte) error, func([]byte) (int, error)) {
			r, w := newPipe(t)
			return func(p []byte) error {
				n, err := RawWrite(w, p)
				if err == nil && n != len(p) {
					err = errors.New("short write")
				}
				return err
			}, func(p []byte) (int, error) { return RawRead(r, p) }
		}},
		{"mq", func(t *testing.T) (func([]byte) error, func([]byte) (int, error)) {
			_, mqd := newMq(t, MqAttr{Maxmsg: 4, Msgsize: 64})
			return func(p []byte) error { return RawMqSend(mqd, p) },
				func(p []byte) (int, error) { return RawMqReceive(mqd, p[:64]) }
		}},
		{"sysv", func(t *testing.T) (func([]byte) error, func([]byte) (int, error)) {
			id, err := Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
			skipENOSYS(t, err, "System V IPC (CONFIG_SYSVIPC)")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { MsgRemove(id) })
			out, in := NewMsgBuf(64), NewMsgBuf(64)
			return func(p []byte) error {
					out.SetType(1)
					return RawMsgsnd(id, out, copy(out.Text(), p))
				}, func(p []byte) (int, error) {
					n, err := RawMsgrcv(id, in)
					copy(p, in.Text()[:n])
					return n, err
				}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			send, recv := tt.open(t)
			if err := send(msg); err != nil {
				t.Fatalf("send = %v", err)
			}
			got := make([]byte, 64)
			n, err := recv(got)
			if err != nil || !bytes.Equal(got[:n], msg) {
				t.Errorf("receive = %d, %v, %q; want %d, nil, %q", n, err, got[:n], len(msg), msg)
			}
		})
	}
}

func TestRawErrors(t *testing.T) {
	r, w := newPipe(t)
	Close(r)
	for _, tt := range []struct {
		call string
		err  error
		want unix.Errno
	}{
		{"write", func() error { _, err := RawWrite(w, []byte("x")); return err }(), unix.EPIPE},
		{"read", func() error { _, err := RawRead(-1, make([]byte, 1)); return err }(), unix.EBADF},
		{"mq_timedsend", RawMqSend(-1, nil), unix.EBADF},
		{"mq_timedreceive", func() error { _, err := RawMqReceive(-1, make([]byte, 8)); return err }(), unix.EBADF},
		{"msgsnd", RawMsgsnd(-1, NewMsgBuf(8), 8), unix.EINVAL},
		{"msgrcv", func() error { _, err := RawMsgrcv(-1, NewMsgBuf(8)); return err }(), unix.EINVAL},
	} {
		if want := tt.call + ": " + tt.want.Error(); tt.err == nil || tt.err.Error() != want || !errors.Is(tt.err, tt.want) {
			t.Errorf("raw %s = %v, want %q", tt.call, tt.err, want)
		}
	}
}

// UnshareFiles gives the locked thread a table of its own: a descriptor it
// closes stays open for the rest of the process.
func TestUnshareFiles(t *testing.T) {
	r, _ := newPipe(t)
	done := make(chan error)
	go func() {
		runtime.LockOSThread() // for good: the thread ends with the goroutine
		if err := UnshareFiles(); err != nil {
			done <- err
			return
		}
		if err := Close(r); err != nil {
			done <- err
			return
		}
		// Another goroutine, so another thread, still sees r.
		still := make(chan error)
		go func() {
			_, err := unix.FcntlInt(uintptr(r), unix.F_GETFD, 0)
			still <- err
		}()
		done <- <-still
	}()
	if err := <-done; err != nil {
		t.Errorf("after UnshareFiles and Close(%d) on one thread, the others: %v; want it open", r, err)
	}
}
