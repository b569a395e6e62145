//go:build linux

package ipclab_test

// The WASI build (GOOS=wasip1 GOARCH=wasm), run in wazero as a library:
// two pipelab.wasm joined by an OS pipe, a native pipelab at either end,
// and the modes WASI preview 1 cannot run.

import (
	"bytes"
	"context"
	"crypto/rand"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"
	"github.com/tetratelabs/wazero/sys"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

var (
	wasmMu   sync.Mutex
	wasmRT   wazero.Runtime
	compiled = map[string]wazero.CompiledModule{}
)

// compile builds ./cmd/name as name.wasm and compiles it once per test
// binary, in one wazero runtime shared by the tests.
func compile(t *testing.T, name string) wazero.CompiledModule {
	t.Helper()
	file := labtest.BuildWASM(t, name)
	wasmMu.Lock()
	defer wasmMu.Unlock()
	if m, ok := compiled[name]; ok {
		return m
	}
	ctx := context.Background()
	if wasmRT == nil {
		// Closing on a done context stops a guest that hangs in a loop;
		// one blocked reading a pipe is freed by closing the pipe.
		wasmRT = wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithCloseOnContextDone(true))
		wasi_snapshot_preview1.MustInstantiate(ctx, wasmRT)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := wasmRT.CompileModule(ctx, b)
	if err != nil {
		t.Fatalf("compile %s: %v", file, err)
	}
	compiled[name] = m
	return m
}

// wasi is one run of a WASI module: its arguments and standard files
// (*os.File ends of a pipe, or buffers), and the host files to close when
// it ends, as a process's descriptors close when it exits.
type wasi struct {
	args           []string
	stdin          io.Reader
	stdout, stderr io.Writer
	closeAfter     []io.Closer
	runtime        wazero.Runtime // the one mod was compiled in; nil: the shared one
}

// start instantiates mod, which runs its main, in a goroutine; wait
// returns its exit status. The sample data are mounted read-only at /data.
func start(t *testing.T, mod wazero.CompiledModule, w wasi) (wait func() int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	// Past the deadline, free a guest blocked on a pipe.
	stop := context.AfterFunc(ctx, func() {
		for _, c := range w.closeAfter {
			c.Close()
		}
	})
	cfg := wazero.NewModuleConfig().
		WithName(""). // anonymous: several instances of one module at a time
		WithArgs(w.args...).
		WithStdin(w.stdin).
		WithStdout(w.stdout).
		WithStderr(w.stderr).
		WithFSConfig(wazero.NewFSConfig().WithReadOnlyDirMount(filepath.Dir(labtest.Testdata(t, "pipe.txt")), "/data")).
		WithSysWalltime().WithSysNanotime().WithSysNanosleep().
		WithRandSource(rand.Reader)
	done := make(chan int, 1)
	go func() {
		rt := w.runtime
		if rt == nil {
			rt = wasmRT
		}
		_, err := rt.InstantiateModule(ctx, mod, cfg)
		timedOut := !stop()
		cancel()
		for _, c := range w.closeAfter {
			c.Close()
		}
		code := 0
		if ee, ok := err.(*sys.ExitError); ok {
			code = int(ee.ExitCode())
		} else if err != nil {
			code = -1
			t.Errorf("%q: %v", w.args, err)
		}
		if timedOut {
			t.Errorf("%q: no end within %v", w.args, labtest.Deadline)
		}
		done <- code
	}()
	return func() int { return <-done }
}

// pipe returns the two ends of an OS pipe.
func pipe(t *testing.T) (r, w *os.File) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return r, w
}

// sample is what pipelab's two sides print for testdata/pipe.txt.
var sample = struct{ sent, received []string }{
	[]string{"Messages Sent: 12", "Messages Sent: 34", "Messages Sent: 423", "Messages Sent: 2", "Messages Sent: 0"},
	[]string{"Messages Received: 12", "Messages Received: 34", "Messages Received: 423", "Messages Received: 2"},
}

// checkEnd checks how one end of the pipe ended and what it printed.
func checkEnd(t *testing.T, what string, code int, got string, want []string) {
	t.Helper()
	if code != 0 {
		t.Errorf("%s: exit status %d, output %.300q", what, code, got)
	}
	if d := text.Diff(text.Lines(got), want); d != "" {
		t.Errorf("%s: %s", what, d)
	}
}

