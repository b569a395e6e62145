package ipc

import (
	"errors"
	"os"
	"os/signal"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// newMq creates a queue with attr, closed and
// unlinked when the test ends.
func newMq(t *testing.T, attr MqAttr) (name string, mqd int) {
	t.Helper()
	name = uniqueName("mq")
	mqd, err := MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, &attr)
	skipENOSYS(t, err, "CONFIG_POSIX_MQUEUE")
	if err != nil {
		t.Fatalf("MqOpen(%q) = %v, want nil", name, err)
	}
	t.Cleanup(func() {
		Close(mqd)
		MqUnlink(name)
	})
	return name, mqd
}

func TestMqSendReceive(t *testing.T) {
	_, mqd := newMq(t, MqAttr{Maxmsg: 10, Msgsize: 8})
	sent := []struct {
		msg  string
		prio uint
	}{
		{"low", 0},
		{"high", 7},
		{"", 0}, // the labs' end marker
		{"mid", 3},
		{"high2", 7},
		{"12345678", 0},
	}
	for _, s := range sent {
		if err := MqTimedSend(mqd, []byte(s.msg), s.prio, nil); err != nil {
			t.Fatalf("MqTimedSend(%q, prio %d) = %v, want nil", s.msg, s.prio, err)
		}
	}
	if a, err := MqGetAttr(mqd); err != nil || int(a.Curmsgs) != len(sent) || a.Maxmsg != 10 || a.Msgsize != 8 {
		t.Errorf("MqGetAttr = %+v, %v; want curmsgs %d, maxmsg 10, msgsize 8", a, err, len(sent))
	}
	// Highest priority first, first in first out within a priority.
	for _, want := range []struct {
		msg  string
		prio uint
	}{
		{"high", 7}, {"high2", 7}, {"mid", 3}, {"low", 0}, {"", 0}, {"12345678", 0},
	} {
		buf := make([]byte, 8)
		n, prio, err := MqTimedReceive(mqd, buf, nil)
		if err != nil || string(buf[:n]) != want.msg || prio != want.prio {
			t.Errorf("MqTimedReceive = %q, prio %d, %v; want %q, prio %d, nil", buf[:n], prio, err, want.msg, want.prio)
		}
	}
}

func TestMqErrors(t *testing.T) {
	name, mqd := newMq(t, MqAttr{Maxmsg: 1, Msgsize: 8})
	if _, _, err := MqTimedReceive(mqd, make([]byte, 7), nil); !errors.Is(err, unix.EMSGSIZE) {
		t.Errorf("MqTimedReceive(7-byte buffer, msgsize 8) = %v, want %v", err, unix.EMSGSIZE)
	}
	if err := MqTimedSend(mqd, make([]byte, 9), 0, nil); !errors.Is(err, unix.EMSGSIZE) {
		t.Errorf("MqTimedSend(9 bytes, msgsize 8) = %v, want %v", err, unix.EMSGSIZE)
	}
	if _, _, err := MqTimedReceive(mqd, make([]byte, 8), Deadline(1e6)); !errors.Is(err, unix.ETIMEDOUT) {
		t.Errorf("MqTimedReceive(empty queue, 1ms deadline) = %v, want %v", err, unix.ETIMEDOUT)
	}
	if err := MqTimedSend(mqd, []byte("a"), 0, nil); err != nil {
		t.Fatalf("MqTimedSend = %v, want nil", err)
	}
	if err := MqTimedSend(mqd, []byte("b"), 0, Deadline(1e6)); !errors.Is(err, unix.ETIMEDOUT) {
		t.Errorf("MqTimedSend(full queue, 1ms deadline) = %v, want %v", err, unix.ETIMEDOUT)
	}
	if _, err := MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, nil); !errors.Is(err, unix.EEXIST) {
		t.Errorf("MqOpen(%q, O_CREAT|O_EXCL) again = %v, want %v", name, err, unix.EEXIST)
	}
	if err := MqTimedSend(-1, nil, 0, nil); !errors.Is(err, unix.EBADF) {
		t.Errorf("MqTimedSend(-1) = %v, want %v", err, unix.EBADF)
	}
}

func TestMqNonblock(t *testing.T) {
	_, mqd := newMq(t, MqAttr{Maxmsg: 1, Msgsize: 8})
	if err := MqSetNonblock(mqd, true); err != nil {
		t.Fatalf("MqSetNonblock(true) = %v, want nil", err)
	}
	if a, err := MqGetAttr(mqd); err != nil || a.Flags != unix.O_NONBLOCK {
		t.Errorf("MqGetAttr = %+v, %v; want flags O_NONBLOCK", a, err)
	}
	if _, _, err := MqTimedReceive(mqd, make([]byte, 8), nil); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("MqTimedReceive(empty non-blocking queue) = %v, want %v", err, unix.EAGAIN)
	}
	MqTimedSend(mqd, nil, 0, nil)
	if err := MqTimedSend(mqd, nil, 0, nil); !errors.Is(err, unix.EAGAIN) {
		t.Errorf("MqTimedSend(full non-blocking queue) = %v, want %v", err, unix.EAGAIN)
	}
	var old MqAttr
	if err := MqGetSetAttr(mqd, &MqAttr{}, &old); err != nil || old.Flags != unix.O_NONBLOCK || old.Curmsgs != 1 {
		t.Errorf("MqGetSetAttr(flags 0) = old %+v, %v; want flags O_NONBLOCK, curmsgs 1", old, err)
	}
	if a, err := MqGetAttr(mqd); err != nil || a.Flags != 0 {
		t.Errorf("MqGetAttr after clearing O_NONBLOCK = %+v, %v; want flags 0", a, err)
	}
}

