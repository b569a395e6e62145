//go:build linux

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

var (
	sampleSent = []string{"Messages Sent: 12", "Messages Sent: 34", "Messages Sent: 423", "Messages Sent: 2", "Messages Sent: 0"}
	sampleRecv = []string{"Messages Received: 12", "Messages Received: 34", "Messages Received: 423", "Messages Received: 2"}
)

// TestShellPipe runs the lab through the shell's pipe:
// pipelab send FILE | pipelab recv.
func TestShellPipe(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	cmd := exec.Command("/bin/sh", "-c", `"$0" send "$1" | "$0" recv`, bin, labtest.Testdata(t, "pipe.txt"))
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("send | recv: %v, stderr %q", err, errb.String())
	}
	if d := text.Diff(text.Lines(out.String()), sampleRecv); d != "" {
		t.Errorf("recv's output: %s", d)
	}
	if d := text.Diff(text.Lines(errb.String()), sampleSent); d != "" {
		t.Errorf("send's messages on stderr: %s", d)
	}
}

// TestFIFO: two unrelated processes meet at a named pipe, which the one
// that made it removes at the end. Either side may come first.
func TestFIFO(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	for _, first := range []string{"recv", "send"} {
		t.Run(first+" first", func(t *testing.T) {
			fifo := filepath.Join(t.TempDir(), "lab.fifo")
			args := map[string][]string{
				"recv": {"recv", "-fifo", fifo},
				"send": {"send", "-fifo", fifo, labtest.Testdata(t, "pipe.txt")},
			}
			second := map[string]string{"recv": "send", "send": "recv"}[first]
			ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
			defer cancel()
			bg := labtest.Command(ctx, bin, args[first]...)
			var bgOut, bgErr strings.Builder
			bg.Stdout, bg.Stderr = &bgOut, &bgErr
			if err := bg.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, fifo)
			r := labtest.Run(t, bin, "", args[second]...)
			if err := bg.Wait(); err != nil {
				t.Fatalf("pipelab %q: %v, output %q, stderr %q", args[first], err, bgOut.String(), bgErr.String())
			}
			outs := map[string]string{first: bgOut.String(), second: r.Stdout}
			errs := map[string]string{first: bgErr.String(), second: r.Stderr}
			if want := "pipelab: waiting on the FIFO " + fifo + " for a sender: pipelab send -fifo " + fifo + " FILE\n"; errs["recv"] != want || errs["send"] != "" {
				t.Errorf("stderr: recv %q, send %q; want %q and nothing", errs["recv"], errs["send"], want)
			}
			if d := text.Diff(text.Lines(outs["recv"]), sampleRecv); d != "" {
				t.Errorf("recv: %s", d)
			}
			if d := text.Diff(text.Lines(outs["send"]), sampleSent); d != "" {
				t.Errorf("send: %s", d)
			}
			if _, err := os.Lstat(fifo); !os.IsNotExist(err) {
				t.Errorf("the FIFO is still there after the lab (%v)", err)
			}
		})
	}
}

