//go:build linux

package main

import (
	"testing"

	"ipclab/internal/labtest"
)

// TestKernelLimits runs shmlab in a private IPC namespace (and a mount
// namespace with its own /dev/shm) whose limits are lowered to, or just
// below, what 1,000 items need (a segment of 8,064 bytes, two pages): at
// the limit it runs; below, it fails with one line of advice, status 1,
// and leaves nothing in the namespace. A named segment is 524,352 bytes.
func TestKernelLimits(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	in, vals := labtest.Numbers(1000)
	ok := want(vals)
	space := func(call, n string) string {
		return "shmlab: " + call + ": no space left on device (no room for " + n +
			" more bytes of shared memory: see /proc/sys/kernel/shmall and shmmni, or the size of /dev/shm)\n"
	}
	small := "mount -o remount,size=4k /dev/shm"
	for _, c := range []struct {
		name, setup string
		args        []string
		code        int
		stdout      string
		stderr      string
	}{
		{"shmmax 8063", "echo 8063 > /proc/sys/kernel/shmmax", nil, 1, "",
			"shmlab: shmget: invalid argument (a segment of 8064 bytes exceeds /proc/sys/kernel/shmmax)\n"},
		{"shmmax 8064: at the limit", "echo 8064 > /proc/sys/kernel/shmmax", nil, 0, ok, ""},
		{"shmall 1 page", "echo 1 > /proc/sys/kernel/shmall", nil, 1, "", space("shmget", "8064")},
		{"shmall 2 pages: at the limit", "echo 2 > /proc/sys/kernel/shmall", nil, 0, ok, ""},
		{"shmall 1 page, write -sysv -key", "echo 1 > /proc/sys/kernel/shmall", []string{"write", "-sysv", "-key", "42"}, 1, "", space("shmget", "524352")},
		{"shmmni 0", "echo 0 > /proc/sys/kernel/shmmni", nil, 1, "", space("shmget", "8064")},
		{"shmmni 1: at the limit", "echo 1 > /proc/sys/kernel/shmmni", nil, 0, ok, ""},
		{"/dev/shm of 4 KiB, -posix", small, []string{"-posix"}, 1, "", space("fallocate", "8064")},
		{"/dev/shm of 4 KiB, write -name", small, []string{"write", "-name", "lab"}, 1, "", space("fallocate", "524352")},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := labtest.InIPCNamespace(t, c.setup, false, bin, in, c.args...)
			if r.Code != c.code || r.Stdout != c.stdout || r.Stderr != c.stderr {
				t.Errorf("shmlab %q after %q: status %d, stdout %.200q, stderr %q; want %d, %.200q, %q",
					c.args, c.setup, r.Code, r.Stdout, r.Stderr, c.code, c.stdout, c.stderr)
			}
		})
	}
}
