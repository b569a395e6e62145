//go:build linux

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ipclab/internal/labtest"
)

var modes = [][]string{{}, {"-sysv"}, {"-posix"}, {"-memfd"}}

func want(vals []int64) string {
	res, sum := make([]string, len(vals)), int64(0)
	for i, v := range vals {
		res[i] = strconv.FormatInt(v*10, 10)
		sum += v * 10
	}
	l, s := "["+strings.Join(res, ", ")+"]", strconv.FormatInt(sum, 10)
	return "Result(in process p1): " + l + "\nSum(in process p1): " + s +
		"\nResult(in main program): " + l + "\nSum(in main program): " + s + "\n"
}

func TestSample(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	w := "Result(in process p1): [220, 330, 40, 550]\nSum(in process p1): 1140\n" +
		"Result(in main program): [220, 330, 40, 550]\nSum(in main program): 1140\n"
	for _, m := range modes {
		r := labtest.Run(t, bin, "", append(m, labtest.Testdata(t, "shm.txt"))...)
		if r.Code != 0 || r.Stdout != w || r.Stderr != "" {
			t.Errorf("shmlab %q: status %d\nstdout %q\nstderr %q\nwant %q", m, r.Code, r.Stdout, r.Stderr, w)
		}
	}
}

func TestDialogue(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	w := "Enter the datasize: " + strings.Repeat("Enter the data: ", 4) + want([]int64{22, 33, 4, 55})
	for _, m := range modes {
		r := labtest.Run(t, bin, "4\n22\n33\n4\n55\n", append(m, "-i")...)
		if r.Code != 0 || r.Stdout != w {
			t.Errorf("shmlab -i %q: status %d, stdout %q, stderr %q; want %q", m, r.Code, r.Stdout, r.Stderr, w)
		}
	}
}

func TestSizes(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	for _, n := range []int{1, 1000, 100000} {
		in, vals := labtest.Numbers(n)
		w := want(vals)
		for _, m := range modes {
			r := labtest.Run(t, bin, in, m...)
			if r.Code != 0 || r.Stdout != w {
				t.Errorf("shmlab %q with %d items: status %d, stderr %q, stdout differs", m, n, r.Code, r.Stderr)
			}
		}
	}
}

func TestBadInput(t *testing.T) {
	labtest.BadInputs(t, labtest.Build(t, "shmlab"), "shmlab")
}

func TestOverflow(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	dir := t.TempDir()
	for _, c := range []struct{ data, want string }{
		{"1\n-922337203685477581\n", ":2: -922337203685477581 * 10 overflows a 64-bit integer"},
		{"1\n500000000000000000\n# two lines on\n\n500000000000000000\n", ":5: the sum overflows a 64-bit integer"},
	} {
		f := filepath.Join(dir, "data.txt")
		os.WriteFile(f, []byte(c.data), 0o644)
		for _, m := range modes {
			r := labtest.Run(t, bin, "", append(m, f)...)
			if w := "shmlab: " + f + c.want + "\n"; r.Code != 1 || r.Stderr != w {
				t.Errorf("shmlab %q on %q: status %d, stderr %q; want 1, %q", m, c.data, r.Code, r.Stderr, w)
			}
		}
	}
}

func TestModesExclusive(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	r := labtest.Run(t, bin, "", "-posix", "-memfd", labtest.Testdata(t, "shm.txt"))
	if w := "shmlab: choose one of -sysv, -posix and -memfd\n"; r.Code != 2 || r.Stderr != w {
		t.Errorf("shmlab -posix -memfd: status %d, stderr %q; want 2, %q", r.Code, r.Stderr, w)
	}
}

// TestSegmentLimit runs the lab in a private IPC namespace whose shmmax is
// lowered to 4096 bytes: 1,000 items need more, and the error says which
// knob to raise. Namespaces need root (CAP_SYS_ADMIN).
func TestSegmentLimit(t *testing.T) {
	labtest.NeedRoot(t, "a private IPC namespace (CLONE_NEWIPC)")
	bin := labtest.Build(t, "shmlab")
	in, _ := labtest.Numbers(1000)
	cmd := exec.Command("/bin/sh", "-c", "echo 4096 > /proc/sys/kernel/shmmax && exec \"$0\"", bin)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWIPC}
	cmd.Stdin = strings.NewReader(in)
	out, err := cmd.CombinedOutput()
	w := "shmlab: shmget: invalid argument (a segment of 8064 bytes exceeds /proc/sys/kernel/shmmax)\n"
	if err == nil || string(out) != w {
		t.Errorf("shmlab with shmmax 4096: %v, output %q; want %q", err, out, w)
	}
}

func TestFaults(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	// p1's result line is megabytes long: it fills the unread stdout pipe
	// and p1 stops there, before it publishes.
	in, _ := labtest.Numbers(200000)
	for _, m := range modes[1:] {
		t.Run(m[0], func(t *testing.T) {
			labtest.Faults(t, bin, "shmlab", in, m, "p1")
		})
	}
}
