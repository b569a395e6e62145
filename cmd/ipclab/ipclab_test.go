//go:build linux

package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ipclab/internal/labtest"
	"ipclab/internal/text"
)

// labsDir builds ipclab, the multicall binary, and returns its path.
func labsDir(t *testing.T) string {
	return labtest.Build(t, "ipclab")
}

func TestPass(t *testing.T) {
	bin := labsDir(t)
	for _, args := range [][]string{nil, {"-data", filepath.Dir(labtest.Testdata(t, "pipe.txt"))}} {
		r := labtest.Run(t, bin, "", args...)
		for _, want := range []string{
			"Messages Received: 423\n", "Queue elements:\n120\n340\n4230\n20\n10\n",
			"Sum(in main program): 1140\n", "ipclab: pipelab ok\n", "ipclab: mqlab ok\n", "ipclab: shmlab ok\n",
		} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("ipclab %q: output lacks %q:\n%s", args, want, r.Stdout)
			}
		}
		if r.Code != 0 || !strings.HasSuffix(r.Stdout, "\nipclab: 3/3 labs passed\n") {
			t.Errorf("ipclab %q: status %d, stderr %q, last line of %q; want 0 and the summary", args, r.Code, r.Stderr, r.Stdout)
		}
	}
}

// TestMulticall runs the labs in ipclab, busybox style: named by a link
// to ipclab, or by ipclab's first argument. Errors name the lab; a
// mistyped command gets a suggestion.
func TestMulticall(t *testing.T) {
	bin := labsDir(t)
	dir := t.TempDir()
	for _, l := range []string{"pipelab", "mqlab", "shmlab"} {
		if err := os.Symlink(bin, filepath.Join(dir, l)); err != nil {
			t.Fatal(err)
		}
	}
	queue := labtest.Testdata(t, "queue.txt")
	queueOut := "Queue = list * 10\nQueue elements:\n120\n340\n4230\n20\n10\n"
	for _, c := range []struct {
		bin    string // ipclab, or a link's name
		args   []string
		code   int
		stdout string // exactly, if set
		stderr string // exactly
	}{
		{"mqlab", []string{queue}, 0, queueOut, ""},
		{"ipclab", []string{"mqlab", "-sysv", queue}, 0, queueOut, ""},
		{"shmlab", []string{"-memfd", labtest.Testdata(t, "shm.txt")}, 0,
			"Result(in process p1): [220, 330, 40, 550]\nSum(in process p1): 1140\n" +
				"Result(in main program): [220, 330, 40, 550]\nSum(in main program): 1140\n", ""},
		{"ipclab", []string{"mqlab", "recieve", "-name", "lab"}, 2, "", "mqlab: unknown command \"recieve\" (did you mean recv?)\n"},
		{"mqlab", []string{"recieve", "-name", "lab"}, 2, "", "mqlab: unknown command \"recieve\" (did you mean recv?)\n"},
		{"ipclab", []string{"pipelab", "sned"}, 2, "", "pipelab: unknown command \"sned\" (did you mean send?)\n"},
		{"ipclab", []string{"shmlab", "raed", "-name", "x"}, 2, "", "shmlab: unknown command \"raed\" (did you mean read?)\n"},
		{"ipclab", []string{"mqlab", "frobnicate", "-x"}, 2, "",
			"mqlab: unknown command \"frobnicate\" (mqlab has send, recv, stat, rm, bench)\n"},
		{"ipclab", []string{"benhc"}, 2, "", "ipclab: unknown command \"benhc\" (did you mean bench?)\n"},
		{"ipclab", []string{"frobnicate"}, 2, "",
			"ipclab: unknown command \"frobnicate\" (ipclab has pipelab, mqlab, shmlab, ipcs, clean, bench, diagram)\n"},
		{"ipclab", []string{"mqlab", "no-such-file"}, 1, "", "mqlab: no-such-file: no such file or directory\n"},
		{"ipclab", []string{"mqlab", "-x"}, 2, "", "mqlab: unknown option -x (see mqlab -h)\n"},
		{"ipclab", []string{"mqlab", "send", "-x"}, 2, "", "mqlab: unknown option -x (see mqlab send -h)\n"},
	} {
		path := bin
		if c.bin != "ipclab" {
			path = filepath.Join(dir, c.bin)
		}
		r := labtest.Run(t, path, "", c.args...)
		if r.Code != c.code || c.stdout != "" && r.Stdout != c.stdout || r.Stderr != c.stderr {
			t.Errorf("%s %q: status %d, stdout %q, stderr %q; want %d, %q, %q",
				c.bin, c.args, r.Code, r.Stdout, r.Stderr, c.code, c.stdout, c.stderr)
		}
	}
}

// TestChildrenNamed checks that a lab run as "ipclab pipelab" starts its
// children under its own name: they execute /proc/self/exe, the multicall
// binary, which must run pipelab's children, not ipclab.
func TestChildrenNamed(t *testing.T) {
	input, _ := labtest.Numbers(100000)
	labtest.Fault(t, labsDir(t), input, []string{"pipelab"}, []string{"p1", "p2"}, func(parent int, kids map[string]int) {
		for role, pid := range kids {
			b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
			if err != nil {
				t.Fatal(err)
			}
			if argv := strings.Split(string(b), "\x00"); argv[0] != "pipelab" {
				t.Errorf("ipclab pipelab: %s runs as %q, want argv[0] pipelab", role, argv)
			}
		}
		syscall.Kill(parent, syscall.SIGTERM)
	})
}

// TestFailingSample: a sample the lab rejects fails the suite with the
// lab's own message on stderr.
func TestFailingSample(t *testing.T) {
	bin := labsDir(t)
	dir := t.TempDir()
	for name, data := range map[string]string{"pipe.txt": "1 2 0\n", "queue.txt": "5\n", "shm.txt": "500000000000000000 500000000000000000\n"} {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
	}
	r := labtest.Run(t, bin, "", "-data", dir)
	want := "ipclab: 2/3 labs passed; failed: shmlab (shmlab exited with status 1)\n"
	if r.Code != 1 || !strings.HasSuffix(r.Stdout, want) || !strings.Contains(r.Stderr, "the sum overflows") {
		t.Errorf("ipclab on an overflowing sample: status %d, stderr %q, stdout ends %q; want 1, %q", r.Code, r.Stderr, lastLine(r.Stdout), want)
	}
}

func lastLine(s string) string {
	l := text.Lines(s)
	if len(l) == 0 {
		return ""
	}
	return l[len(l)-1]
}
