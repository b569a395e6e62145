package proc

import (
	"syscall"
	"testing"
)

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		ws   syscall.WaitStatus // as wait4 gives it
		want string
	}{
		{0, "exited with status 0"},
		{3 << 8, "exited with status 3"},
		{9, "killed by signal 9"},
		{6 | 0x80, "killed by signal 6 (core dumped)"},
		{19<<8 | 0x7f, "stopped by signal 19"},
		{0xffff, "continued"},
	} {
		if got := Describe(c.ws); got != c.want {
			t.Errorf("Describe(%#x) = %q, want %q", int(c.ws), got, c.want)
		}
	}
}
