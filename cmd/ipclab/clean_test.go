//go:build linux

package main

import (
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"ipclab/internal/labtest"
	"ipclab/internal/proc"
	"ipclab/ipc"
)

// TestCleanKilledLab makes a real leftover — mqlab -sysv with its
// children stopped and its parent SIGKILLed keeps its queue — and checks
// that "ipclab clean -n PID" only names it and "ipclab clean PID" removes
// it. The PID keeps the test off other leftovers on the machine.
func TestCleanKilledLab(t *testing.T) {
	bin := labtest.Build(t, "ipclab")
	in, _ := labtest.Numbers(100000)
	pid := labtest.Abandon(t, labtest.Build(t, "mqlab"), in, []string{"-sysv"}, "p1", "p2")
	objs := labtest.Objects(t, pid)
	if len(objs) != 1 || !strings.HasPrefix(objs[0], "msg id ") {
		t.Fatalf("after SIGKILL to mqlab -sysv, Objects(%d) = %q, want its queue", pid, objs)
	}
	id := strings.TrimPrefix(objs[0], "msg id ")
	key := "0x" + strconv.FormatInt(int64(proc.KeyPrefix|pid), 16)
	want := "would remove System V queue " + id + " (key " + key + ") of pid " + strconv.Itoa(pid) + ", which is gone\n"
	r := labtest.Run(t, bin, "", "clean", "-n", strconv.Itoa(pid))
	if r.Code != 0 || !strings.Contains(r.Stdout, want) || !strings.HasSuffix(r.Stdout, "ipclab clean: 1 to remove\n") {
		t.Errorf("ipclab clean -n %d: status %d, stdout %q; want 0 and %q", pid, r.Code, r.Stdout, want)
	}
	if got := labtest.Objects(t, pid); len(got) != 1 {
		t.Fatalf("ipclab clean -n %d removed something: Objects = %q", pid, got)
	}
	r = labtest.Run(t, bin, "", "clean", strconv.Itoa(pid))
	if want = "removed" + strings.TrimPrefix(want, "would remove"); r.Code != 0 || !strings.Contains(r.Stdout, want) || !strings.HasSuffix(r.Stdout, "ipclab clean: 1 removed\n") {
		t.Errorf("ipclab clean %d: status %d, stdout %q; want 0 and %q", pid, r.Code, r.Stdout, want)
	}
	labtest.CheckClean(t, pid)
}

