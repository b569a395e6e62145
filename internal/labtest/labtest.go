//go:build linux

// Package labtest runs the lab binaries as a user would, for the tests: it
// builds them, runs them with a deadline, finds their children and lists
// the IPC objects they leave behind.
package labtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"ipclab/internal/proc"
	"ipclab/ipc"
)

// Deadline bounds one run of a lab: not a speed limit, a guard against a
// hang turning into a stuck test run.
const Deadline = 2 * time.Minute

// The labs a test starts have only descriptors 0, 1 and 2 open, as from a
// fresh terminal: whatever this test binary inherited beyond them (a CI
// runner's, a shell's or a job wrapper's leaked descriptor) is closed on
// exec. A lab's -trace names the descriptor numbers the kernel gave its
// parent, the lowest free ones, which an inherited descriptor would shift;
// make course records the traces the tests compare the same way
// (scripts/std-fds.sh).
func init() {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		panic("labtest: " + err.Error())
	}
	for _, e := range ents {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

var (
	buildMu  sync.Mutex
	built    = map[string]string{}
	buildDir string
)

// Build builds ./cmd/name of this module (static, like the Makefile) once
// per test binary and returns the path of the binary.
func Build(t testing.TB, name string) string {
	t.Helper()
	return build(t, name, name)
}

// BuildLink builds the multicall ./cmd/ipclab once per test binary and
// returns the path of a link to it named name, as the boot image and the
// container have /bin/mqlab: the lab with all of ipclab's parts (mqlab
// bench is there alone).
func BuildLink(t testing.TB, name string) string {
	t.Helper()
	bin := Build(t, "ipclab")
	buildMu.Lock()
	defer buildMu.Unlock()
	link := filepath.Join(buildDir, "multicall", name)
	if _, err := os.Lstat(link); err == nil {
		return link
	}
	os.Mkdir(filepath.Dir(link), 0o755)
	if err := os.Symlink(bin, link); err != nil {
		t.Fatal(err)
	}
	return link
}

// BuildWASM builds ./cmd/name for WASI preview 1 (GOOS=wasip1 GOARCH=wasm,
// like make wasm) once per test binary and returns the path of name.wasm.
func BuildWASM(t testing.TB, name string) string {
	t.Helper()
	return build(t, name, name+".wasm", "GOOS=wasip1", "GOARCH=wasm")
}

// build builds ./cmd/name into file in the shared build directory, with
// env added to the go command's environment.
func build(t testing.TB, name, file string, env ...string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if p, ok := built[file]; ok {
		return p
	}
	if buildDir == "" {
		d, err := os.MkdirTemp("", "ipclab-bin-")
		if err != nil {
			t.Fatal(err)
		}
		// Open to all: some tests run the labs as another user.
		os.Chmod(d, 0o755)
		buildDir = d
	}
	out := filepath.Join(buildDir, file)
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", out, "./cmd/"+name)
	cmd.Dir = ModuleRoot(t)
	cmd.Env = append(append(os.Environ(), "CGO_ENABLED=0"), env...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s go build ./cmd/%s: %v\n%s", strings.Join(env, " "), name, err, b)
	}
	built[file] = out
	return out
}

// ModuleRoot is the directory holding go.mod.
func ModuleRoot(t testing.TB) string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Testdata returns the path of a file in the module's testdata directory.
func Testdata(t testing.TB, name string) string {
	return filepath.Join(ModuleRoot(t), "testdata", name)
}

// Result is how a run ended.
type Result struct {
	Stdout, Stderr string
	Code           int // exit status; -1 if killed by a signal
	Pid            int // the lab's (parent's) process id
}

// Mark is an environment variable with a value unique to this test process;
// every process a lab starts inherits it, so leftovers can be found.
var Mark = "IPCLAB_TEST_MARK=" + randomHex()

func randomHex() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Command prepares a run of bin with args and the test mark in its
// environment.
func Command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), Mark)
	return cmd
}

// Run runs bin with args and stdin, waits for it and checks that nothing
// was left behind: no process, no IPC object.
func Run(t testing.TB, bin, stdin string, args ...string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	cmd := Command(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	// An object that exists before the start is not this run's, whatever
	// its key says (a killed lab's leftover keyed to a pid now reused).
	before := allObjects()
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Pid: cmd.Process.Pid}
	r.Code = exitCode(t, err)
	if ctx.Err() != nil {
		t.Fatalf("%s %q: no end within %v\nstdout: %.500s\nstderr: %s", filepath.Base(bin), args, Deadline, r.Stdout, r.Stderr)
	}
	checkClean(t, r.Pid, before)
	return r
}

