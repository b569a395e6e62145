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

// timing matches the lines that come and go with the scheduling: a
// futex call (a FUTEX_WAIT only if the other process has not woken it
// already) and a call that timed out or was interrupted, to be tried
// again.
var timing = regexp.MustCompile(`^futex\(|= -1 (ETIMEDOUT|EAGAIN|EINTR) `)

// signatures are the signatures of a trace's lines, sorted (the order of
// lines from different processes, and of the parent's wait4s, changes
// from run to run), but for timing's.
func signatures(t *testing.T, trace string) []string {
	var sigs []string
	for _, l := range labtest.Untimed(trace) {
		role, text, ok := strings.Cut(strings.TrimPrefix(l, "["), "] ")
		if !ok {
			t.Fatalf("not a trace line: %q", l)
		}
		if !timing.MatchString(text) {
			sigs = append(sigs, signature(role, text))
		}
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

// sections splits a Markdown file at its markers <!-- KIND: ID --> into
// the text after each (up to the next marker or heading of level 2).
func sections(t *testing.T, file, kind string) (ids []string, text map[string]string) {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	text = map[string]string{}
	marker := regexp.MustCompile(`<!-- ` + kind + `: ([a-z0-9-]+) -->\n`)
	s := string(b)
	for _, m := range marker.FindAllStringSubmatchIndex(s, -1) {
		id, rest := s[m[2]:m[3]], s[m[1]:]
		if i := marker.FindStringIndex(rest); i != nil {
			rest = rest[:i[0]]
		}
		if i := strings.Index(rest, "\n## "); i >= 0 && kind == "exercise" {
			rest = rest[:i]
		}
		if _, dup := text[id]; dup {
			t.Errorf("%s: two %ss %q", file, kind, id)
		}
		ids, text[id] = append(ids, id), rest
	}
	return ids, text
}

// runExercise runs the commands of an exercise (its lines "    $ …") as
// a student would, in one shell in the module's directory with the labs
// on PATH, and returns each command's output (standard output and error).
func runExercise(t *testing.T, text string) []string {
	var script strings.Builder
	n := 0
	for _, l := range strings.Split(text, "\n") {
		if cmd, ok := strings.CutPrefix(l, "    $ "); ok {
			script.WriteString("echo @@@\n" + cmd + "\n")
			n++
		}
	}
	if n == 0 {
		t.Fatal("no command (a line \"    $ …\")")
	}
	var bin string
	for _, lab := range []string{"pipelab", "mqlab", "shmlab", "ipclab"} {
		bin = filepath.Dir(labtest.Build(t, lab))
	}
	cmd := exec.Command("sh", "-c", script.String())
	cmd.Dir = labtest.ModuleRoot(t)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(filepath.ListSeparator)+os.Getenv("PATH"), labtest.Mark)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("sh: %v", err) // the last command's status: grep finding nothing is an answer
	}
	outs := strings.Split(string(out), "@@@\n")[1:]
	if len(outs) != n {
		t.Fatalf("%d commands, %d outputs:\n%s", n, len(outs), out)
	}
	return outs
}

