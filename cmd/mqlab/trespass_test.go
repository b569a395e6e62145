//go:build linux

package main

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"ipclab/internal/labtest"
)

// TestTrespass: a named queue that root made with "mqlab send" is mode
// 0600; as nobody (uid 65534), recv, send, stat and rm are refused with one
// line, and the queue keeps its data: root's recv then takes them all.
func TestTrespass(t *testing.T) {
	labtest.NeedRoot(t, "creating as root and trespassing as uid 65534")
	bin := labtest.Build(t, "mqlab")
	key := 0x7e000000 | os.Getpid()&0xffffff
	name := "ipclab-trespass-" + strconv.Itoa(os.Getpid())
	for _, where := range [][]string{{"-name", name}, {"-sysv", "-key", strconv.Itoa(key)}} {
		t.Run(where[0], func(t *testing.T) {
			run := func(cmd string) []string { return append([]string{cmd}, where...) }
			if r := labtest.Run(t, bin, "12 34\n", run("send")...); r.Code != 0 {
				t.Fatalf("mqlab %q: status %d, stderr %q", run("send"), r.Code, r.Stderr)
			}
			t.Cleanup(func() { labtest.Run(t, bin, "", run("rm")...) })
			r := labtest.Run(t, bin, "", run("stat")...)
			if !strings.Contains(r.Stdout, "\nmode     0600\nowner    0\n") {
				t.Errorf("mqlab %q: stdout %q, stderr %q; want mode 0600 and owner 0", run("stat"), r.Stdout, r.Stderr)
			}
			if where[0] == "-sysv" {
				if m := labtest.SysVMode(t, "msg", key); m != "600" {
					t.Errorf("/proc/sysvipc/msg: key %#x has perms %q, want 600", key, m)
				}
			} else if fi, err := os.Stat("/dev/mqueue/" + name); err == nil && fi.Mode().Perm() != 0o600 {
				t.Errorf("/dev/mqueue/%s has mode %v, want 0600", name, fi.Mode())
			}
			for _, cmd := range []string{"recv", "send", "stat", "rm"} {
				labtest.Refused(t, "mqlab", run(cmd), labtest.RunAsNobody(t, bin, "5\n", run(cmd)...))
			}
			r = labtest.Run(t, bin, "", run("recv")...)
			if want := "Queue elements:\n120\n340\n"; r.Code != 0 || r.Stdout != want {
				t.Errorf("mqlab %q after the trespass: status %d, stdout %q, stderr %q; want 0, %q", run("recv"), r.Code, r.Stdout, r.Stderr, want)
			}
		})
	}
}

// TestNamesRefused: names that are paths, empty or too long are usage
// errors (status 2) for every subcommand, before any system call.
func TestNamesRefused(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	long := strings.Repeat("n", 256)
	invalid := ": a name is 1 to 255 bytes, without /, and not . or ..\n"
	for _, c := range []struct{ name, shown string }{
		{"../x", "../x"}, {"a/b", "a/b"}, {"/a/b", "a/b"}, {"/../etc", "../etc"}, {long, long}, {"/" + long, long},
		{".", "."}, {"..", ".."}, {"/", ""}, {"//", "/"},
	} {
		for _, cmd := range []string{"send", "recv", "stat", "rm"} {
			args := []string{cmd, "-name", c.name}
			r := labtest.Run(t, bin, "1\n", args...)
			if want := `mqlab: invalid name "` + c.shown + `"` + invalid; r.Code != 2 || r.Stderr != want || r.Stdout != "" {
				t.Errorf("mqlab %q: status %d, stdout %q, stderr %q; want 2, %q", args, r.Code, r.Stdout, r.Stderr, want)
			}
		}
	}
	// A name of exactly 255 bytes is the longest the kernel takes.
	max := strings.Repeat("m", 255)
	r := labtest.Run(t, bin, "1\n", "send", "-name", max)
	t.Cleanup(func() { labtest.Run(t, bin, "", "rm", max) })
	if r.Code != 0 {
		t.Errorf("mqlab send -name <255 bytes>: status %d, stderr %q; want 0", r.Code, r.Stderr)
	}
}

// TestCreatesPrivately: the lab's own queue and a named one are made with
// O_EXCL or IPC_EXCL, mode 0600.
func TestCreatesPrivately(t *testing.T) {
	bin := labtest.Build(t, "mqlab")
	labtest.CreatesPrivately(t, bin, "1 2\n", nil, "O_RDWR|O_CREAT|O_EXCL, 0600, {maxmsg=10, msgsize=8})")
	labtest.CreatesPrivately(t, bin, "1 2\n", []string{"-sysv"}, "IPC_CREAT|IPC_EXCL|0600)")
	name := "ipclab-excl-" + strconv.Itoa(os.Getpid())
	labtest.CreatesPrivately(t, bin, "", []string{"recv", "-name", name, "-timeout", "10ms"}, `mq_open("/`+name+`", O_RDWR|O_CREAT|O_EXCL, 0600`)
}
