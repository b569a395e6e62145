//go:build linux

package main

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// TestIpcs makes one object of each kind with the labs' named commands —
// a POSIX queue and a System V queue holding the sample's six messages, a
// POSIX and a System V segment holding its results — and checks that
// ipclab ipcs lists each with its owner, mode, size and messages; then
// removes them and checks that they are gone from the list.
func TestIpcs(t *testing.T) {
	labtest.NeedRoot(t, "to read every object's owner")
	labtest.MountMqueue(t)
	bin := labsDir(t)
	id := strconv.Itoa(os.Getpid())
	key := "0x" + strconv.FormatInt(0x7e0000|int64(os.Getpid())&0xffff, 16)
	queue, shm := labtest.Testdata(t, "queue.txt"), labtest.Testdata(t, "shm.txt")
	makers := [][]string{
		{"mqlab", "send", "-name", "ipcs-" + id, queue},
		{"mqlab", "send", "-sysv", "-key", key, queue},
		{"shmlab", "write", "-name", "ipcs-" + id, shm},
		{"shmlab", "write", "-sysv", "-key", key, shm},
	}
	remove := [][]string{
		{"mqlab", "rm", "ipcs-" + id}, {"mqlab", "rm", "-sysv", "-key", key},
		{"shmlab", "rm", "ipcs-" + id}, {"shmlab", "rm", "-sysv", "-key", key},
	}
	t.Cleanup(func() {
		for _, args := range remove {
			labtest.Run(t, bin, "", args...)
		}
	})
	for _, args := range makers {
		// Not labtest.Run: a named object is meant to outlive its maker.
		cmd := labtest.Command(context.Background(), bin, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("ipclab %q: %v\n%s", args, err, out)
		}
	}
	r := labtest.Run(t, bin, "", "ipcs")
	if r.Code != 0 {
		t.Fatalf("ipclab ipcs: status %d, stderr %q", r.Code, r.Stderr)
	}
	mode := `0600 rw-------`
	for _, want := range []string{
		// POSIX queue: 6 messages (5 items and the end), 40 bytes (the end is empty).
		`(?m)^  /ipcs-` + id + ` +root +` + mode + ` +6 of 10 +40$`,
		// System V queue: the same.
		`(?m)^  ` + key + ` +\d+ +root +` + mode + ` +6 +40 +\S+ \(gone\) +-$`,
		// System V segment: its size, nobody attached, made by shmlab write.
		`(?m)^  ` + key + ` +\d+ +root +` + mode + ` +\d+ +0 +\d+ \(gone\)$`,
		// POSIX shared memory: its size.
		`(?m)^  /ipcs-` + id + ` +root +` + mode + ` +\d+$`,
	} {
		if !regexp.MustCompile(want).MatchString(r.Stdout) {
			t.Errorf("ipclab ipcs lacks a line like %s:\n%s", want, r.Stdout)
		}
	}
	for _, args := range remove {
		if r := labtest.Run(t, bin, "", args...); r.Code != 0 {
			t.Errorf("ipclab %q: status %d, stderr %q", args, r.Code, r.Stderr)
		}
	}
	if r := labtest.Run(t, bin, "", "ipcs"); strings.Contains(r.Stdout, "ipcs-"+id) || strings.Contains(r.Stdout, key+" ") {
		t.Errorf("ipclab ipcs after rm still lists them:\n%s", r.Stdout)
	}
}
