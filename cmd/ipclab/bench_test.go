//go:build linux

package main

import (
	"strings"
	"testing"

	"ipclab/internal/bench"
	"ipclab/internal/labtest"
)

// TestBench runs every lab's benchmark through ipclab with small counts:
// one row per mechanism and size, every figure there. No timing is
// asserted.
func TestBench(t *testing.T) {
	r := labtest.Run(t, labsDir(t), "", "bench", "-count", "300")
	lines := strings.Split(r.Stdout, "\n")
	if r.Code != 0 || r.Stderr != "" || len(lines) < 13 || lines[2] != strings.TrimSuffix(bench.TableHeader, "\n") {
		t.Fatalf("ipclab bench: status %d, stderr %q, stdout\n%s", r.Code, r.Stderr, r.Stdout)
	}
	var rows []string
	for _, l := range lines[3:13] {
		f := strings.Fields(l)
		if strings.Contains(l, " - ") || len(f) < 8 {
			t.Errorf("ipclab bench: row %q lacks a figure", l)
		}
		rows = append(rows, strings.Join(f[:len(f)-5], " "))
	}
	want := []string{
		"64 B pipe", "64 B POSIX mq", "64 B System V msg", "64 B shared memory",
		"4 KiB pipe", "4 KiB POSIX mq", "4 KiB System V msg", "4 KiB shared memory",
		"64 KiB pipe", "64 KiB shared memory",
	}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Errorf("ipclab bench rows = %q, want %q", rows, want)
	}
}

// TestBenchLabFails: when a lab's benchmark fails, ipclab bench says
// which run failed and how, and fails. mqlab's fails for real: with
// RLIMIT_MSGQUEUE 0 (ulimit -q 0) it cannot make a POSIX queue.
func TestBenchLabFails(t *testing.T) {
	bin := labsDir(t)
	r := labtest.Run(t, "bash", "", "-c", `ulimit -q 0 && exec "$0" "$@"`, bin, "bench", "-size", "64", "-count", "10")
	want := "mqlab: mq_open: too many open files\n" +
		"ipclab: bench: mqlab bench -json -mode thr -size 64 -count 10: exited with status 1\n"
	if r.Code != 1 || r.Stderr != want || !strings.Contains(r.Stdout, "64 B  POSIX mq                    -") {
		t.Errorf("ipclab bench without queue memory: status %d, stdout %q, stderr %q; want 1, no POSIX mq figures, %q", r.Code, r.Stdout, r.Stderr, want)
	}
}

func TestBenchUsage(t *testing.T) {
	bin := labsDir(t)
	for _, c := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"bench", "-h"}, 0, "Usage: ipclab bench [-size BYTES] [-count N]\n"},
		{[]string{"bench", "x"}, 2, ""},
		{[]string{"bench", "-count", "-3"}, 2, ""},
	} {
		r := labtest.Run(t, bin, "", c.args...)
		if r.Code != c.code || !strings.HasPrefix(r.Stdout, c.out) {
			t.Errorf("ipclab %q: status %d, stdout %.60q, stderr %q; want %d, %q…", c.args, r.Code, r.Stdout, r.Stderr, c.code, c.out)
		}
	}
}
