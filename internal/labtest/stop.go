//go:build linux

package labtest

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Stop runs bin with args on input and, once the parent has all the
// children in roles, stops the child victim (SIGSTOP); if resume > 0, it
// continues it (SIGCONT) that much later. An empty victim stops nobody:
// the lab only waits resume for its output to be read.
//
// The lab's standard output is a pipe filled to the brim before the lab
// starts, and read only once victim is stopped (and continued, if it is
// to be): each process of the lab is stuck at its first write, surely
// mid-run, when it is struck. The filler is not in Result.Stdout. Then the
// lab is waited for and CheckClean applied; a process of the lab still
// stopped after that is killed, so that none lingers.
func Stop(t *testing.T, bin, input string, args, roles []string, victim string, resume time.Duration) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	var filler int
	cmd, pr, errb := startUnread(ctx, t, bin, input, args, func(pw *os.File) { filler = fill(t, pw) })
	defer pr.Close()
	pid := cmd.Process.Pid
	kids := WaitChildren(t, pid, roles...)
	if victim != "" {
		syscall.Kill(kids[victim], syscall.SIGSTOP)
		defer killMarked(kids[victim])
	}
	if resume > 0 {
		time.Sleep(resume)
		if victim != "" {
			syscall.Kill(kids[victim], syscall.SIGCONT)
		}
	}
	out := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(pr)
		out <- b
	}()
	err := cmd.Wait()
	b := <-out
	r := Result{Stdout: string(b[min(filler, len(b)):]), Stderr: errb.String(), Pid: pid, Code: exitCode(t, err)}
	if ctx.Err() != nil {
		t.Fatalf("no end within %v after SIGSTOP to %s; stderr: %s", Deadline, victim, r.Stderr)
	}
	CheckClean(t, pid)
	return r
}

// fill writes to the pipe w until it is full and says how many bytes it
// wrote.
func fill(t *testing.T, w *os.File) int {
	t.Helper()
	fd := int(w.Fd())
	if err := syscall.SetNonblock(fd, true); err != nil {
		t.Fatal(err)
	}
	// The flag belongs to the open pipe, which the lab shares: off again
	// before the lab starts.
	defer syscall.SetNonblock(fd, false)
	// Big writes first, then single bytes, down to the last free byte.
	n := 0
	for _, buf := range [][]byte{bytes.Repeat([]byte("filler\n"), 512), []byte("\n")} {
		for {
			k, err := syscall.Write(fd, buf)
			if k > 0 {
				n += k
			}
			if err == syscall.EAGAIN {
				break
			}
			if err != nil && err != syscall.EINTR {
				t.Fatal(err)
			}
		}
	}
	return n
}

// killMarked kills process pid if it is still one of this test's, stopped
// or not.
func killMarked(pid int) {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err == nil && bytes.Contains(env, []byte(Mark+"\x00")) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

// Stops runs the stop cases on a lab: each child in victims stopped
// mid-run under -timeout 300ms, after which the lab must give up with one
// line naming it and exit 1; stopped for 200ms under -timeout 20s, after
// which the lab must end well and print what it prints unstopped; and no
// stop but the output left unread for a second under -timeout 300ms,
// which must not count as a stop. who groups the output's lines by the
// process that prints them (nil: all in one), whose lines must come in
// the same order as in the unstopped run.
func Stops(t *testing.T, bin, name, input string, args, roles, victims []string, who func(line string) string) {
	t.Helper()
	ref := Run(t, bin, input, args...)
	if ref.Code != 0 || ref.Stderr != "" {
		t.Fatalf("%s %q: status %d, stderr %q; want 0, \"\"", name, args, ref.Code, ref.Stderr)
	}
	with := func(timeout string) []string { return append([]string{"-timeout", timeout}, args...) }
	for _, victim := range victims {
		t.Run(victim+" stopped", func(t *testing.T) {
			r := Stop(t, bin, input, with("300ms"), roles, victim, 0)
			want := name + ": " + victim + " stopped by SIGSTOP and not continued within -timeout 300ms\n"
			if r.Code != 1 || r.Stderr != want {
				t.Errorf("%s %q with %s stopped: status %d, stderr %q; want 1, %q", name, with("300ms"), victim, r.Code, r.Stderr, want)
			}
		})
		t.Run(victim+" continued", func(t *testing.T) {
			r := Stop(t, bin, input, with("20s"), roles, victim, 200*time.Millisecond)
			if r.Code != 0 || r.Stderr != "" {
				t.Errorf("%s %q with %s stopped and continued: status %d, stderr %q; want 0, \"\"", name, with("20s"), victim, r.Code, r.Stderr)
			}
			if d := SameLines(r.Stdout, ref.Stdout, who); d != "" {
				t.Errorf("%s %q with %s stopped and continued: %s", name, with("20s"), victim, d)
			}
		})
	}
	t.Run("output unread", func(t *testing.T) {
		r := Stop(t, bin, input, with("300ms"), roles, "", time.Second)
		if d := SameLines(r.Stdout, ref.Stdout, who); r.Code != 0 || r.Stderr != "" || d != "" {
			t.Errorf("%s %q with its output unread for 1s: status %d, stderr %q; want 0, \"\"; %s", name, with("300ms"), r.Code, r.Stderr, d)
		}
	})
}

// SameLines compares the lines of got and want process by process: who
// says which process printed a line (nil: all the same one). It returns ""
// when each process's lines are the same, in the same order, else what
// differs first.
func SameLines(got, want string, who func(line string) string) string {
	split := func(s string) map[string][]string {
		m := map[string][]string{}
		for _, l := range strings.SplitAfter(s, "\n") {
			k := ""
			if who != nil {
				k = who(l)
			}
			m[k] = append(m[k], l)
		}
		return m
	}
	g, w := split(got), split(want)
	for k, wl := range w {
		gl := g[k]
		for i := range max(len(gl), len(wl)) {
			if i >= len(gl) || i >= len(wl) || gl[i] != wl[i] {
				return "line " + strconv.Itoa(i+1) + " of " + strconv.Quote(k) + "'s: got " + at(gl, i) + ", want " + at(wl, i)
			}
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			return "unexpected lines of " + strconv.Quote(k) + ", first " + at(g[k], 0)
		}
	}
	return ""
}

func at(lines []string, i int) string {
	if i < len(lines) {
		return strconv.Quote(lines[i])
	}
	return "nothing"
}
