//go:build linux

package ipclab_test

// pipelab send and recv on a standard input or output set non-blocking on
// purpose, as Node.js hands them over (to a native program it starts, and
// to a WASI program under node:wasi): natively, and pipelab.wasm under
// wazero. Each test makes sure the lab met EAGAIN before it gives it data
// or room, so the wait is what is tested.

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"golang.org/x/sys/unix"

	"ipclab/internal/labtest"
	"ipclab/internal/record"
	"ipclab/internal/text"
)

// nonblocking makes f's descriptor non-blocking behind the os package's
// back: Fd puts it in blocking mode and takes it off Go's poller, so reads
// and writes through f (wazero's, for a guest) are plain system calls that
// fail with EAGAIN.
func nonblocking(t *testing.T, f *os.File) {
	t.Helper()
	if err := unix.SetNonblock(int(f.Fd()), true); err != nil {
		t.Fatal(err)
	}
}

// nonblockingPipe returns a pipe whose read end (or with write its write
// end) is non-blocking for the process it is handed to: os/exec takes the
// descriptor with Fd, which puts a pipe from os.Pipe back in blocking mode,
// but not one the os package found non-blocking.
func nonblockingPipe(t *testing.T, write bool) (r, w *os.File) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC); err != nil {
		t.Fatal(err)
	}
	end := p[0]
	if write {
		end = p[1]
	}
	if err := unix.SetNonblock(end, true); err != nil {
		t.Fatal(err)
	}
	r, w = os.NewFile(uintptr(p[0]), "|0"), os.NewFile(uintptr(p[1]), "|1")
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// records encodes values as the lab's records.
func records(values ...int64) []byte {
	var b []byte
	for _, v := range values {
		var r [record.Size]byte
		record.Put(r[:], v)
		b = append(b, r[:]...)
	}
	return b
}

// inPpoll reports whether a thread of process pid is in ppoll(2) now.
func inPpoll(pid int) bool {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/syscall")
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		if nr, _, _ := strings.Cut(string(b), " "); nr == strconv.Itoa(unix.SYS_PPOLL) {
			return true
		}
	}
	return false
}

// unread returns how many bytes wait in the pipe of which f is an end.
func unread(f *os.File) int {
	n, _ := unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ) // FIONREAD
	return n
}

// syncBuffer is a bytes.Buffer that a command writes while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestNonblockingNative runs the native pipelab send and recv on a
// non-blocking standard input or output that is empty or full when they
// come to it: they wait in ppoll and go on, as they would on a blocking one.
func TestNonblockingNative(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()

	t.Run("recv, stdin empty", func(t *testing.T) {
		r, w := nonblockingPipe(t, false)
		cmd := labtest.Command(ctx, bin, "recv", "-trace")
		var out bytes.Buffer
		var errb syncBuffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = r, &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		labtest.WaitUntil(t, "recv's read(0) = EAGAIN", func() bool { return strings.Contains(errb.String(), "EAGAIN") })
		w.Write(records(12, 34, 0))
		w.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("pipelab recv: %v, stderr %q", err, errb.String())
		}
		checkEnd(t, "recv", 0, out.String(), []string{"Messages Received: 12", "Messages Received: 34"})
		// The ppoll between the first two reads is not traced (see ipc.rw).
		want := []string{
			"[recv] read(0, [], 8) = -1 EAGAIN (Resource temporarily unavailable)",
			"[recv] read(0, [12], 8) = 8",
			"[recv] read(0, [34], 8) = 8",
			"[recv] read(0, [0], 8) = 8",
		}
		if d := text.Diff(labtest.Untimed(errb.String()), want); d != "" {
			t.Errorf("recv -trace: %s", d)
		}
	})

	t.Run("send, stdout full", func(t *testing.T) {
		r, w := nonblockingPipe(t, true)
		if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, 4096); err != nil {
			t.Fatal(err)
		}
		data, vals := labtest.Numbers(2000) // 16,008 bytes of records: four pipes full
		cmd := labtest.Command(ctx, bin, "send", "-trace")
		var errb syncBuffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(data), w, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close()
		labtest.WaitUntil(t, "send's write(1) = EAGAIN", func() bool {
			return strings.Contains(errb.String(), "], 8) = -1 EAGAIN")
		})
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("pipelab send: %v", err)
		}
		if want := records(append(vals, 0)...); !bytes.Equal(got, want) {
			t.Errorf("send wrote %d bytes, want the %d of the 2000 items and the marker", len(got), len(want))
		}
		if d := text.Diff(labtest.WithPrefix(text.Lines(errb.String()), "Messages Sent: "), labtest.Itoa(vals, 1, "Messages Sent: ")); d != "" {
			t.Errorf("send's lines: %s", d)
		}
	})

	t.Run("send, data on stdin, stdin empty", func(t *testing.T) {
		r, w := nonblockingPipe(t, false)
		cmd := labtest.Command(ctx, bin, "send")
		var out, errb bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = r, &out, &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		labtest.WaitUntil(t, "send waiting in ppoll for its data", func() bool { return inPpoll(cmd.Process.Pid) })
		io.WriteString(w, "12 34\n")
		w.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("pipelab send: %v, stderr %q", err, errb.String())
		}
		if got, want := out.Bytes(), records(12, 34, 0); !bytes.Equal(got, want) {
			t.Errorf("send wrote % x, want % x", got, want)
		}
		checkEnd(t, "send, its stderr", 0, errb.String(), []string{"Messages Sent: 12", "Messages Sent: 34"})
	})
}

