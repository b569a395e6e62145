//go:build linux

package campaign

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"ipclab/internal/labtest"
)

// A run is a lab started with its standard output and error on pipes the
// test reads, so that waiting for the lab waits for its process only.
type run struct {
	cmd      *exec.Cmd
	pid      int
	out, err *os.File // the read ends
}

func start(t testing.TB, bin string, args ...string) *run {
	t.Helper()
	cmd := labtest.Command(t.Context(), bin, args...)
	or, ow, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	er, ew, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = ow, ew
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ow.Close()
	ew.Close()
	return &run{cmd: cmd, pid: cmd.Process.Pid, out: or, err: er}
}

// collect reads r to its end in the background; the channel gives it.
func collect(r io.ReadCloser) <-chan []byte {
	c := make(chan []byte, 1)
	go func() {
		var b bytes.Buffer
		b.ReadFrom(r)
		r.Close()
		c <- b.Bytes()
	}()
	return c
}

// wait waits for the lab's parent and returns its status.
func (r *run) wait() syscall.WaitStatus {
	r.cmd.Wait()
	return r.cmd.ProcessState.Sys().(syscall.WaitStatus)
}

// reap waits for pid, an orphan the test process adopted as subreaper;
// ok is false if it is not the test's to wait for (its parent reaped it).
func reap(pid int) (ws syscall.WaitStatus, ok bool) {
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		return ws, err == nil
	}
}