// waitFor polls until path exists.
func waitFor(t *testing.T, path string) {
	for i := 0; i < 2000; i++ {
		if _, err := os.Lstat(path); err == nil {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%s never appeared", path)
}

// TestFIFORefused: a path that exists as a regular file or a symbolic link
// is refused, not written to or followed.
func TestFIFORefused(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, []byte("keep me\n"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(file, link)
	for _, p := range []string{file, link} {
		for _, args := range [][]string{{"recv", "-fifo", p}, {"send", "-fifo", p, labtest.Testdata(t, "pipe.txt")}} {
			r := labtest.Run(t, bin, "", args...)
			if want := `pipelab: ipc: open: "` + p + `" exists and is not a FIFO` + "\n"; r.Code != 1 || r.Stderr != want {
				t.Errorf("pipelab %q: status %d, stderr %q; want 1, %q", args, r.Code, r.Stderr, want)
			}
		}
	}
	if b, _ := os.ReadFile(file); string(b) != "keep me\n" {
		t.Errorf("the regular file now holds %q", b)
	}
}

// TestFIFOInterrupted: a signal that kills recv while it waits for a
// sender does not leave the FIFO behind: its guard removes it.
func TestFIFOInterrupted(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		fifo := filepath.Join(t.TempDir(), "lab.fifo")
		ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
		defer cancel()
		cmd := labtest.Command(ctx, bin, "recv", "-fifo", fifo)
		pr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// It waits once it says so.
		r := bufio.NewReader(pr)
		line, _ := r.ReadString('\n')
		cmd.Process.Signal(sig)
		// The rest ends once the guard, which shares stderr, has gone too.
		rest, _ := io.ReadAll(r)
		err = cmd.Wait()
		if want := "pipelab: waiting on the FIFO " + fifo + " for a sender: pipelab send -fifo " + fifo + " FILE\n"; err == nil || line != want || len(rest) > 0 {
			t.Errorf("recv after %v: %v, stderr %q; want death by the signal, and only %q", sig, err, line+string(rest), want)
		}
		if _, err := os.Lstat(fifo); !os.IsNotExist(err) {
			t.Errorf("the FIFO is still there after %v (%v)", sig, err)
		}
		labtest.CheckClean(t, cmd.Process.Pid)
	}
}

// TestRecvEarlyEOF: a sender that stops before the end marker is an error.
func TestRecvEarlyEOF(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	r := labtest.Run(t, bin, "\x05\x00\x00\x00\x00\x00\x00\x00", "recv")
	if want := "pipelab: the pipe closed before the end marker 0\n"; r.Code != 1 || r.Stderr != want || r.Stdout != "Messages Received: 5\n" {
		t.Errorf("recv of one record without the marker: status %d, stdout %q, stderr %q; want 1, %q", r.Code, r.Stdout, r.Stderr, want)
	}
}

// TestFIFOOneAtATime: recv says once what it waits on and how to send to
// it; a second recv on the FIFO is refused with one line naming the
// first, as is the second of two senders, before either touches the pipe.
// The first receiver gets one sender's records, whole.
func TestFIFOOneAtATime(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	fifo := filepath.Join(t.TempDir(), "lab.fifo")
	pid, line, wait := labtest.StartLine(t, bin, "recv", "-fifo", fifo)
	if want := "pipelab: waiting on the FIFO " + fifo + " for a sender: pipelab send -fifo " + fifo + " FILE\n"; line != want {
		t.Fatalf("recv's first line: %q, want %q", line, want)
	}
	r := labtest.RunBeside(t, bin, "recv", "-fifo", fifo)
	want := "pipelab: the FIFO " + fifo + " is in use by pipelab recv -fifo " + fifo + " (pid " + strconv.Itoa(pid) +
		"): try again later, or choose another name\n"
	if r.Code != 1 || r.Stdout != "" || r.Stderr != want {
		t.Errorf("a second recv: status %d, stdout %q, stderr %q; want 1, nothing, %q", r.Code, r.Stdout, r.Stderr, want)
	}
	// A sender that holds the FIFO (the receiver is stopped, the pipe full)
	// makes a second one be refused; continued, the receiver gets all the
	// first one's records.
	syscall.Kill(pid, syscall.SIGSTOP)
	in, vals := labtest.Numbers(20000) // 160,000 bytes: more than the pipe holds
	file := filepath.Join(t.TempDir(), "data.txt")
	if err := os.WriteFile(file, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()
	first := labtest.Command(ctx, bin, "send", "-fifo", fifo, file)
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	labtest.WaitUntil(t, "the first sender's lock", func() bool {
		b, _ := os.ReadFile("/proc/locks")
		return strings.Contains(string(b), " POSIX  ADVISORY  WRITE "+strconv.Itoa(first.Process.Pid)+" ")
	})
	r = labtest.RunBeside(t, bin, "send", "-fifo", fifo, labtest.Testdata(t, "pipe.txt"))
	if w := " is in use by pipelab send -fifo " + fifo + " " + file + " (pid " + strconv.Itoa(first.Process.Pid) + "): "; r.Code != 1 ||
		r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, w) {
		t.Errorf("a second send: status %d, stdout %q, stderr %q; want 1, nothing, one line with %q", r.Code, r.Stdout, r.Stderr, w)
	}
	syscall.Kill(pid, syscall.SIGCONT)
	if err := first.Wait(); err != nil {
		t.Errorf("the first sender: %v", err)
	}
	out, errs, err := wait()
	if want := labtest.Join(labtest.Itoa(vals, 1, "Messages Received: ")...); err != nil || out != want || errs != "" {
		t.Errorf("the first recv: %v, stderr %q, stdout %d bytes (want %d)", err, errs, len(out), len(want))
	}
}

// TestSendTerminal: send refuses to write its binary records to a
// terminal (a pseudo-terminal here), with one line saying what to pipe
// them into, before it reads anything.
func TestSendTerminal(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	ptmx, tty := openPty(t)
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()
	cmd := labtest.Command(ctx, bin, "send", labtest.Testdata(t, "pipe.txt"))
	var errb strings.Builder
	cmd.Stdout, cmd.Stderr = tty, &errb
	err := cmd.Run()
	want := "pipelab: send writes binary records to standard output, a terminal here: pipe them into recv (pipelab send FILE | pipelab recv), or name a FIFO (-fifo PATH)\n"
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || errb.String() != want {
		t.Errorf("send to a terminal: %v, stderr %q; want status 2 and %q", err, errb.String(), want)
	}
	// Nothing reached the terminal: a read of its other side finds nothing
	// (EAGAIN, with O_NONBLOCK).
	var b [1024]byte
	master := int(ptmx.Fd()) // Fd, called again, would make it blocking again
	if err := syscall.SetNonblock(master, true); err != nil {
		t.Fatal(err)
	}
	if n, _ := syscall.Read(master, b[:]); n > 0 {
		t.Errorf("the terminal got %q", b[:n])
	}
}

// openPty opens a pseudo-terminal: its master side and the terminal.
func openPty(t *testing.T) (ptmx, tty *os.File) {
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals (/dev/ptmx): %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return ptmx, tty
}

// TestParentGoneLast: the lab on a terminal, its parent killed while the
// children print (as Ctrl-C, which reaches the parent alone, would): each
// child then prints at most the line it was writing after it, and its last
// line is "pipelab: pN: the parent went away".
func TestParentGoneLast(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	ptmx, tty := openPty(t)
	in, _ := labtest.Numbers(200000)
	ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
	defer cancel()
	cmd := labtest.Command(ctx, bin)
	cmd.Stdin = strings.NewReader(in)
	cmd.Stdout, cmd.Stderr = tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	labtest.WaitChildren(t, cmd.Process.Pid, "p1", "p2")
	tty.Close() // theirs only: the master then reads EIO once they have ended
	// The terminal is read all along: a child blocked writing to it could
	// not end.
	var mu sync.Mutex
	var lines []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := bufio.NewReader(ptmx)
		for {
			l, err := r.ReadString('\n')
			if err != nil {
				return
			}
			mu.Lock()
			lines = append(lines, strings.TrimRight(l, "\r\n"))
			mu.Unlock()
		}
	}()
	labtest.WaitUntil(t, "the children's output", func() bool { mu.Lock(); defer mu.Unlock(); return len(lines) >= 100 })
	cmd.Process.Kill()
	cmd.Wait()
	<-done // EIO: the children have ended (closed the terminal)
	for role, prefix := range map[string]string{"p1": "Messages Sent:", "p2": "Messages Received:"} {
		gone := slices.Index(lines, "pipelab: "+role+": the parent went away")
		if gone < 0 {
			t.Errorf("%s never said the parent went away; its last lines: %q", role, lines[max(0, len(lines)-5):])
			continue
		}
		after := 0
		for _, l := range lines[gone+1:] {
			if strings.HasPrefix(l, prefix) {
				after++
			}
		}
		if after > 1 {
			t.Errorf("%s printed %d lines after it said the parent went away", role, after)
		}
	}
}
