//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ipclab/internal/bench"
	"ipclab/internal/labtest"
)

// TestBench runs every lab's benchmark through ipclab with small counts:
// one row per mechanism and size, every figure there. No timing is
// asserted.
func TestBench(t *testing.T) {
	r := labtest.Run(t, suite(t), "", "bench", "-count", "300")
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
// which run failed and how, and fails. The failing pipelab is a script
// next to ipclab and the real mqlab and shmlab.
func TestBenchLabFails(t *testing.T) {
	bin := suite(t)
	dir := t.TempDir()
	for _, l := range []string{"ipclab", "mqlab", "shmlab"} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(bin), l))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, l), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	script := "#!/bin/sh\necho 'pipelab: bench: out of order' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(dir, "pipelab"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r := labtest.Run(t, filepath.Join(dir, "ipclab"), "", "bench", "-size", "64", "-count", "10")
	want := "pipelab: bench: out of order\n" +
		"ipclab: bench: pipelab bench -json -mode thr -size 64 -count 10: exited with status 1\n"
	if r.Code != 1 || r.Stderr != want {
		t.Errorf("ipclab bench with a failing pipelab: status %d, stderr %q; want 1, %q", r.Code, r.Stderr, want)
	}
}

func TestBenchUsage(t *testing.T) {
	bin := suite(t)
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
