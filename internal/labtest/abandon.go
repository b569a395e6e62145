//go:build linux

package labtest

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Abandon makes a real leftover: it starts bin with args on input, waits
// for the children in roles, stops the parent (SIGSTOP, so that it cannot
// act on its children's death), SIGKILLs the children and then the
// parent. What the lab had made and not yet removed stays behind — a
// System V queue, for mqlab -sysv. It returns the parent's pid, for
// Objects.
//
// (Stopping the children and killing the parent instead would not do: a
// stopped child whose parent dies is in an orphaned process group, which
// the kernel sends SIGHUP and SIGCONT, and it may clean up before it dies.)
func Abandon(t testing.TB, bin, input string, args []string, roles ...string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), Deadline)
	defer cancel()
	// Nobody reads the output: the lab stays mid-transfer.
	cmd, pr, _ := startUnread(ctx, t, bin, input, args, nil)
	defer pr.Close()
	pid := cmd.Process.Pid
	kids := WaitChildren(t, pid, roles...)
	syscall.Kill(pid, syscall.SIGSTOP)
	// kill returns before every thread has stopped: one still running
	// could see a child die and clean up.
	waitStopped(t, pid)
	for _, k := range kids {
		syscall.Kill(k, syscall.SIGKILL)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	cmd.Wait()
	return pid
}

// waitStopped polls until every thread of process pid is stopped.
func waitStopped(t testing.TB, pid int) {
	t.Helper()
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	for i := 0; i < 1000; i++ {
		ents, _ := os.ReadDir(dir)
		stopped := len(ents) > 0
		for _, e := range ents {
			st, _ := os.ReadFile(dir + e.Name() + "/stat")
			j := bytes.LastIndexByte(st, ')')
			if j < 0 || j+2 >= len(st) || st[j+2] != 'T' {
				stopped = false
			}
		}
		if stopped {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("process %d did not stop after SIGSTOP", pid)
}
