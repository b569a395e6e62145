//go:build linux

package main

import (
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// check compares a run's output with what p1 and p2 must print. The two
// children print at the same time, so each child's lines are compared in
// order, and nothing else may be there.
func check(t *testing.T, what string, r labtest.Result, sent, received []string) {
	t.Helper()
	lines := text.Lines(r.Stdout)
	gotSent := labtest.WithPrefix(lines, "Messages Sent: ")
	gotRecv := labtest.WithPrefix(lines, "Messages Received: ")
	if r.Code != 0 || r.Stderr != "" {
		t.Errorf("%s: status %d, stderr %q", what, r.Code, r.Stderr)
	}
	if d := text.Diff(gotSent, sent); d != "" {
		t.Errorf("%s: p1's lines: %s", what, d)
	}
	if d := text.Diff(gotRecv, received); d != "" {
		t.Errorf("%s: p2's lines: %s", what, d)
	}
	if len(gotSent)+len(gotRecv) != len(lines) {
		t.Errorf("%s: %d lines are neither p1's nor p2's, e.g. %q", what, len(lines)-len(gotSent)-len(gotRecv),
			text.Diff(lines, append(gotSent, gotRecv...)))
	}
}

func TestSample(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	r := labtest.Run(t, bin, "", labtest.Testdata(t, "pipe.txt"))
	check(t, "pipelab pipe.txt", r,
		[]string{"Messages Sent: 12", "Messages Sent: 34", "Messages Sent: 423", "Messages Sent: 2", "Messages Sent: 0"},
		[]string{"Messages Received: 12", "Messages Received: 34", "Messages Received: 423", "Messages Received: 2"})
}

func TestDialogue(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	r := labtest.Run(t, bin, "5\n12\n34\n423\n2\n0\n", "-i")
	prompts := "Enter dataset size: " + strings.Repeat("Enter the data: ", 5)
	if !strings.HasPrefix(r.Stdout, prompts) {
		t.Fatalf("pipelab -i: stdout %q does not start with the prompts %q", r.Stdout, prompts)
	}
	r.Stdout = strings.TrimPrefix(r.Stdout, prompts)
	check(t, "pipelab -i", r,
		[]string{"Messages Sent: 12", "Messages Sent: 34", "Messages Sent: 423", "Messages Sent: 2", "Messages Sent: 0"},
		[]string{"Messages Received: 12", "Messages Received: 34", "Messages Received: 423", "Messages Received: 2"})
}

// TestSizes: without a 0 in the data, p1 sends the end marker itself
// (without printing it), so every item is received.
func TestSizes(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	for _, n := range []int{1, 1000, 100000} {
		in, vals := labtest.Numbers(n)
		r := labtest.Run(t, bin, in)
		check(t, "pipelab with generated items", r,
			labtest.Itoa(vals, 1, "Messages Sent: "), labtest.Itoa(vals, 1, "Messages Received: "))
	}
}

// TestDataAfterEnd: the data end at the first 0; the rest is not sent, and
// the user is told.
func TestDataAfterEnd(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	r := labtest.Run(t, bin, "5\n0\n7\n8\n")
	want := "pipelab: stdin:2: the data end at this 0; 2 item(s) after it are not sent\n"
	if r.Stderr != want || r.Code != 0 {
		t.Errorf("pipelab with data after 0: status %d, stderr %q; want 0, %q", r.Code, r.Stderr, want)
	}
	r.Stderr = ""
	check(t, "pipelab with data after 0", r, []string{"Messages Sent: 5", "Messages Sent: 0"}, []string{"Messages Received: 5"})
}

func TestBadInput(t *testing.T) {
	labtest.BadInputs(t, labtest.Build(t, "pipelab"), "pipelab")
}

func TestFaults(t *testing.T) {
	in, _ := labtest.Numbers(200000)
	labtest.Faults(t, labtest.Build(t, "pipelab"), "pipelab", in, nil, "p1", "p2")
}

// TestStreamed: past what pipelab reads before it starts p1, a bad item
// still ends the run with one line, a 0 still ends the data with a
// warning, and the dialogue still works.
func TestStreamed(t *testing.T) {
	bin := labtest.Build(t, "pipelab")
	labtest.LateError(t, bin, "pipelab")
	labtest.LateError(t, bin, "pipelab", "-duplex")
	in, vals := labtest.Numbers(20000)
	r := labtest.Run(t, bin, in+"0\n5\n6\n")
	if want := "pipelab: stdin:20001: the data end at this 0; 2 item(s) after it are not sent\n"; r.Stderr != want {
		t.Errorf("pipelab on 20,000 items, 0 and two more: stderr %q, want %q", r.Stderr, want)
	}
	r.Stderr = ""
	sent := labtest.Itoa(append(vals, 0), 1, "Messages Sent: ")
	check(t, "20,000 items, 0 and two more", r, sent, labtest.Itoa(vals, 1, "Messages Received: "))
	labtest.LongDialogue(t, bin, "pipelab", "Enter dataset size: ", 20000, func(stdout string) string {
		if n := strings.Count(stdout, "Messages Received: "); n != 20000 {
			return "received " + strconv.Itoa(n) + " items, want 20,000"
		}
		return ""
	})
}
