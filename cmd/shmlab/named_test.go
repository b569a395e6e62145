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

const (
	sampleP1   = "Result(in process p1): [220, 330, 40, 550]\nSum(in process p1): 1140\n"
	sampleMain = "Result(in main program): [220, 330, 40, 550]\nSum(in main program): 1140\n"
)

// place is a named segment a test's writer and reader meet at.
type place struct {
	kind   string
	where  []string // -name NAME, or -sysv -key K
	rm     []string // the arguments of shmlab rm
	trace  []string // what read -trace shows of its removal
	exists func() bool
}

var places int

// newPlaces returns a fresh POSIX name and a fresh System V key, unique to
// this test process.
func newPlaces(t *testing.T) []place {
	places++
	name := "ipclab-test-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(places)
	key := strconv.Itoa(0x73<<24 | (os.Getpid()&0xffff)<<8 | places&0xff)
	return []place{
		{"posix", []string{"-name", name}, []string{name}, []string{`[read] shm_unlink("/` + name + `") = 0`},
			func() bool { _, err := os.Lstat("/dev/shm/" + name); return err == nil }},
		{"sysv", []string{"-sysv", "-key", key}, []string{"-sysv", "-key", key}, []string{"[read] shmctl(", "IPC_RMID, NULL) = 0"},
			func() bool { return sysvKeyExists(t, key) }},
	}
}

// sysvKeyExists reports whether a System V segment has the key (decimal).
func sysvKeyExists(t *testing.T, key string) bool {
	b, err := os.ReadFile("/proc/sysvipc/shm")
	if err != nil {
		t.Skipf("no System V shared memory: %v", err)
	}
	for _, l := range strings.Split(string(b), "\n")[1:] {
		if f := strings.Fields(l); len(f) > 0 && f[0] == key {
			return true
		}
	}
	return false
}

// TestNamed: two unrelated processes meet at a named segment, POSIX or
// System V, whichever comes first; the reader removes it at the end.
func TestNamed(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	data := labtest.Testdata(t, "shm.txt")
	for _, first := range []string{"read", "write"} {
		for _, p := range newPlaces(t) {
			t.Run(p.kind+"/"+first+" first", func(t *testing.T) {
				write := append(append([]string{"write", "-trace"}, p.where...), data)
				read := append([]string{"read", "-trace"}, p.where...)
				var w, r labtest.Result
				if first == "read" {
					wait := labtest.Start(t, bin, read...)
					labtest.WaitUntil(t, "the reader's segment", p.exists)
					w = labtest.Run(t, bin, "", write...)
					out, errs, err := wait()
					r = labtest.Result{Stdout: out, Stderr: errs}
					if err != nil {
						t.Fatalf("shmlab %q: %v, stderr %q", read, err, errs)
					}
				} else {
					// Not labtest.Run: the writer leaves the segment for the
					// reader, which its leak check would count against it.
					wait := labtest.Start(t, bin, write...)
					out, errs, err := wait()
					if err != nil || !p.exists() {
						t.Fatalf("shmlab %q: %v, stderr %q, segment there: %v", write, err, errs, p.exists())
					}
					w = labtest.Result{Stdout: out, Stderr: errs}
					r = labtest.Run(t, bin, "", read...)
				}
				if w.Stdout != sampleP1 || r.Stdout != sampleMain {
					t.Errorf("write printed %q, read %q; want %q, %q", w.Stdout, r.Stdout, sampleP1, sampleMain)
				}
				wantRead := p.trace
				if first == "read" {
					wantRead = append(wantRead, "FUTEX_WAIT, 0, NULL) = 0")
				}
				for _, c := range []struct {
					role, stderr string
					want         []string
				}{
					{"read", r.Stderr, wantRead},
					{"write", w.Stderr, []string{"[write] futex(0x", "FUTEX_WAKE, 1) = "}},
				} {
					for _, s := range c.want {
						if !strings.Contains(c.stderr, s) {
							t.Errorf("%s -trace: no %q in\n%s", c.role, s, c.stderr)
						}
					}
				}
				if p.exists() {
					t.Errorf("the segment is still there after read")
				}
			})
		}
	}
}

// TestNamedRemove: rm removes a segment a writer left, and says so
// plainly when there is none.
func TestNamedRemove(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	for _, p := range newPlaces(t) {
		t.Run(p.kind, func(t *testing.T) {
			write := append(append([]string{"write"}, p.where...), labtest.Testdata(t, "shm.txt"))
			if err := labtest.Command(context.Background(), bin, write...).Run(); err != nil || !p.exists() {
				t.Fatalf("shmlab %q: %v, segment there: %v", write, err, p.exists())
			}
			rm := append([]string{"rm", "-trace"}, p.rm...)
			if r := labtest.Run(t, bin, "", rm...); r.Code != 0 || p.exists() || !strings.Contains(r.Stderr, "[rm] ") {
				t.Errorf("shmlab %q: status %d, stderr %q, segment there: %v", rm, r.Code, r.Stderr, p.exists())
			}
			r := labtest.Run(t, bin, "", append([]string{"rm"}, p.rm...)...)
			if r.Code != 1 || !strings.Contains(r.Stderr, "no such file or directory (there is no segment ") {
				t.Errorf("shmlab %q again: status %d, stderr %q; want 1, no segment", rm, r.Code, r.Stderr)
			}
		})
	}
}

