//go:build linux

package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// TestTrespass: a named segment that root made with "shmlab write" is mode
// 0600; as nobody (uid 65534), read, write and rm are refused with one line,
// and the segment keeps its data: root's read then finds them.
func TestTrespass(t *testing.T) {
	labtest.NeedRoot(t, "creating as root and trespassing as uid 65534")
	bin := labtest.Build(t, "shmlab")
	key := 0x7d000000 | os.Getpid()&0xffffff
	name := "ipclab-trespass-" + strconv.Itoa(os.Getpid())
	for _, where := range [][]string{{"-name", name}, {"-sysv", "-key", strconv.Itoa(key)}} {
		t.Run(where[0], func(t *testing.T) {
			run := func(cmd string) []string { return append([]string{cmd}, where...) }
			// Not labtest.Run: the segment is meant to stay, and its leak
			// check would count it.
			w := labtest.Command(context.Background(), bin, run("write")...)
			w.Stdin = strings.NewReader("22 33\n")
			if out, err := w.CombinedOutput(); err != nil {
				t.Fatalf("shmlab %q: %v, output %q", run("write"), err, out)
			}
			t.Cleanup(func() { labtest.Run(t, bin, "", run("rm")...) })
			if where[0] == "-sysv" {
				if m := labtest.SysVMode(t, "shm", key); m != "600" {
					t.Errorf("/proc/sysvipc/shm: key %#x has perms %q, want 600", key, m)
				}
			} else if fi, err := os.Stat("/dev/shm/" + name); err != nil || fi.Mode() != 0o600 {
				t.Errorf("/dev/shm/%s: %v, mode %v; want a file of mode 0600", name, err, fi.Mode())
			}
			for _, cmd := range []string{"read", "write", "rm"} {
				labtest.Refused(t, "shmlab", run(cmd), labtest.RunAsNobody(t, bin, "5\n", run(cmd)...))
			}
			r := labtest.Run(t, bin, "", run("read")...)
			if want := "Result(in main program): [220, 330]\nSum(in main program): 550\n"; r.Code != 0 || r.Stdout != want {
				t.Errorf("shmlab %q after the trespass: status %d, stdout %q, stderr %q; want 0, %q", run("read"), r.Code, r.Stdout, r.Stderr, want)
			}
		})
	}
}

// TestNamesRefused: names that are paths, empty or too long are usage
// errors (status 2) for every subcommand, before any system call.
func TestNamesRefused(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	long := strings.Repeat("n", 256)
	invalid := ": a name is 1 to 255 bytes, without /, and not . or ..\n"
	for _, c := range []struct{ name, shown string }{
		{"../x", "../x"}, {"a/b", "a/b"}, {"/a/b", "a/b"}, {"/../etc", "../etc"}, {long, long}, {"/" + long, long},
		{".", "."}, {"..", ".."}, {"/", ""}, {"//", "/"},
	} {
		for _, cmd := range []string{"write", "read", "rm"} {
			args := []string{cmd, "-name", c.name}
			r := labtest.Run(t, bin, "1\n", args...)
			if want := `shmlab: invalid name "` + c.shown + `"` + invalid; r.Code != 2 || r.Stderr != want || r.Stdout != "" {
				t.Errorf("shmlab %q: status %d, stdout %q, stderr %q; want 2, %q", args, r.Code, r.Stdout, r.Stderr, want)
			}
		}
	}
}

// TestCreatesPrivately: every kind of segment, the lab's own and named
// ones, is made with O_EXCL or IPC_EXCL, mode 0600; -memfd's has no name.
func TestCreatesPrivately(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	labtest.CreatesPrivately(t, bin, "1 2\n", nil, "IPC_CREAT|IPC_EXCL|0600)")
	labtest.CreatesPrivately(t, bin, "1 2\n", []string{"-sysv"}, "IPC_CREAT|IPC_EXCL|0600)")
	labtest.CreatesPrivately(t, bin, "1 2\n", []string{"-posix"}, "O_RDWR|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600)")
	labtest.CreatesPrivately(t, bin, "1 2\n", []string{"-memfd"}, `memfd_create("ipclab-shm", MFD_CLOEXEC)`)
	name := "ipclab-excl-" + strconv.Itoa(os.Getpid())
	labtest.CreatesPrivately(t, bin, "", []string{"read", "-name", name, "-timeout", "10ms"}, `shm_open("/`+name+`", O_RDWR|O_CREAT|O_EXCL`)
	labtest.CreatesPrivately(t, bin, "", []string{"read", "-sysv", "-key", "0x7c0000ee", "-timeout", "10ms"}, "IPC_CREAT|IPC_EXCL|0600)")
}
