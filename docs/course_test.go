//go:build linux

// Package docs holds the tests of what docs/course.md and
// docs/course-answers.md say about the labs: the traces are what today's
// labs print, the sheet's queue program does hang where the course says,
// and the answers to the exercises hold.
package docs

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// A courseTrace is one of make course's runs: docs/course/name.trace is
// lab's -trace on testdata/data.txt, with args.
type courseTrace struct {
	name, lab, data string
	args            []string
}

// courseTraces reads the runs from the Makefile's COURSE_TRACES, words
// NAME:DATA[:ARGS] (NAME is the lab, or LAB-MODE).
func courseTraces(t *testing.T) []courseTrace {
	b, err := os.ReadFile(filepath.Join(labtest.ModuleRoot(t), "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^COURSE_TRACES := ((?:.*\\\n)*.*)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("Makefile: no COURSE_TRACES := line")
	}
	var runs []courseTrace
	for _, w := range strings.Fields(strings.ReplaceAll(string(m[1]), "\\\n", " ")) {
		f := strings.SplitN(w, ":", 3)
		r := courseTrace{name: f[0], lab: strings.SplitN(f[0], "-", 2)[0], data: f[1]}
		if len(f) == 3 {
			r.args = []string{f[2]}
		}
		runs = append(runs, r)
	}
	return runs
}

// signature is what a trace line must keep from run to run: who, which
// call, and the values it moved, or what a process says it holds — not
// times, process ids, System V ids, addresses or results.
func signature(role, text string) string {
	if strings.HasPrefix(text, "fd ") || strings.Contains(text, "no system call") {
		return "[" + role + "] " + text
	}
	call, _, _ := strings.Cut(text, "(")
	values := regexp.MustCompile(`\[[-0-9, ]*\]`).FindAllString(text, -1)
	return "[" + role + "] " + call + " " + strings.Join(values, " ")
}

// signatures are the signatures of a trace's lines, sorted: the order of
// lines from different processes, and of the parent's wait4s, changes
// from run to run.
func signatures(t *testing.T, trace string) []string {
	var sigs []string
	for _, l := range labtest.Untimed(trace) {
		role, text, ok := strings.Cut(strings.TrimPrefix(l, "["), "] ")
		if !ok {
			t.Fatalf("not a trace line: %q", l)
		}
		sigs = append(sigs, signature(role, text))
	}
	slices.Sort(sigs)
	return sigs
}

// TestCourseTraces: each trace make course recorded is what the lab
// prints today, but for what changes from run to run; when a lab's trace
// changes, run make course and make docs (and mend docs/course/*.notes).
func TestCourseTraces(t *testing.T) {
	for _, r := range courseTraces(t) {
		t.Run(r.name, func(t *testing.T) {
			bin := labtest.Build(t, r.lab)
			args := append([]string{"-trace"}, append(r.args, labtest.Testdata(t, r.data+".txt"))...)
			res := labtest.Run(t, bin, "", args...)
			if res.Code != 0 {
				t.Fatalf("%s %v: exit status %d\n%s", r.lab, args, res.Code, res.Stderr)
			}
			b, err := os.ReadFile(filepath.Join("course", r.name+".trace"))
			if err != nil {
				t.Fatalf("%v (make course)", err)
			}
			got, want := signatures(t, res.Stderr), signatures(t, string(b))
			for _, s := range got {
				if i := slices.Index(want, s); i >= 0 {
					want = slices.Delete(want, i, i+1)
				} else {
					t.Errorf("%s %v prints %q, which docs/course/%s.trace lacks (make course)", r.lab, args, s, r.name)
				}
			}
			for _, s := range want {
				t.Errorf("docs/course/%s.trace has %q, which %s %v no longer prints (make course)", r.name, s, r.lab, args)
			}
		})
	}
}

// sheetDeadlock runs scripts/sheet-deadlock.sh on items items.
func sheetDeadlock(t *testing.T, items string) string {
	labtest.Tool(t, "python3")
	cmd := exec.Command("scripts/sheet-deadlock.sh", labtest.Build(t, "mqlab"))
	cmd.Dir = labtest.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "SHEET_ITEMS="+items, labtest.Mark)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("SHEET_ITEMS=%s scripts/sheet-deadlock.sh: %v\n%s", items, err, out)
	}
	return string(out)
}

// TestSheetDeadlock: the sheet's queue program hangs on the items the
// course says, with its pipe full; the fixed copy and mqlab do not; and
// with few items the sheet's program finishes.
func TestSheetDeadlock(t *testing.T) {
	out := sheetDeadlock(t, "5000")
	for _, want := range []string{
		"It is stuck.",
		"in p1.join(), waiting for p1 to exit; p2 is not started",
		"pipe_write: writing to its fd",
		"| python3 testdata/sheet/queue_lab_fixed.py\nexit status 0, 5000 elements printed, the last \"50000\"",
		"| mqlab\nexit status 0, 5000 elements printed, the last \"50000\"",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scripts/sheet-deadlock.sh: no %q in\n%s", want, out)
		}
	}
	// Full: not one more page's worth of room.
	if m := regexp.MustCompile(`The pipe holds ([0-9]+) bytes of the ([0-9]+) it can`).FindStringSubmatch(out); m == nil {
		t.Errorf("scripts/sheet-deadlock.sh: no pipe's fill in\n%s", out)
	} else if held, size := number(m[1]), number(m[2]); held <= size-4096 || held > size {
		t.Errorf("scripts/sheet-deadlock.sh: the pipe holds %d bytes of %d: not full", held, size)
	}
	if out := sheetDeadlock(t, "100"); !strings.Contains(out, "queue_lab.py\nfinished (exit status 0): its last line is \"1000\"") {
		t.Errorf("SHEET_ITEMS=100 scripts/sheet-deadlock.sh: the sheet's program did not finish:\n%s", out)
	}
	if procs := labtest.Marked(t); len(procs) > 0 {
		t.Errorf("scripts/sheet-deadlock.sh left %v", procs)
	}
}

// number is the decimal number s, which a regexp matched as [0-9]+.
func number(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