// TestReadTimeout: read -timeout gives up when no writer comes, and
// removes the segment it made.
func TestReadTimeout(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	for _, p := range newPlaces(t) {
		args := append([]string{"read", "-timeout", "200ms"}, p.where...)
		r := labtest.Run(t, bin, "", args...)
		want := "shmlab: waiting on the POSIX segment /" + p.rm[0] + " (/dev/shm/" + p.rm[0] + ") for a writer: shmlab write -name " + p.rm[0] + " FILE\n"
		if p.kind == "sysv" {
			want = "shmlab: waiting on the System V segment with key " + p.where[2] + " for a writer: shmlab write -sysv -key " + p.where[2] + " FILE\n"
		}
		if want += "shmlab: timed out after 200ms waiting for a writer\n"; r.Code != 1 || r.Stderr != want || r.Stdout != "" {
			t.Errorf("shmlab %q: status %d, stdout %q, stderr %q; want 1, %q", args, r.Code, r.Stdout, r.Stderr, want)
		}
		if p.exists() {
			t.Errorf("shmlab %q left its segment", args)
		}
	}
}

// TestNamedUsage: bad names and options are refused in one line, with
// status 2, before anything is made.
func TestNamedUsage(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	const invalid = ": a name is 1 to 255 bytes, without /, and not . or .."
	long := strings.Repeat("x", 256)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"write", "-name", "a/b"}, `invalid name "a/b"` + invalid},
		{[]string{"read", "-name", ".."}, `invalid name ".."` + invalid},
		{[]string{"read", "-name", long}, `invalid name "` + long + `"` + invalid},
		{[]string{"rm", "/"}, `invalid name ""` + invalid},
		{[]string{"read"}, "name the object: -name NAME (or -sysv -key K)"},
		{[]string{"rm"}, "name the object: -name NAME (or -sysv -key K)"},
		{[]string{"read", "-sysv", "-key", "0"}, `-key: "0" is not a key: a non-zero number such as 42 or 0x2a`},
		{[]string{"read", "-sysv", "-name", "x"}, "-sysv needs -key K (and no name): System V objects are found by key"},
		{[]string{"rm", "-key", "5"}, "-key goes with -sysv"},
		{[]string{"read", "-name", "x", "extra"}, "unexpected argument extra"},
		{[]string{"read", "-name", "x", "-timeout", "soon"}, `-timeout: "soon" is not a duration such as 500ms, 2s or 1m`},
		{[]string{"write", "-name", "x", "-timeout", "1s"}, "unknown option -timeout (see shmlab write -h)"},
	} {
		r := labtest.Run(t, bin, "", c.args...)
		if want := "shmlab: " + c.want + "\n"; r.Code != 2 || r.Stderr != want {
			t.Errorf("shmlab %q: status %d, stderr %q; want 2, %q", c.args, r.Code, r.Stderr, want)
		}
	}
}

// TestOneReader: read says once what it waits on and how to write to it;
// while it waits, a second read of the name is refused with one line
// naming the first, which then reads the writer's results as if alone.
func TestOneReader(t *testing.T) {
	bin := labtest.Build(t, "shmlab")
	name := newPlaces(t)[0].rm[0]
	pid, line, wait := labtest.StartLine(t, bin, "read", "-name", name)
	if want := "shmlab: waiting on the POSIX segment /" + name + " (/dev/shm/" + name + ") for a writer: shmlab write -name " + name + " FILE\n"; line != want {
		t.Fatalf("read's first line: %q, want %q", line, want)
	}
	r := labtest.RunBeside(t, bin, "read", "-name", name)
	want := "shmlab: the POSIX segment /" + name + " (/dev/shm/" + name + ") is in use by shmlab read -name " + name +
		" (pid " + strconv.Itoa(pid) + "): try again later, or choose another name\n"
	if r.Code != 1 || r.Stdout != "" || r.Stderr != want {
		t.Errorf("a second read: status %d, stdout %q, stderr %q; want 1, nothing, %q", r.Code, r.Stdout, r.Stderr, want)
	}
	if w := labtest.RunBeside(t, bin, "write", "-name", name, labtest.Testdata(t, "shm.txt")); w.Code != 0 || w.Stdout != sampleP1 {
		t.Errorf("write: status %d, stdout %q, stderr %q", w.Code, w.Stdout, w.Stderr)
	}
	out, errs, err := wait()
	if err != nil || out != sampleMain || errs != "" {
		t.Errorf("the first read: %v, stdout %q, stderr after the first line %q; want %q and nothing", err, out, errs, sampleMain)
	}
	if _, err := os.Lstat("/dev/shm/" + name); err == nil {
		t.Errorf("/dev/shm/%s is still there after read", name)
	}
}