// TestWASIPipe runs the pipe lab as two pipelab.wasm, send and recv,
// joined by an OS pipe: on the sample (a FILE in the mounted directory) and
// on 100,000 items (on the sender's standard input).
func TestWASIPipe(t *testing.T) {
	mod := compile(t, "pipelab")
	many, vals := labtest.Numbers(100000)
	for _, c := range []struct {
		name           string
		args           []string
		stdin          string
		sent, received []string
	}{
		{"sample", []string{"pipelab", "send", "/data/pipe.txt"}, "", sample.sent, sample.received},
		{"100000 items", []string{"pipelab", "send"}, many,
			labtest.Itoa(vals, 1, "Messages Sent: "), labtest.Itoa(vals, 1, "Messages Received: ")},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, w := pipe(t)
			var sendErr, recvOut, recvErr bytes.Buffer
			send := start(t, mod, wasi{args: c.args, stdin: strings.NewReader(c.stdin), stdout: w, stderr: &sendErr, closeAfter: []io.Closer{w}})
			recv := start(t, mod, wasi{args: []string{"pipelab", "recv"}, stdin: r, stdout: &recvOut, stderr: &recvErr, closeAfter: []io.Closer{r}})
			sendCode, recvCode := send(), recv()
			checkEnd(t, "pipelab.wasm send, its stderr", sendCode, sendErr.String(), c.sent)
			checkEnd(t, "pipelab.wasm recv", recvCode, recvOut.String(), c.received)
			if recvErr.Len() > 0 {
				t.Errorf("pipelab.wasm recv: stderr %q", recvErr.String())
			}
		})
	}
}

// TestWASINative joins a native pipelab (the Linux binary) and
// pipelab.wasm: one wire format, either way round.
func TestWASINative(t *testing.T) {
	mod := compile(t, "pipelab")
	bin := labtest.Build(t, "pipelab")
	data := labtest.Testdata(t, "pipe.txt")
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()

	t.Run("native send | wasm recv", func(t *testing.T) {
		r, w := pipe(t)
		cmd := labtest.Command(ctx, bin, "send", data)
		var sendErr, recvOut, recvErr bytes.Buffer
		cmd.Stdout, cmd.Stderr = w, &sendErr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Close() // the sender has its own copy
		recv := start(t, mod, wasi{args: []string{"pipelab", "recv"}, stdin: r, stdout: &recvOut, stderr: &recvErr, closeAfter: []io.Closer{r}})
		recvCode := recv()
		err := cmd.Wait()
		if err != nil {
			t.Errorf("native pipelab send: %v", err)
		}
		checkEnd(t, "native send, its stderr", 0, sendErr.String(), sample.sent)
		checkEnd(t, "pipelab.wasm recv", recvCode, recvOut.String(), sample.received)
		if recvErr.Len() > 0 {
			t.Errorf("pipelab.wasm recv: stderr %q", recvErr.String())
		}
	})

	t.Run("wasm send | native recv", func(t *testing.T) {
		r, w := pipe(t)
		cmd := labtest.Command(ctx, bin, "recv")
		var sendErr, recvOut, recvErr bytes.Buffer
		cmd.Stdin, cmd.Stdout, cmd.Stderr = r, &recvOut, &recvErr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		send := start(t, mod, wasi{args: []string{"pipelab", "send", "/data/pipe.txt"}, stdout: w, stderr: &sendErr, closeAfter: []io.Closer{w}})
		sendCode := send()
		if err := cmd.Wait(); err != nil {
			t.Errorf("native pipelab recv: %v, stderr %q", err, recvErr.String())
		}
		checkEnd(t, "pipelab.wasm send, its stderr", sendCode, sendErr.String(), sample.sent)
		checkEnd(t, "native recv", 0, recvOut.String(), sample.received)
	})
}

