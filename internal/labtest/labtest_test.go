//go:build linux

package labtest

import (
	"context"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"ipclab/ipc"
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
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	cmd := Command(ctx, bin, "-sysv")
	cmd.Stdin = strings.NewReader(in)
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	defer pr.Close()
	pid := cmd.Process.Pid
	kids := WaitChildren(t, pid, "p1", "p2")
	for _, k := range kids {
		syscall.Kill(k, syscall.SIGSTOP)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	cmd.Wait()
	for _, k := range kids {
		syscall.Kill(k, syscall.SIGKILL)
	}
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
