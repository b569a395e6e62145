//go:build linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// TestTrespass: the FIFO "pipelab recv -fifo" makes is mode 0600, in a
// directory anyone may enter: as nobody (uid 65534), send and recv on it
// are refused with one line, and root's recv, still waiting, then gets
// root's send.
func TestTrespass(t *testing.T) {
	labtest.NeedRoot(t, "creating as root and trespassing as uid 65534")
	bin := labtest.Build(t, "pipelab")
	dir, err := os.MkdirTemp("", "ipclab-fifo-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	os.Chmod(dir, 0o755) // only the FIFO's own mode keeps nobody out
	fifo := filepath.Join(dir, "lab.fifo")
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()
	bg := labtest.Command(ctx, bin, "recv", "-fifo", fifo, "-trace")
	// Unmarked: the leak checks of the runs below must not count it.
	bg.Env = os.Environ()
	var out, errb strings.Builder
	bg.Stdout, bg.Stderr = &out, &errb
	if err := bg.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, fifo)
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode() != os.ModeNamedPipe|0o600 {
		t.Errorf("%s: %v, mode %v; want a FIFO of mode 0600", fifo, err, fi.Mode())
	}
	for _, args := range [][]string{{"send", "-fifo", fifo}, {"recv", "-fifo", fifo}} {
		labtest.Refused(t, "pipelab", args, labtest.RunAsNobody(t, bin, "5\n", args...))
	}
	r := labtest.Run(t, bin, "", "send", "-fifo", fifo, labtest.Testdata(t, "pipe.txt"))
	if err := bg.Wait(); err != nil || r.Code != 0 {
		t.Fatalf("root's recv: %v, stderr %q; root's send: status %d, stderr %q", err, errb.String(), r.Code, r.Stderr)
	}
	if w := `[guard] mkfifo("` + fifo + `", 0600) = 0`; !strings.Contains(errb.String(), w) {
		t.Errorf("recv's trace has no %q:\n%s", w, errb.String())
	}
	if d := text.Diff(text.Lines(out.String()), sampleRecv); d != "" {
		t.Errorf("recv after the trespass: %s", d)
	}
	if _, err := os.Lstat(fifo); !os.IsNotExist(err) {
		t.Errorf("the FIFO is still there after the lab (%v)", err)
	}
}

// TestCreatesPrivately: the lab's own pipe has no name (TestTrespass sees
// the FIFO made with mode 0600; mkfifo never takes an existing path).
func TestCreatesPrivately(t *testing.T) {
	labtest.CreatesPrivately(t, labtest.Build(t, "pipelab"), "1 2\n", nil, "pipe2([")
}
