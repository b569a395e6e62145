//go:build linux

package main

import (
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// TestDuplex: p1 prints each "Messages Sent: X" followed by p2's
// acknowledgement "Ack: X", p2 its "Messages Received: X" lines. The two
// children print at the same time, so each one's lines are compared in
// order. The end marker 0 is acknowledged, but shown only when the data
// hold it.
func TestDuplex(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	in, vals := labtest.Numbers(1000)
	for _, c := range []struct {
		name  string
		args  []string
		stdin string
		sent  []int64 // what p1 sends and shows
		recv  []int64 // what p2 shows
	}{
		{"sample", []string{"-duplex", labtest.Testdata(t, "pipe.txt")}, "", []int64{12, 34, 423, 2, 0}, []int64{12, 34, 423, 2}},
		{"no 0 in the data", []string{"-duplex"}, in, vals, vals},
		{"one item", []string{"-duplex", "-"}, "7\n", []int64{7}, []int64{7}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := labtest.Run(t, bin, c.stdin, c.args...)
			if r.Code != 0 || r.Stderr != "" {
				t.Errorf("pipelab %q: status %d, stderr %q; want 0, \"\"", c.args, r.Code, r.Stderr)
			}
			var p1, p2 []string
			for _, l := range text.Lines(r.Stdout) {
				if strings.HasPrefix(l, "Messages Received: ") {
					p2 = append(p2, l)
				} else {
					p1 = append(p1, l)
				}
			}
			var want []string
			for _, v := range c.sent {
				s := strconv.FormatInt(v, 10)
				want = append(want, "Messages Sent: "+s, "Ack: "+s)
			}
			if d := text.Diff(p1, want); d != "" {
				t.Errorf("pipelab %q: p1's lines: %s", c.args, d)
			}
			if d := text.Diff(p2, labtest.Itoa(c.recv, 1, "Messages Received: ")); d != "" {
				t.Errorf("pipelab %q: p2's lines: %s", c.args, d)
			}
		})
	}
}

// writerLines is what n writers sharing items print, sorted.
func writerLines(n, items int) []string {
	var l []string
	for id := 1; id <= n; id++ {
		k := (items - id + n) / n
		s := "Writer " + strconv.Itoa(id) + " sent " + strconv.Itoa(k) + " records"
		if k == 1 {
			s = strings.TrimSuffix(s, "s")
		}
		l = append(l, s)
	}
	slices.Sort(l)
	return l
}

const allWell = "none torn, each writer's complete and in order"

// TestWriters: N writers share the pipe; each prints how many records it
// sent, in any order, and the reader's verdict comes last, once every
// writer has closed its end.
func TestWriters(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	in, _ := labtest.Numbers(10000)
	sample := labtest.Testdata(t, "pipe.txt")
	for _, c := range []struct {
		name    string
		args    []string
		stdin   string
		n       int
		items   int
		verdict string
	}{
		{"8 writers, 10000 items", []string{"-writers", "8"}, in, 8, 10000,
			"Received 10000 records from 8 writers: " + allWell},
		{"the smallest records", []string{"-writers=8", "-size=24"}, in, 8, 10000,
			"Received 10000 records from 8 writers: " + allWell},
		// The sample's 0 ends the data and is not sent.
		{"sample, 3 writers", []string{"-writers", "3", sample}, "", 3, 4,
			"Received 4 records from 3 writers: " + allWell},
		{"one writer", []string{"-writers", "1", sample}, "", 1, 4,
			"Received 4 records from 1 writer: " + allWell},
		{"64 writers, most with nothing", []string{"-writers", "64", sample}, "", 64, 4,
			"Received 4 records from 64 writers: " + allWell},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := labtest.Run(t, bin, c.stdin, c.args...)
			if r.Code != 0 || r.Stderr != "" {
				t.Errorf("pipelab %q: status %d, stderr %q; want 0, \"\"", c.args, r.Code, r.Stderr)
			}
			lines := text.Lines(r.Stdout)
			if len(lines) == 0 || lines[len(lines)-1] != c.verdict {
				t.Fatalf("pipelab %q: last line of %q, want %q", c.args, lines, c.verdict)
			}
			got := slices.Clone(lines[:len(lines)-1])
			slices.Sort(got)
			if d := text.Diff(got, writerLines(c.n, c.items)); d != "" {
				t.Errorf("pipelab %q: the writers' lines (sorted): %s", c.args, d)
			}
		})
	}
}

