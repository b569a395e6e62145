//go:build linux

package main

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ipclab/internal/labtest"
)

// TestOneAtATime: recv says once what it waits on and how to send to it;
// while it waits, a second recv on the name is refused with one line
// naming the first, and so is a second send while a first one is at it.
// The first pair then runs as if alone.
func TestOneAtATime(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	name := newQueues(t)[0].name[0]
	pid, line, wait := labtest.StartLine(t, bin, "recv", "-name", name)
	if want := "mqlab: waiting on the POSIX queue /" + name + " (/dev/mqueue/" + name + ") for a sender: mqlab send -name " + name + " FILE\n"; line != want {
		t.Fatalf("recv's first line: %q, want %q", line, want)
	}
	r := labtest.RunBeside(t, bin, "recv", "-name", name)
	want := "mqlab: the POSIX queue /" + name + " (/dev/mqueue/" + name + ") is in use by mqlab recv -name " + name +
		" (pid " + strconv.Itoa(pid) + "): try again later, or choose another name\n"
	if r.Code != 1 || r.Stdout != "" || r.Stderr != want {
		t.Errorf("a second recv: status %d, stdout %q, stderr %q; want 1, nothing, %q", r.Code, r.Stdout, r.Stderr, want)
	}
	if s := labtest.RunBeside(t, bin, "send", "-name", name, labtest.Testdata(t, "queue.txt")); s.Code != 0 || s.Stdout != sampleSend {
		t.Errorf("send: status %d, stdout %q, stderr %q", s.Code, s.Stdout, s.Stderr)
	}
	out, errs, err := wait()
	if err != nil || out != sampleRecv || errs != "" {
		t.Errorf("the first recv: %v, stdout %q, stderr after the first line %q; want %q and nothing", err, out, errs, sampleRecv)
	}
	if mqExists(t, name) {
		t.Errorf("the queue is still there after recv")
	}

	// 20 items fill the queue (10 messages): the first sender waits in
	// mq_timedsend, holding the name, until a receiver comes.
	in, vals := labtest.Numbers(20)
	file := writeFile(t, in)
	first := labtest.Start(t, bin, "send", "-name", name, file)
	labtest.WaitUntil(t, "a full queue", func() bool {
		b, _ := os.ReadFile("/dev/mqueue/" + name)
		return strings.HasPrefix(string(b), "QSIZE:80 ")
	})
	r = labtest.RunBeside(t, bin, "send", "-name", name, labtest.Testdata(t, "queue.txt"))
	if want := " is in use by mqlab send -name " + name + " " + file + " (pid "; r.Code != 1 || r.Stdout != "" ||
		strings.Count(r.Stderr, "\n") != 1 || !strings.Contains(r.Stderr, want) {
		t.Errorf("a second send: status %d, stdout %q, stderr %q; want 1, nothing, one line with %q", r.Code, r.Stdout, r.Stderr, want)
	}
	r = labtest.RunBeside(t, bin, "recv", "-name", name)
	if want := labtest.Join(append([]string{"Queue elements:"}, labtest.Itoa(vals, 10, "")...)...); r.Code != 0 || r.Stdout != want {
		t.Errorf("recv of the first sender's items: status %d, stderr %q\nstdout %q\nwant   %q", r.Code, r.Stderr, r.Stdout, want)
	}
	if _, errs, err := first(); err != nil {
		t.Errorf("the first sender: %v, %s", err, errs)
	}
	if mqExists(t, name) {
		t.Errorf("the queue is still there after recv")
	}
}

// TestTwoStudents: two users follow the same example at the same moment —
// each runs "mqlab recv -name N &" and "mqlab send -name N FILE" with a
// file of their own. Whatever the order, no message is split between them:
// every receiver prints one sender's items, all of them, in order, or
// nothing; a sender that exits 0 has all its items printed by one receiver
// or left, whole, in the queue; every other end is one line saying why
// (in use, or nothing came).
func TestTwoStudents(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	files := map[string]string{"alice": "1\n2\n3\n4\n5\n", "bob": "6\n7\n8\n9\n"}
	items := map[string]string{"alice": "10\n20\n30\n40\n50\n", "bob": "60\n70\n80\n90\n"}
	for round := 0; round < 8; round++ {
		name := newQueues(t)[0].name[0]
		type end struct {
			who, cmd, out, errs string
			err                 error
		}
		var mu sync.Mutex
		var ends []end
		var wg sync.WaitGroup
		for _, who := range []string{"alice", "bob"} {
			file := writeFile(t, files[who])
			for _, a := range [][]string{
				{"recv", "-name", name, "-timeout", "2s"},
				{"send", "-name", name, file},
			} {
				wg.Add(1)
				wait := labtest.Start(t, bin, a...)
				go func() {
					defer wg.Done()
					out, errs, err := wait()
					mu.Lock()
					ends = append(ends, end{who, a[0], out, errs, err})
					mu.Unlock()
				}()
			}
		}
		wg.Wait()
		// What is left in the queue is received last, as a third user would.
		for mqExists(t, name) {
			out, errs, err := labtest.Start(t, bin, "recv", "-name", name, "-nonblock")()
			if out == "" {
				labtest.Start(t, bin, "rm", name)()
				break
			}
			ends = append(ends, end{"later", "recv", out, errs, nil})
			if err != nil && !strings.Contains(errs, "queue empty") {
				t.Fatalf("round %d: recv -nonblock of what was left: %v, %s", round, err, errs)
			}
		}
		var printed []string
		for _, e := range ends {
			// Besides the outcome, recv may say what it waits on, and that
			// it leaves the queue to a second sender.
			var errs []string
			for _, l := range strings.SplitAfter(e.errs, "\n") {
				if l != "" && !strings.HasPrefix(l, "mqlab: waiting on ") && !strings.Contains(l, " stays: another sender is using it ") {
					errs = append(errs, l)
				}
			}
			switch body, _ := strings.CutPrefix(e.out, "Queue elements:\n"); {
			case e.cmd == "recv" && e.out != "":
				who := map[string]string{items["alice"]: "alice", items["bob"]: "bob"}[body]
				if who == "" || slices.Contains(printed, who) || !strings.HasPrefix(e.out, "Queue elements:\n") {
					t.Errorf("round %d: %s's recv printed %q: not one sender's items, or twice (%q)", round, e.who, e.out, printed)
				}
				printed = append(printed, who)
			case e.err == nil:
			case len(errs) != 1 || !strings.Contains(errs[0], " is in use by mqlab ") && !strings.Contains(errs[0], "no message within 2s"):
				t.Errorf("round %d: %s's %s: %v, stderr %q; want one line: in use, or no message", round, e.who, e.cmd, e.err, e.errs)
			}
		}
		for _, e := range ends {
			if e.cmd == "send" && e.err == nil && !slices.Contains(printed, e.who) {
				t.Errorf("round %d: %s's send exited 0, but nobody received its items (%q)", round, e.who, printed)
			}
		}
		if t.Failed() {
			for _, e := range ends {
				t.Logf("%s %s: %v\nstdout %q\nstderr %q", e.who, e.cmd, e.err, e.out, e.errs)
			}
			return
		}
	}
}