func exitCode(t testing.TB, err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// CheckClean fails the test if a process of this test or an IPC object
// created by process pid is still there.
func CheckClean(t testing.TB, pid int) {
	t.Helper()
	checkClean(t, pid, nil)
}

func checkClean(t testing.TB, pid int, before map[string]bool) {
	t.Helper()
	// Children end when they notice their parent's death (their lifeline
	// reads end-of-file), which takes a moment: give them up to two
	// seconds to go.
	var procs []string
	for i := 0; i < 100; i++ {
		if procs = Marked(t); len(procs) == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(procs) > 0 {
		t.Errorf("processes left behind: %v", procs)
	}
	var objs []string
	for _, o := range Objects(t, pid) {
		if !before[o] {
			objs = append(objs, o)
		}
	}
	if len(objs) > 0 {
		t.Errorf("IPC objects left behind by pid %d: %v", pid, objs)
	}
}

// Marked lists the live processes carrying this test's Mark, as "pid cmd".
func Marked(t testing.TB) []string {
	t.Helper()
	var found []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err != nil || !bytes.Contains(env, []byte(Mark+"\x00")) {
			continue
		}
		if st, _ := os.ReadFile("/proc/" + e.Name() + "/stat"); isZombie(st) {
			continue
		}
		cmd, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		found = append(found, e.Name()+" "+strings.ReplaceAll(string(cmd), "\x00", " "))
	}
	return found
}

func isZombie(stat []byte) bool {
	i := bytes.LastIndexByte(stat, ')')
	return i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z'
}

// Children returns the pids of pid's children by role ("p1", "p2").
func Children(pid int) map[string]int {
	kids := map[string]int{}
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		c, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		st, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(st, ')')
		f := strings.Fields(string(st[i+1:]))
		if len(f) < 2 || f[1] != strconv.Itoa(pid) {
			continue
		}
		cmd, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		args := strings.Split(string(cmd), "\x00")
		if len(args) > 1 && strings.HasPrefix(args[1], "-ipclab.role=") {
			kids[strings.TrimPrefix(args[1], "-ipclab.role=")] = c
		}
	}
	return kids
}

// WaitChildren polls until pid has all the children named in roles.
func WaitChildren(t testing.TB, pid int, roles ...string) map[string]int {
	t.Helper()
	for i := 0; i < 1000; i++ {
		kids := Children(pid)
		all := true
		for _, r := range roles {
			if kids[r] == 0 {
				all = false
			}
		}
		if all {
			return kids
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("pid %d never had children %v", pid, roles)
	return nil
}

// Objects lists the IPC objects process pid created and that still exist:
// System V queues and segments with the key the labs derive from pid (or,
// for segments, whose creator is pid), and POSIX queues and shared memory
// objects whose name carries pid ("/ipclab-mq-PID-…").
func Objects(t testing.TB, pid int) []string {
	t.Helper()
	var objs []string
	p := strconv.Itoa(pid)
	// A queue's entry shows no creator: the labs' keys carry the pid
	// (proc.ObjectKey). A segment's shows its creator (cpid).
	key := strconv.Itoa(proc.KeyPrefix | pid&0xffffff)
	for _, f := range []struct{ file, kind, col, want string }{
		{"/proc/sysvipc/msg", "msg", "key", key},
		{"/proc/sysvipc/shm", "shm", "cpid", p},
	} {
		b, err := os.ReadFile(f.file)
		if err != nil {
			continue // no CONFIG_SYSVIPC: nothing to leak
		}
		lines := strings.Split(string(b), "\n")
		col := indexOf(strings.Fields(lines[0]), f.col)
		if col < 0 {
			t.Fatalf("%s has no %s column: %q", f.file, f.col, lines[0])
		}
		for _, l := range lines[1:] {
			fs := strings.Fields(l)
			if col < len(fs) && (fs[col] == f.want || f.kind == "shm" && fs[0] == key) {
				objs = append(objs, f.kind+" id "+fs[1])
			}
		}
	}
	MountMqueue(t)
	for _, dir := range []string{"/dev/mqueue", "/dev/shm"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), "-"+p+"-") {
				objs = append(objs, dir+"/"+e.Name())
			}
		}
	}
	return objs
}

func indexOf(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

var mqOnce sync.Once

// MountMqueue makes /dev/mqueue list the POSIX queues: the kernel needs no
// mount to use them, only to show them. It needs root (CAP_SYS_ADMIN);
// without the mount the queue check is skipped, saying so.
func MountMqueue(t testing.TB) {
	mqOnce.Do(func() {
		if _, err := os.Stat("/dev/mqueue"); err == nil {
			var st, dev syscall.Statfs_t
			syscall.Statfs("/dev/mqueue", &st)
			syscall.Statfs("/dev", &dev)
			if st.Type != dev.Type {
				return
			}
		}
		os.MkdirAll("/dev/mqueue", 0o755)
		if err := syscall.Mount("mqueue", "/dev/mqueue", "mqueue", 0, ""); err != nil {
			t.Logf("cannot mount mqueue on /dev/mqueue (%v): POSIX queues are not checked for leaks", err)
		}
	})
}

// Tool returns the path of a program the test needs, failing with its name
// when it is missing.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("this test needs %s on PATH: %v", name, err)
	}
	return p
}

// Untimed returns the lines of a lab's trace (its standard error) without
// their times (see ipc.ParseTraceLine), as "[p1] write(4, [12], 8) = 8";
// lines that are not the trace's stay as they are.
func Untimed(stderr string) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if _, _, role, text, ok := ipc.ParseTraceLine(l); ok {
			if role != "" {
				text = "[" + role + "] " + text
			}
			l = text
		}
		lines = append(lines, l)
	}
	return lines
}

// allObjects is every System V queue and segment, POSIX queue and /dev/shm
// file there is now, named as Objects names them.
func allObjects() map[string]bool {
	all := map[string]bool{}
	for _, f := range []struct{ file, kind string }{
		{"/proc/sysvipc/msg", "msg"},
		{"/proc/sysvipc/shm", "shm"},
	} {
		b, _ := os.ReadFile(f.file)
		lines := strings.Split(string(b), "\n")
		for _, l := range lines[min(1, len(lines)):] {
			if fs := strings.Fields(l); len(fs) > 1 {
				all[f.kind+" id "+fs[1]] = true
			}
		}
	}
	for _, dir := range []string{"/dev/mqueue", "/dev/shm"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			all[dir+"/"+e.Name()] = true
		}
	}
	return all
}