// TestWASIBrokenPipe: each side of pipelab.wasm notices the other going
// away early, as the native one does.
func TestWASIBrokenPipe(t *testing.T) {
	mod := compile(t, "pipelab")

	t.Run("recv without the end marker", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := start(t, mod, wasi{args: []string{"pipelab", "recv"}, stdin: strings.NewReader("\x05\x00\x00\x00\x00\x00\x00\x00"), stdout: &out, stderr: &errb})()
		if want := "pipelab: the pipe closed before the end marker 0\n"; code != 1 || errb.String() != want || out.String() != "Messages Received: 5\n" {
			t.Errorf("recv of one record without the marker: status %d, stdout %q, stderr %q; want 1, %q", code, out.String(), errb.String(), want)
		}
	})

	t.Run("send to a closed pipe", func(t *testing.T) {
		r, w := pipe(t)
		r.Close()
		var errb bytes.Buffer
		code := start(t, mod, wasi{args: []string{"pipelab", "send", "/data/pipe.txt"}, stdout: w, stderr: &errb, closeAfter: []io.Closer{w}})()
		// The lab's line needs EPIPE from the runtime; wazero 1.12 has no
		// EPIPE among its errnos and passes the host's on as EIO, which
		// the lab explains.
		lab := "pipelab: the reader closed the pipe before the end marker 0\n"
		wazeroEIO := "pipelab: write: I/O error (if the reader closed the pipe: a WASI runtime without EPIPE, such as wazero 1.12, says EIO instead)\n"
		if got := errb.String(); code != 1 || (got != lab && got != wazeroEIO) {
			t.Errorf("send into a pipe without reader: status %d, stderr %q; want 1, %q (or %q)", code, got, lab, wazeroEIO)
		}
	})
}

// TestWASIUnsupported: what WASI preview 1 cannot run ends at once with
// one line and exit status 2; bad data end as in the native build.
func TestWASIUnsupported(t *testing.T) {
	const native = " (try the native or container build)\n"
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"pipelab", []string{"pipelab", "/data/pipe.txt"}, "", 2,
			"pipelab: the lab's p1 and p2 need a Linux kernel; WASI preview 1 cannot start processes (join two ends with a pipe instead: pipelab send FILE | pipelab recv)\n"},
		{"pipelab", []string{"pipelab", "-i"}, "1\n5\n", 2,
			"pipelab: the lab's p1 and p2 need a Linux kernel; WASI preview 1 cannot start processes (join two ends with a pipe instead: pipelab send FILE | pipelab recv)\n"},
		{"pipelab", []string{"pipelab", "send", "-fifo", "/tmp/lab.fifo", "/data/pipe.txt"}, "", 2,
			"pipelab: -fifo needs a Linux kernel; WASI preview 1 has no named pipes (join send and recv with a pipe instead: pipelab send FILE | pipelab recv)\n"},
		{"pipelab", []string{"pipelab", "recv", "-fifo", "/tmp/lab.fifo"}, "", 2,
			"pipelab: -fifo needs a Linux kernel; WASI preview 1 has no named pipes (join send and recv with a pipe instead: pipelab send FILE | pipelab recv)\n"},
		{"pipelab", []string{"pipelab", "recv", "-trace"}, "", 2,
			"pipelab: -trace shows Linux system calls; WASI preview 1 has none" + native},
		{"pipelab", []string{"pipelab", "send", "-x"}, "", 2, "pipelab: unknown option -x (see pipelab send -h)\n"},
		{"pipelab", []string{"pipelab", "send"}, "1 two 3", 1, "pipelab: stdin:1: \"two\" is not an integer\n"},
		{"pipelab", []string{"pipelab", "send", "/data/queue.txt", "/data/shm.txt"}, "", 2,
			"pipelab: too many arguments: expected at most one FILE\n"},
		{"mqlab", []string{"mqlab", "/data/queue.txt"}, "", 2,
			"mqlab: message queues need a Linux kernel; WASI preview 1 has none" + native},
		{"mqlab", []string{"mqlab", "-sysv"}, "", 2,
			"mqlab: message queues need a Linux kernel; WASI preview 1 has none" + native},
		{"shmlab", []string{"shmlab", "-memfd", "/data/shm.txt"}, "", 2,
			"shmlab: shared memory between processes needs a Linux kernel; WASI preview 1 has none" + native},
		{"ipclab", []string{"ipclab"}, "", 2,
			"ipclab: running the labs needs a Linux kernel; WASI preview 1 cannot start processes" + native},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := start(t, compile(t, c.name), wasi{args: c.args, stdin: strings.NewReader(c.stdin), stdout: &out, stderr: &errb})()
			if code != c.code || errb.String() != c.want || out.Len() > 0 {
				t.Errorf("%s.wasm %q: status %d, stdout %q, stderr %q; want %d, nothing, %q",
					c.name, c.args[1:], code, out.String(), errb.String(), c.code, c.want)
			}
		})
	}
}
