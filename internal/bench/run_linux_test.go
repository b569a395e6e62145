package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"ipclab/internal/labtest"
	"ipclab/internal/record"
	"ipclab/ipc"
)

// A lab's benchmark as a user runs it: the lab,
// its option for the mechanism, and the sizes to try.
type labBench struct {
	lab, flag, mech string
	sizes           []int
}

var benches = []labBench{
	{"pipelab", "", "pipe", []int{8, 64, 4096, 65536}},
	{"mqlab", "", "mq", []int{8, 64, 4096}},
	{"mqlab", "-sysv", "sysv", []int{8, 64, 4096}},
	{"shmlab", "", "shm", []int{8, 64, 4096, 65536}},
}

// bin builds the lab: mqlab as a link to the multicall ipclab, since
// the standalone mqlab leaves bench out (see internal/suite).
func (b labBench) bin(t *testing.T) string {
	if b.lab == "mqlab" {
		return labtest.BuildLink(t, b.lab)
	}
	return labtest.Build(t, b.lab)
}

func (b labBench) args(more ...string) []string {
	args := []string{"bench"}
	if b.flag != "" {
		args = append(args, b.flag)
	}
	return append(args, more...)
}

// TestLabs runs every mechanism in both modes with small counts: each
// run must end well, print ref.c's fields and leave nothing behind (the
// children's sequence checks would have failed it otherwise). No timing
// is asserted.
func TestLabs(t *testing.T) {
	for _, b := range benches {
		bin := b.bin(t)
		for _, mode := range []string{"thr", "lat"} {
			for _, size := range b.sizes {
				t.Run(b.mech+"/"+mode+"/"+strconv.Itoa(size), func(t *testing.T) {
					r := labtest.Run(t, bin, "", b.args("-json", "-mode", mode, "-size", strconv.Itoa(size), "-count", "500")...)
					if r.Code != 0 || r.Stderr != "" {
						t.Fatalf("%s %q: status %d, stderr %q", b.lab, b.args(), r.Code, r.Stderr)
					}
					checkJSON(t, r.Stdout, b.mech, mode, size, 500)
				})
			}
		}
	}
}

// TestLabsOneP runs every mechanism in both modes with GOMAXPROCS 1, as
// on a one-CPU board: the loops then make the ordinary calls, through the
// scheduler, not the raw ones (see lockThread).
func TestLabsOneP(t *testing.T) {
	t.Setenv("GOMAXPROCS", "1")
	for _, b := range benches {
		bin := b.bin(t)
		for _, mode := range []string{"thr", "lat"} {
			t.Run(b.mech+"/"+mode, func(t *testing.T) {
				r := labtest.Run(t, bin, "", b.args("-json", "-mode", mode, "-size", "64", "-count", "300")...)
				if r.Code != 0 || r.Stderr != "" {
					t.Fatalf("GOMAXPROCS=1 %s %q: status %d, stderr %q", b.lab, b.args(), r.Code, r.Stderr)
				}
				checkJSON(t, r.Stdout, b.mech, mode, 64, 300)
			})
		}
	}
}

// checkJSON checks one line of bench -json output: ref.c's fields in its
// order, and values that fit the run.
func checkJSON(t *testing.T, out, mech, mode string, size, count int) {
	t.Helper()
	line, rest, _ := strings.Cut(out, "\n")
	if rest != "" {
		t.Fatalf("output %q: want one line", out)
	}
	if keys := jsonKeys(t, line); !slices.Equal(keys, refFields) {
		t.Fatalf("%s: keys %q, want ref.c's %q", line, keys, refFields)
	}
	var r struct {
		Impl, Mech, Mode string
		Size, Count      int
		Seconds          float64
		MsgsPerS         float64 `json:"msgs_per_s"`
		MBPerS           float64 `json:"mb_per_s"`
		P50              int64   `json:"rtt_p50_ns"`
		P99              int64   `json:"rtt_p99_ns"`
	}
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	if r.Impl != "ipclab" || r.Mech != mech || r.Mode != mode || r.Size != size || r.Count != count {
		t.Errorf("%s: want impl ipclab, mech %s, mode %s, size %d, count %d", line, mech, mode, size, count)
	}
	if r.Seconds <= 0 || r.MsgsPerS <= 0 || r.MBPerS <= 0 {
		t.Errorf("%s: want positive seconds and rates", line)
	}
	if lat := mode == "lat"; lat && (r.P50 <= 0 || r.P99 < r.P50) || !lat && (r.P50 != 0 || r.P99 != 0) {
		t.Errorf("%s: round-trip times wrong for %s", line, mode)
	}
}

// TestDefaultCount lets the benchmark size its run (about a second) and
// prints the line for people.
func TestDefaultCount(t *testing.T) {
	b := benches[0]
	r := labtest.Run(t, b.bin(t), "", b.args("-mode", "lat")...)
	want := regexp.MustCompile(`^pipe  lat      64 B +[0-9]+\.[0-9] msgs/s +[0-9]+\.[0-9]{2} MB/s   rtt p50 [0-9]+ ns  p99 [0-9]+ ns\n$`)
	if r.Code != 0 || !want.MatchString(r.Stdout) {
		t.Errorf("pipelab bench -mode lat: status %d, stdout %q, stderr %q; want a line matching %s", r.Code, r.Stdout, r.Stderr, want)
	}
}

