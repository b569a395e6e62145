//go:build linux

package labtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nsScript runs in the private namespaces: it mounts the namespace's own
// mqueue file system and an empty /dev/shm, runs the setup, marks the
// setup done on descriptor 3, runs the lab, then lists on descriptor 3
// every IPC object left in the namespace.
const nsScript = `set -e
mkdir -p /dev/mqueue
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
` + "%s" + `
echo ready >&3
set +e
"$0" "$@"
s=$?
ls -A /dev/mqueue /dev/shm | sed -n 's/^[^/].*/object &/p' >&3
tail -n +2 /proc/sysvipc/msg | sed 's/^/msg /' >&3
tail -n +2 /proc/sysvipc/shm | sed 's/^/shm /' >&3
exit $s`

// InIPCNamespace runs bin with args and stdin in a private IPC namespace
// (and mount namespace: its own /dev/mqueue and /dev/shm) after the shell
// commands setup, which lower the namespace's limits: /proc/sys/kernel/shm*
// and msg*, /proc/sys/fs/mqueue/* are per IPC namespace, and setup may mount
// a smaller /dev/shm. With nobody set, the lab runs as uid 65534 (setpriv),
// without root's CAP_SYS_RESOURCE. The test fails if an IPC object is left
// in the namespace or a process of the test anywhere. Namespaces need root:
// the test is skipped without it.
func InIPCNamespace(t *testing.T, setup string, nobody bool, bin, stdin string, args ...string) Result {
	t.Helper()
	NeedRoot(t, "a private IPC namespace (CLONE_NEWIPC, CAP_SYS_ADMIN)")
	if nobody {
		args = append([]string{"--reuid=65534", "--regid=65534", "--clear-groups", "--", bin}, args...)
		bin = Tool(t, "setpriv")
	}
	report, err := os.Create(filepath.Join(t.TempDir(), "report"))
	if err != nil {
		t.Fatal(err)
	}
	defer report.Close()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	script := strings.Replace(nsScript, "%s", setup, 1)
	cmd := Command(ctx, "/bin/sh", append([]string{"-c", script, bin}, args...)...)
	// Go makes / private (MS_REC|MS_PRIVATE) in a new mount namespace made
	// with Unshareflags: the mounts stay inside.
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWIPC | syscall.CLONE_NEWNS}
	cmd.ExtraFiles = []*os.File{report}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	r := Result{Stdout: out.String(), Stderr: errb.String(), Pid: cmd.Process.Pid, Code: exitCode(t, err)}
	if ctx.Err() != nil {
		t.Fatalf("%s %q: no end within %v\nstderr: %s", filepath.Base(bin), args, Deadline, r.Stderr)
	}
	b, _ := os.ReadFile(report.Name())
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if lines[0] != "ready" {
		t.Fatalf("setting up the namespace (%s) failed: status %d, stderr %s", setup, r.Code, r.Stderr)
	}
	if len(lines) > 1 {
		t.Errorf("%s %q left in its IPC namespace: %q", filepath.Base(bin), args, lines[1:])
	}
	CheckClean(t, r.Pid)
	return r
}