// TestWritersAbovePipeBuf: records larger than the pipe's buffer may be torn,
// and usually are, but POSIX promises nothing either way: the test checks
// only that the verdict and the exit status agree.
func TestWritersAbovePipeBuf(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	in, _ := labtest.Numbers(400)
	args := []string{"-writers", "8", "-size", "65537"}
	r := labtest.Run(t, bin, in, args...)
	lines := text.Lines(r.Stdout)
	if len(lines) != 9 {
		t.Fatalf("pipelab %q: %d lines %q, want 9", args, len(lines), lines)
	}
	verdict := lines[8]
	const prefix = "Received 400 records from 8 writers: "
	switch {
	case verdict == prefix+allWell:
		if r.Code != 0 || r.Stderr != "" {
			t.Errorf("pipelab %q: %q, but status %d, stderr %q", args, verdict, r.Code, r.Stderr)
		}
	case strings.HasPrefix(verdict, prefix) && strings.HasSuffix(verdict, " missing"):
		want := "pipelab: reader: not every record arrived whole and in its writer's order\n"
		if r.Code != 1 || r.Stderr != want {
			t.Errorf("pipelab %q: %q, but status %d, stderr %q; want 1, %q", args, verdict, r.Code, r.Stderr, want)
		}
		t.Logf("records above PIPE_BUF: %s", verdict)
	default:
		t.Errorf("pipelab %q: verdict %q", args, verdict)
	}
}

// TestBadModes: the new options' mistakes are one-line usage errors.
func TestBadModes(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	sample := labtest.Testdata(t, "pipe.txt")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-writers", "0"}, `-writers: "0" is not a number of writers from 1 to 64`},
		{[]string{"-writers", "-1"}, `-writers: "-1" is not a number of writers from 1 to 64`},
		{[]string{"-writers", "x"}, `-writers: "x" is not a number of writers from 1 to 64`},
		{[]string{"-writers", "65"}, `-writers: "65" is not a number of writers from 1 to 64`},
		{[]string{"-writers="}, `-writers: "" is not a number of writers from 1 to 64`},
		{[]string{"-size", "4096"}, "-size goes with -writers"},
		{[]string{"-writers", "2", "-size", "23"}, `-size: "23" is not a record size from 24 to 1048576`},
		{[]string{"-writers", "2", "-size", "1048577"}, `-size: "1048577" is not a record size from 24 to 1048576`},
		{[]string{"-duplex", "-writers", "2"}, "-duplex and -writers exclude each other"},
	} {
		args := slices.Concat(c.args, []string{sample})
		r := labtest.Run(t, bin, "", args...)
		if want := "pipelab: " + c.want + "\n"; r.Code != 2 || r.Stderr != want || r.Stdout != "" {
			t.Errorf("pipelab %q: status %d, stderr %q, stdout %q; want 2, %q, nothing", args, r.Code, r.Stderr, r.Stdout, want)
		}
	}
}

// TestModesTrace: -trace reaches the children in both modes; -duplex makes
// two pipes, -writers one.
func TestModesTrace(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	sample := labtest.Testdata(t, "pipe.txt")
	for _, c := range []struct {
		args  []string
		pipes int
		roles []string
	}{
		{[]string{"-trace", "-duplex", sample}, 2, []string{"[p1] ", "[p2] "}},
		{[]string{"-trace", "-writers", "2", sample}, 1, []string{"[writer1] ", "[writer2] ", "[reader] "}},
	} {
		r := labtest.Run(t, bin, "", c.args...)
		if r.Code != 0 {
			t.Errorf("pipelab %q: status %d, stderr %q", c.args, r.Code, r.Stderr)
		}
		lines := labtest.Untimed(r.Stderr)
		if got := len(labtest.WithPrefix(lines, "[parent] pipe2(")); got != c.pipes {
			t.Errorf("pipelab %q: %d pipe2 calls traced, want %d; stderr:\n%s", c.args, got, c.pipes, r.Stderr)
		}
		for _, role := range c.roles {
			if len(labtest.WithPrefix(lines, role+"read(")) == 0 && len(labtest.WithPrefix(lines, role+"write(")) == 0 {
				t.Errorf("pipelab %q: no read or write traced for %s; stderr:\n%s", c.args, role, r.Stderr)
			}
		}
	}
}

// TestModesKill: a child killed mid-transfer is reported by name and the
// lab ends with nothing left behind. -duplex has p1 and p2 stuck on the
// unread output; 100,000 records of 4 KiB keep the writers busy far longer
// than the test takes to strike.
func TestModesKill(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	small, _ := labtest.Numbers(200000)
	big, _ := labtest.Numbers(100000)
	writers := []string{"writer1", "writer2", "writer3", "writer4", "writer5", "writer6", "writer7", "writer8", "reader"}
	for _, c := range []struct {
		args   []string
		input  string
		roles  []string
		victim string
	}{
		{[]string{"-duplex"}, small, []string{"p1", "p2"}, "p1"},
		{[]string{"-duplex"}, small, []string{"p1", "p2"}, "p2"},
		{[]string{"-writers", "8"}, big, writers, "writer3"},
		{[]string{"-writers", "8"}, big, writers, "reader"},
	} {
		t.Run(strings.Join(c.args, " ")+" kill "+c.victim, func(t *testing.T) {
			r := labtest.Fault(t, bin, c.input, c.args, c.roles, func(_ int, kids map[string]int) {
				syscall.Kill(kids[c.victim], syscall.SIGKILL)
			})
			if want := "pipelab: " + c.victim + " killed by signal 9\n"; r.Code != 1 || r.Stderr != want {
				t.Errorf("pipelab %q with %s killed: status %d, stderr %q; want 1, %q", c.args, c.victim, r.Code, r.Stderr, want)
			}
		})
	}
}
