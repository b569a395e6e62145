package ipc

import (
	"errors"
	"os"
	"strconv"
	"strings"
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

// untimed is a trace without its times (see ParseTraceLine): each line
// as "[role] call(…) = r".
func untimed(trace string) string {
	var b []byte
	for _, l := range strings.SplitAfter(trace, "\n") {
		if l == "" {
			continue
		}
		_, _, role, text, ok := ParseTraceLine(strings.TrimSuffix(l, "\n"))
		if !ok {
			b = append(b, l...)
			continue
		}
		if role != "" {
			b = append(b, "["+role+"] "...)
		}
		b = append(append(b, text...), '\n')
	}
	return string(b)
}
