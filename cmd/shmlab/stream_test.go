//go:build linux

package main

import (
	"regexp"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// TestStream moves the sample, then a million generated items, through
// the ring in each kind of segment; p2 verifies the million's checksum.
func TestStream(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	// Σ i·i for i = 1..1000000: item i at position i.
	counted := regexp.MustCompile(`^1000000 items, checksum 333333833333500000 \(verified\), [0-9]+ items/s\n$`)
	for _, m := range modes {
		args := append(append([]string{"-stream"}, m...), labtest.Testdata(t, "shm.txt"))
		if r := labtest.Run(t, bin, "", args...); r.Code != 0 || r.Stdout != "22\n33\n4\n55\n" || r.Stderr != "" {
			t.Errorf("shmlab %q: status %d, stdout %q, stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
		args = append([]string{"-stream", "-count", "1000000"}, m...)
		if r := labtest.Run(t, bin, "", args...); r.Code != 0 || !counted.MatchString(r.Stdout) || r.Stderr != "" {
			t.Errorf("shmlab %q: status %d, stdout %q, stderr %q", args, r.Code, r.Stdout, r.Stderr)
		}
	}
}

// TestStreamTrace: -trace shows the parent make the segment and start p2
// and p1, and each child map it and let it go.
func TestStreamTrace(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	for _, c := range []struct {
		kind string
		want []string
	}{
		{"-sysv", []string{"[parent] shmget(", "[parent] shmctl(", "[p1] shmat(", "[p2] shmat(", "[p1] shmdt(", "[p2] shmdt("}},
		{"-posix", []string{"[parent] shm_open(", "[parent] shm_unlink(", "[p1] mmap(", "[p2] mmap(", "[p1] munmap(", "[p2] munmap("}},
		{"-memfd", []string{"[parent] memfd_create(", "[p1] mmap(", "[p2] mmap(", "[p2] munmap("}},
	} {
		r := labtest.Run(t, bin, "", "-stream", "-trace", "-count", "3", c.kind)
		want := append(c.want, "[parent] fork+exec(/proc/self/exe, p2) = ", "[parent] fork+exec(/proc/self/exe, p1) = ",
			"[parent] wait4(", "p1 exited with status 0", "p2 exited with status 0")
		for _, s := range want {
			if !strings.Contains(r.Stderr, s) {
				t.Errorf("shmlab -stream -trace %s: no %q in\n%s", c.kind, s, r.Stderr)
			}
		}
		if r.Code != 0 || !strings.HasPrefix(r.Stdout, "3 items, checksum 14 (verified), ") {
			t.Errorf("shmlab -stream -trace %s: status %d, stdout %q", c.kind, r.Code, r.Stdout)
		}
	}
}

func TestStreamUsage(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	const want = "shmlab: -count N goes with -stream, without FILE or -i: p1 makes the items 1..N\n"
	for _, args := range [][]string{
		{"-count", "5"},
		{"-stream", "-count", "-1"},
		{"-stream", "-count", "5", labtest.Testdata(t, "shm.txt")},
		{"-stream", "-count", "5", "-i"},
	} {
		if r := labtest.Run(t, bin, "", args...); r.Code != 2 || r.Stderr != want {
			t.Errorf("shmlab %q: status %d, stderr %q; want 2, %q", args, r.Code, r.Stderr, want)
		}
	}
}