func TestMqUnlink(t *testing.T) {
	name := uniqueName("mq")
	mqd, err := MqOpen(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL, 0o600, nil)
	skipENOSYS(t, err, "CONFIG_POSIX_MQUEUE")
	if err != nil {
		t.Fatalf("MqOpen(%q) = %v, want nil", name, err)
	}
	defer Close(mqd)
	if err := MqUnlink(name); err != nil {
		t.Fatalf("MqUnlink(%q) = %v, want nil", name, err)
	}
	if _, err := MqOpen(name, unix.O_RDONLY, 0, nil); !errors.Is(err, unix.ENOENT) {
		t.Errorf("MqOpen(%q) after unlink = %v, want %v", name, err, unix.ENOENT)
	}
	if err := MqUnlink(name); !errors.Is(err, unix.ENOENT) {
		t.Errorf("MqUnlink(%q) again = %v, want %v", name, err, unix.ENOENT)
	}
	// The descriptor outlives the name.
	if err := MqTimedSend(mqd, []byte("x"), 0, nil); err != nil {
		t.Errorf("MqTimedSend after unlink = %v, want nil", err)
	}
}

func TestMqLongestName(t *testing.T) {
	name := "/" + strings.Repeat("x", 255)
	mqd, err := MqOpen(name, unix.O_RDWR|unix.O_CREAT, 0o600, nil)
	skipENOSYS(t, err, "CONFIG_POSIX_MQUEUE")
	if err != nil {
		t.Fatalf("MqOpen(255-byte name) = %v, want nil", err)
	}
	Close(mqd)
	if err := MqUnlink(name); err != nil {
		t.Errorf("MqUnlink(255-byte name) = %v, want nil", err)
	}
}

func TestInvalidNames(t *testing.T) {
	for _, name := range []string{
		"",
		"/",
		"noslash",
		"/a/b",
		"/trailing/",
		"/nul\x00",
		"/" + strings.Repeat("x", 256),
	} {
		if _, err := MqOpen(name, unix.O_RDWR|unix.O_CREAT, 0o600, nil); !errors.Is(err, unix.EINVAL) || !strings.HasPrefix(err.Error(), "ipc: mq_open: ") {
			t.Errorf("MqOpen(%q) = %v, want an \"ipc: mq_open: \" error wrapping %v", name, err, unix.EINVAL)
		}
		if err := MqUnlink(name); !errors.Is(err, unix.EINVAL) {
			t.Errorf("MqUnlink(%q) = %v, want %v", name, err, unix.EINVAL)
		}
		if _, err := ShmOpen(name, unix.O_RDWR|unix.O_CREAT, 0o600); !errors.Is(err, unix.EINVAL) {
			t.Errorf("ShmOpen(%q) = %v, want %v", name, err, unix.EINVAL)
		}
		if err := ShmUnlink(name); !errors.Is(err, unix.EINVAL) {
			t.Errorf("ShmUnlink(%q) = %v, want %v", name, err, unix.EINVAL)
		}
	}
}

func TestMqNotify(t *testing.T) {
	_, mqd := newMq(t, MqAttr{Maxmsg: 1, Msgsize: 8})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, unix.SIGUSR1)
	defer signal.Stop(sig)
	sev := &SigEvent{Notify: SigevSignal, Signo: int32(unix.SIGUSR1)}
	err := MqNotify(mqd, sev)
	skipENOSYS(t, err, "mq_notify (CONFIG_POSIX_MQUEUE; qemu-user lacks it)")
	if err != nil {
		t.Fatalf("MqNotify(SIGUSR1) = %v, want nil", err)
	}
	if err := MqNotify(mqd, sev); !errors.Is(err, unix.EBUSY) {
		t.Errorf("MqNotify(SIGUSR1) again = %v, want %v", err, unix.EBUSY)
	}
	if err := MqTimedSend(mqd, []byte("wake"), 0, nil); err != nil {
		t.Fatalf("MqTimedSend = %v, want nil", err)
	}
	select {
	case s := <-sig:
		if s != unix.SIGUSR1 {
			t.Errorf("signal %v, want %v", s, unix.SIGUSR1)
		}
	case <-time.After(time.Minute): // a hang guard, not a timing assertion
		t.Fatal("no SIGUSR1 after a message arrived on the empty queue")
	}
	// The notification was used up: registering again works, nil cancels.
	if err := MqNotify(mqd, sev); err != nil {
		t.Errorf("MqNotify(SIGUSR1) after the notification = %v, want nil", err)
	}
	if err := MqNotify(mqd, nil); err != nil {
		t.Errorf("MqNotify(nil) = %v, want nil", err)
	}
}