// TestCleanKinds leaves one object of each kind under the name or key of a
// process that has ended, as a lab killed at the wrong moment would, and
// checks that clean finds and removes each.
func TestCleanKinds(t *testing.T) {
	bin := labtest.Build(t, "ipclab")
	labtest.MountMqueue(t)
	for _, c := range []struct {
		kind, want string
		make       func(pid int) error
	}{
		{"sysv queue", "System V queue", func(pid int) error {
			_, err := ipc.Msgget(proc.KeyPrefix|pid, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
			return err
		}},
		{"sysv segment", "System V segment", func(pid int) error {
			_, err := ipc.ShmGet(proc.KeyPrefix|pid, 4096, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
			return err
		}},
		{"posix queue", "POSIX queue /dev/mqueue/ipclab-mq-", func(pid int) error {
			mqd, err := ipc.MqOpen("/ipclab-mq-"+strconv.Itoa(pid)+"-1", unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600, nil)
			if err == nil {
				ipc.Close(mqd)
			}
			return err
		}},
		{"posix shm", "POSIX shared memory /dev/shm/ipclab-shm-", func(pid int) error {
			fd, err := ipc.ShmOpen("/ipclab-shm-"+strconv.Itoa(pid)+"-1", unix.O_RDWR|unix.O_CREAT|unix.O_EXCL, 0o600)
			if err == nil {
				ipc.Close(fd)
			}
			return err
		}},
	} {
		t.Run(c.kind, func(t *testing.T) {
			pid := endedPid(t)
			if err := c.make(pid); err != nil {
				t.Fatalf("making a %s for pid %d: %v", c.kind, pid, err)
			}
			if c.kind == "posix queue" {
				if _, err := os.Stat("/dev/mqueue/ipclab-mq-" + strconv.Itoa(pid) + "-1"); err != nil {
					ipc.MqUnlink("/ipclab-mq-" + strconv.Itoa(pid) + "-1")
					t.Skipf("mqueue is not mounted on /dev/mqueue (%v): clean cannot see POSIX queues", err)
				}
			}
			if got := labtest.Objects(t, pid); len(got) != 1 {
				t.Fatalf("Objects(%d) = %q, want the %s", pid, got, c.kind)
			}
			r := labtest.Run(t, bin, "", "clean", strconv.Itoa(pid))
			if r.Code != 0 || !strings.Contains(r.Stdout, "removed "+c.want) || !strings.HasSuffix(r.Stdout, "ipclab clean: 1 removed\n") {
				t.Errorf("ipclab clean %d: status %d, stdout %q; want 0 and the %s removed", pid, r.Code, r.Stdout, c.want)
			}
			if got := labtest.Objects(t, pid); len(got) != 0 {
				t.Errorf("after ipclab clean %d, Objects = %q", pid, got)
			}
		})
	}
}

// TestCleanKeepsTheLiving: an object whose maker still runs is not a
// leftover.
func TestCleanKeepsTheLiving(t *testing.T) {
	bin := labtest.Build(t, "ipclab")
	id, err := ipc.Msgget(proc.ObjectKey(), unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer ipc.MsgRemove(id)
	pid := strconv.Itoa(os.Getpid())
	r := labtest.Run(t, bin, "", "clean", pid)
	if r.Code != 0 || r.Stdout != "ipclab clean: 0 removed\n" {
		t.Errorf("ipclab clean %s (a live pid): status %d, stdout %q; want 0 and nothing removed", pid, r.Code, r.Stdout)
	}
	if _, err := ipc.MsgStat(id); err != nil {
		t.Errorf("ipclab clean %s removed the live process's queue: %v", pid, err)
	}
}

func TestCleanUsage(t *testing.T) {
	bin := labtest.Build(t, "ipclab")
	r := labtest.Run(t, bin, "", "clean", "x")
	if want := "ipclab: clean: \"x\" is not a process id (see ipclab clean -h)\n"; r.Code != 2 || r.Stderr != want {
		t.Errorf("ipclab clean x: status %d, stderr %q; want 2, %q", r.Code, r.Stderr, want)
	}
}

// endedPid returns the pid of a process that has ended.
func endedPid(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestCleanNamed leaves what killed and finished named runs leave, in a
// private IPC namespace (its own /dev/mqueue and /dev/shm, so the
// machine's objects are never touched): clean removes the queue and the
// segment of a receiver and a reader killed while they waited (SIGTERM:
// a shell's background job ignores Ctrl-C's SIGINT), and keeps, saying why, a queue and a segment that hold data and
// a queue a receiver still waits on; a queue of another shape is not the
// labs' and is not mentioned.
func TestCleanNamed(t *testing.T) {
	bin := labtest.Build(t, "ipclab")
	const script = `set -e
I=$0 Q=$1 S=$2 T=$3
"$I" mqlab recv -name empty 2>/dev/null & p=$!
until [ -e /dev/mqueue/empty ]; do sleep 0.01; done
kill -TERM $p; wait $p || :
"$I" shmlab read -name shmempty 2>/dev/null & p=$!
until [ -e /dev/shm/shmempty ]; do sleep 0.01; done
kill -TERM $p; wait $p || :
"$I" mqlab send -name full "$Q" >/dev/null
"$I" shmlab write -name shmfull "$S" >/dev/null
: >/dev/mqueue/other
"$I" mqlab recv -name busy >/dev/null 2>"$T/busy.err" & p=$!
until [ -s "$T/busy.err" ]; do sleep 0.01; done
echo "busy $p"
"$I" clean
"$I" mqlab send -name busy "$Q" >/dev/null
wait $p
"$I" mqlab rm full
"$I" shmlab rm shmfull
rm /dev/mqueue/other`
	r := labtest.InIPCNamespace(t, "", false, "/bin/sh", "", "-c", script, bin,
		labtest.Testdata(t, "queue.txt"), labtest.Testdata(t, "shm.txt"), t.TempDir())
	first, out, _ := strings.Cut(r.Stdout, "\n")
	busy := strings.TrimPrefix(first, "busy ")
	want := []string{
		"ipclab clean: kept POSIX queue /dev/mqueue/full: it holds 6 messages (mqlab recv -name full takes them, mqlab rm full removes it)",
		"ipclab clean: kept POSIX queue /dev/mqueue/busy: in use by ipclab mqlab recv -name busy (pid " + busy + ")",
		"ipclab clean: kept POSIX shared memory /dev/shm/shmfull: it holds a writer's results, or one is at work (shmlab read -name shmfull takes them, shmlab rm shmfull removes it)",
		"removed POSIX queue /dev/mqueue/empty: named, empty, and used by no one",
		"removed POSIX shared memory /dev/shm/shmempty: named, empty, and used by no one",
		"ipclab clean: 2 removed",
	}
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if r.Code != 0 || !slices.Equal(got, want) {
		t.Errorf("in the namespace: status %d, stderr %q\nclean said %q\nwant (in any order) %q", r.Code, r.Stderr, got, want)
	}
}
