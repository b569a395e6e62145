//go:build linux

package labtest

import (
	"strconv"
	"strings"
	"testing"

	"ipclab/ipc"

	"golang.org/x/sys/unix"
)

// TestObjectsSeesLeaks proves the leak check can fail: a lab whose
// processes are all SIGKILLed cannot remove its System V queue, and Objects
// must find it. (When only the parent dies, its children remove the queue;
// POSIX queues and /dev/shm objects are unlinked at once and cannot leak
// this way.) The children are stopped first, so that none of them can act
// on its parent's death. The test removes the queue itself afterwards.
func TestObjectsSeesLeaks(t *testing.T) {
	bin := Build(t, "mqlab")
	in, _ := Numbers(100000)
	pid := Abandon(t, bin, in, []string{"-sysv"}, "p1", "p2")
	objs := Objects(t, pid)
	if len(objs) != 1 || !strings.HasPrefix(objs[0], "msg id ") {
		t.Fatalf("after SIGKILL to mqlab -sysv, Objects(%d) = %q, want its queue", pid, objs)
	}
	id, _ := strconv.Atoi(strings.TrimPrefix(objs[0], "msg id "))
	if err := ipc.MsgRemove(id); err != nil {
		t.Fatalf("removing the leaked queue %d: %v", id, err)
	}
	CheckClean(t, pid)
}

// TestAllObjects: the snapshot Run takes before a start holds a queue that
// exists, so a leftover keyed to a reused pid is not blamed on the new run.
func TestAllObjects(t *testing.T) {
	id, err := ipc.Msgget(unix.IPC_PRIVATE, unix.IPC_CREAT|unix.IPC_EXCL|0o600)
	if err != nil {
		t.Fatal(err)
	}
	if !allObjects()["msg id "+strconv.Itoa(id)] {
		t.Errorf("allObjects() has no msg id %d", id)
	}
	if err := ipc.MsgRemove(id); err != nil {
		t.Fatal(err)
	}
	if allObjects()["msg id "+strconv.Itoa(id)] {
		t.Errorf("allObjects() still has msg id %d after its removal", id)
	}
}