func TestUsage(t *testing.T) {
	bin := labtest.BuildLink(t, "mqlab")
	const bad = "mqlab: bench takes -mode thr or lat, -size from 8 to 1073741824, -count from 0 and no argument (see mqlab bench -h)\n"
	for _, c := range []struct {
		args   []string
		code   int
		stdout string // a prefix
		stderr string
	}{
		{[]string{"-h"}, 0, "Usage: mqlab bench [-sysv] [-mode thr|lat] [-size BYTES] [-count N] [-json]\n", ""},
		{[]string{"-mode", "fast"}, 2, "", bad},
		{[]string{"-size", "7"}, 2, "", bad},
		{[]string{"-size", "2000000000"}, 2, "", bad},
		{[]string{"-count", "-1"}, 2, "", bad},
		{[]string{"10"}, 2, "", bad},
		{[]string{"-x"}, 2, "", "mqlab: unknown option -x (see mqlab bench -h)\n"},
		{[]string{"-size", "65536", "-count", "10"}, 1, "", "mqlab: mq_open: invalid argument (messages are at most /proc/sys/fs/mqueue/msgsize_max bytes, 8192 by default)\n"},
	} {
		r := labtest.Run(t, bin, "", append([]string{"bench"}, c.args...)...)
		if r.Code != c.code || !strings.HasPrefix(r.Stdout, c.stdout) || r.Stderr != c.stderr {
			t.Errorf("mqlab bench %q: status %d, stdout %.80q, stderr %q; want %d, %q…, %q", c.args, r.Code, r.Stdout, r.Stderr, c.code, c.stdout, c.stderr)
		}
	}
	// The standalone mqlab has no bench: it says where it is.
	r := labtest.Run(t, labtest.Build(t, "mqlab"), "", "bench", "-h")
	if want := "mqlab: bench is not in this mqlab, built small without it: run ipclab mqlab bench\n"; r.Code != 2 || r.Stderr != want {
		t.Errorf("standalone mqlab bench -h: status %d, stderr %q; want 2, %q", r.Code, r.Stderr, want)
	}
}

// TestChildKilled kills the benchmark's child in the middle of a long run:
// the parent, whatever it was waiting on, must say so, end with status 1
// and leave no process or IPC object behind.
func TestChildKilled(t *testing.T) {
	for _, b := range benches {
		for _, mode := range []string{"thr", "lat"} {
			t.Run(b.mech+"/"+mode, func(t *testing.T) {
				bin := b.bin(t)
				ctx, cancel := context.WithTimeout(context.Background(), labtest.Deadline)
				defer cancel()
				cmd := labtest.Command(ctx, bin, b.args("-mode", mode, "-count", "1000000000")...)
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				kid := waitChild(t, cmd.Process.Pid)
				time.Sleep(50 * time.Millisecond) // into the run
				syscall.Kill(kid, syscall.SIGKILL)
				err := cmd.Wait()
				var ee interface{ ExitCode() int }
				if !errors.As(err, &ee) || ee.ExitCode() != 1 || stderr.String() != b.lab+": bench killed by signal 9\n" {
					t.Errorf("%s %q with its child killed: %v, stderr %q; want status 1, %q", b.lab, b.args(), err, stderr.String(), b.lab+": bench killed by signal 9\n")
				}
				labtest.CheckClean(t, cmd.Process.Pid)
			})
		}
	}
}

// waitChild returns the pid of pid's benchmark child once it runs.
func waitChild(t *testing.T, pid int) int {
	t.Helper()
	for range 1000 {
		ents, _ := os.ReadDir("/proc")
		for _, e := range ents {
			st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
			i := bytes.LastIndexByte(st, ')')
			if err != nil || i < 0 {
				continue
			}
			f := strings.Fields(string(st[i+1:]))
			cmd, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
			if len(f) > 1 && f[1] == strconv.Itoa(pid) && bytes.Contains(cmd, []byte("\x00-ipclab.role=bench\x00")) {
				kid, _ := strconv.Atoi(e.Name())
				return kid
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("pid %d never started its benchmark child", pid)
	return 0
}

// badEcho is a Conn whose answers skip one number.
type badEcho struct {
	last  []byte
	count int
}

func (c *badEcho) Send(msg []byte) error {
	c.last = append(c.last[:0], msg...)
	if c.count++; c.count == 3 {
		record.Put(c.last, record.Get(c.last)+1)
	}
	return nil
}

func (c *badEcho) Receive(buf []byte) error { copy(buf, c.last); return nil }

// TestDriveChecksReplies: in lat mode the parent checks the numbers of
// the answers too.
func TestDriveChecksReplies(t *testing.T) {
	r, w, err := ipc.Pipe2(unix.O_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	defer ipc.Close(r)
	defer ipc.Close(w)
	ipc.WriteAll(w, []byte{1, 1}) // the child's "ready" and "done"
	b := &bench{mode: "lat", size: 64}
	res := b.drive(&badEcho{}, r, 10)
	if want := "the answer to message 2 came as number 3: 1 lost or reordered"; res.err == nil || res.err.Error() != want {
		t.Errorf("drive with a bad echo: %v, want %q", res.err, want)
	}
}
