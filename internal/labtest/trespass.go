//go:build linux

package labtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// Nobody is the uid and gid of the user "nobody", whom the trespass tests
// are: another user, without privileges, on the same machine.
const Nobody = 65534

// NeedRoot skips the test unless it runs as root; what says what needs
// it ("a private IPC namespace (CLONE_NEWIPC)").
func NeedRoot(t testing.TB, what string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip(what + " needs root")
	}
}

// RunAsNobody is Run as uid and gid 65534 with no supplementary groups
// (SysProcAttr.Credential: the process drops root's identity and all its
// capabilities before exec). It needs root, and skips the test without it.
func RunAsNobody(t *testing.T, bin, stdin string, args ...string) Result {
	t.Helper()
	NeedRoot(t, "running a lab as another user (uid 65534)")
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	cmd := Command(ctx, bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: Nobody, Gid: Nobody, Groups: []uint32{}}}
	cmd.Dir = "/"
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Pid: cmd.Process.Pid, Code: exitCode(t, err)}
	if ctx.Err() != nil {
		t.Fatalf("%s %q as nobody: no end within %v", filepath.Base(bin), args, Deadline)
	}
	CheckClean(t, r.Pid)
	return r
}

// Refused checks that r is one line on standard error, "name: ...: " and
// then EACCES's or EPERM's text, with status 1 and nothing on standard
// output.
func Refused(t *testing.T, name string, args []string, r Result) {
	t.Helper()
	line, rest, _ := strings.Cut(r.Stderr, "\n")
	denied := strings.HasSuffix(line, ": permission denied") || strings.HasSuffix(line, ": operation not permitted")
	if r.Code != 1 || rest != "" || !strings.HasPrefix(line, name+": ") || !denied || r.Stdout != "" {
		t.Errorf("%s %q as nobody: status %d, stdout %q, stderr %q; want 1 and one line ending in permission denied (or operation not permitted)",
			name, args, r.Code, r.Stdout, r.Stderr)
	}
}

// SysVMode returns the permissions column of the System V object with key
// in /proc/sysvipc/FILE (msg or shm), as octal text ("600"), or "".
func SysVMode(t *testing.T, file string, key int) string {
	t.Helper()
	b, err := os.ReadFile("/proc/sysvipc/" + file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(b), "\n")
	perms := indexOf(strings.Fields(lines[0]), "perms")
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) > perms && f[0] == strconv.Itoa(key) {
			return f[perms]
		}
	}
	return ""
}

// CreatesPrivately runs bin with -trace (and args) on stdin and checks
// that each of the calls in want shows in the trace, and that every call
// that makes an object another process could open (O_CREAT, IPC_CREAT,
// mkfifo) makes it exclusively (O_EXCL, IPC_EXCL; mkfifo fails on an
// existing path) and with mode 0600.
func CreatesPrivately(t *testing.T, bin, stdin string, args []string, want ...string) {
	t.Helper()
	args = append(args[:len(args):len(args)], "-trace")
	r := Run(t, bin, stdin, args...) // its status is other tests' business
	for _, w := range want {
		if !strings.Contains(r.Stderr, w) {
			t.Errorf("%s %q: no %q in the trace:\n%s", filepath.Base(bin), args, w, r.Stderr)
		}
	}
	for _, l := range strings.Split(r.Stderr, "\n") {
		creates := strings.Contains(l, "_CREAT")
		private := strings.Contains(l, ", 0600") || strings.Contains(l, "|0600")
		if (creates || strings.Contains(l, "mkfifo(")) && (creates && !strings.Contains(l, "_EXCL") || !private) {
			t.Errorf("%s %q: %q creates an object without _EXCL or mode 0600", filepath.Base(bin), args, l)
		}
	}
}