// answers checks, for each exercise, what course-answers.md says its
// commands show (outs, one per command); answer is the answer's text.
var answers = map[string]func(t *testing.T, outs []string, answer string){
	"atomic": func(t *testing.T, outs []string, _ string) {
		want(t, outs[0], "Received 10000 records from 8 writers: none torn")
		if m := regexp.MustCompile(`from 8 writers: ([0-9]+) torn`).FindStringSubmatch(outs[1]); m == nil || number(m[1]) == 0 {
			t.Errorf("-size 4097: no torn record in\n%s", outs[1])
		}
	},
	"order": func(t *testing.T, outs []string, _ string) {
		lines := labtest.Untimed(outs[0])
		for _, v := range []string{"12", "34", "423", "2", "0"} {
			w := slices.IndexFunc(lines, prefixed("[p1] write(4, ["+v+"]"))
			r := slices.IndexFunc(lines, prefixed("[p2] read(4, ["+v+"]"))
			if w < 0 || r < w {
				t.Errorf("the write of %s is line %d, its read line %d:\n%s", v, w, r, outs[0])
			}
		}
	},
	"eof": func(t *testing.T, outs []string, _ string) {
		lines := labtest.Untimed(outs[0])
		eof := slices.IndexFunc(lines, prefixed("[reader] read(4, 0 bytes"))
		for _, c := range []string{"[writer1] close(4)", "[writer2] close(4)", "[writer3] close(4)", "[parent] close(", "[parent] close("} {
			i := slices.IndexFunc(lines, prefixed(c))
			if i < 0 || eof < i {
				t.Errorf("%s is line %d, the reader's end of file line %d:\n%s", c, i, eof, outs[0])
			}
			if i >= 0 {
				lines[i] = ""
			}
		}
	},
	"fds": func(t *testing.T, outs []string, _ string) {
		for _, s := range []string{
			"[p1] fd 4 = write end of the pipe", "[p1] fd 5 = read end of the acknowledgements' pipe",
			"[p2] fd 4 = read end of the pipe", "[p2] fd 5 = write end of the acknowledgements' pipe",
		} {
			want(t, outs[0], s)
		}
	},
	"unlink": func(t *testing.T, outs []string, _ string) {
		lines := labtest.Untimed(outs[0])
		if len(lines) < 3 || !strings.HasPrefix(lines[0], "[parent] mq_open(") ||
			!strings.HasPrefix(lines[1], "[parent] mq_unlink(") || !strings.HasPrefix(lines[2], "[parent] fork+exec(") {
			t.Errorf("not mq_open, mq_unlink, then the children:\n%s", outs[0])
		}
	},
	"prio": func(t *testing.T, outs []string, _ string) {
		want(t, outs[0], "4230 (priority 3)\n340 (priority 2)\n20 (priority 2)\n10 (priority 1)\n120 (priority 0)\n")
		want(t, outs[1], "at most 9 items")
	},
	"sysv": func(t *testing.T, outs []string, _ string) {
		if f := strings.Fields(outs[1]); len(f) < 6 || f[5] != "6" {
			t.Errorf("ipclab ipcs: not a queue of 6 messages: %q", outs[1])
		}
		if outs[3] != "" {
			t.Errorf("ipclab ipcs after mqlab rm: %q", outs[3])
		}
	},
	"nosyscall": func(t *testing.T, outs []string, _ string) {
		lines := labtest.Untimed(outs[0])
		wake := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "FUTEX_WAKE") })
		wait := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, "FUTEX_WAIT") })
		// The parent waits only if it gets there before p1's wake.
		if wake < 0 || wait >= 0 && wait < wake {
			t.Errorf("FUTEX_WAKE is line %d, FUTEX_WAIT line %d:\n%s", wake, wait, outs[0])
		}
		if n := strings.Count(outs[0], "no system call"); n != 2 {
			t.Errorf("%d lines say \"no system call\", want 2:\n%s", n, outs[0])
		}
		var at []string
		for _, l := range lines {
			if strings.Contains(l, " read(") || strings.Contains(l, " write(") || strings.Contains(l, "msg") {
				t.Errorf("a system call moving data: %q", l)
			}
			if m := regexp.MustCompile(`shmat\(.*\) = (0x[0-9a-f]+)`).FindStringSubmatch(l); m != nil {
				at = append(at, m[1])
			}
		}
		if len(at) != 2 || at[0] == at[1] {
			t.Errorf("the segment at %v, want two addresses", at)
		}
	},
	"overflow": func(t *testing.T, outs []string, _ string) {
		labtest.Tool(t, "python3")
		want(t, outs[0], "Result(in process p1): [-1294967296]")
		want(t, outs[1], "Sum(in process p1): 3000000000")
	},
	"deadlock": func(t *testing.T, outs []string, answer string) {
		want(t, outs[0], "finished (exit status 0)")
		want(t, outs[1], "It is stuck.")
		m := regexp.MustCompile(`\*\*([0-9]+)\*\* items`).FindStringSubmatch(answer)
		if m == nil {
			t.Fatal("the answer names no count in bold")
		}
		first := number(m[1])
		want(t, sheetDeadlock(t, strconv.Itoa(first-1)), "queue_lab.py\nfinished (exit status 0)")
		out := sheetDeadlock(t, m[1])
		want(t, out, "It is stuck.")
		if b := regexp.MustCompile(`\(([0-9]+) bytes`).FindStringSubmatch(answer); b == nil {
			t.Error("the answer says no pipe's fill")
		} else {
			want(t, out, "The pipe holds "+b[1]+" bytes")
		}
	},
}

func want(t *testing.T, out, s string) {
	t.Helper()
	if !strings.Contains(out, s) {
		t.Errorf("no %q in\n%s", s, out)
	}
}

func prefixed(p string) func(string) bool {
	return func(l string) bool { return strings.HasPrefix(l, p) }
}

// TestExercises runs every exercise's commands in docs/course.md and
// checks that what docs/course-answers.md says of them holds.
func TestExercises(t *testing.T) {
	ids, exercises := sections(t, "course.md", "exercise")
	aids, answerText := sections(t, "course-answers.md", "answer")
	if !slices.Equal(ids, aids) {
		t.Errorf("exercises %v, answers %v: want one answer each, in order", ids, aids)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			check := answers[id]
			if check == nil {
				t.Fatalf("no check of the answer to %q in docs/course_test.go", id)
			}
			check(t, runExercise(t, exercises[id]), answerText[id])
		})
	}
	if procs := labtest.Marked(t); len(procs) > 0 {
		t.Errorf("the exercises left %v", procs)
	}
}