// againReader fails with EAGAIN the first n times it is read, as a
// non-blocking pipe that is empty, then reads r; calls counts the reads.
type againReader struct {
	r        io.Reader
	n, calls int
}

func (a *againReader) Read(p []byte) (int, error) {
	a.calls++
	if a.calls <= a.n {
		return 0, syscall.EAGAIN
	}
	return a.r.Read(p)
}

// TestNonblockingWASI runs pipelab.wasm under wazero on a standard input
// that fails with EAGAIN: the guest waits with poll_oneoff and reads again.
func TestNonblockingWASI(t *testing.T) {
	mod := compile(t, "pipelab")
	recvArgs := []string{"pipelab", "recv"}
	received := []string{"Messages Received: 12", "Messages Received: 34"}

	t.Run("recv, stdin a non-blocking pipe", func(t *testing.T) {
		r, w := pipe(t)
		nonblocking(t, r)
		var out, errb bytes.Buffer
		recv := start(t, mod, wasi{args: recvArgs, stdin: r, stdout: &out, stderr: &errb, closeAfter: []io.Closer{r}})
		// wazero's poll_oneoff waits on the standard input in ppoll; no
		// other thread of this test process calls ppoll.
		labtest.WaitUntil(t, "pipelab.wasm recv waiting in poll_oneoff", func() bool { return inPpoll(os.Getpid()) })
		w.Write(records(12, 34, 0))
		w.Close()
		checkEnd(t, "pipelab.wasm recv", recv(), out.String(), received)
		if errb.Len() > 0 {
			t.Errorf("pipelab.wasm recv: stderr %q", errb.String())
		}
	})

	t.Run("recv, stdin failing with EAGAIN", func(t *testing.T) {
		in := &againReader{r: bytes.NewReader(records(12, 34, 0)), n: 3}
		var out, errb bytes.Buffer
		code := start(t, mod, wasi{args: recvArgs, stdin: in, stdout: &out, stderr: &errb})()
		checkEnd(t, "pipelab.wasm recv", code, out.String(), received)
		if errb.Len() > 0 {
			t.Errorf("pipelab.wasm recv: stderr %q", errb.String())
		}
		if in.calls < 4 {
			t.Errorf("pipelab.wasm recv read its input %d times, want 3 EAGAINs and then the records", in.calls)
		}
	})

	t.Run("send, data on stdin failing with EAGAIN", func(t *testing.T) {
		in := &againReader{r: strings.NewReader("12 34\n"), n: 3}
		var out, errb bytes.Buffer
		code := start(t, mod, wasi{args: []string{"pipelab", "send"}, stdin: in, stdout: &out, stderr: &errb})()
		checkEnd(t, "pipelab.wasm send, its stderr", code, errb.String(), []string{"Messages Sent: 12", "Messages Sent: 34"})
		if got, want := out.Bytes(), records(12, 34, 0); !bytes.Equal(got, want) {
			t.Errorf("pipelab.wasm send wrote % x, want % x", got, want)
		}
	})

	t.Run("send, stdout a full non-blocking pipe", func(t *testing.T) {
		r, w := pipe(t)
		nonblocking(t, w)
		if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, 4096); err != nil {
			t.Fatal(err)
		}
		data, vals := labtest.Numbers(2000)
		var errb bytes.Buffer
		send := start(t, mod, wasi{args: []string{"pipelab", "send"}, stdin: strings.NewReader(data), stdout: w, stderr: &errb, closeAfter: []io.Closer{w}})
		// A full pipe: the sender, with 12 KiB more to write, meets EAGAIN.
		labtest.WaitUntil(t, "the pipe full", func() bool { return unread(r) == 4096 })
		got, err := io.ReadAll(r)
		if err != nil && !errors.Is(err, os.ErrClosed) {
			t.Fatal(err)
		}
		code := send()
		if want := records(append(vals, 0)...); !bytes.Equal(got, want) {
			t.Errorf("pipelab.wasm send wrote %d bytes, want the %d of the 2000 items and the marker", len(got), len(want))
		}
		checkEnd(t, "pipelab.wasm send, its stderr", code, errb.String(), labtest.Itoa(vals, 1, "Messages Sent: "))
	})
}

