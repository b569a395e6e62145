package ipc

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"unsafe"

	"golang.org/x/sys/unix"
)

// traceTo turns tracing on into a buffer until the test ends.
func traceTo(t *testing.T, role string) *bytes.Buffer {
	var buf bytes.Buffer
	SetTrace(&buf, role)
	t.Cleanup(func() { SetTrace(nil, "") })
	return &buf
}

func TestTrace(t *testing.T) {
	out := traceTo(t, "parent")
	r, w, err := Pipe2(unix.O_CLOEXEC)
	if err != nil {
		t.Fatalf("Pipe2 = %v, want nil", err)
	}
	fd := func(fd int) string { return strconv.Itoa(fd) }
	SetTrace(out, "p1")
	Write(w, []byte("12345678"))
	SetTrace(out, "p2")
	Read(r, make([]byte, 16))
	SetTrace(out, "")
	Close(r)
	Close(r)
	Close(w)

	want := "[parent] pipe2([" + fd(r) + ", " + fd(w) + "], O_CLOEXEC) = 0\n" +
		"[p1] write(" + fd(w) + ", 8 bytes) = 8\n" +
		"[p2] read(" + fd(r) + ", 16 bytes) = 8\n" +
		"close(" + fd(r) + ") = 0\n" +
		"close(" + fd(r) + ") = -1 EBADF (Bad file descriptor)\n" +
		"close(" + fd(w) + ") = 0\n"
	if got := untimed(out.String()); got != want {
		t.Errorf("trace =\n%s\nwant\n%s", out, want)
	}

	SetTrace(nil, "")
	out.Reset()
	Close(r)
	if out.Len() != 0 {
		t.Errorf("trace after SetTrace(nil) = %q, want nothing", out)
	}
}

func TestTraceIPC(t *testing.T) {
	out := traceTo(t, "parent")
	name := uniqueName("mq")
	mqd, err := MqOpen(name, unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, &MqAttr{Maxmsg: 10, Msgsize: 8})
	skipENOSYS(t, err, "CONFIG_POSIX_MQUEUE")
	if err != nil {
		t.Fatalf("MqOpen(%q) = %v, want nil", name, err)
	}
	defer MqUnlink(name)
	defer Close(mqd)
	MqSetNonblock(mqd, true)
	MqTimedReceive(mqd, make([]byte, 8), nil)
	MqTimedSend(mqd, []byte("x"), 5, nil)
	MqTimedReceive(mqd, make([]byte, 8), nil)
	id, err := Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	skipENOSYS(t, err, "CONFIG_SYSVIPC")
	if err != nil {
		t.Fatalf("Msgget = %v, want nil", err)
	}
	defer MsgRemove(id)
	var word uint32
	FutexWake(&word, 1)

	q := strconv.Itoa(mqd)
	lines := strings.SplitAfter(untimed(out.String()), "\n")
	for i, want := range []string{
		"[parent] mq_open(\"" + name + "\", O_RDWR|O_CREAT|O_EXCL, 0600, {maxmsg=10, msgsize=8}) = " + q + "\n",
		"[parent] mq_getsetattr(" + q + ", {flags=O_NONBLOCK}, NULL) = 0\n",
		"[parent] mq_timedreceive(" + q + ", 8 bytes) = -1 EAGAIN (Resource temporarily unavailable)\n",
		"[parent] mq_timedsend(" + q + ", 1 bytes, prio=5) = 0\n",
		"[parent] mq_timedreceive(" + q + ", 8 bytes, prio=5) = 1\n",
		"[parent] msgget(IPC_PRIVATE, IPC_CREAT|IPC_EXCL|0600) = " + strconv.Itoa(id) + "\n",
		"[parent] futex(0x" + strconv.FormatUint(uint64(uintptr(unsafe.Pointer(&word))), 16) + ", FUTEX_WAKE, 1) = 0\n",
	} {
		if i >= len(lines) || lines[i] != want {
			t.Errorf("trace line %d = %q, want %q", i, at(lines, i), want)
		}
	}
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return ""
}

// TestTraceAllocs checks that a wrapper allocates nothing, with tracing off
// and on (the line buffer is reused).
func TestTraceAllocs(t *testing.T) {
	r, w := newPipe(t)
	p := make([]byte, 8)
	roundTrip := func() {
		Write(w, p)
		Read(r, p)
	}
	for _, tt := range []struct {
		name string
		w    io.Writer
	}{
		{"off", nil},
		{"on", io.Discard},
	} {
		SetTrace(tt.w, "role")
		if n := testing.AllocsPerRun(100, roundTrip); n != 0 {
			t.Errorf("Write+Read with tracing %s: %v allocations, want 0", tt.name, n)
		}
	}
	SetTrace(nil, "")
}
