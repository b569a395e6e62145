package ipc

import (
	"errors"
	"os"
	"strconv"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// skipENOSYS skips the test when err says the kernel lacks feature.
func skipENOSYS(t *testing.T, err error, feature string) {
	t.Helper()
	if errors.Is(err, unix.ENOSYS) {
		t.Skipf("kernel without %s: %v", feature, err)
	}
}

var nameSeq atomic.Int32

// uniqueName returns a POSIX IPC name no other test or test run uses.
func uniqueName(kind string) string {
	return "/ipclab-test-" + kind + "-" + strconv.Itoa(os.Getpid()) + "-" + strconv.Itoa(int(nameSeq.Add(1)))
}

// closeLater closes fd when the test ends.
func closeLater(t *testing.T, fd int) {
	t.Cleanup(func() { unix.Close(fd) })
}