// TestWASIPollOneoff runs pipelab.wasm recv, its standard input failing
// with EAGAIN, in wazero with a poll_oneoff of the test's own in place of
// wazero's: one that cannot wait on a descriptor (ENOSYS, as wasmer-js
// 0.12 answers) but sleeps, under which the lab tries again and gets
// there; and ones that can do neither, under which it says so in one line.
func TestWASIPollOneoff(t *testing.T) {
	ctx := context.Background()
	wasm, err := os.ReadFile(labtest.BuildWASM(t, "pipelab"))
	if err != nil {
		t.Fatal(err)
	}
	const (
		enosys = 52 // WASI's errno numbers
		einval = 28
	)
	for _, c := range []struct {
		name             string
		result, clockErr uint16 // poll_oneoff's result, the clock event's error
		code             int
		stdout, stderr   string
	}{
		{"no fd events, a clock", 0, 0, 0, "Messages Received: 12\nMessages Received: 34\n", ""},
		{"no fd events, no clock", 0, einval, 1, "",
			"pipelab: standard input is non-blocking and has no data yet (EAGAIN), and this WASI runtime cannot wait for it: its poll_oneoff answers an fd_read subscription with ENOSYS, and a clock subscription with an error (try wazero or Node.js)\n"},
		{"no poll_oneoff", enosys, 0, 1, "",
			"pipelab: standard input is non-blocking and has no data yet (EAGAIN), and this WASI runtime cannot wait for it: its poll_oneoff fails on an fd_read and a clock subscription with ENOSYS (try wazero or Node.js)\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rt := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
			defer rt.Close(ctx)
			b := rt.NewHostModuleBuilder(wasi_snapshot_preview1.ModuleName)
			wasi_snapshot_preview1.NewFunctionExporter().ExportFunctions(b)
			// Each subscription (48 bytes) gets its event (32 bytes): fd
			// events ENOSYS, the clock c.clockErr.
			b.NewFunctionBuilder().WithFunc(func(_ context.Context, m api.Module, in, out, nsubs, nevents uint32) uint32 {
				if c.result != 0 {
					return uint32(c.result)
				}
				mem := m.Memory()
				for i := uint32(0); i < nsubs; i++ {
					sub, _ := mem.Read(in+48*i, 48)
					ev, _ := mem.Read(out+32*i, 32)
					clear(ev)
					copy(ev, sub[:8]) // userdata
					errno := uint16(enosys)
					if sub[8] == 0 { // the clock
						errno = c.clockErr
					}
					ev[8], ev[9], ev[10] = byte(errno), byte(errno>>8), sub[8]
				}
				mem.WriteUint32Le(nevents, nsubs)
				return 0
			}).Export("poll_oneoff")
			if _, err := b.Instantiate(ctx); err != nil {
				t.Fatal(err)
			}
			mod, err := rt.CompileModule(ctx, wasm)
			if err != nil {
				t.Fatal(err)
			}
			in := &againReader{r: bytes.NewReader(records(12, 34, 0)), n: 3}
			var out, errb bytes.Buffer
			code := start(t, mod, wasi{args: []string{"pipelab", "recv"}, stdin: in, stdout: &out, stderr: &errb, runtime: rt})()
			if code != c.code || out.String() != c.stdout || errb.String() != c.stderr {
				t.Errorf("recv: status %d, stdout %q, stderr %q; want %d, %q, %q", code, out.String(), errb.String(), c.code, c.stdout, c.stderr)
			}
		})
	}
}
